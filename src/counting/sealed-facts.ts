import { sql } from 'kysely';
import type { Election } from '../domain/tables.ts';
import type { Trx } from '../platform/db/index.ts';
import type { SealedElection } from './record-builder.ts';

/** The roll and the box as the seal counts them: who voted how, and how many ballots of each channel the box holds. */
export interface BoxCounts {
  roll: number;
  electronic: number;
  paper: number;
  boxElectronic: number;
  boxPaper: number;
  present: number;
}

/** Counts the roll and the (unsealed) box of an election; after the seal the box counts are 0. */
export async function boxCounts(trx: Trx, e: Pick<Election, 'id' | 'meeting_id'>): Promise<BoxCounts> {
  const { rows: [n] } = await sql<BoxCounts>`
    select count(*) as roll,
           count(*) filter (where r.channel = 'electronic') as electronic,
           count(*) filter (where r.channel = 'paper') as paper,
           (select count(*) from ballots where election_id = ${e.id} and channel = 'electronic') as "boxElectronic",
           (select count(*) from ballots where election_id = ${e.id} and channel = 'paper') as "boxPaper",
           count(*) filter (where coalesce(a.present, false) or r.channel is not null) as present
    from roll r
    left join attendance a on a.meeting_id = ${e.meeting_id} and a.deputy_id = r.deputy_id
    where r.election_id = ${e.id}`.execute(trx);
  return n!;
}

/**
 * What a record is built from besides its ballots (record-builder.ts, and build-v2.ts for encrypted
 * elections): the election's rules and meeting, its options in ballot order, and the roll's figures.
 * `e` is the election's locked row, past its close (opened, closed and with 应到 frozen).
 */
export async function electionFacts(trx: Trx, e: Election, counts: BoxCounts): Promise<Omit<SealedElection, 'ballots'>> {
  const meeting = await trx.selectFrom('meetings').select(['id', 'title', 'year']).where('id', '=', e.meeting_id).executeTakeFirstOrThrow();
  const options = await trx.selectFrom('election_options').select(['key', 'title']).where('election_id', '=', e.id).orderBy('position').execute();
  const deputiesTotal = e.deputies_total!;
  // 实到 as the database saw it at the close; whoever voted or took a paper ballot was present.
  const present = Math.min(deputiesTotal, Math.max(e.present_at_close ?? counts.present, counts.electronic + counts.paper));
  return {
    election: {
      id: e.id, title: e.title, kind: e.kind, runoffOf: e.runoff_of, openedAt: e.opened_at!, closedAt: e.closed_at!,
      marking: e.marking, seats: e.seats, passBase: e.pass_base, deputiesTotal, meeting,
    },
    options,
    roll: { eligible: deputiesTotal, present, electronic: counts.electronic, paperIssued: e.paper_issued, paperReturned: e.paper_returned ?? 0 },
  };
}
