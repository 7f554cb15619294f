import { createHash, createHmac } from 'node:crypto';
import { deriveKey } from '../keys/installation.ts';
import { appendAudit } from '../audit/store.ts';
import type { Acting } from '../platform/acting.ts';
import type { Db, Trx } from '../platform/db/index.ts';
import { Refused } from '../platform/refusal.ts';
import { beijingDate, type Clock } from '../platform/time.ts';
import { parseInput, ValidationError } from '../platform/validation.ts';
import { milestonesDone, standingReports } from '../projects/progress.ts';
import { approvedPlans, approvedReports } from '../projects/store.ts';
import type { OpinionState } from '../domain/vocabulary.ts';
import type { NoteWithProject, OpinionWithProject, PublicNote, PublicOpinion } from './model.ts';
import {
  addressBucket, defaultReplyDue, dueInput, isNoteOverdue, noteInput, OPINION_LIMITS, opinionInput, type OverdueItem, overdueList, type OverdueProject, REJECTED_OPINION_DAYS,
  replyInput, retryAfterSeconds, windowStart,
} from './rules.ts';

/**
 * Supervision: deputies' inspection notes and the lead departments' replies, citizens' opinions
 * (stored without any personal data; public once the secretariat accepts them), and the overdue
 * list. Every administrative step is audited; a citizen's opinion is not (it is no one's act in
 * office, and the secretariat's decision on it is).
 */

/** Why a supervision step is refused: already replied (or decided), or not the lead department's project. */
export type SupervisionRefusal = 'replied' | 'decided' | 'not-accepted' | 'not-lead' | 'not-found' | 'other-term';

function notesQuery(db: Db | Trx) {
  return db.selectFrom('inspection_notes as n')
    .innerJoin('deputies as d', 'd.id', 'n.deputy_id')
    .innerJoin('projects as p', 'p.id', 'n.project_id')
    .innerJoin('candidates as c', 'c.id', 'p.candidate_id')
    .innerJoin('departments as dep', 'dep.id', 'p.lead_department_id')
    .select(['n.id', 'n.project_id', 'd.name as deputy_name', 'd.delegation', 'n.body', 'n.filed_at', 'n.reply_due', 'n.reply', 'n.replied_at',
      'c.name as project_title', 'dep.id as department_id', 'dep.name as department_name']);
}
type NoteRow = Awaited<ReturnType<ReturnType<typeof notesQuery>['execute']>>[number];

const publicNote = (r: NoteRow): PublicNote => ({
  id: r.id, projectId: r.project_id, deputyName: r.deputy_name, delegation: r.delegation, body: r.body,
  filedAt: r.filed_at, replyDue: r.reply_due, reply: r.reply, repliedAt: r.replied_at,
});
const noteWithProject = (r: NoteRow, today: string): NoteWithProject => ({
  ...publicNote(r), projectTitle: r.project_title, department: { id: r.department_id, name: r.department_name },
  overdue: isNoteOverdue({ replyDue: r.reply_due, replied: r.reply !== null }, today),
});

/** The notes on a project, oldest first, with the replies: all public (deputies are public figures). */
export async function notesOf(db: Db | Trx, projectId: number): Promise<PublicNote[]> {
  const rows = await notesQuery(db).where('n.project_id', '=', projectId).orderBy('n.filed_at').orderBy('n.id').execute();
  return rows.map(publicNote);
}

/** One note with its project, or undefined. */
export async function getNote(db: Db | Trx, clock: Clock, noteId: number): Promise<NoteWithProject | undefined> {
  const r = await notesQuery(db).where('n.id', '=', noteId).executeTakeFirst();
  return r && noteWithProject(r, beijingDate(clock.now()));
}

/**
 * Notes for a list: the unanswered first (oldest due first), then the answered (latest first);
 * those on the projects a department leads when `departmentId` is given.
 */
export async function listNotes(db: Db, clock: Clock, filter: { departmentId?: number } = {}): Promise<NoteWithProject[]> {
  let q = notesQuery(db);
  if (filter.departmentId !== undefined) q = q.where('p.lead_department_id', '=', filter.departmentId);
  const rows = await q.orderBy('n.reply_due').orderBy('n.id').execute();
  const today = beijingDate(clock.now());
  const notes = rows.map((r) => noteWithProject(r, today));
  return [...notes.filter((n) => n.reply === null), ...notes.filter((n) => n.reply !== null).reverse()];
}

/**
 * Whether a deputy may file an inspection note on a project: only deputies of the term whose meeting
 * chose it supervise it. Undefined for an unknown project.
 */
