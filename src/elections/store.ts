import { sql, type Transaction } from 'kysely';
import { appendAudit, type Acting } from '../audit/store.ts';
import type { Database, Db } from '../platform/db/index.ts';
import type { Election } from '../domain/tables.ts';
import type { ElectionKind, Marking, PassBase } from '../domain/record/format.ts';

export interface NewElection {
  meetingId: number;
  kind: ElectionKind;
  title: string;
  marking: Marking;
  seats: number | null;
  passBase: PassBase;
  electorate?: 'all-deputies' | 'standing-committee';
  runoffOf?: number | null;
  /** The void election this one holds again. */
  rerunOf?: number | null;
  /** Options in ballot order; `key` is the id published in the record. */
  options: { key: string; title: string; candidateId?: number | null }[];
}

/** An election in draft, with its options in ballot order. */
export async function createElection(db: Db, acting: Acting, input: NewElection): Promise<Election> {
  return db.transaction().execute((trx) => insertElection(trx, acting, input));
}

/** createElection inside a caller's transaction (a runoff is created under its selection's lock). */
export async function insertElection(trx: Transaction<Database>, acting: Acting, input: NewElection): Promise<Election> {
  const election = await trx.insertInto('elections').values({
    meeting_id: input.meetingId, kind: input.kind, title: input.title, marking: input.marking, seats: input.seats,
    pass_base: input.passBase, electorate: input.electorate ?? 'all-deputies', runoff_of: input.runoffOf ?? null, rerun_of: input.rerunOf ?? null,
    deputies_total: null, opened_at: null, closed_at: null, close_scheduled_at: null, void_reason: null,
  }).returningAll().executeTakeFirstOrThrow();
  await trx.insertInto('election_options').values(input.options.map((o, i) => ({
    election_id: election.id, position: i + 1, key: o.key, title: o.title, candidate_id: o.candidateId ?? null,
  }))).execute();
  await appendAudit(trx, acting.clock, acting.actor, {
    action: 'election.create', subject: `election:${election.id}`,
    details: {
      meetingId: input.meetingId, kind: input.kind, marking: input.marking, seats: input.seats, passBase: input.passBase, options: input.options.map((o) => o.key),
      ...(input.runoffOf ? { runoffOf: input.runoffOf } : {}), ...(input.rerunOf ? { rerunOf: input.rerunOf } : {}),
    },
  });
  return election;
}

/** Marks deputies present (or absent) at a meeting: 签到. */
export async function recordAttendance(db: Db, acting: Acting, meetingId: number, deputyIds: readonly number[], present: boolean): Promise<void> {
  if (deputyIds.length === 0) return;
  await db.transaction().execute(async (trx) => {
    const now = acting.clock.now();
    await trx.insertInto('attendance')
      .values(deputyIds.map((deputy_id) => ({ meeting_id: meetingId, deputy_id, present, changed_at: now, source: 'secretariat' as const })))
      .onConflict((oc) => oc.columns(['meeting_id', 'deputy_id']).doUpdateSet({ present, changed_at: now, source: 'secretariat' }))
      .execute();
    await appendAudit(trx, acting.clock, acting.actor, {
      action: present ? 'attendance.present' : 'attendance.absent', subject: `meeting:${meetingId}`, details: { deputies: deputyIds.length },
    });
  });
}

async function lockElection(trx: Transaction<Database>, electionId: number) {
  return trx.selectFrom('elections as e').innerJoin('meetings as m', 'm.id', 'e.meeting_id')
    .select(['e.id', 'e.state', 'e.meeting_id', 'e.electorate', 'm.term_id'])
    .where('e.id', '=', electionId).forUpdate('e').executeTakeFirst();
}

/**
 * Opens a draft election: writes the roll (every deputy of the term, or the standing committee) and
 * freezes 应到 (deputies_total). Casting is possible from now on.
 */
export async function openElection(db: Db, acting: Acting, electionId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const e = await lockElection(trx, electionId);
    if (!e) throw new ElectionStateError('not-found');
    if (e.state !== 'draft') throw new ElectionStateError('not-draft');
    let deputies = trx.selectFrom('deputies').select('id').where('term_id', '=', e.term_id);
    if (e.electorate === 'standing-committee') deputies = deputies.where('standing_committee', '=', true);
    const ids = (await deputies.execute()).map((d) => d.id);
    for (let i = 0; i < ids.length; i += 1000) {
      await trx.insertInto('roll').values(ids.slice(i, i + 1000).map((deputy_id) => ({
        election_id: electionId, deputy_id, channel: null, voted_at: null, issued_at: null,
      }))).execute();
    }
    const now = acting.clock.now();
    await trx.updateTable('elections').set({ state: 'open', opened_at: now, deputies_total: ids.length }).where('id', '=', electionId).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'election.open', subject: `election:${electionId}`, details: { deputiesTotal: ids.length } });
  });
}

export async function closeElection(db: Db, acting: Acting, electionId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const e = await lockElection(trx, electionId);
    if (!e) throw new ElectionStateError('not-found');
    if (e.state !== 'open') throw new ElectionStateError('not-open');
    await trx.updateTable('elections').set({ state: 'closed', closed_at: acting.clock.now() }).where('id', '=', electionId).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'election.close', subject: `election:${electionId}` });
  });
}

export class ElectionStateError extends Error {
  override name = 'ElectionStateError';
  constructor(readonly reason: 'not-found' | 'not-draft' | 'not-open') {
    super(`election ${reason}`);
  }
}

/** Sets the transaction's statement and lock timeouts, so that no request waits forever. */
export async function transactionDeadline(trx: Transaction<Database>, ms: number): Promise<void> {
  await sql`select set_config('statement_timeout', ${String(ms)}, true), set_config('lock_timeout', ${String(ms)}, true)`.execute(trx);
}

export type CheckInResult = 'checked-in' | 'already' | 'not-allowed' | 'not-a-deputy-of-term';

/** A deputy checks in by themselves (签到), where the meeting allows it. */
export async function selfCheckIn(db: Db, acting: Acting, meetingId: number, deputyId: number): Promise<CheckInResult> {
  return db.transaction().execute(async (trx) => {
    const m = await trx.selectFrom('meetings').select(['term_id', 'self_check_in']).where('id', '=', meetingId).executeTakeFirst();
    if (!m?.self_check_in) return 'not-allowed';
    const d = await trx.selectFrom('deputies').select('id').where('id', '=', deputyId).where('term_id', '=', m.term_id).executeTakeFirst();
    if (!d) return 'not-a-deputy-of-term';
    const now = acting.clock.now();
    const written = await trx.insertInto('attendance').values({ meeting_id: meetingId, deputy_id: deputyId, present: true, changed_at: now, source: 'self' })
      .onConflict((oc) => oc.columns(['meeting_id', 'deputy_id']).doUpdateSet({ present: true, changed_at: now, source: 'self' }).where('attendance.present', '=', false))
      .executeTakeFirst();
    if (written.numInsertedOrUpdatedRows === 0n) return 'already';
    await appendAudit(trx, acting.clock, acting.actor, { action: 'attendance.self', subject: `meeting:${meetingId}`, details: { deputyId } });
    return 'checked-in';
  });
}

/** The meeting settings the secretariat may change: shared tablets and self check-in. */
export async function updateMeetingSettings(db: Db, acting: Acting, meetingId: number, settings: { sharedTablets: boolean; selfCheckIn: boolean }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('meetings').set({ shared_tablets: settings.sharedTablets, self_check_in: settings.selfCheckIn }).where('id', '=', meetingId).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'meeting.settings', subject: `meeting:${meetingId}`, details: settings });
  });
}
