import { sql } from 'kysely';
import { appendAudit } from '../audit/store.ts';
import { type Acting } from '../platform/acting.ts';
import type { Db, Trx } from '../platform/db/index.ts';
import { duplicateAs } from '../platform/db/errors.ts';
import type { Candidate, Meeting } from '../domain/tables.ts';
import { hasQuorum } from '../domain/tally.ts';
import type { Electorate } from '../domain/vocabulary.ts';
import type { Attendance, AttendanceRow, CandidateView, MeetingSettings, MeetingSummary, RatableProject } from './model.ts';
import { Refused } from '../platform/refusal.ts';
import { parseInput, ValidationError } from '../platform/validation.ts';
import { undoRefusal, type UndoRefusal } from './attendance.ts';
import { candidateInput, type CandidateInput, meetingInput, type MeetingInput } from './rules.ts';

/** Why a change to a meeting's candidates is refused: a vote listing them has opened. */
export type MeetingRefusal = 'frozen';

/**
 * Creates a meeting, not public until it is published (`publishMeeting`); seeding and tests may
 * publish it at once.
 */
export async function createMeeting(db: Db, acting: Acting, input: MeetingInput, options: { published?: boolean } = {}): Promise<Meeting> {
  const m = parseInput(meetingInput, input);
  return db.transaction().execute(async (trx) => {
    // The form offers existing terms only; any other id is a stale or tampered form, not a database error.
    const term = await trx.selectFrom('terms').select('id').where('id', '=', m.termId).forKeyShare().executeTakeFirst();
    if (!term) throw new ValidationError([{ field: 'termId', key: 'validation.invalid' }]);
    const meeting = await trx.insertInto('meetings').values({
      term_id: m.termId, title: m.title, session_ordinal: m.sessionOrdinal, year: m.year,
      starts_on: m.startsOn, ends_on: m.endsOn, shared_tablets: m.sharedTablets,
      published_at: options.published ? acting.clock.now() : null,
    }).returningAll().executeTakeFirstOrThrow().catch(duplicateAs('title'));
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'meeting.create', subject: `meeting:${meeting.id}`,
      details: { title: m.title, year: m.year, startsOn: m.startsOn, endsOn: m.endsOn, ...(options.published ? { published: true } : {}) },
    });
    return meeting;
  });
}

/** Makes a meeting public: its page, its candidates, its votes' outcomes. Once only; audited. Undefined for an unknown meeting. */
export async function publishMeeting(db: Db, acting: Acting, meetingId: number): Promise<'published' | 'already' | undefined> {
  return db.transaction().execute(async (trx) => {
    const m = await trx.selectFrom('meetings').select(['id', 'published_at']).where('id', '=', meetingId).forUpdate().executeTakeFirst();
    if (!m) return undefined;
    if (m.published_at) return 'already';
    await trx.updateTable('meetings').set({ published_at: acting.clock.now() }).where('id', '=', meetingId).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'meeting.publish', subject: `meeting:${meetingId}` });
    return 'published';
  });
}