export async function mayFileNote(db: Db | Trx, projectId: number, deputyId: number | null | undefined): Promise<boolean | undefined> {
  const project = await db.selectFrom('projects as p').innerJoin('meetings as m', 'm.id', 'p.meeting_id').select('m.term_id').where('p.id', '=', projectId).executeTakeFirst();
  if (!project) return undefined;
  if (deputyId === null || deputyId === undefined) return false;
  const deputy = await db.selectFrom('deputies').select('term_id').where('id', '=', deputyId).executeTakeFirst();
  return deputy?.term_id === project.term_id;
}

/**
 * A deputy of the project's term files a note on it; the reply is due thirty days later. Undefined
 * for an unknown project; a deputy of another term is refused (`other-term`).
 */
export async function fileNote(db: Db, acting: Acting, projectId: number, deputyId: number, input: { body: string }): Promise<{ id: number; replyDue: string } | undefined> {
  const { body } = parseInput(noteInput, input);
  return db.transaction().execute(async (trx) => {
    const project = await trx.selectFrom('projects').select('id').where('id', '=', projectId).forKeyShare().executeTakeFirst();
    if (!project) return undefined;
    if (!(await mayFileNote(trx, projectId, deputyId))) throw new Refused<SupervisionRefusal>('other-term');
    const now = acting.clock.now();
    const replyDue = defaultReplyDue(beijingDate(now));
    const note = await trx.insertInto('inspection_notes').values({
      project_id: projectId, deputy_id: deputyId, body, filed_by: acting.actor.userId, filed_at: now, reply_due: replyDue,
    }).returning('id').executeTakeFirstOrThrow();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'note.file', subject: `note:${note.id}`, details: { projectId, deputyId, replyDue } });
    return { id: note.id, replyDue };
  });
}

/** The secretariat sets another reply due date for a note not yet answered. */
export async function setNoteDue(db: Db, acting: Acting, noteId: number, input: { due: string }): Promise<void> {
  const { due } = parseInput(dueInput, input);
  await db.transaction().execute(async (trx) => {
    const note = await trx.selectFrom('inspection_notes').select(['id', 'reply_due', 'reply', 'filed_at']).where('id', '=', noteId).forUpdate().executeTakeFirst();
    if (!note) throw new Refused<SupervisionRefusal>('not-found');
    if (note.reply !== null) throw new Refused<SupervisionRefusal>('replied');
    if (due < beijingDate(note.filed_at)) throw new ValidationError([{ field: 'due', key: 'note.dueBeforeFiling' }]);
    await trx.updateTable('inspection_notes').set({ reply_due: due }).where('id', '=', noteId).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'note.due', subject: `note:${noteId}`, details: { from: note.reply_due, to: due } });
  });
}

/** The lead department replies to a note, once. */
export async function replyToNote(db: Db, acting: Acting, noteId: number, departmentId: number, input: { reply: string }): Promise<void> {
  const { reply } = parseInput(replyInput, input);
  await db.transaction().execute(async (trx) => {
    const note = await trx.selectFrom('inspection_notes as n').innerJoin('projects as p', 'p.id', 'n.project_id')
      .select(['n.id', 'n.reply', 'n.project_id', 'p.lead_department_id']).where('n.id', '=', noteId).forUpdate('n').executeTakeFirst();
    if (!note) throw new Refused<SupervisionRefusal>('not-found');
    if (note.lead_department_id !== departmentId) throw new Refused<SupervisionRefusal>('not-lead');
    if (note.reply !== null) throw new Refused<SupervisionRefusal>('replied');
    await trx.updateTable('inspection_notes').set({ reply, replied_by: acting.actor.userId, replied_at: acting.clock.now() }).where('id', '=', noteId).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'note.reply', subject: `note:${noteId}`, details: { projectId: note.project_id, departmentId } });
  });
}

// ---------------------------------------------------------------------------------------------
// Citizens' opinions

/**
 * The keyed hash of a client address's bucket (an IPv4 address, an IPv6 /64: `addressBucket`).
 * With a secret from outside the database (the installation's SIGNING_KEY_SECRET), HMAC-SHA256
 * under a key derived from it and the salt: a copy of the database alone does not let anyone try
 * the 2^32 IPv4 addresses against the hashes. Without it, SHA-256 of the salt and the address,
 * which a copy of the database can brute-force (docs/threat-model.md). Never the address.
 */
async function addressHash(db: Db | Trx, address: string, secret: string | undefined): Promise<string> {
  const { salt } = await db.selectFrom('opinion_salt').select('salt').executeTakeFirstOrThrow();
  const bucket = addressBucket(address);
  if (secret === undefined) return createHash('sha256').update(`${salt}\u0000${bucket}`).digest('hex');
  const key = deriveKey(secret, `opinion address\u0000${salt}`);
  return createHmac('sha256', key).update(bucket).digest('hex');
}

