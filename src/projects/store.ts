import type { Clock } from '../platform/time.ts';
import { beijingDate } from '../platform/time.ts';
import type { Db, Trx } from '../platform/db/index.ts';
import type { ProjectPlanTable } from '../domain/tables.ts';
import type { Selectable } from 'kysely';
import type { ApprovedPlan, ProjectFilter, ProjectRating, ProjectSummary } from './model.ts';
import { type ApprovedReport, moneyOf, progressOf, reportedBy, statusOf } from './progress.ts';

/**
 * Reading tracked projects with their derived progress, money and status. Everything public about
 * a project is read here: the approved plan (its latest approved revision), approved reports, the
 * latest published rating. Drafts, submitted or returned reports and plans never reach these.
 */

type PlanRow = Selectable<ProjectPlanTable>;

/** The latest approved plan revision of each project. */
export async function approvedPlans(db: Db | Trx, projectIds: readonly number[], asOf?: Date): Promise<Map<number, PlanRow>> {
  if (projectIds.length === 0) return new Map();
  const rows = await db.selectFrom('project_plans').selectAll()
    .where('project_id', 'in', projectIds).where('state', '=', 'approved')
    .$if(asOf !== undefined, (q) => q.where('decided_at', '<=', asOf!))
    .orderBy('project_id').orderBy('revision', 'desc').execute();
  const latest = new Map<number, PlanRow>();
  for (const r of rows) if (!latest.has(r.project_id)) latest.set(r.project_id, r);
  return latest;
}

/** Approved reports of each project, in seq order, as progress reads them. */
export async function approvedReports(db: Db | Trx, projectIds: readonly number[], asOf?: Date): Promise<Map<number, (ApprovedReport & { decidedAt: Date })[]>> {
  const out = new Map<number, (ApprovedReport & { decidedAt: Date })[]>();
  if (projectIds.length === 0) return out;
  const rows = await db.selectFrom('project_reports')
    .select(['id', 'project_id', 'seq', 'kind', 'period', 'final', 'corrects_id', 'percent', 'spent_fen', 'milestones_done', 'sub_item_percents', 'decided_at'])
    .where('project_id', 'in', projectIds).where('state', '=', 'approved')
    .orderBy('project_id').orderBy('seq').execute();
  const asOfDay = asOf === undefined ? undefined : beijingDate(asOf);
  for (const r of rows) {
    if (asOfDay !== undefined && !reportedBy({ period: r.period, decidedOn: beijingDate(r.decided_at!) }, asOfDay)) continue;
    const list = out.get(r.project_id) ?? [];
    list.push({
      id: r.id, seq: r.seq, kind: r.kind, period: r.period, final: r.final, correctsId: r.corrects_id, percent: r.percent,
      spentFen: r.spent_fen, milestonesDone: r.milestones_done, subItemPercents: r.sub_item_percents, decidedAt: r.decided_at!,
    });
    out.set(r.project_id, list);
  }
  return out;
}

/** The latest published rating of each project. */
export async function latestRatings(db: Db | Trx, projectIds: readonly number[], asOf?: Date): Promise<Map<number, ProjectRating>> {
  const out = new Map<number, ProjectRating>();
  if (projectIds.length === 0) return out;
  const rows = await db.selectFrom('project_ratings').selectAll().where('project_id', 'in', projectIds)
    .$if(asOf !== undefined, (q) => q.where('published_at', '<=', asOf!))
    .orderBy('project_id').orderBy('published_at', 'desc').orderBy('election_id', 'desc').execute();
  for (const r of rows) {
    if (out.has(r.project_id)) continue;
    const all = r.satisfied + r.basically + r.unsatisfied + r.abstain;
    out.set(r.project_id, {
      electionId: r.election_id, rating: r.rating, satisfied: r.satisfied, basically: r.basically, unsatisfied: r.unsatisfied, abstain: r.abstain,
      satisfactionRate: all > 0 ? Math.round(((r.satisfied + r.basically) / all) * 1000) / 10 : null, publishedAt: r.published_at,
    });
  }
  return out;
}

/**
 * The projects matching the filter, in their meetings' order (newest year first) and rank, each with
 * its derived progress, money and status on `today` (Beijing date of the clock).
 */
