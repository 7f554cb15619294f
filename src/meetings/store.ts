import { sql, type Transaction } from 'kysely';
import { type Acting, appendAudit } from '../audit/store.ts';
import type { Database, Db } from '../platform/db/index.ts';
import { isUniqueViolation } from '../platform/db/errors.ts';
import type { Candidate, Meeting, Term } from '../domain/tables.ts';
import { parseInput, ValidationError } from '../platform/validation.ts';
import {
  candidateInput, type CandidateInput, deputyInput, type DeputyInput, meetingInput, type MeetingInput,
  termInput, type TermInput,
} from './rules.ts';

export async function createTerm(db: Db, acting: Acting, input: TermInput): Promise<Term> {
  const t = parseInput(termInput, input);
  return db.transaction().execute(async (trx) => {
    const term = await trx.insertInto('terms')
      .values({ name: t.name, ordinal: t.ordinal, starts_on: t.startsOn, ends_on: t.endsOn })
      .returningAll().executeTakeFirstOrThrow()
      .catch(duplicateAs('name'));
    await appendAudit(trx, acting.clock, acting.actor, { action: 'term.create', subject: `term:${term.id}`, details: { name: t.name } });
    return term;
  });
}

export async function createMeeting(db: Db, acting: Acting, input: MeetingInput): Promise<Meeting> {
  const m = parseInput(meetingInput, input);
  return db.transaction().execute(async (trx) => {
    const meeting = await trx.insertInto('meetings').values({
      term_id: m.termId, title: m.title, session_ordinal: m.sessionOrdinal, year: m.year,
      starts_on: m.startsOn, ends_on: m.endsOn, shared_tablets: m.sharedTablets,
    }).returningAll().executeTakeFirstOrThrow().catch(duplicateAs('title'));
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'meeting.create', subject: `meeting:${meeting.id}`,
      details: { title: m.title, year: m.year, startsOn: m.startsOn, endsOn: m.endsOn },
    });
    return meeting;
  });
}