export type OpinionOutcome = { stored: true; id: number } | { limited: number };

/**
 * Deletes the texts of opinions rejected more than thirty days ago (the rows go: nothing of them is
 * public, and the decision stays in the audit log). Run on each submission and when the
 * secretariat opens the console or the queue; returns how many went.
 */
export async function purgeRejectedOpinions(db: Db | Trx, clock: Clock): Promise<number> {
  const cutoff = new Date(clock.now().getTime() - REJECTED_OPINION_DAYS * 86_400_000);
  const gone = await db.deleteFrom('citizen_opinions').where('state', '=', 'rejected')
    .where((eb) => eb(eb.fn.coalesce('decided_at', 'submitted_at'), '<', cutoff)).executeTakeFirst();
  return Number(gone.numDeletedRows);
}

/**
 * Stores a citizen's opinion, pending the secretariat's decision, unless the limit refuses it
 * (`limited`: seconds to wait). Nothing about the sender is stored but a keyed hash of their
 * address's bucket with a count for the current ten-minute window: no exact time, no id, so the
 * counter cannot be matched to the opinion; windows that have passed are deleted here. Undefined
 * for an unknown project. `secret` is the installation's secret kept outside the database, if any.
 */
export async function submitOpinion(db: Db, clock: Clock, projectId: number, address: string, input: { body: string }, secret?: string): Promise<OpinionOutcome | undefined> {
  const { body } = parseInput(opinionInput, input);
  return db.transaction().execute(async (trx) => {
    const project = await trx.selectFrom('projects').select('id').where('id', '=', projectId).forKeyShare().executeTakeFirst();
    if (!project) return undefined;
    const now = clock.now();
    const limit = OPINION_LIMITS.perAddress;
    const window = windowStart(now, limit);
    const hash = await addressHash(trx, address, secret);
    // Windows that have passed, and rejected texts past their time, go.
    await trx.deleteFrom('opinion_attempts').where('window_start', '<', window).execute();
    await purgeRejectedOpinions(trx, clock);
    // One counter per hash and window, taken and counted up under its row lock (a concurrent
    // first opinion waits on the primary key), so that two requests cannot both pass the last slot.
    const counted = await trx.insertInto('opinion_attempts').values({ address_hash: hash, window_start: window, count: 1 })
      .onConflict((oc) => oc.columns(['address_hash', 'window_start']).doUpdateSet((eb) => ({ count: eb('opinion_attempts.count', '+', 1) })))
      .returning('count').executeTakeFirstOrThrow();
    const wait = retryAfterSeconds(counted.count - 1, now, limit);
    if (wait > 0) {
      // Refused: not counted (the transaction's counter goes back to what it was).
      await trx.updateTable('opinion_attempts').set((eb) => ({ count: eb('count', '-', 1) })).where('address_hash', '=', hash).where('window_start', '=', window).execute();
      return { limited: wait };
    }
    const row = await trx.insertInto('citizen_opinions').values({ project_id: projectId, body, submitted_at: now }).returning('id').executeTakeFirstOrThrow();
    return { stored: true as const, id: row.id };
  });
}

function opinionsQuery(db: Db | Trx) {
  return db.selectFrom('citizen_opinions as o')
    .innerJoin('projects as p', 'p.id', 'o.project_id')
    .innerJoin('candidates as c', 'c.id', 'p.candidate_id')
    .innerJoin('departments as dep', 'dep.id', 'p.lead_department_id')
    .select(['o.id', 'o.project_id', 'o.body', 'o.submitted_at', 'o.state', 'o.reply', 'o.replied_at',
      'c.name as project_title', 'dep.id as department_id', 'dep.name as department_name']);
}
type OpinionRow = Awaited<ReturnType<ReturnType<typeof opinionsQuery>['execute']>>[number];
/** As the public reads it: the Beijing DATE it was sent, never its time (which could be matched with the traffic of that moment). */
const publicOpinion = (r: OpinionRow): PublicOpinion => ({ id: r.id, projectId: r.project_id, body: r.body, submittedOn: beijingDate(r.submitted_at), reply: r.reply, repliedAt: r.replied_at });
const opinionWithProject = (r: OpinionRow): OpinionWithProject => ({
  ...publicOpinion(r), submittedAt: r.submitted_at, state: r.state, projectTitle: r.project_title, department: { id: r.department_id, name: r.department_name },
});

