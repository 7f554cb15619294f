import type { Selectable } from 'kysely';
import { appendAudit } from '../audit/store.ts';
import type { ProjectPlanTable } from '../domain/tables.ts';
import type { Acting } from '../platform/acting.ts';
import type { Db, Trx } from '../platform/db/index.ts';
import { Refused } from '../platform/refusal.ts';
import { beijingDate } from '../platform/time.ts';
import { ValidationError } from '../platform/validation.ts';
import { lockProject } from '../projects/store.ts';
import type { PlanProject, PlanQueueItem, PlanRevision, PlanState } from './model.ts';
import { keysOf, type PlanContent, type PlanContext, planIssues } from './rules.ts';

/**
 * Implementation plans as revisions (docs/tracking-plans.md): the lead department drafts one and
 * submits it; the secretariat approves it (then public, and never changed again: a trigger refuses
 * even raw SQL) or returns it with a comment; a later change is a new revision with its reason.
 * One revision at a time is open (a partial unique index). Every step is audited.
 */

/** Why a plan step is refused. */
export type PlanRefusal = 'not-found' | 'not-lead' | 'under-review' | 'nothing-open' | 'wrong-state' | 'own-department';

type PlanRow = Selectable<ProjectPlanTable>;

function revisionOf(r: PlanRow): PlanRevision {
  return {
    id: r.id, projectId: r.project_id, revision: r.revision, state: r.state, reason: r.reason,
    content: {
      totalInvestmentFen: r.total_investment_fen, annualInvestmentFen: r.annual_investment_fen, startsOn: r.starts_on, deadline: r.deadline,
      location: r.location, leadOfficial: r.lead_official, schedule: r.schedule, coDepartmentIds: r.co_department_ids,
      targets: r.targets, subItems: r.sub_items, milestones: r.milestones,
    },
    draftedAt: r.drafted_at, submittedAt: r.submitted_at, decidedAt: r.decided_at, decidedByName: r.decided_by_name, returnComment: r.return_comment,
  };
}

/** The project a plan is for, with the candidate's figures a first revision starts from. */
export async function planProject(db: Db | Trx, projectId: number): Promise<PlanProject | undefined> {
  const r = await db.selectFrom('projects as p').innerJoin('candidates as c', 'c.id', 'p.candidate_id').innerJoin('meetings as m', 'm.id', 'p.meeting_id')
    .innerJoin('departments as d', 'd.id', 'p.lead_department_id')
    .select(['p.id', 'p.meeting_id', 'p.chosen_at', 'c.id as candidate_id', 'c.name', 'c.total_investment_yuan', 'c.deadline', 'c.lead_official',
      'm.title as meeting_title', 'm.year', 'd.id as department_id', 'd.name as department_name'])
    .where('p.id', '=', projectId).executeTakeFirst();
  if (!r) return undefined;
  const co = await db.selectFrom('candidate_co_departments').select('department_id').where('candidate_id', '=', r.candidate_id).orderBy('department_id').execute();
  return {
    id: r.id, title: r.name, meetingId: r.meeting_id, meetingTitle: r.meeting_title, year: r.year,
    leadDepartment: { id: r.department_id, name: r.department_name }, publishedOn: beijingDate(r.chosen_at),
    candidate: { totalInvestmentYuan: r.total_investment_yuan, deadline: r.deadline, leadOfficial: r.lead_official, coDepartmentIds: co.map((c) => c.department_id) },
  };
}

/**
 * Every revision of a project's plan, first to last; with `approvedOnly` only the approved ones
 * (what anyone may see: the public project page and open data read these, and nothing else).
 */
export async function planRevisions(db: Db | Trx, projectId: number, options: { approvedOnly?: boolean } = {}): Promise<PlanRevision[]> {
  let q = db.selectFrom('project_plans').selectAll().where('project_id', '=', projectId);
  if (options.approvedOnly) q = q.where('state', '=', 'approved');
  return (await q.orderBy('revision').execute()).map(revisionOf);
}

/** One revision, or undefined. */
export async function getPlanRevision(db: Db | Trx, id: number): Promise<PlanRevision | undefined> {
  const row = await db.selectFrom('project_plans').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? revisionOf(row) : undefined;
}

/** The latest approved revision before `revision` (the one a revision changes), or null. */
export async function approvedBefore(db: Db | Trx, projectId: number, revision: number): Promise<PlanRevision | null> {
  const row = await db.selectFrom('project_plans').selectAll().where('project_id', '=', projectId).where('state', '=', 'approved')
    .where('revision', '<', revision).orderBy('revision', 'desc').limit(1).executeTakeFirst();
  return row ? revisionOf(row) : null;
}

