import { appendAudit } from '../audit/store.ts';
import type { Acting } from '../platform/acting.ts';
import type { Db, Trx } from '../platform/db/index.ts';
import { Refused } from '../platform/refusal.ts';
import { beijingDate, type Clock } from '../platform/time.ts';
import { parseInput, ValidationError } from '../platform/validation.ts';
import { approvedPlans, approvedReports, departmentRole, latestRatings, lockProject, projectDepartments } from '../projects/store.ts';
import { currentPeriod, milestonesDone, type PlanFacts, type ReportingPeriod, reportingPeriods, standingReports } from '../projects/progress.ts';
import type { EvidenceType } from '../domain/vocabulary.ts';
import type { PreparedEvidence } from './evidence.ts';
import type { EvidenceView, QueuedReport, ReportView, SectionView } from './model.ts';
import {
  allowedKinds, awaitsReview, canSubmit, captionInput, isEditable, planIssues, type PlanShape, type ReportInput, reportInput, returnInput, sectionInput,
} from './rules.ts';

/**
 * Progress reports and their evidence: drafted, saved and submitted by the project's lead
 * department, approved (public, never changed again: a database trigger holds it) or returned with a
 * comment by the secretariat; co-departments' sections join the lead's report when it is submitted.
 * Every step is audited. Store functions check who may act on what (the department passed in must
 * lead the project) so that a route cannot forget it; a project or report the department may not
 * touch is `not-found`, as if it did not exist.
 */

/** Why a step on a report is refused. */
export type ReportRefusal = 'not-found' | 'no-plan' | 'open-report' | 'wrong-state' | 'corrected' | 'too-many' | 'not-rectifying' | 'own-department';

/** The most pieces of evidence a report may carry (the table's position limit). */
export const MAX_EVIDENCE_PER_REPORT = 50;

/** What a report of a project answers to: its approved plan, the periods it asks for, the milestones already done. */
export interface ReportContext {
  projectId: number;
  leadDepartmentId: number;
  plan: (PlanFacts & PlanShape & { revision: number }) | null;
  periods: ReportingPeriod[];
  /** The period a new report answers by default (src/projects/progress.ts `currentPeriod`). */
  defaultPeriod: string | null;
  /** Milestones done by the reports that stand (the one a correction replaces left out). */
  doneBefore: Set<string>;
  /** Latest rating 不满意: a rectification report may be filed. */
  rectifying: boolean;
}

/** The context of a (new or corrected) report of a project on the clock's day; undefined for an unknown project. */
export async function reportContext(db: Db | Trx, clock: Clock, projectId: number, options: { replacing?: number | null } = {}): Promise<ReportContext | undefined> {
  const project = await db.selectFrom('projects').select(['id', 'lead_department_id', 'chosen_at']).where('id', '=', projectId).executeTakeFirst();
  if (!project) return undefined;
  const [plans, reports, ratings] = await Promise.all([approvedPlans(db, [projectId]), approvedReports(db, [projectId]), latestRatings(db, [projectId])]);
  const row = plans.get(projectId);
  const plan = row ? {
    revision: row.revision, startsOn: row.starts_on ?? beijingDate(project.chosen_at), deadline: row.deadline,
    annualInvestmentFen: row.annual_investment_fen, totalInvestmentFen: row.total_investment_fen, schedule: row.schedule,
    milestones: row.milestones, subItems: row.sub_items, targets: row.targets,
  } : null;
  const standing = standingReports((reports.get(projectId) ?? []).filter((r) => r.id !== options.replacing));
  const periods = plan ? reportingPeriods(plan.schedule, plan.startsOn, plan.deadline) : [];
  return {
    projectId, leadDepartmentId: project.lead_department_id, plan, periods,
    defaultPeriod: currentPeriod(periods, beijingDate(clock.now()))?.period ?? null,
    doneBefore: plan ? milestonesDone(plan, standing) : new Set(),
    rectifying: ratings.get(projectId)?.rating === 'unsatisfied',
  };
}