/** Returns the ids of the named departments, creating those that do not exist yet. */
async function ensureDepartments(trx: Trx, names: readonly string[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (names.length === 0) return ids;
  await trx.insertInto('departments').values(names.map((name) => ({ name })))
    .onConflict((oc) => oc.column('name').doNothing()).execute();
  const rows = await trx.selectFrom('departments').select(['id', 'name']).where('name', 'in', [...names]).execute();
  for (const r of rows) ids.set(r.name, r.id);
  return ids;
}

/** Adds a candidate project at the end of the meeting's ballot order. */
export async function addCandidate(db: Db, acting: Acting, meetingId: number, input: CandidateInput): Promise<Candidate> {
  const c = parseInput(candidateInput, input);
  return db.transaction().execute(async (trx) => {
    // Lock the meeting row so that concurrent additions get distinct ballot positions.
    const meeting = await trx.selectFrom('meetings').select('id').where('id', '=', meetingId).forUpdate().executeTakeFirst();
    if (!meeting) throw new ValidationError([{ field: 'meetingId', key: 'validation.invalid' }]);
    // Candidates are frozen once any vote of the meeting has left draft.
    const opened = await trx.selectFrom('elections').select('id').where('meeting_id', '=', meetingId).where('state', '!=', 'draft').executeTakeFirst();
    if (opened) throw new Refused<MeetingRefusal>('frozen', { electionId: opened.id });
    const { max } = await trx.selectFrom('candidates').select((eb) => eb.fn.max<number | null>('ballot_order').as('max'))
      .where('meeting_id', '=', meetingId).executeTakeFirstOrThrow();
    const departments = await ensureDepartments(trx, [c.leadDepartment, ...c.coDepartments]);
    const candidate = await trx.insertInto('candidates').values({
      meeting_id: meetingId,
      ballot_order: (max ?? 0) + 1,
      name: c.name,
      category: c.category,
      description: c.description,
      targets: JSON.stringify(c.targets),
      total_investment_yuan: c.totalInvestmentYuan,
      deadline: c.deadline,
      lead_department_id: departments.get(c.leadDepartment)!,
      lead_official: c.leadOfficial,
    }).returningAll().executeTakeFirstOrThrow().catch(duplicateAs('name'));
    if (c.coDepartments.length > 0) {
      await trx.insertInto('candidate_co_departments')
        .values(c.coDepartments.map((d) => ({ candidate_id: candidate.id, department_id: departments.get(d)! })))
        .execute();
    }
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'candidate.create', subject: `candidate:${candidate.id}`,
      details: { meetingId, name: c.name, ballotOrder: candidate.ballot_order },
    });
    return candidate;
  });
}

/** An election that lists the candidate and has left draft (so the candidate is frozen), if any. */
export async function openedElectionListing(db: Db | Trx, candidateId: number): Promise<number | undefined> {
  const row = await db.selectFrom('election_options as o').innerJoin('elections as e', 'e.id', 'o.election_id')
    .select('e.id').where('o.candidate_id', '=', candidateId).where('e.state', '!=', 'draft').executeTakeFirst();
  return row?.id;
}

/**
 * Corrects a candidate before voting. Refused once an election listing it has left draft; draft
 * elections that list it take the new name too.
 */
export async function updateCandidate(db: Db, acting: Acting, candidateId: number, input: CandidateInput): Promise<void> {
  const c = parseInput(candidateInput, input);
  await db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('candidates').selectAll().where('id', '=', candidateId).forUpdate().executeTakeFirst();
    if (!current) throw new ValidationError([{ field: 'id', key: 'validation.invalid' }]);
    const opened = await openedElectionListing(trx, candidateId);
    if (opened !== undefined) throw new Refused<MeetingRefusal>('frozen', { electionId: opened });
    const departments = await ensureDepartments(trx, [c.leadDepartment, ...c.coDepartments]);
    await trx.updateTable('candidates').set({
      name: c.name, category: c.category, description: c.description, targets: JSON.stringify(c.targets),
      total_investment_yuan: c.totalInvestmentYuan, deadline: c.deadline,
      lead_department_id: departments.get(c.leadDepartment)!, lead_official: c.leadOfficial,
    }).where('id', '=', candidateId).execute().catch(duplicateAs('name'));
    await trx.deleteFrom('candidate_co_departments').where('candidate_id', '=', candidateId).execute();
    if (c.coDepartments.length > 0) {
      await trx.insertInto('candidate_co_departments')
        .values(c.coDepartments.map((d) => ({ candidate_id: candidateId, department_id: departments.get(d)! }))).execute();
    }
    await trx.updateTable('election_options').set({ title: c.name }).where('candidate_id', '=', candidateId).execute();
    const changed = (['name', 'category', 'description', 'deadline', 'lead_official'] as const).filter((k) => current[k] !== (k === 'lead_official' ? c.leadOfficial : c[k]));
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'candidate.update', subject: `candidate:${candidateId}`, details: { meetingId: current.meeting_id, changed, name: c.name },
    });
  });
}

