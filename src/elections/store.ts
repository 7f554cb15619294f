import { sql } from 'kysely';
import { appendAudit } from '../audit/store.ts';
import { attendanceSummary } from '../meetings/store.ts';
import { codeKey, matchCodes } from '../domain/codes.ts';
import { acceptsBallots, CERTIFICATIONS_REQUIRED, isFrozen } from '../domain/lifecycle.ts';
import type { Election } from '../domain/tables.ts';
import type { BallotMode, ElectionKind, Electorate, Marking, PassBase } from '../domain/vocabulary.ts';
import type { Acting } from '../platform/acting.ts';
import type { Db, Trx } from '../platform/db/index.ts';
import { Refused } from '../platform/refusal.ts';
import { ValidationError } from '../platform/validation.ts';
import type { ElectionLinks, ElectionListItem, ElectionView, NamedScrutineer, Turnout } from './model.ts';
import { type LifecycleRefusal, lockElection, transition } from './transition.ts';
import { validThreshold } from './rules.ts';
import { type OpeningRefusal, openingRefusal } from '../ceremonies/store.ts';

/** Why an election cannot open, close or be scheduled, beyond the lifecycle's own refusals. */
export type ElectionRefusal = LifecycleRefusal | 'quorum' | 'time' | 'no-scrutineers' | 'meeting-unpublished' | 'not-draft' | 'ceremony-started' | OpeningRefusal;