/**
 * Where a project's plan stands: its latest approved revision (or null), and the revision being
 * worked on (draft, submitted or returned, with the secretariat's comment) or null.
 */
export async function planState(db: Db | Trx, projectId: number): Promise<PlanState> {
  const revisions = await planRevisions(db, projectId);
  const approved = revisions.filter((r) => r.state === 'approved').at(-1) ?? null;
  const open = revisions.find((r) => r.state !== 'approved');
  return {
    approved,
    open: open ? { id: open.id, revision: open.revision, state: open.state as Exclude<typeof open.state, 'approved'>, returnComment: open.returnComment } : null,
  };
}

/** The secretariat's queue: submitted revisions, oldest first. */
export async function submittedPlans(db: Db | Trx): Promise<PlanQueueItem[]> {
  const rows = await db.selectFrom('project_plans as pp').innerJoin('projects as p', 'p.id', 'pp.project_id')
    .innerJoin('candidates as c', 'c.id', 'p.candidate_id').innerJoin('meetings as m', 'm.id', 'p.meeting_id')
    .innerJoin('departments as d', 'd.id', 'p.lead_department_id')
    .select(['pp.id', 'pp.project_id', 'pp.revision', 'pp.reason', 'pp.submitted_at', 'c.name', 'm.title as meeting_title', 'd.name as department'])
    .where('pp.state', '=', 'submitted').orderBy('pp.submitted_at').orderBy('pp.id').execute();
  return rows.map((r) => ({
    id: r.id, projectId: r.project_id, projectTitle: r.name, meetingTitle: r.meeting_title, department: r.department,
    revision: r.revision, reason: r.reason, submittedAt: r.submitted_at!,
  }));
}

/** What checking a plan of this project needs: the departments, the keys used, the revision the next save writes. */
export async function planContext(db: Db | Trx, project: PlanProject): Promise<PlanContext> {
  const [departments, revisions] = await Promise.all([
    db.selectFrom('departments').select('id').orderBy('id').execute(),
    planRevisions(db, project.id),
  ]);
  const open = revisions.find((r) => r.state !== 'approved');
  return {
    publishedOn: project.publishedOn, leadDepartmentId: project.leadDepartment.id, departmentIds: departments.map((d) => d.id),
    usedKeys: [...new Set(revisions.flatMap((r) => keysOf(r.content)))],
    revision: open?.revision ?? (revisions.at(-1)?.revision ?? 0) + 1,
    meetingYear: project.year,
  };
}

/** The project's row locked for a plan step, refused unless `departmentId` leads it. */
async function lockLedProject(trx: Trx, projectId: number, departmentId: number | null) {
  const project = await lockProject(trx, projectId);
  if (!project) throw new Refused<PlanRefusal>('not-found');
  if (departmentId === null || project.leadDepartmentId !== departmentId) throw new Refused<PlanRefusal>('not-lead');
  return project;
}

/**
 * Saves the open revision of a project's plan (a draft, or a returned one being corrected), or
 * starts the next revision when none is open. Refused while a revision waits for review, or when
 * `departmentId` does not lead the project. The plan is checked again here (ValidationError).
 */
export async function savePlan(db: Db, acting: Acting, projectId: number, departmentId: number | null, content: PlanContent, reason: string | null): Promise<{ id: number; revision: number; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    await lockLedProject(trx, projectId, departmentId);
    const project = (await planProject(trx, projectId))!;
    const ctx = await planContext(trx, project);
    const revisions = await planRevisions(trx, projectId);
    const open = revisions.find((r) => r.state !== 'approved');
    if (open?.state === 'submitted') throw new Refused<PlanRefusal>('under-review');
    // Rows keep the keys they had; a key no revision used before must be a new row's.
    const issues = planIssues(content, ctx);
    if (ctx.revision > 1 && (reason === null || reason.trim() === '')) issues.push({ field: 'reason', key: 'plan.error.reason' });
    if (issues.length > 0) throw new ValidationError(issues);
    const values = {
      reason: ctx.revision > 1 ? reason!.trim() : null,
      total_investment_fen: content.totalInvestmentFen, annual_investment_fen: content.annualInvestmentFen,
      starts_on: content.startsOn, deadline: content.deadline, location: content.location, lead_official: content.leadOfficial,
      schedule: content.schedule, co_department_ids: content.coDepartmentIds,
      targets: JSON.stringify(content.targets), sub_items: JSON.stringify(content.subItems), milestones: JSON.stringify(content.milestones),
      drafted_by: acting.actor.userId, drafted_at: acting.clock.now(),
    };
    let id: number;
    if (open) {
      await trx.updateTable('project_plans').set(values).where('id', '=', open.id).execute();
      id = open.id;
    } else {
      id = (await trx.insertInto('project_plans').values({ ...values, project_id: projectId, revision: ctx.revision }).returning('id').executeTakeFirstOrThrow()).id;
    }
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'plan.save', subject: `plan:${id}`, details: { projectId, revision: ctx.revision, ...(open ? {} : { started: true }) },
    });
    return { id, revision: ctx.revision, created: !open };
  });
}

