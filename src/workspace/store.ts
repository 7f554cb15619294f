import { sql } from 'kysely';
import type { Db, Trx } from '../platform/db/index.ts';
import { beijingDate, type Clock } from '../platform/time.ts';
import { lateReports, reportingPeriods, standingReports } from '../projects/progress.ts';
import type { ProjectSummary } from '../projects/model.ts';
import { approvedReports, departmentRole, listProjects } from '../projects/store.ts';
import { listNotes, listOpinions } from '../supervision/store.ts';
import type { Workspace, WorkspaceItem } from './model.ts';

/**
 * A department's workspace: the projects it leads and those it co-owns, each with its status and
 * progress (src/projects/store.ts), the plan's state, the reports due and late, and what came back.
 */

/** The ids of the projects a department is a co-department of (the latest approved plan revision's list, or the candidate's before any approval: src/projects/store.ts `projectDepartments`). */
async function coProjectIds(db: Db | Trx, departmentId: number): Promise<number[]> {
  const [fromPlans, fromCandidates] = await Promise.all([
    db.selectFrom('project_plans').select('project_id').where('state', '=', 'approved').where(sql<boolean>`${departmentId} = any(co_department_ids)`).execute(),
    db.selectFrom('projects as p').innerJoin('candidate_co_departments as cc', 'cc.candidate_id', 'p.candidate_id')
      .select('p.id as project_id').where('cc.department_id', '=', departmentId).execute(),
  ]);
  const candidates = [...new Set([...fromPlans, ...fromCandidates].map((r) => r.project_id))];
  const out: number[] = [];
  for (const id of candidates) if ((await departmentRole(db, id, departmentId)) === 'co') out.push(id);
  return out;
}

/** The state of each project's latest plan revision. */
async function latestPlanStates(db: Db | Trx, ids: readonly number[]) {
  const out = new Map<number, WorkspaceItem['plan']>();
  if (ids.length === 0) return out;
  const rows = await db.selectFrom('project_plans').select(['project_id', 'revision', 'state', 'return_comment'])
    .where('project_id', 'in', ids).orderBy('project_id').orderBy('revision', 'desc').execute();
  for (const r of rows) if (!out.has(r.project_id)) out.set(r.project_id, { revision: r.revision, state: r.state, returnComment: r.return_comment });
  return out;
}

/** The workspace items of these projects as the department stands to them, on the clock's day. */
export async function workspaceItems(db: Db | Trx, clock: Clock, projects: readonly ProjectSummary[], standing: (p: ProjectSummary) => 'lead' | 'co'): Promise<WorkspaceItem[]> {
  const ids = projects.map((p) => p.id);
  const today = beijingDate(clock.now());
  const [plans, approved, reported, open] = await Promise.all([
    latestPlanStates(db, ids), approvedReports(db, ids),
    ids.length === 0 ? [] : db.selectFrom('project_reports').select(['project_id', 'period']).where('project_id', 'in', ids)
      .where('state', 'in', ['submitted', 'approved']).where('period', 'is not', null).execute(),
    ids.length === 0 ? [] : db.selectFrom('project_reports').select(['project_id', 'id', 'seq', 'state', 'return_comment'])
      .where('project_id', 'in', ids).where('state', '!=', 'approved').orderBy('seq', 'desc').execute(),
  ]);
  return projects.map((p) => {
    const periods = p.plan ? reportingPeriods(p.plan.schedule, p.plan.startsOn, p.plan.deadline) : [];
    const done = new Set(reported.filter((r) => r.project_id === p.id).map((r) => r.period!));
    const finished = standingReports(approved.get(p.id) ?? []).some((r) => r.final);
    const late = lateReports(periods, done, today, finished);
    const nextPeriod = finished ? null : periods.find((x) => !done.has(x.period) && x.dueOn >= today) ?? null;
    const o = open.find((r) => r.project_id === p.id);
    return {
      project: p, standing: standing(p), plan: plans.get(p.id) ?? null, nextPeriod, late,
      openReport: o ? { id: o.id, seq: o.seq, state: o.state, returnComment: o.return_comment } : null,
    };
  });
}

/** The department's workspace; undefined for an unknown department. */
export async function workspaceOf(db: Db, clock: Clock, departmentId: number): Promise<Workspace | undefined> {
  const department = await db.selectFrom('departments').select('name').where('id', '=', departmentId).executeTakeFirst();
  if (!department) return undefined;
  const coIds = await coProjectIds(db, departmentId);
  const [led, co] = await Promise.all([listProjects(db, clock, { departmentId }), listProjects(db, clock, { ids: coIds })]);
  const [leadItems, coItems] = await Promise.all([workspaceItems(db, clock, led, () => 'lead'), workspaceItems(db, clock, co, () => 'co')]);
  const years = [...new Set(leadItems.map((i) => i.project.year))];
  const [notes, opinions] = await Promise.all([listNotes(db, clock, { departmentId }), listOpinions(db, { state: 'accepted', departmentId })]);
  const open = [...notes.filter((n) => n.reply === null), ...opinions.filter((o) => o.reply === null)];
  return {
    departmentName: department.name,
    lead: years.map((year) => ({ year, items: leadItems.filter((i) => i.project.year === year) })),
    co: coItems,
    toAnswer: { unanswered: open.length, overdue: notes.filter((n) => n.overdue).length },
  };
}