export async function getElection(db: Db, id: number): Promise<ElectionView | undefined> {
  const e = await db.selectFrom('elections as e').innerJoin('meetings as m', 'm.id', 'e.meeting_id')
    .selectAll('e').select(['m.title as meetingTitle', 'm.year as meetingYear', 'm.shared_tablets as sharedTablets'])
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
export async function electionsByMeeting(db: Db): Promise<Map<number, ElectionListItem[]>> {
  const rows = await db.selectFrom('elections').select(['id', 'meeting_id', 'kind', 'title', 'state']).orderBy('id').execute();
  const map = new Map<number, ElectionListItem[]>();
  for (const r of rows) {
    const list = map.get(r.meeting_id) ?? [];
    list.push({ id: r.id, kind: r.kind, title: r.title, state: r.state });
    map.set(r.meeting_id, list);
  }
  return map;
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
  // The paper ballots counted back, as the secretariat recorded them (the seal checks the box against this figure).
  const paperReturned = (await db.selectFrom('elections').select('paper_returned').where('id', '=', electionId).executeTakeFirst())?.paper_returned ?? 0;
  const electronic = c?.electronic ?? 0;
  return {
    eligible: c?.eligible ?? 0, present: c?.present ?? 0, electronic, paperIssued: c?.paper ?? 0, paperReturned,
    voted: electronic + paperReturned, waiting,
  };
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
export interface NewElection {
  meetingId: number;
  kind: ElectionKind;
  title: string;
  marking: Marking;
  seats: number | null;
  passBase: PassBase;
  electorate?: Electorate;
  runoffOf?: number | null;
  /** The void election this one holds again. */
  rerunOf?: number | null;
  /** Options in ballot order; `key` is the id published in the record. */
  options: { key: string; title: string; candidateId?: number | null }[];
  /** Deputies (ids, of the meeting's term) named as scrutineers, in order; may be named later, before the vote opens. */
  scrutineers?: readonly number[];
  /** Why a further selection is held in a meeting that already has one. */
  note?: string | null;
  /**
   * How ballots are kept (docs/encrypted-ballots.md): 'plaintext' unless said (the database's default),
   * and in encrypted mode the trustee threshold k (2 … 99; whether enough scrutineers are named for
   * it is checked when the key ceremony starts, and by setBallotMode when it is changed).
   */
  ballotMode?: BallotMode;
  threshold?: number | null;
}

/** An election in draft, with its options in ballot order. */
export async function createElection(db: Db, acting: Acting, input: NewElection): Promise<Election> {
  return db.transaction().execute((trx) => insertElection(trx, acting, input));
}

/** createElection inside a caller's transaction (a runoff is created under its selection's lock). */
export async function insertElection(trx: Trx, acting: Acting, input: NewElection): Promise<Election> {
  const election = await trx.insertInto('elections').values({
    meeting_id: input.meetingId, kind: input.kind, title: input.title, marking: input.marking, seats: input.seats,
    pass_base: input.passBase, electorate: input.electorate ?? 'all-deputies', runoff_of: input.runoffOf ?? null, rerun_of: input.rerunOf ?? null,
    deputies_total: null, opened_at: null, closed_at: null, close_scheduled_at: null, void_reason: null, note: input.note ?? null,
    ...ballotModeValues(input),
  }).returningAll().executeTakeFirstOrThrow();
  await trx.insertInto('election_options').values(input.options.map((o, i) => ({
    election_id: election.id, position: i + 1, key: o.key, title: o.title, candidate_id: o.candidateId ?? null,
  }))).execute();
  const scrutineers = input.scrutineers ?? [];
  if (scrutineers.length > 0) {
    await trx.insertInto('election_scrutineers').values(scrutineers.map((deputy_id, i) => ({ election_id: election.id, deputy_id, position: i + 1 }))).execute();
  }
  await appendAudit(trx, acting.clock, acting.actor, {
    action: 'election.create', subject: `election:${election.id}`,
    details: {
      meetingId: input.meetingId, kind: input.kind, marking: input.marking, seats: input.seats, passBase: input.passBase, options: input.options.map((o) => o.key),
      ...(scrutineers.length > 0 ? { scrutineers: await deputyCodes(trx, scrutineers) } : {}),
      ...(input.note ? { note: input.note } : {}),
      ...(input.ballotMode === 'encrypted' ? { ballotMode: 'encrypted', threshold: input.threshold } : {}),
      ...(input.runoffOf ? { runoffOf: input.runoffOf } : {}), ...(input.rerunOf ? { rerunOf: input.rerunOf } : {}),
    },
  });
  return election;
}

/** The columns of a new election's ballot mode: none for plaintext (the default), k checked for encrypted. */
function ballotModeValues(input: NewElection): { ballot_mode?: BallotMode; trustee_threshold?: number } {
  if (input.ballotMode !== 'encrypted') return {};
  const k = input.threshold ?? 0;
  if (!validThreshold(k)) throw new ValidationError([{ field: 'threshold', key: 'ballotMode.thresholdRange' }]);
  return { ballot_mode: 'encrypted', trustee_threshold: k };
}

/**
 * Opens a draft election: checks the quorum (实到 × 3 ≥ 应到 × 2) in the same transaction, writes the
 * roll (every deputy of the term, or the standing committee) and freezes 应到 (deputies_total).
 * Casting is possible from now on.
 */
export async function openElection(db: Db, acting: Acting, electionId: number): Promise<void> {
  await db.transaction().execute((trx) => transition(trx, acting, electionId, 'open', async (e) => {
    // The public sees the meeting, its candidates and its scrutineers before anyone votes.
    const meeting = await trx.selectFrom('meetings').select('published_at').where('id', '=', e.meeting_id).executeTakeFirstOrThrow();
    if (!meeting.published_at) throw new Refused<ElectionRefusal>('meeting-unpublished');
    const attendance = await attendanceSummary(trx, e.meeting_id, e.electorate);
    if (!attendance.quorum) throw new Refused<ElectionRefusal>('quorum', { present: attendance.present, expected: attendance.expected });
    // Who certifies the result is known before anyone votes.
    const named = await trx.selectFrom('election_scrutineers').select((eb) => eb.fn.countAll<number>().as('n')).where('election_id', '=', electionId).executeTakeFirstOrThrow();
    if (Number(named.n) < CERTIFICATIONS_REQUIRED) throw new Refused<ElectionRefusal>('no-scrutineers', { named: Number(named.n), required: CERTIFICATIONS_REQUIRED });
    // In encrypted mode: a complete key ceremony, and every trustee has proved it holds its key share.
    const encrypted = await openingRefusal(trx, e);
    if (encrypted) throw new Refused<ElectionRefusal>(encrypted.reason, encrypted.detail);
    const { term_id: termId } = await trx.selectFrom('meetings').select('term_id').where('id', '=', e.meeting_id).executeTakeFirstOrThrow();
    let deputies = trx.selectFrom('deputies').select('id').where('term_id', '=', termId);
    if (e.electorate === 'standing-committee') deputies = deputies.where('standing_committee', '=', true);
    const ids = (await deputies.execute()).map((d) => d.id);
    // The election's own partitions of the roll and the ballot box, which the seal discards whole
    // (docs/threat-model.md); made by the database's owner, as the application's role makes no tables.
    await sql`select minsheng_open_ballot_box(${electionId}::integer)`.execute(trx);
    for (let i = 0; i < ids.length; i += 1000) {
      await trx.insertInto('roll').values(ids.slice(i, i + 1000).map((deputy_id) => ({
        election_id: electionId, deputy_id, channel: null, voted_at: null, issued_at: null,
      }))).execute();
    }
    return { set: { opened_at: acting.clock.now(), deputies_total: ids.length }, details: { deputiesTotal: ids.length }, result: undefined };
  }));
}

/** Closes an open election by hand: no more casting; paper ballots are then counted back and keyed. */
export async function closeElection(db: Db, acting: Acting, electionId: number): Promise<void> {
  await db.transaction().execute((trx) => transition(trx, acting, electionId, 'close', () => ({ set: { closed_at: acting.clock.now() }, result: undefined })));
}

/**
 * Sets the time an open election closes by itself (the scheduler closes it then). Refused unless
 * the time is a time in the future (`undefined` stands for what could not be read as one).
 */
export async function scheduleClose(db: Db, acting: Acting, electionId: number, at: Date | undefined): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const e = await trx.selectFrom('elections').select('state').where('id', '=', electionId).forUpdate().executeTakeFirst();
    if (!e) throw new Refused<ElectionRefusal>('not-found');
    if (!at || !(at > acting.clock.now())) throw new Refused<ElectionRefusal>('time');
    if (!acceptsBallots(e.state)) throw new Refused<ElectionRefusal>('wrong-state');
    await trx.updateTable('elections').set({ close_scheduled_at: at }).where('id', '=', electionId).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'election.schedule-close', subject: `election:${electionId}`, details: { at: at.toISOString() } });
  });
}

