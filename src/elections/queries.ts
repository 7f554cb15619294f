import { sql } from 'kysely';
import type { Db } from '../platform/db/index.ts';
import type { Election } from '../domain/tables.ts';

export interface ElectionView extends Election {
  meetingTitle: string;
  meetingYear: number;
  options: { position: number; key: string; title: string; candidateId: number | null }[];
}

export async function getElection(db: Db, id: number): Promise<ElectionView | undefined> {
  const e = await db.selectFrom('elections as e').innerJoin('meetings as m', 'm.id', 'e.meeting_id')
    .selectAll('e').select(['m.title as meetingTitle', 'm.year as meetingYear'])
    .where('e.id', '=', id).executeTakeFirst();
  if (!e) return undefined;
  const options = await db.selectFrom('election_options').select(['position', 'key', 'title', 'candidate_id as candidateId'])
    .where('election_id', '=', id).orderBy('position').execute();
  return { ...e, options };
}

export async function listElections(db: Db, meetingId: number): Promise<Election[]> {
  return db.selectFrom('elections').selectAll().where('meeting_id', '=', meetingId).orderBy('id').execute();
}

/** Every meeting's elections, for /api/meetings. */
export async function electionsByMeeting(db: Db): Promise<Map<number, { id: number; kind: string; title: string; state: string }[]>> {
  const rows = await db.selectFrom('elections').select(['id', 'meeting_id', 'kind', 'title', 'state']).orderBy('id').execute();
  const map = new Map<number, { id: number; kind: string; title: string; state: string }[]>();
  for (const r of rows) {
    const list = map.get(r.meeting_id) ?? [];
    list.push({ id: r.id, kind: r.kind, title: r.title, state: r.state });
    map.set(r.meeting_id, list);
  }
  return map;
}

export interface Attendance {
  /** 应到: deputies of the meeting's term (or of the electorate). */
  expected: number;
  /** 实到. */
  present: number;
  /** 实到 × 3 ≥ 应到 × 2 (地方组织法 art. 14). */
  quorum: boolean;
}

export function hasQuorum(present: number, expected: number): boolean {
  return present * 3 >= expected * 2;
}

/** 应到 / 实到 for a meeting, over all deputies of its term or only the standing committee. */
export async function attendanceSummary(db: Db, meetingId: number, electorate: 'all-deputies' | 'standing-committee' = 'all-deputies'): Promise<Attendance> {
  const { rows: [r] } = await sql<{ expected: number; present: number }>`
    select count(*) as expected, count(a.deputy_id) filter (where a.present) as present
    from meetings m
    join deputies d on d.term_id = m.term_id
    left join attendance a on a.meeting_id = m.id and a.deputy_id = d.id
    where m.id = ${meetingId} and (${electorate} = 'all-deputies' or d.standing_committee)`.execute(db);
  const expected = r?.expected ?? 0;
  const present = r?.present ?? 0;
  return { expected, present, quorum: hasQuorum(present, expected) };
}

export interface Turnout {
  eligible: number;
  present: number;
  electronic: number;
  paperIssued: number;
  paperReturned: number;
  voted: number;
  /** Present, eligible deputies who have not voted yet: names only, for the secretariat and scrutineers. */
  waiting: { name: string; delegation: string }[];
}

/** Live turnout of an election: counts from the roll only, never from the ballot box. */
export async function turnout(db: Db, electionId: number): Promise<Turnout> {
  const { rows: [c] } = await sql<{ eligible: number; present: number; electronic: number; paper: number }>`
    select count(*) as eligible,
           count(*) filter (where a.present) as present,
           count(*) filter (where r.channel = 'electronic') as electronic,
           count(*) filter (where r.channel = 'paper') as paper
    from roll r
    join elections e on e.id = r.election_id
    left join attendance a on a.meeting_id = e.meeting_id and a.deputy_id = r.deputy_id
    where r.election_id = ${electionId}`.execute(db);
  const waiting = await db.selectFrom('roll as r')
    .innerJoin('elections as e', 'e.id', 'r.election_id')
    .innerJoin('deputies as d', 'd.id', 'r.deputy_id')
    .innerJoin('attendance as a', (j) => j.onRef('a.meeting_id', '=', 'e.meeting_id').onRef('a.deputy_id', '=', 'r.deputy_id'))
    .select(['d.name', 'd.delegation'])
    .where('r.election_id', '=', electionId).where('r.channel', 'is', null).where('a.present', '=', true)
    .orderBy('d.delegation').orderBy('d.code').execute();
  const paperReturned = (await db.selectFrom('ballots').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('election_id', '=', electionId).where('channel', '=', 'paper').executeTakeFirstOrThrow()).n;
  const electronic = c?.electronic ?? 0;
  return {
    eligible: c?.eligible ?? 0, present: c?.present ?? 0, electronic, paperIssued: c?.paper ?? 0, paperReturned,
    voted: electronic + paperReturned, waiting,
  };
}

export interface ElectionLinks {
  /** The count this runoff resolves, when it is one. */
  resolves: { id: number; title: string } | undefined;
  /** Runoffs created from this count (void ones included, so the history stays visible). */
  runoffs: { id: number; title: string; state: Election['state'] }[];
  /** The void election this one holds again. */
  rerunOf: { id: number; title: string; reason: string | null } | undefined;
  /** The election holding this (void) one again. */
  rerunBy: { id: number; title: string; state: Election['state'] } | undefined;
}

/** How an election relates to others: the count a runoff resolves, its runoffs, and void → re-run. */
export async function electionLinks(db: Db, election: Pick<Election, 'id' | 'runoff_of' | 'rerun_of'>): Promise<ElectionLinks> {
  const [resolves, runoffs, rerunOf, rerunBy] = await Promise.all([
    election.runoff_of === null ? undefined
      : db.selectFrom('elections').select(['id', 'title']).where('id', '=', election.runoff_of).executeTakeFirst(),
    db.selectFrom('elections').select(['id', 'title', 'state']).where('runoff_of', '=', election.id).orderBy('id').execute(),
    election.rerun_of === null ? undefined
      : db.selectFrom('elections').select(['id', 'title', 'void_reason as reason']).where('id', '=', election.rerun_of).executeTakeFirst(),
    db.selectFrom('elections').select(['id', 'title', 'state']).where('rerun_of', '=', election.id).executeTakeFirst(),
  ]);
  return { resolves, runoffs, rerunOf, rerunBy };
}