function meetingQuery(db: Db) {
  return db.selectFrom('meetings as m')
    .innerJoin('terms as t', 't.id', 'm.term_id')
    .select((eb) => [
      'm.id', 'm.title', 'm.year', 'm.starts_on', 'm.ends_on', 'm.published_at', 't.name as term_name',
      eb.selectFrom('candidates as c').whereRef('c.meeting_id', '=', 'm.id')
        .select(eb.fn.countAll<number>().as('n')).as('candidate_count'),
    ]);
}

type MeetingRow = Awaited<ReturnType<ReturnType<typeof meetingQuery>['executeTakeFirstOrThrow']>>;

function toMeetingSummary(r: MeetingRow): MeetingSummary {
  return {
    id: r.id, title: r.title, year: r.year, startsOn: r.starts_on, endsOn: r.ends_on,
    termName: r.term_name, candidateCount: Number(r.candidate_count ?? 0), published: r.published_at !== null,
  };
}

/** Which meetings a caller sees: the public only published ones, the secretariat every one. */
export interface MeetingScope { publishedOnly: boolean }

/** Meetings, newest first; the first one is the current meeting. */
export async function listMeetings(db: Db, scope: MeetingScope): Promise<MeetingSummary[]> {
  let q = meetingQuery(db);
  if (scope.publishedOnly) q = q.where('m.published_at', 'is not', null);
  const rows = await q.orderBy('m.starts_on', 'desc').orderBy('m.id', 'desc').execute();
  return rows.map(toMeetingSummary);
}

export async function getMeeting(db: Db, id: number, scope: MeetingScope = { publishedOnly: false }): Promise<MeetingSummary | undefined> {
  let q = meetingQuery(db).where('m.id', '=', id);
  if (scope.publishedOnly) q = q.where('m.published_at', 'is not', null);
  const row = await q.executeTakeFirst();
  return row && toMeetingSummary(row);
}

function candidateQuery(db: Db) {
  return db.selectFrom('candidates as c')
    .innerJoin('meetings as m', 'm.id', 'c.meeting_id')
    .innerJoin('departments as d', 'd.id', 'c.lead_department_id')
    .select((eb) => [
      'c.id', 'c.meeting_id', 'm.title as meeting_title', 'c.ballot_order', 'c.name', 'c.category',
      'c.description', 'c.targets', 'c.total_investment_yuan', 'c.deadline', 'd.name as lead_department',
      'c.lead_official',
      eb.fn.coalesce(
        eb.selectFrom('candidate_co_departments as cd').innerJoin('departments as d2', 'd2.id', 'cd.department_id')
          .whereRef('cd.candidate_id', '=', 'c.id')
          .select(sql<string[]>`array_agg(d2.name order by d2.name)`.as('names')),
        sql<string[]>`'{}'::text[]`,
      ).as('co_departments'),
    ]);
}

type CandidateRow = Awaited<ReturnType<ReturnType<typeof candidateQuery>['executeTakeFirstOrThrow']>>;

function toCandidateView(r: CandidateRow): CandidateView {
  return {
    id: r.id, meetingId: r.meeting_id, meetingTitle: r.meeting_title, ballotOrder: r.ballot_order,
    name: r.name, category: r.category, description: r.description, targets: r.targets,
    totalInvestmentYuan: r.total_investment_yuan, deadline: r.deadline, leadDepartment: r.lead_department,
    coDepartments: r.co_departments, leadOfficial: r.lead_official,
  };
}

export async function listCandidates(db: Db, meetingId: number): Promise<CandidateView[]> {
  const rows = await candidateQuery(db).where('c.meeting_id', '=', meetingId).orderBy('c.ballot_order').execute();
  return rows.map(toCandidateView);
}

export async function getCandidate(db: Db, id: number): Promise<CandidateView | undefined> {
  const r = await candidateQuery(db).where('c.id', '=', id).executeTakeFirst();
  return r && toCandidateView(r);
}