/** The state of an election now (for live pages that follow it), or undefined. */
export async function electionState(db: Db, electionId: number): Promise<Election['state'] | undefined> {
  return (await db.selectFrom('elections').select('state').where('id', '=', electionId).executeTakeFirst())?.state;
}


async function liveCeremonyOf(trx: Trx, electionId: number) {
  return trx.selectFrom('key_ceremonies').select('id').where('election_id', '=', electionId).where('state', 'in', ['running', 'complete']).executeTakeFirst();
}

async function deputyCodes(trx: Trx, ids: readonly number[]): Promise<string[]> {
  const rows = await trx.selectFrom('deputies').select(['id', 'code']).where('id', 'in', [...ids]).execute();
  return ids.map((id) => rows.find((r) => r.id === id)?.code ?? String(id));
}

/** The deputies named as scrutineers of an election, in the order named, with their accounts. */
export async function electionScrutineers(db: Db | Trx, electionId: number): Promise<NamedScrutineer[]> {
  return (await scrutineersOf(db, [electionId])).get(electionId) ?? [];
}

/** The named scrutineers of several elections at once (a meeting's votes), by election. */
export async function scrutineersOf(db: Db | Trx, electionIds: readonly number[]): Promise<Map<number, NamedScrutineer[]>> {
  const map = new Map<number, NamedScrutineer[]>();
  if (electionIds.length === 0) return map;
  const rows = await db.selectFrom('election_scrutineers as s').innerJoin('deputies as d', 'd.id', 's.deputy_id')
    .leftJoin('users as u', 'u.deputy_id', 'd.id')
    .select(['s.election_id as electionId', 'd.id as deputyId', 'd.code', 'd.name', 'd.delegation', 'u.id as userId', 'u.username'])
    .select((eb) => eb.exists(eb.selectFrom('user_roles as r').select('r.role').whereRef('r.user_id', '=', 'u.id').where('r.role', '=', 'scrutineer')).as('scrutineer'))
    .where('s.election_id', 'in', [...electionIds]).orderBy('s.election_id').orderBy('s.position').execute();
  for (const r of rows) {
    const list = map.get(r.electionId) ?? [];
    list.push({
      deputyId: r.deputyId, code: r.code, name: r.name, delegation: r.delegation,
      account: r.userId === null ? null : { id: r.userId, username: r.username!, scrutineer: Boolean(r.scrutineer) },
    });
    map.set(r.electionId, list);
  }
  return map;
}