type ReportRow = {
  id: number; project_id: number; seq: number; kind: ReportView['kind']; period: string | null; final: boolean; corrects_id: number | null;
  plan_revision: number | null; state: ReportView['state']; narrative: string; percent: number | null; spent_fen: number;
  actuals: ReportView['actuals']; milestones_done: string[]; sub_item_percents: Record<string, number>;
  drafted_at: Date; submitted_at: Date | null; decided_at: Date | null; decided_by_name: string | null; return_comment: string | null;
};

const REPORT_COLUMNS = [
  'id', 'project_id', 'seq', 'kind', 'period', 'final', 'corrects_id', 'plan_revision', 'state', 'narrative', 'percent', 'spent_fen',
  'actuals', 'milestones_done', 'sub_item_percents', 'drafted_at', 'submitted_at', 'decided_at', 'decided_by_name', 'return_comment',
] as const;

/** Report rows with their evidence, sections and corrections, as pages show them. */
async function withParts(db: Db | Trx, rows: readonly ReportRow[]): Promise<ReportView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const projectIds = [...new Set(rows.map((r) => r.project_id))];
  const [evidence, sections, corrections, seqs] = await Promise.all([
    db.selectFrom('report_evidence as re').innerJoin('evidence_files as f', 'f.sha256', 're.sha256')
      .select(['re.report_id', 're.position', 're.sha256', 're.caption', 'f.media_type', 'f.byte_size', 'f.width', 'f.height'])
      .where('re.report_id', 'in', ids).orderBy('re.report_id').orderBy('re.position').execute(),
    sectionRows(db).where('s.report_id', 'in', ids).execute(),
    db.selectFrom('project_reports').select(['id', 'corrects_id']).where('corrects_id', 'in', ids).where('state', '=', 'approved').execute(),
    db.selectFrom('project_reports').select(['id', 'seq']).where('project_id', 'in', projectIds).execute(),
  ]);
  const seqOf = new Map(seqs.map((s) => [s.id, s.seq]));
  return rows.map((r) => ({
    id: r.id, projectId: r.project_id, seq: r.seq, kind: r.kind, period: r.period, final: r.final,
    correctsId: r.corrects_id, correctsSeq: r.corrects_id === null ? null : seqOf.get(r.corrects_id) ?? null,
    correctedById: corrections.find((c) => c.corrects_id === r.id)?.id ?? null,
    planRevision: r.plan_revision, state: r.state, narrative: r.narrative, percent: r.percent, spentFen: r.spent_fen,
    actuals: r.actuals, milestonesDone: r.milestones_done, subItemPercents: r.sub_item_percents,
    draftedAt: r.drafted_at, submittedAt: r.submitted_at, decidedAt: r.decided_at, decidedByName: r.decided_by_name, returnComment: r.return_comment,
    evidence: evidence.filter((e) => e.report_id === r.id).map((e): EvidenceView => ({
      position: e.position, sha256: e.sha256, caption: e.caption, mediaType: e.media_type, byteSize: e.byte_size, width: e.width, height: e.height,
    })),
    sections: sections.filter((s) => s.reportId === r.id),
  }));
}

function sectionRows(db: Db | Trx) {
  return db.selectFrom('report_sections as s').innerJoin('departments as d', 'd.id', 's.department_id')
    .select(['s.id', 's.project_id as projectId', 's.department_id as departmentId', 'd.name as departmentName', 's.body', 's.written_at as writtenAt', 's.report_id as reportId'])
    .orderBy('s.written_at').orderBy('s.id');
}

/**
 * A project's reports with their evidence and sections, in seq order: all of them, or with
 * `publicOnly` only the approved ones (what anyone may see; the public project page shows these).
 */
export async function reportsOf(db: Db | Trx, projectId: number, options: { publicOnly: boolean }): Promise<ReportView[]> {
  let q = db.selectFrom('project_reports').select(REPORT_COLUMNS).where('project_id', '=', projectId);
  if (options.publicOnly) q = q.where('state', '=', 'approved');
  return withParts(db, await q.orderBy('seq').execute());
}