export async function listProjects(db: Db | Trx, clock: Clock, filter: ProjectFilter = {}): Promise<ProjectSummary[]> {
  let q = db.selectFrom('projects as p')
    .innerJoin('candidates as c', 'c.id', 'p.candidate_id')
    .innerJoin('meetings as m', 'm.id', 'p.meeting_id')
    .innerJoin('departments as d', 'd.id', 'p.lead_department_id')
    .select([
      'p.id', 'p.meeting_id', 'p.candidate_id', 'p.election_id', 'p.option_key', 'p.rank', 'p.for_votes', 'p.chosen_at',
      'c.name', 'c.category', 'c.description', 'c.deadline', 'c.total_investment_yuan', 'm.title as meeting_title', 'm.year', 'd.id as department_id', 'd.name as department_name',
    ]);
  if (filter.year !== undefined) q = q.where('m.year', '=', filter.year);
  if (filter.meetingId !== undefined) q = q.where('p.meeting_id', '=', filter.meetingId);
  if (filter.departmentId !== undefined) q = q.where('p.lead_department_id', '=', filter.departmentId);
  if (filter.category !== undefined) q = q.where('c.category', '=', filter.category);
  if (filter.asOf !== undefined) q = q.where('p.chosen_at', '<=', filter.asOf);
  if (filter.ids !== undefined) {
    if (filter.ids.length === 0) return [];
    q = q.where('p.id', 'in', filter.ids);
  }
  const rows = await q.orderBy('m.year', 'desc').orderBy('m.starts_on', 'desc').orderBy('p.rank').execute();
  const ids = rows.map((r) => r.id);
  const [plans, reports, ratings, candidateCo] = await Promise.all([
    approvedPlans(db, ids, filter.asOf), approvedReports(db, ids, filter.asOf), latestRatings(db, ids, filter.asOf),
    ids.length === 0 ? Promise.resolve([]) : db.selectFrom('candidate_co_departments as cc').innerJoin('departments as d', 'd.id', 'cc.department_id')
      .innerJoin('projects as p', 'p.candidate_id', 'cc.candidate_id').select(['p.id as project_id', 'd.id', 'd.name'])
      .where('p.id', 'in', ids).orderBy('d.name').execute(),
  ]);
  const planCoIds = [...new Set([...plans.values()].flatMap((p) => p.co_department_ids))];
  const departmentNames = new Map(planCoIds.length === 0 ? [] : (await db.selectFrom('departments').select(['id', 'name']).where('id', 'in', planCoIds).execute()).map((d) => [d.id, d.name]));
  const today = beijingDate(filter.asOf ?? clock.now());
  const out: ProjectSummary[] = [];
  for (const r of rows) {
    const planRow = plans.get(r.id);
    const plan: ApprovedPlan | null = planRow ? {
      revision: planRow.revision, reason: planRow.reason, totalInvestmentFen: planRow.total_investment_fen, annualInvestmentFen: planRow.annual_investment_fen,
      startsOn: planRow.starts_on ?? beijingDate(r.chosen_at), deadline: planRow.deadline, location: planRow.location, leadOfficial: planRow.lead_official,
      schedule: planRow.schedule, coDepartments: planRow.co_department_ids.map((id) => ({ id, name: departmentNames.get(id) ?? '' })),
      targets: planRow.targets, subItems: planRow.sub_items, milestones: planRow.milestones, approvedAt: planRow.decided_at!,
    } : null;
    if (filter.location !== undefined && plan?.location !== filter.location) continue;
    const approved = reports.get(r.id) ?? [];
    const rating = ratings.get(r.id) ?? null;
    const facts = plan ? { ...plan } : null;
    const updated = [r.chosen_at, plan?.approvedAt, approved.at(-1)?.decidedAt, rating?.publishedAt].filter((d): d is Date => d instanceof Date);
    out.push({
      id: r.id, meetingId: r.meeting_id, meetingTitle: r.meeting_title, year: r.year, candidateId: r.candidate_id,
      title: r.name, category: r.category, description: r.description,
      leadDepartment: { id: r.department_id, name: r.department_name },
      coDepartments: plan ? plan.coDepartments : candidateCo.filter((c) => c.project_id === r.id).map((c) => ({ id: c.id, name: c.name })),
      electionId: r.election_id, optionKey: r.option_key, rank: r.rank, forVotes: r.for_votes, chosenAt: r.chosen_at,
      plan, deadline: plan?.deadline ?? r.deadline, location: plan?.location ?? null,
      progress: progressOf(facts, approved),
      // Before a plan is approved, the candidate's 总投资 stands (no annual plan yet).
      money: moneyOf(facts ?? { annualInvestmentFen: 0, totalInvestmentFen: (r.total_investment_yuan ?? 0) * 100 }, approved),
      status: statusOf({ plan: facts, approved, latestRating: rating?.rating ?? null, today }),
      rating, approvedReports: approved.length,
      updatedAt: new Date(Math.max(...updated.map((d) => d.getTime()))),
    });
  }
  return out;
}