/** Submits the open revision (a draft or a corrected returned one) for the secretariat's review. */
export async function submitPlan(db: Db, acting: Acting, projectId: number, departmentId: number | null): Promise<{ id: number; revision: number }> {
  return db.transaction().execute(async (trx) => {
    await lockLedProject(trx, projectId, departmentId);
    const open = await trx.selectFrom('project_plans').select(['id', 'revision', 'state']).where('project_id', '=', projectId).where('state', '<>', 'approved').executeTakeFirst();
    if (!open) throw new Refused<PlanRefusal>('nothing-open');
    if (open.state === 'submitted') throw new Refused<PlanRefusal>('under-review');
    await trx.updateTable('project_plans').set({ state: 'submitted', submitted_at: acting.clock.now() }).where('id', '=', open.id).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'plan.submit', subject: `plan:${open.id}`, details: { projectId, revision: open.revision } });
    return { id: open.id, revision: open.revision };
  });
}

/** A submitted revision locked for the secretariat's decision; refused for the lead department's own people. */
async function lockSubmitted(trx: Trx, planId: number, deciderDepartmentId: number | null) {
  const plan = await trx.selectFrom('project_plans as pp').innerJoin('projects as p', 'p.id', 'pp.project_id')
    .select(['pp.id', 'pp.project_id', 'pp.revision', 'pp.state', 'p.lead_department_id']).where('pp.id', '=', planId).forUpdate(['pp']).executeTakeFirst();
  if (!plan) throw new Refused<PlanRefusal>('not-found');
  if (plan.state !== 'submitted') throw new Refused<PlanRefusal>('wrong-state');
  // Nobody approves their own department's plan, even with the secretariat's role as well.
  if (deciderDepartmentId !== null && deciderDepartmentId === plan.lead_department_id) throw new Refused<PlanRefusal>('own-department');
  return plan;
}

/** Approves a submitted revision: it becomes the project's public plan and never changes again. */
export async function approvePlan(db: Db, acting: Acting, planId: number, deciderDepartmentId: number | null): Promise<{ projectId: number; revision: number }> {
  return db.transaction().execute(async (trx) => {
    const plan = await lockSubmitted(trx, planId, deciderDepartmentId);
    await trx.updateTable('project_plans').set({
      state: 'approved', decided_by: acting.actor.userId, decided_by_name: acting.actor.name, decided_at: acting.clock.now(),
    }).where('id', '=', planId).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'plan.approve', subject: `plan:${planId}`, details: { projectId: plan.project_id, revision: plan.revision } });
    return { projectId: plan.project_id, revision: plan.revision };
  });
}

/** Returns a submitted revision to the department with a comment (required, up to 2,000 characters). */
export async function returnPlan(db: Db, acting: Acting, planId: number, comment: string, deciderDepartmentId: number | null): Promise<{ projectId: number; revision: number }> {
  const text = comment.trim();
  if (text === '') throw new ValidationError([{ field: 'comment', key: 'plan.error.comment' }]);
  if (text.length > 2000) throw new ValidationError([{ field: 'comment', key: 'validation.tooLong' }]);
  return db.transaction().execute(async (trx) => {
    const plan = await lockSubmitted(trx, planId, deciderDepartmentId);
    await trx.updateTable('project_plans').set({
      state: 'returned', return_comment: text, decided_by: acting.actor.userId, decided_by_name: acting.actor.name, decided_at: acting.clock.now(),
    }).where('id', '=', planId).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'plan.return', subject: `plan:${planId}`, details: { projectId: plan.project_id, revision: plan.revision, comment: text } });
    return { projectId: plan.project_id, revision: plan.revision };
  });
}

/** The names of departments by id (for showing co-departments). */
export async function departmentNames(db: Db | Trx): Promise<{ id: number; name: string }[]> {
  return db.selectFrom('departments').select(['id', 'name']).orderBy('name').execute();
}