/** One report with its parts, whatever its state (callers decide who may see it). */
export async function getReport(db: Db | Trx, reportId: number): Promise<ReportView | undefined> {
  const row = await db.selectFrom('project_reports').select(REPORT_COLUMNS).where('id', '=', reportId).executeTakeFirst();
  return row ? (await withParts(db, [row]))[0] : undefined;
}

/** Sections co-departments wrote that no report carries yet: all of the project's, or one department's. */
export async function pendingSections(db: Db | Trx, projectId: number, departmentId?: number): Promise<SectionView[]> {
  let q = sectionRows(db).where('s.project_id', '=', projectId).where('s.report_id', 'is', null);
  if (departmentId !== undefined) q = q.where('s.department_id', '=', departmentId);
  return q.execute();
}

/** Reports waiting for the secretariat, oldest first. */
export async function submittedReports(db: Db | Trx): Promise<QueuedReport[]> {
  const rows = await db.selectFrom('project_reports as r').innerJoin('projects as p', 'p.id', 'r.project_id')
    .innerJoin('candidates as c', 'c.id', 'p.candidate_id').innerJoin('meetings as m', 'm.id', 'p.meeting_id')
    .innerJoin('departments as d', 'd.id', 'p.lead_department_id')
    .leftJoin('project_reports as o', 'o.id', 'r.corrects_id')
    .select(['r.id', 'r.project_id', 'c.name', 'm.year', 'd.name as department', 'r.seq', 'r.kind', 'r.period', 'r.final', 'o.seq as corrects_seq', 'r.submitted_at'])
    .where('r.state', '=', 'submitted').orderBy('r.submitted_at').orderBy('r.id').execute();
  return rows.map((r) => ({
    id: r.id, projectId: r.project_id, projectTitle: r.name, year: r.year, departmentName: r.department, seq: r.seq, kind: r.kind,
    period: r.period, final: r.final, correctsSeq: r.corrects_seq, submittedAt: r.submitted_at!,
  }));
}

/** The project's report being worked on (draft, submitted or returned), if any: a project has one at a time. */
export async function openReport(db: Db | Trx, projectId: number): Promise<{ id: number; state: ReportView['state'] } | undefined> {
  return db.selectFrom('project_reports').select(['id', 'state']).where('project_id', '=', projectId).where('state', '!=', 'approved')
    .orderBy('seq', 'desc').executeTakeFirst();
}

/** Checks a report against the context's plan; the parsed report, or ValidationError naming every problem. */
function checkedReport(context: ReportContext, input: ReportInput) {
  const report = parseInput(reportInput, input);
  if (!context.plan) throw new Refused<ReportRefusal>('no-plan');
  if (!allowedKinds(context.rectifying).includes(report.kind)) throw new Refused<ReportRefusal>('not-rectifying');
  const issues = planIssues(context.plan, report, context.doneBefore, context.periods.map((p) => p.period));
  if (issues.length > 0) throw new ValidationError(issues);
  return report;
}

const reportValues = (r: ReturnType<typeof checkedReport>) => ({
  kind: r.kind, period: r.period, final: r.final, narrative: r.narrative, percent: r.percent, spent_fen: r.spentFen,
  actuals: JSON.stringify(r.actuals), milestones_done: JSON.stringify(r.milestonesDone), sub_item_percents: JSON.stringify(r.subItemPercents),
});

/** Locks the project (its reports get distinct seqs, one open report at a time) and checks the department leads it. */
async function lockLedProject(trx: Trx, projectId: number, departmentId: number) {
  const p = await lockProject(trx, projectId);
  if (!p || p.leadDepartmentId !== departmentId) throw new Refused<ReportRefusal>('not-found');
  return p;
}

async function nextSeq(trx: Trx, projectId: number): Promise<number> {
  const { max } = await trx.selectFrom('project_reports').select((eb) => eb.fn.max<number | null>('seq').as('max')).where('project_id', '=', projectId).executeTakeFirstOrThrow();
  return (max ?? 0) + 1;
}