/** Returns the ids of the named departments, creating those that do not exist yet. */
async function ensureDepartments(trx: Transaction<Database>, names: readonly string[]): Promise<Map<string, number>> {
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

/** What writing a roster did: deputies added, changed, and already exactly as given. */
export interface DeputyCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** Thrown when a candidate is on the ballot of an election that has opened: it can no longer change. */
export class CandidateFrozenError extends Error {
  override name = 'CandidateFrozenError';
}

/** An election that lists the candidate and has left draft (so the candidate is frozen), if any. */
export async function openedElectionListing(db: Db | Transaction<Database>, candidateId: number): Promise<number | undefined> {
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
    if (opened !== undefined) throw new CandidateFrozenError(`candidate ${candidateId} is on the ballot of election ${opened}`);
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

/**
 * Adds or updates a term's deputies, matched by their stable code, all in one transaction: either
 * every row is written or none is.
 */
export async function upsertDeputies(db: Db, acting: Acting, termId: number, rows: readonly DeputyInput[]): Promise<DeputyCounts> {
  return db.transaction().execute((trx) => upsertDeputiesIn(trx, acting, termId, rows));
}

/**
 * `upsertDeputies` inside the caller's transaction, for callers that change more in the same one
 * (a roster import marks itself applied). `auditDetails` are added to the audit entry; never put
 * personal data such as phone numbers in them.
 */
export async function upsertDeputiesIn(
  trx: Transaction<Database>, acting: Acting, termId: number, rows: readonly DeputyInput[], auditDetails: Record<string, unknown> = {},
): Promise<DeputyCounts> {
  const parsed = rows.map((r, i) => {
    try {
      return parseInput(deputyInput, r);
    } catch (e) {
      if (e instanceof ValidationError) throw new ValidationError(e.issues.map((x) => ({ ...x, field: `${i}.${x.field}` })));
      throw e;
    }
  });
  const seen = new Map<string, number>();
  parsed.forEach((d, i) => {
    if (seen.has(d.code)) throw new ValidationError([{ field: `${i}.code`, key: 'validation.duplicateCode' }]);
    seen.set(d.code, i);
  });
  let created = 0;
  let updated = 0;
  // Chunks keep each statement well under PostgreSQL's 65,535 bind parameters.
  for (let i = 0; i < parsed.length; i += 1000) {
    const chunk = parsed.slice(i, i + 1000);
    const written = await trx.insertInto('deputies').values(chunk.map((d) => ({
      term_id: termId, code: d.code, name: d.name, delegation: d.delegation,
      standing_committee: d.standingCommittee, phone: d.phone,
    }))).onConflict((oc) => oc.columns(['term_id', 'code']).doUpdateSet((eb) => ({
      name: eb.ref('excluded.name'),
      delegation: eb.ref('excluded.delegation'),
      standing_committee: eb.ref('excluded.standing_committee'),
      phone: eb.ref('excluded.phone'),
    }))
      // A deputy whose details are the same is left alone (no new row version) and not returned.
      .where(sql<boolean>`(deputies.name, deputies.delegation, deputies.standing_committee, deputies.phone)
        is distinct from (excluded.name, excluded.delegation, excluded.standing_committee, excluded.phone)`))
      // xmax is 0 exactly for rows this statement inserted rather than updated.
      .returning(sql<boolean>`(xmax = 0)`.as('inserted')).execute();
    created += written.filter((w) => w.inserted).length;
    updated += written.filter((w) => !w.inserted).length;
  }
  const unchanged = parsed.length - created - updated;
  await appendAudit(trx, acting.clock, acting.actor, {
    action: 'roster.import', subject: `term:${termId}`, details: { ...auditDetails, rows: parsed.length, created, updated, unchanged },
  });
  return { created, updated, unchanged };
}

function duplicateAs(field: string) {
  return (e: unknown): never => {
    if (isUniqueViolation(e)) throw new ValidationError([{ field, key: 'validation.duplicate' }]);
    throw e;
  };
}

export interface MeetingSummary {
  id: number;
  title: string;
  year: number;
  startsOn: string;
  endsOn: string;
  termName: string;
  candidateCount: number;
}

function meetingQuery(db: Db) {
  return db.selectFrom('meetings as m')
    .innerJoin('terms as t', 't.id', 'm.term_id')
    .select((eb) => [
      'm.id', 'm.title', 'm.year', 'm.starts_on', 'm.ends_on', 't.name as term_name',
      eb.selectFrom('candidates as c').whereRef('c.meeting_id', '=', 'm.id')
        .select(eb.fn.countAll<number>().as('n')).as('candidate_count'),
    ]);
}

type MeetingRow = Awaited<ReturnType<ReturnType<typeof meetingQuery>['executeTakeFirstOrThrow']>>;

function toMeetingSummary(r: MeetingRow): MeetingSummary {
  return {
    id: r.id, title: r.title, year: r.year, startsOn: r.starts_on, endsOn: r.ends_on,
    termName: r.term_name, candidateCount: Number(r.candidate_count ?? 0),
  };
}

/** Every meeting, newest first; the first one is the current meeting. */
export async function listMeetings(db: Db): Promise<MeetingSummary[]> {
  const rows = await meetingQuery(db).orderBy('m.starts_on', 'desc').orderBy('m.id', 'desc').execute();
  return rows.map(toMeetingSummary);
}

export async function getMeeting(db: Db, id: number): Promise<MeetingSummary | undefined> {
  const row = await meetingQuery(db).where('m.id', '=', id).executeTakeFirst();
  return row && toMeetingSummary(row);
}

export interface CandidateView {
  id: number;
  meetingId: number;
  meetingTitle: string;
  ballotOrder: number;
  name: string;
  category: string;
  description: string;
  targets: string[];
  totalInvestmentYuan: number | null;
  deadline: string;
  leadDepartment: string;
  coDepartments: string[];
  leadOfficial: string;
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