/** The accepted opinions on a project, oldest first, with the department's replies: what the public sees. */
export async function acceptedOpinions(db: Db | Trx, projectId: number): Promise<PublicOpinion[]> {
  const rows = await opinionsQuery(db).where('o.project_id', '=', projectId).where('o.state', '=', 'accepted').orderBy('o.submitted_at').orderBy('o.id').execute();
  return rows.map(publicOpinion);
}

/** Opinions in a state (pending for the secretariat's queue), or the accepted ones on a department's projects. */
export async function listOpinions(db: Db, filter: { state?: OpinionState; departmentId?: number }): Promise<OpinionWithProject[]> {
  let q = opinionsQuery(db);
  if (filter.state !== undefined) q = q.where('o.state', '=', filter.state);
  if (filter.departmentId !== undefined) q = q.where('p.lead_department_id', '=', filter.departmentId);
  return (await q.orderBy('o.submitted_at').orderBy('o.id').execute()).map(opinionWithProject);
}

/** One opinion with its project and state, or undefined. */
export async function getOpinion(db: Db, opinionId: number): Promise<OpinionWithProject | undefined> {
  const r = await opinionsQuery(db).where('o.id', '=', opinionId).executeTakeFirst();
  return r && opinionWithProject(r);
}

/** The secretariat accepts (makes public) or rejects a pending opinion. */
export async function decideOpinion(db: Db, acting: Acting, opinionId: number, decision: 'accepted' | 'rejected'): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const o = await trx.selectFrom('citizen_opinions').select(['id', 'state', 'project_id']).where('id', '=', opinionId).forUpdate().executeTakeFirst();
    if (!o) throw new Refused<SupervisionRefusal>('not-found');
    if (o.state !== 'pending') throw new Refused<SupervisionRefusal>('decided');
    await trx.updateTable('citizen_opinions').set({ state: decision, decided_by: acting.actor.userId, decided_at: acting.clock.now() }).where('id', '=', opinionId).execute();
    await appendAudit(trx, acting.clock, acting.actor, {
      action: decision === 'accepted' ? 'opinion.accept' : 'opinion.reject', subject: `opinion:${opinionId}`, details: { projectId: o.project_id },
    });
  });
}

/**
 * The secretariat withdraws an accepted opinion (it held personal data, or should not have been
 * accepted): it becomes rejected, its reply is removed, and it leaves every public surface; its
 * text is deleted thirty days later with the other rejected ones.
 */
export async function withdrawOpinion(db: Db, acting: Acting, opinionId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const o = await trx.selectFrom('citizen_opinions').select(['id', 'state', 'project_id', 'reply']).where('id', '=', opinionId).forUpdate().executeTakeFirst();
    if (!o) throw new Refused<SupervisionRefusal>('not-found');
    if (o.state !== 'accepted') throw new Refused<SupervisionRefusal>('not-accepted');
    await trx.updateTable('citizen_opinions').set({
      state: 'rejected', reply: null, replied_by: null, replied_at: null, decided_by: acting.actor.userId, decided_at: acting.clock.now(),
    }).where('id', '=', opinionId).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'opinion.withdraw', subject: `opinion:${opinionId}`, details: { projectId: o.project_id, hadReply: o.reply !== null } });
  });
}

/** How many opinions on a project wait for a decision. */
export async function pendingOpinionCount(db: Db | Trx, projectId: number): Promise<number> {
  const r = await db.selectFrom('citizen_opinions').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).where('state', '=', 'pending').executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** The secretariat rejects every pending opinion on a project at once (a flood): one audit entry with the count. */
export async function rejectPendingOpinions(db: Db, acting: Acting, projectId: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx.updateTable('citizen_opinions').set({ state: 'rejected', decided_by: acting.actor.userId, decided_at: acting.clock.now() })
      .where('project_id', '=', projectId).where('state', '=', 'pending').returning('id').execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'opinion.rejectPending', subject: `project:${projectId}`, details: { count: rows.length, opinionIds: rows.map((r) => r.id) } });
    return rows.length;
  });
}