/** The lead department drafts a new report of its project (saved, not yet submitted). */
export async function createReport(db: Db, acting: Acting, departmentId: number, projectId: number, input: ReportInput): Promise<{ id: number; seq: number }> {
  return db.transaction().execute(async (trx) => {
    await lockLedProject(trx, projectId, departmentId);
    if (await openReport(trx, projectId)) throw new Refused<ReportRefusal>('open-report');
    const context = (await reportContext(trx, acting.clock, projectId))!;
    const r = checkedReport(context, input);
    const seq = await nextSeq(trx, projectId);
    const row = await trx.insertInto('project_reports').values({
      project_id: projectId, seq, plan_revision: context.plan!.revision, drafted_by: acting.actor.userId, drafted_at: acting.clock.now(), ...reportValues(r),
    }).returning(['id', 'seq']).executeTakeFirstOrThrow();
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'report.save', subject: `report:${row.id}`, details: { projectId, seq, kind: r.kind, period: r.period, created: true },
    });
    return row;
  });
}

/** Locks a report of a project the department leads; refuses any other as not found. */
async function lockOwnReport(trx: Trx, reportId: number, departmentId: number) {
  const r = await trx.selectFrom('project_reports as r').innerJoin('projects as p', 'p.id', 'r.project_id')
    .select(['r.id', 'r.project_id', 'r.seq', 'r.state', 'r.corrects_id', 'r.period', 'r.kind', 'p.lead_department_id'])
    .where('r.id', '=', reportId).forUpdate().executeTakeFirst();
  if (!r || r.lead_department_id !== departmentId) throw new Refused<ReportRefusal>('not-found');
  return r;
}

/** The lead department saves its draft or returned report again. */
export async function saveReport(db: Db, acting: Acting, departmentId: number, reportId: number, input: ReportInput): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const current = await lockOwnReport(trx, reportId, departmentId);
    if (!isEditable(current.state)) throw new Refused<ReportRefusal>('wrong-state');
    const context = (await reportContext(trx, acting.clock, current.project_id, { replacing: current.corrects_id }))!;
    const r = checkedReport(context, input);
    await trx.updateTable('project_reports').set({ ...reportValues(r), plan_revision: context.plan!.revision }).where('id', '=', reportId).execute();
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'report.save', subject: `report:${reportId}`, details: { projectId: current.project_id, seq: current.seq, kind: r.kind, period: r.period },
    });
  });
}

/**
 * The lead department submits its report for approval (from draft, or again once returned); the
 * co-departments' sections no report carries yet join it.
 */
export async function submitReport(db: Db, acting: Acting, departmentId: number, reportId: number): Promise<{ sections: number }> {
  return db.transaction().execute(async (trx) => {
    const current = await lockOwnReport(trx, reportId, departmentId);
    if (!canSubmit(current.state)) throw new Refused<ReportRefusal>('wrong-state');
    await trx.updateTable('project_reports').set({ state: 'submitted', submitted_at: acting.clock.now() }).where('id', '=', reportId).execute();
    // Only sections of departments that are co-departments now join: one whose standing was taken
    // away (an approved plan revision no longer names it) stays out of the report, never published.
    const co = (await projectDepartments(trx, current.project_id))?.co ?? [];
    const joined = co.length === 0 ? 0 : Number((await trx.updateTable('report_sections').set({ report_id: reportId })
      .where('project_id', '=', current.project_id).where('report_id', 'is', null).where('department_id', 'in', co).executeTakeFirst()).numUpdatedRows);
    const sections = joined;
    const { left } = await trx.selectFrom('report_sections').select((eb) => eb.fn.countAll<string | number>().as('left'))
      .where('project_id', '=', current.project_id).where('report_id', 'is', null).executeTakeFirstOrThrow();
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'report.submit', subject: `report:${reportId}`,
      details: { projectId: current.project_id, seq: current.seq, sections, again: current.state === 'returned', ...(Number(left) > 0 ? { sectionsLeftOut: Number(left) } : {}) },
    });
    return { sections };
  });
}

