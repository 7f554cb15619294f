import { z } from 'zod';
import type { PlanMilestone, PlanSubItem, PlanTarget, ReportActual } from '../domain/tables.ts';
import { MAX_FEN } from '../domain/money.ts';
import { REPORT_KINDS, type ReportKind, type ReviewState } from '../domain/vocabulary.ts';
import type { FieldIssue } from '../platform/validation.ts';
import { requiredText } from '../platform/validation.ts';

/**
 * Progress reports, pure: what a report may say against the project's approved plan (money typed
 * in 元 is read by src/domain/money.ts), and which review step each state allows.
 */

const PERIOD = /^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$/;
const percent = z.number({ error: 'report.error.percent' }).int('report.error.percent').min(0, 'report.error.percent').max(100, 'report.error.percent');

/** A report as its form posts it (values parsed, not yet checked against the plan). */
export const reportInput = z.object({
  kind: z.enum(REPORT_KINDS, { error: 'validation.invalid' }).default('progress'),
  /** null: an extra report, answering no period. */
  period: z.string().regex(PERIOD, 'report.error.period').nullable(),
  narrative: requiredText(10000),
  percent: percent.nullable(),
  spentFen: z.number({ error: 'report.error.money' }).int('report.error.money').min(0, 'report.error.money').max(MAX_FEN, 'validation.tooLarge'),
  actuals: z.array(z.object({
    target: z.string().min(1).max(100),
    value: z.number({ error: 'report.error.actual' }).finite('report.error.actual').min(0, 'report.error.actual').max(1e12, 'validation.tooLarge'),
  })).max(50, 'validation.tooMany').default([]),
  milestonesDone: z.array(z.string().min(1).max(100)).max(100, 'validation.tooMany').default([]),
  subItemPercents: z.record(z.string().min(1).max(100), percent).default({}),
  final: z.boolean().default(false),
});
export type ReportInput = z.input<typeof reportInput>;
export type Report = z.output<typeof reportInput>;

/** The plan a report answers to: its approved revision's targets, sub-items and milestones. */
export interface PlanShape {
  targets: readonly PlanTarget[];
  subItems: readonly PlanSubItem[];
  milestones: readonly PlanMilestone[];
}

/** Whether a report states one overall percentage: only when the plan has neither milestones nor sub-items. */
export function takesPercent(plan: PlanShape): boolean {
  return plan.milestones.length === 0 && plan.subItems.length === 0;
}

/** The sub-items whose progress a report states as a percentage: those without milestones of their own. */
export function percentSubItems(plan: PlanShape): PlanSubItem[] {
  return plan.subItems.filter((s) => !plan.milestones.some((m) => m.subItem === s.key));
}

/** The milestones a report may tick: the plan's, not done by the reports that stand. */
export function openMilestones(plan: PlanShape, doneBefore: ReadonlySet<string>): PlanMilestone[] {
  return plan.milestones.filter((m) => !doneBefore.has(m.key));
}

/**
 * What is wrong with a report against its plan (empty when nothing): a percentage where the plan
 * counts milestones, a sub-item percentage for a sub-item with milestones or none of the plan, an
 * actual for a target the plan does not have (or twice), a milestone not the plan's or already done,
 * a period not one of the plan's.
 */
export function planIssues(plan: PlanShape, report: Report, doneBefore: ReadonlySet<string>, periods: readonly string[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (report.percent !== null && !takesPercent(plan)) issues.push({ field: 'percent', key: 'report.error.percentNotHere' });
  const subKeys = new Set(percentSubItems(plan).map((s) => s.key));
  for (const key of Object.keys(report.subItemPercents)) {
    if (!subKeys.has(key)) { issues.push({ field: 'subItemPercents', key: 'validation.invalid' }); break; }
  }
  const targetKeys = new Set(plan.targets.map((t) => t.key));
  const seen = new Set<string>();
  for (const a of report.actuals) {
    if (!targetKeys.has(a.target) || seen.has(a.target)) { issues.push({ field: 'actuals', key: 'validation.invalid' }); break; }
    seen.add(a.target);
  }
  const open = new Set(openMilestones(plan, doneBefore).map((m) => m.key));
  if (report.milestonesDone.some((k) => !open.has(k)) || new Set(report.milestonesDone).size !== report.milestonesDone.length) {
    issues.push({ field: 'milestonesDone', key: 'report.error.milestone' });
  }
  if (report.period !== null && !periods.includes(report.period)) issues.push({ field: 'period', key: 'report.error.period' });
  return issues;
}

/** The department may change a report (its fields, its evidence) only while it is its own draft or came back. */
export function isEditable(state: ReviewState): boolean {
  return state === 'draft' || state === 'returned';
}

/** A report is submitted from draft, or again once returned. */
export const canSubmit = isEditable;

/** The secretariat approves or returns a report only while it waits for them. */
export function awaitsReview(state: ReviewState): boolean {
  return state === 'submitted';
}

/** The kinds of report a project may get now: a rectification report only while it is rectifying. */
export function allowedKinds(rectifying: boolean): ReportKind[] {
  return rectifying ? ['progress', 'rectification'] : ['progress'];
}

/** The secretariat's comment when it returns a report. */
export const returnInput = z.object({ comment: requiredText(2000) });

/** A co-department's section of the lead's next report. */
export const sectionInput = z.object({ body: requiredText(5000) });

/** A caption of a piece of evidence: required, one line. */
export const captionInput = z.object({ caption: requiredText(200).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'validation.invalid') });