/**
 * Names the scrutineers of a draft election by deputy code (of the meeting's term; case as on the
 * roster or not), replacing any named before. Refused once the election has opened; unknown codes
 * are a ValidationError on the `scrutineers` field. Audited with the codes.
 */
export async function nameScrutineers(db: Db, acting: Acting, electionId: number, codes: readonly string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const e = await lockElection(trx, electionId);
    if (!e) throw new Refused<ElectionRefusal>('not-found');
    if (isFrozen(e.state)) throw new Refused<ElectionRefusal>('wrong-state', { state: e.state });
    // The trustees of a key ceremony are the scrutineers named when it started: fixed from then on.
    if (await liveCeremonyOf(trx, electionId)) throw new Refused<ElectionRefusal>('ceremony-started');
    const { term_id: termId } = await trx.selectFrom('meetings').select('term_id').where('id', '=', e.meeting_id).executeTakeFirstOrThrow();
    const deputies = await trx.selectFrom('deputies').select(['id', 'code'])
      .where('term_id', '=', termId).where(sql<string>`lower(code)`, 'in', codes.map(codeKey)).execute();
    // An exact match first, then one that differs only in case (src/domain/codes.ts).
    const found = matchCodes(codes, deputies);
    const unknown = [...found.unknown, ...found.ambiguous];
    if (unknown.length > 0) throw new ValidationError([{ field: 'scrutineers', key: 'scrutineers.unknownCodes', params: { codes: unknown.join('、') } }]);
    const ids = found.matched.map((m) => m.row.id);
    if (new Set(ids).size !== ids.length) throw new ValidationError([{ field: 'scrutineers', key: 'scrutineers.twice' }]);
    await trx.deleteFrom('election_scrutineers').where('election_id', '=', electionId).execute();
    await trx.insertInto('election_scrutineers').values(ids.map((deputy_id, i) => ({ election_id: electionId, deputy_id, position: i + 1 }))).execute();
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'election.scrutineers', subject: `election:${electionId}`, details: { scrutineers: await deputyCodes(trx, ids) },
    });
  });
}

/**
 * Deletes a vote that never opened (a draft set up by mistake), with its options and named
 * scrutineers; audited with its title. Refused for any other state: a vote that opened is kept.
 */
export async function deleteDraft(db: Db, acting: Acting, electionId: number): Promise<{ meetingId: number }> {
  return db.transaction().execute(async (trx) => {
    const e = await lockElection(trx, electionId);
    if (!e) throw new Refused<ElectionRefusal>('not-found');
    if (e.state !== 'draft') throw new Refused<ElectionRefusal>('not-draft', { state: e.state });
    // A key ceremony's messages are kept (write-once): a vote that held one is not deleted.
    if (await trx.selectFrom('key_ceremonies').select('id').where('election_id', '=', electionId).executeTakeFirst()) throw new Refused<ElectionRefusal>('ceremony-started');
    await trx.deleteFrom('election_scrutineers').where('election_id', '=', electionId).execute();
    await trx.deleteFrom('election_options').where('election_id', '=', electionId).execute();
    await trx.deleteFrom('elections').where('id', '=', electionId).execute();
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'election.delete', subject: `election:${electionId}`, details: { title: e.title, meetingId: e.meeting_id, kind: e.kind },
    });
    return { meetingId: e.meeting_id };
  });
}