/** A submitted report locked for the secretariat's decision; refused for the lead department's own people (as plans are). */
async function lockSubmitted(trx: Trx, reportId: number, deciderDepartmentId: number | null) {
  const r = await trx.selectFrom('project_reports as r').innerJoin('projects as p', 'p.id', 'r.project_id')
    .select(['r.id', 'r.project_id', 'r.seq', 'r.state', 'r.corrects_id', 'p.lead_department_id']).where('r.id', '=', reportId).forUpdate(['r']).executeTakeFirst();
  if (!r) throw new Refused<ReportRefusal>('not-found');
  if (!awaitsReview(r.state)) throw new Refused<ReportRefusal>('wrong-state');
  // Nobody decides on their own department's report, even with the secretariat's role as well.
  if (deciderDepartmentId !== null && deciderDepartmentId === r.lead_department_id) throw new Refused<ReportRefusal>('own-department');
  return r;
}

/**
 * The secretariat approves a submitted report: it becomes public and never changes again.
 * `deciderDepartmentId`: the department of the deciding account, if it has one (refused for the lead's).
 */
export async function approveReport(db: Db, acting: Acting, reportId: number, deciderDepartmentId: number | null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const r = await lockSubmitted(trx, reportId, deciderDepartmentId);
    await trx.updateTable('project_reports').set({
      state: 'approved', decided_at: acting.clock.now(), decided_by: acting.actor.userId, decided_by_name: acting.actor.name, return_comment: null,
    }).where('id', '=', reportId).execute();
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'report.approve', subject: `report:${reportId}`, details: { projectId: r.project_id, seq: r.seq, ...(r.corrects_id ? { corrects: r.corrects_id } : {}) },
    });
  });
}

/** The secretariat returns a submitted report to its department with a comment (refused for the lead department's own people). */
export async function returnReport(db: Db, acting: Acting, reportId: number, input: { comment: string }, deciderDepartmentId: number | null): Promise<void> {
  const { comment } = parseInput(returnInput, input);
  await db.transaction().execute(async (trx) => {
    const r = await lockSubmitted(trx, reportId, deciderDepartmentId);
    await trx.updateTable('project_reports').set({
      state: 'returned', decided_at: acting.clock.now(), decided_by: acting.actor.userId, decided_by_name: acting.actor.name, return_comment: comment,
    }).where('id', '=', reportId).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'report.return', subject: `report:${reportId}`, details: { projectId: r.project_id, seq: r.seq, comment } });
  });
}

/**
 * Starts the correction of an approved report: a new draft, filled in from it, that names it. Once
 * approved, the correction stands in its place (the corrected report stays public, marked so).
 */
export async function startCorrection(db: Db, acting: Acting, departmentId: number, reportId: number): Promise<{ id: number; seq: number }> {
  return db.transaction().execute(async (trx) => {
    const original = await lockOwnReport(trx, reportId, departmentId);
    await lockLedProject(trx, original.project_id, departmentId);
    if (original.state !== 'approved') throw new Refused<ReportRefusal>('wrong-state');
    const corrected = await trx.selectFrom('project_reports').select('id').where('corrects_id', '=', reportId).where('state', '=', 'approved').executeTakeFirst();
    if (corrected) throw new Refused<ReportRefusal>('corrected');
    if (await openReport(trx, original.project_id)) throw new Refused<ReportRefusal>('open-report');
    const plan = (await approvedPlans(trx, [original.project_id])).get(original.project_id);
    if (!plan) throw new Refused<ReportRefusal>('no-plan');
    const source = await trx.selectFrom('project_reports').selectAll().where('id', '=', reportId).executeTakeFirstOrThrow();
    const seq = await nextSeq(trx, original.project_id);
    const row = await trx.insertInto('project_reports').values({
      project_id: source.project_id, seq, kind: source.kind, period: source.period, final: source.final, corrects_id: reportId, plan_revision: plan.revision,
      narrative: source.narrative, percent: source.percent, spent_fen: source.spent_fen, actuals: JSON.stringify(source.actuals),
      milestones_done: JSON.stringify(source.milestones_done), sub_item_percents: JSON.stringify(source.sub_item_percents),
      drafted_by: acting.actor.userId, drafted_at: acting.clock.now(),
    }).returning(['id', 'seq']).executeTakeFirstOrThrow();
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'report.correct', subject: `report:${row.id}`, details: { projectId: source.project_id, seq, corrects: reportId, correctsSeq: source.seq },
    });
    return row;
  });
}