/** The lead department replies to an accepted opinion, once. */
export async function replyToOpinion(db: Db, acting: Acting, opinionId: number, departmentId: number, input: { reply: string }): Promise<void> {
  const { reply } = parseInput(replyInput, input);
  await db.transaction().execute(async (trx) => {
    const o = await trx.selectFrom('citizen_opinions as o').innerJoin('projects as p', 'p.id', 'o.project_id')
      .select(['o.id', 'o.state', 'o.reply', 'o.project_id', 'p.lead_department_id']).where('o.id', '=', opinionId).forUpdate('o').executeTakeFirst();
    if (!o) throw new Refused<SupervisionRefusal>('not-found');
    if (o.lead_department_id !== departmentId) throw new Refused<SupervisionRefusal>('not-lead');
    if (o.state !== 'accepted') throw new Refused<SupervisionRefusal>('not-accepted');
    if (o.reply !== null) throw new Refused<SupervisionRefusal>('replied');
    await trx.updateTable('citizen_opinions').set({ reply, replied_by: acting.actor.userId, replied_at: acting.clock.now() }).where('id', '=', opinionId).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'opinion.reply', subject: `opinion:${opinionId}`, details: { projectId: o.project_id, departmentId } });
  });
}

/** The title of a tracked project (its candidate's name), or undefined. */
export async function projectTitle(db: Db, projectId: number): Promise<string | undefined> {
  return (await db.selectFrom('projects as p').innerJoin('candidates as c', 'c.id', 'p.candidate_id').select('c.name').where('p.id', '=', projectId).executeTakeFirst())?.name;
}

// ---------------------------------------------------------------------------------------------
// The secretariat's console and the overdue list

export interface ConsoleCounts {
  plansSubmitted: number;
  reportsSubmitted: number;
  opinionsPending: number;
  notesUnanswered: number;
}

export async function consoleCounts(db: Db): Promise<ConsoleCounts> {
  const count = async (q: Promise<{ n: number | string | bigint } | undefined>) => Number((await q)?.n ?? 0);
  const [plansSubmitted, reportsSubmitted, opinionsPending, notesUnanswered] = await Promise.all([
    count(db.selectFrom('project_plans').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'submitted').executeTakeFirst()),
    count(db.selectFrom('project_reports').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'submitted').executeTakeFirst()),
    count(db.selectFrom('citizen_opinions').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'pending').executeTakeFirst()),
    count(db.selectFrom('inspection_notes').select((eb) => eb.fn.countAll<number>().as('n')).where('reply', 'is', null).executeTakeFirst()),
  ]);
  return { plansSubmitted, reportsSubmitted, opinionsPending, notesUnanswered };
}

/** Everything overdue on the clock's Beijing date, over every tracked project (src/supervision/rules.ts `overdueList`). */
export async function overdueNow(db: Db, clock: Clock): Promise<OverdueItem[]> {
  const rows = await db.selectFrom('projects as p').innerJoin('candidates as c', 'c.id', 'p.candidate_id')
    .innerJoin('departments as d', 'd.id', 'p.lead_department_id')
    .select(['p.id', 'p.chosen_at', 'c.name', 'd.id as department_id', 'd.name as department_name']).orderBy('p.id').execute();
  const ids = rows.map((r) => r.id);
  const [plans, approved, reported, notes] = await Promise.all([
    approvedPlans(db, ids), approvedReports(db, ids),
    ids.length === 0 ? Promise.resolve([]) : db.selectFrom('project_reports').select(['project_id', 'period'])
      .where('project_id', 'in', ids).where('state', 'in', ['submitted', 'approved']).where('period', 'is not', null).execute(),
    db.selectFrom('inspection_notes as n').innerJoin('deputies as d', 'd.id', 'n.deputy_id')
      .select(['n.id', 'n.project_id', 'd.name', 'n.reply_due', 'n.reply']).where('n.reply', 'is', null).execute(),
  ]);
  const projects: OverdueProject[] = rows.map((r) => {
    const plan = plans.get(r.id);
    const standing = standingReports(approved.get(r.id) ?? []);
    const facts = plan ? { schedule: plan.schedule, startsOn: plan.starts_on ?? beijingDate(r.chosen_at), deadline: plan.deadline, milestones: plan.milestones } : null;
    return {
      id: r.id, title: r.name, department: { id: r.department_id, name: r.department_name }, plan: facts,
      reportedPeriods: new Set(reported.filter((x) => x.project_id === r.id).map((x) => x.period!)),
      milestonesDone: facts ? milestonesDone(facts, standing) : new Set<string>(),
      finished: standing.some((s) => s.final),
    };
  });
  return overdueList(projects, notes.map((n) => ({ id: n.id, projectId: n.project_id, deputyName: n.name, replyDue: n.reply_due, replied: n.reply !== null })), beijingDate(clock.now()));
}

/** Whether a deputy is a member of the standing committee (常委会组成人员). */
export async function isStandingCommittee(db: Db, deputyId: number): Promise<boolean> {
  return (await db.selectFrom('deputies').select('standing_committee').where('id', '=', deputyId).executeTakeFirst())?.standing_committee === true;
}