/** 应到 / 实到 for a meeting, over all deputies of its term or only the standing committee. */
export async function attendanceSummary(db: Db, meetingId: number, electorate: Electorate = 'all-deputies'): Promise<Attendance> {
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

/** Why un-checking deputies is refused: one of them voted in an open vote of the meeting. */
export type AttendanceRefusal = UndoRefusal;

/**
 * Where the deputies stand for undoing their check-in: which of them are present now, and which
 * voted in an open vote of the meeting (roll row marked).
 */
export async function undoStanding(db: Db | Trx, meetingId: number, deputyIds: readonly number[]): Promise<{
  present: { id: number; code: string; name: string }[]; voted: { id: number; code: string; name: string }[];
}> {
  if (deputyIds.length === 0) return { present: [], voted: [] };
  // One after another: inside a transaction the statements share one connection.
  const present = await db.selectFrom('attendance as a').innerJoin('deputies as d', 'd.id', 'a.deputy_id').select(['d.id', 'd.code', 'd.name'])
      .where('a.meeting_id', '=', meetingId).where('a.present', '=', true).where('a.deputy_id', 'in', [...deputyIds]).orderBy('d.code').execute();
  const voted = await db.selectFrom('roll as r').innerJoin('elections as e', 'e.id', 'r.election_id').innerJoin('deputies as d', 'd.id', 'r.deputy_id')
      .select(['d.id', 'd.code', 'd.name']).distinct()
      .where('e.meeting_id', '=', meetingId).where('e.state', '=', 'open').where('r.channel', 'is not', null)
      .where('r.deputy_id', 'in', [...deputyIds]).orderBy('d.code').execute();
  return { present, voted };
}

/**
 * Marks deputies present (or absent) at a meeting: 签到, audited. Marking absent undoes a check-in,
 * which the rules allow only until it counted (`undoRefusal`): refused (nothing written) when any of
 * the deputies voted in an open vote of the meeting (until it closes; a closed vote's 实到 is fixed). The
 * audit entry of an undo names the deputies; `delegation` notes a whole delegation marked at once.
 * Returns how many deputies changed.
 */
export async function recordAttendance(db: Db, acting: Acting, meetingId: number, deputyIds: readonly number[], present: boolean, options: { delegation?: string } = {}): Promise<number> {
  // A deputy named twice (a repeated form field) is marked once: one statement cannot upsert a row twice.
  const ids = [...new Set(deputyIds)];
  if (ids.length === 0) return 0;
  return db.transaction().execute(async (trx) => {
    // Only deputies of the meeting's term.
    const ofTerm = await trx.selectFrom('deputies as d').innerJoin('meetings as m', 'm.term_id', 'd.term_id')
      .select(['d.id', 'd.code']).where('m.id', '=', meetingId).where('d.id', 'in', ids).orderBy('d.code').execute();
    if (ofTerm.length !== ids.length) throw new ValidationError([{ field: 'deputy', key: 'validation.invalid' }]);
    if (!present) {
      // The meeting's open votes, locked FOR UPDATE: a cast holds its vote's row FOR SHARE while it
      // checks the attendance and marks the roll, so casts in flight finish first (and the roll
      // below sees them), and a cast arriving now waits and then finds the deputy absent.
      await trx.selectFrom('elections').select('id').where('meeting_id', '=', meetingId).where('state', '=', 'open').forUpdate().execute();
      const standing = await undoStanding(trx, meetingId, ids);
      const refusal = undoRefusal({ votedInOpenVote: standing.voted.length > 0 });
      if (refusal) throw new Refused<AttendanceRefusal>(refusal, { deputies: standing.voted.map((d) => ({ code: d.code, name: d.name })) });
    }
    const { n: wasPresent } = await trx.selectFrom('attendance').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('meeting_id', '=', meetingId).where('deputy_id', 'in', ids).where('present', '=', true).executeTakeFirstOrThrow();
    const now = acting.clock.now();
    await trx.insertInto('attendance')
      .values(ids.map((deputy_id) => ({ meeting_id: meetingId, deputy_id, present, changed_at: now, source: 'secretariat' as const })))
      .onConflict((oc) => oc.columns(['meeting_id', 'deputy_id']).doUpdateSet({ present, changed_at: now, source: 'secretariat' }))
      .execute();
    await appendAudit(trx, acting.clock, acting.actor, {
      action: present ? 'attendance.present' : 'attendance.absent', subject: `meeting:${meetingId}`,
      details: {
        deputies: ids.length,
        ...(present ? {} : { codes: ofTerm.map((d) => d.code) }),
        ...(options.delegation === undefined ? {} : { delegation: options.delegation }),
      },
    });
    // How many changed: those checked in, or those whose check-in was undone.
    return present ? ids.length - Number(wasPresent) : Number(wasPresent);
  });
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

/** The meeting's settings (shared tablets, self check-in). */
export async function meetingSettings(db: Db, meetingId: number): Promise<MeetingSettings> {
  const m = await db.selectFrom('meetings').select(['shared_tablets', 'self_check_in']).where('id', '=', meetingId).executeTakeFirstOrThrow();
  return { sharedTablets: m.shared_tablets, selfCheckIn: m.self_check_in };
}

/**
 * Projects a meeting may rate (测评): the tracked projects (chosen by a published vote) of the term's
 * earlier meetings, never the candidates that were not chosen. Those of the latest earlier meeting
 * with projects (the previous year's) come first and are preselected.
 */
export async function ratableProjects(db: Db, meetingId: number): Promise<RatableProject[]> {
  const m = await db.selectFrom('meetings').select(['term_id', 'starts_on']).where('id', '=', meetingId).executeTakeFirstOrThrow();
  const rows = await db.selectFrom('projects as p').innerJoin('candidates as c', 'c.id', 'p.candidate_id').innerJoin('meetings as m', 'm.id', 'p.meeting_id')
    .select(['c.id', 'p.id as projectId', 'p.meeting_id', 'c.name', 'm.title as meetingTitle', 'm.year'])
    .where('m.term_id', '=', m.term_id).where('m.starts_on', '<', m.starts_on)
    .orderBy('m.starts_on', 'desc').orderBy('m.id', 'desc').orderBy('p.rank').execute();
  const previous = rows[0]?.meeting_id;
  return rows.map(({ meeting_id: of, ...r }) => ({ ...r, preselected: of === previous }));
}

/**
 * Every deputy of the meeting's term with their attendance and whether their check-in can still be
 * undone (`locked`: they voted in an open vote of the meeting, or a vote of the meeting closed).
 * Searching, filtering, grouping and sorting are the pure `groupSheet`'s, in JavaScript, so that
 * they are the same on both engines.
 */
export async function attendanceRoster(db: Db, meetingId: number): Promise<AttendanceRow[]> {
  const { term_id: termId } = await db.selectFrom('meetings').select('term_id').where('id', '=', meetingId).executeTakeFirstOrThrow();
  const rows = await db.selectFrom('deputies as d')
      .leftJoin('attendance as a', (j) => j.onRef('a.deputy_id', '=', 'd.id').on('a.meeting_id', '=', meetingId))
      .select((eb) => ['d.id', 'd.code', 'd.name', 'd.delegation', 'a.present',
        eb.exists(eb.selectFrom('roll as r').innerJoin('elections as e', 'e.id', 'r.election_id').select('r.deputy_id')
          .whereRef('r.deputy_id', '=', 'd.id').where('e.meeting_id', '=', meetingId).where('e.state', '=', 'open')
          .where('r.channel', 'is not', null)).as('voted')])
      .where('d.term_id', '=', termId).execute();
  return rows.map((r) => ({
    id: r.id, code: r.code, name: r.name, delegation: r.delegation, present: r.present === true,
    locked: r.present === true && undoRefusal({ votedInOpenVote: r.voted === true }) !== undefined,
  }));
}

/** Meetings of the deputy's term that let deputies check themselves in, where this one has not yet. */
export async function selfCheckInOffers(db: Db, deputyId: number): Promise<{ id: number; title: string }[]> {
  return db.selectFrom('meetings as m').innerJoin('deputies as d', 'd.term_id', 'm.term_id')
    .leftJoin('attendance as a', (j) => j.onRef('a.meeting_id', '=', 'm.id').onRef('a.deputy_id', '=', 'd.id'))
    .select(['m.id', 'm.title']).where('d.id', '=', deputyId).where('m.self_check_in', '=', true)
    .where((eb) => eb.or([eb('a.present', 'is', null), eb('a.present', '=', false)])).orderBy('m.starts_on', 'desc').execute();
}