/** A co-department writes its section of the lead department's next report. */
export async function addSection(db: Db, acting: Acting, departmentId: number, projectId: number, input: { body: string }): Promise<number> {
  const { body } = parseInput(sectionInput, input);
  return db.transaction().execute(async (trx) => {
    if ((await departmentRole(trx, projectId, departmentId)) !== 'co') throw new Refused<ReportRefusal>('not-found');
    const row = await trx.insertInto('report_sections').values({
      project_id: projectId, department_id: departmentId, body, written_by: acting.actor.userId, written_at: acting.clock.now(),
    }).returning('id').executeTakeFirstOrThrow();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'report.section.add', subject: `project:${projectId}`, details: { section: row.id, departmentId } });
    return row.id;
  });
}

/** Attaches a checked file (src/reports/evidence.ts) to the department's draft or returned report, stored once by its SHA-256. */
export async function addEvidence(db: Db, acting: Acting, departmentId: number, reportId: number, file: PreparedEvidence, input: { caption: string }): Promise<number> {
  const { caption } = parseInput(captionInput, input);
  return db.transaction().execute(async (trx) => {
    const report = await lockOwnReport(trx, reportId, departmentId);
    if (!isEditable(report.state)) throw new Refused<ReportRefusal>('wrong-state');
    const { max } = await trx.selectFrom('report_evidence').select((eb) => eb.fn.max<number | null>('position').as('max')).where('report_id', '=', reportId).executeTakeFirstOrThrow();
    const position = (max ?? 0) + 1;
    if (position > MAX_EVIDENCE_PER_REPORT) throw new Refused<ReportRefusal>('too-many');
    await trx.insertInto('evidence_files').values({
      sha256: file.sha256, media_type: file.mediaType, bytes: Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength),
      byte_size: file.bytes.byteLength, width: file.width, height: file.height,
    }).onConflict((oc) => oc.column('sha256').doNothing()).execute();
    await trx.insertInto('report_evidence').values({ report_id: reportId, position, sha256: file.sha256, caption }).execute();
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'report.evidence.add', subject: `report:${reportId}`,
      details: { projectId: report.project_id, position, sha256: file.sha256, mediaType: file.mediaType, bytes: file.bytes.byteLength, caption },
    });
    return position;
  });
}

/** A stored evidence file and who may read it: anyone once an approved report carries it, else the lead departments of the reports that do. */
export interface EvidenceAccess {
  mediaType: EvidenceType;
  bytes: Uint8Array;
  public: boolean;
  leadDepartmentIds: number[];
}

export async function evidenceAccess(db: Db | Trx, sha256: string): Promise<EvidenceAccess | undefined> {
  const file = await db.selectFrom('evidence_files').select(['media_type', 'bytes']).where('sha256', '=', sha256).executeTakeFirst();
  if (!file) return undefined;
  const uses = await db.selectFrom('report_evidence as re').innerJoin('project_reports as r', 'r.id', 're.report_id').innerJoin('projects as p', 'p.id', 'r.project_id')
    .select(['r.state', 'p.lead_department_id']).where('re.sha256', '=', sha256).execute();
  return {
    mediaType: file.media_type, bytes: file.bytes, public: uses.some((u) => u.state === 'approved'),
    leadDepartmentIds: [...new Set(uses.map((u) => u.lead_department_id))],
  };
}