/** One project with everything derived, or undefined. */
export async function getProject(db: Db | Trx, clock: Clock, id: number): Promise<ProjectSummary | undefined> {
  return (await listProjects(db, clock, { ids: [id] }))[0];
}

/** The project a candidate became, if a published vote chose it. */
export async function projectOfCandidate(db: Db | Trx, candidateId: number): Promise<number | undefined> {
  return (await db.selectFrom('projects').select('id').where('candidate_id', '=', candidateId).executeTakeFirst())?.id;
}

/** The years that have tracked projects, newest first. */
export async function trackedYears(db: Db | Trx): Promise<number[]> {
  const rows = await db.selectFrom('projects as p').innerJoin('meetings as m', 'm.id', 'p.meeting_id').select('m.year').distinct().orderBy('m.year', 'desc').execute();
  return rows.map((r) => r.year);
}

/** How a department stands to a project: it leads it, it is a co-department, or neither. */
export type DepartmentRole = 'lead' | 'co';

/**
 * The one answer to "which departments does this project involve, and how": its lead department
 * (the candidate's, fixed at publication), and its co-departments, those of its latest APPROVED plan
 * revision or, before any approval, its candidate's. A draft, submitted or returned revision never
 * counts: the lead department naming other co-departments in a draft grants nothing and revokes
 * nothing until the secretariat approves it. Every feature asks this question here (plans, reports,
 * the workspace, supervision).
 */
export async function projectDepartments(db: Db | Trx, projectId: number): Promise<{ lead: number; co: number[] } | undefined> {
  const p = await db.selectFrom('projects').select(['lead_department_id', 'candidate_id']).where('id', '=', projectId).executeTakeFirst();
  if (!p) return undefined;
  const plan = await db.selectFrom('project_plans').select('co_department_ids').where('project_id', '=', projectId).where('state', '=', 'approved')
    .orderBy('revision', 'desc').executeTakeFirst();
  const co = plan ? plan.co_department_ids
    : (await db.selectFrom('candidate_co_departments').select('department_id').where('candidate_id', '=', p.candidate_id).execute()).map((r) => r.department_id);
  return { lead: p.lead_department_id, co };
}

/** How a department stands to a project (src/projects/store.ts `projectDepartments`); undefined for none, an unknown project, or no department at all. */
export async function departmentRole(db: Db | Trx, projectId: number, departmentId: number | null | undefined): Promise<DepartmentRole | undefined> {
  if (departmentId === null || departmentId === undefined) return undefined;
  const d = await projectDepartments(db, projectId);
  if (!d) return undefined;
  if (d.lead === departmentId) return 'lead';
  return d.co.includes(departmentId) ? 'co' : undefined;
}

/**
 * A project's row locked for a step of its lead department (a plan or report step: one open
 * revision or report at a time, distinct numbers), with its lead department; undefined when unknown.
 */
export async function lockProject(trx: Trx, projectId: number): Promise<{ id: number; leadDepartmentId: number } | undefined> {
  const p = await trx.selectFrom('projects').select(['id', 'lead_department_id']).where('id', '=', projectId).forUpdate().executeTakeFirst();
  return p && { id: p.id, leadDepartmentId: p.lead_department_id };
}
