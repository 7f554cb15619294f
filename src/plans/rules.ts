import type { PlanMilestone, PlanSubItem, PlanTarget } from '../domain/tables.ts';
import { fenToText, MAX_FEN, MONEY_UNITS, moneyToFen } from '../domain/money.ts';
import { isOneOf, type Schedule, SCHEDULES } from '../domain/vocabulary.ts';
import type { FieldIssue } from '../platform/validation.ts';
import { isName, ValidationError } from '../platform/validation.ts';

/**
 * Implementation plans as the lead department types them: money as decimal text in 万元 or 元
 * (turned into 分 exactly by src/domain/money.ts), three tables of rows (targets, sub-items,
 * milestones) with a few blank rows, and the rules a revision must keep. Also the changes between
 * two revisions, shown to the secretariat and to the public as the revision's "what changed".
 */

/** A plan revision's content: what the department types and the secretariat approves. */
export interface PlanContent {
  totalInvestmentFen: number;
  annualInvestmentFen: number;
  /** Null: the plan starts when the vote that chose the project was published. */
  startsOn: string | null;
  deadline: string;
  location: string | null;
  leadOfficial: string;
  schedule: Schedule;
  coDepartmentIds: number[];
  targets: PlanTarget[];
  subItems: PlanSubItem[];
  milestones: PlanMilestone[];
}

/** What checking a plan needs to know beyond the plan itself. */
export interface PlanContext {
  /** The day the project's vote was published: the plan's start when it names none. */
  publishedOn: string;
  leadDepartmentId: number;
  /** The departments a co-department may be. */
  departmentIds: readonly number[];
  /** Every row key any revision of this project used (new rows never reuse one). */
  usedKeys: readonly string[];
  /** Which revision this is: every revision after the first states its reason. */
  revision: number;
  /** The year of the meeting whose vote chose the project: the plan's dates stay near it (planDateBounds). */
  meetingYear: number;
}

/**
 * The earliest start and the latest deadline a plan of a project chosen at a meeting of `year` may
 * state: from January 1 of the year before (preparatory work) to December 31 of the tenth year after.
 * This keeps the reporting periods a plan asks for bounded (at most 12 years of months).
 */
export function planDateBounds(year: number): { earliest: string; latest: string } {
  return { earliest: `${String(year - 1).padStart(4, '0')}-01-01`, latest: `${String(year + 10).padStart(4, '0')}-12-31` };
}

/** Rows per table at most. */
export const MAX_ROWS = 50;
/** Blank rows a form shows below the filled ones, and how many more "add rows" gives. */
export const BLANK_ROWS = 3;

const KEY_PREFIX = { targets: 't', subItems: 's', milestones: 'm' } as const;
type RowList = keyof typeof KEY_PREFIX;
/** The form field prefix of each table's rows: `target.0.metric`. */
export const ROW_FIELD: Record<RowList, string> = { targets: 'target', subItems: 'sub', milestones: 'ms' };
const ROW_COLUMNS: Record<RowList, readonly string[]> = {
  targets: ['metric', 'unit', 'value'], subItems: ['title', 'weight'], milestones: ['title', 'due', 'weight', 'subItem'],
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (s: string) => DATE.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
const KEY = /^[tsm][1-9]\d{0,3}$/;

/** The rows of one table as posted: index order, blank rows (every visible field empty) left out. */
export function postedRows(form: Readonly<Record<string, string>>, list: RowList): { index: number; row: Record<string, string> }[] {
  const prefix = `${ROW_FIELD[list]}.`;
  const indexes = new Set<number>();
  for (const name of Object.keys(form)) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d{1,3})\./.exec(name.slice(prefix.length));
    if (m) indexes.add(Number(m[1]));
  }
  return [...indexes].sort((a, b) => a - b)
    .map((index) => ({ index, row: Object.fromEntries(['key', ...ROW_COLUMNS[list]].map((c) => [c, (form[`${prefix}${index}.${c}`] ?? '').trim()])) }))
    .filter(({ row }) => ROW_COLUMNS[list].some((c) => c !== 'subItem' && row[c] !== ''));
}

/** How many rows of a table the form holds (posted indexes), for re-showing it with blanks below. */
export function rowCount(form: Readonly<Record<string, string>>, list: RowList): number {
  const prefix = `${ROW_FIELD[list]}.`;
  let max = -1;
  for (const name of Object.keys(form)) {
    const m = name.startsWith(prefix) ? /^(\d{1,3})\./.exec(name.slice(prefix.length)) : null;
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

/** Hands out keys for new rows: t1, s1, m1, … never one used before in the project. */
function keyMaker(used: Iterable<string>) {
  const next: Record<string, number> = { t: 1, s: 1, m: 1 };
  for (const k of used) {
    if (KEY.test(k)) next[k[0]!] = Math.max(next[k[0]!]!, Number(k.slice(1)) + 1);
  }
  return (prefix: 't' | 's' | 'm') => `${prefix}${next[prefix]!++}`;
}

const positiveInt = (s: string) => (/^\d{1,6}$/.test(s) && Number(s) > 0 ? Number(s) : undefined);
const decimal = (s: string) => (/^\d{1,12}(\.\d{1,4})?$/.test(s.replace(/[,，]/g, '')) ? Number(s.replace(/[,，]/g, '')) : undefined);

/**
 * The plan a form posts, checked: the money in its units, the dates, the rows with their keys
 * (posted keys kept, new rows given fresh ones), co-departments from the list, the reason of a later
 * revision. Throws ValidationError naming every field wrong (rows: the table, with the row number).
 */
export function planFromForm(form: Readonly<Record<string, string>>, ctx: PlanContext, coDepartmentIds: readonly string[]): { plan: PlanContent; reason: string | null } {
  const issues: FieldIssue[] = [];
  const money = (field: string): number => {
    const unit = form[`${field}Unit`] ?? 'wan';
    const text = (form[field] ?? '').trim();
    if (text === '') { issues.push({ field, key: 'validation.required' }); return 0; }
    const fen = isOneOf(MONEY_UNITS, unit) ? moneyToFen(text, unit) : undefined;
    if (fen === undefined) issues.push({ field, key: 'plan.error.money' });
    return fen ?? 0;
  };
  const totalInvestmentFen = money('total');
  const annualInvestmentFen = money('annual');
  const startsText = (form.startsOn ?? '').trim();
  const deadline = (form.deadline ?? '').trim();
  if (startsText !== '' && !isDate(startsText)) issues.push({ field: 'startsOn', key: 'validation.date' });
  if (!isDate(deadline)) issues.push({ field: 'deadline', key: deadline === '' ? 'validation.required' : 'validation.date' });
  const location = (form.location ?? '').trim();
  const leadOfficial = (form.leadOfficial ?? '').trim();
  const schedule = form.schedule ?? '';
  if (!isOneOf(SCHEDULES, schedule)) issues.push({ field: 'schedule', key: 'plan.error.schedule' });
  const coIds: number[] = [];
  for (const raw of coDepartmentIds) {
    const id = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!ctx.departmentIds.includes(id)) issues.push({ field: 'coDepartments', key: 'department.error.unknown', params: { name: raw.slice(0, 20) } });
    else if (!coIds.includes(id)) coIds.push(id);
  }
  const reasonText = (form.reason ?? '').trim();

  const postedKeys = (['targets', 'subItems', 'milestones'] as const).flatMap((l) => postedRows(form, l).map((r) => r.row.key!).filter((k) => KEY.test(k)));
  const newKey = keyMaker([...ctx.usedKeys, ...postedKeys]);
  const seen = new Set<string>();
  const keyOf = (list: RowList, posted: string, row: number): string => {
    const prefix = KEY_PREFIX[list];
    if (posted === '') return newKey(prefix);
    if (!KEY.test(posted) || posted[0] !== prefix || seen.has(posted)) {
      issues.push({ field: list, key: 'plan.error.row', params: { row } });
      return newKey(prefix);
    }
    seen.add(posted);
    return posted;
  };

  const targets: PlanTarget[] = postedRows(form, 'targets').map(({ row }, i) => {
    const value = decimal(row.value!);
    if (row.metric === '' || row.unit === '' || value === undefined || row.metric!.length > 200 || row.unit!.length > 20) {
      issues.push({ field: 'targets', key: 'plan.error.targetRow', params: { row: i + 1 } });
    }
    return { key: keyOf('targets', row.key!, i + 1), metric: row.metric!, unit: row.unit!, target: value ?? 0 };
  });
  const subItems: PlanSubItem[] = postedRows(form, 'subItems').map(({ row }, i) => {
    const weight = positiveInt(row.weight!);
    if (row.title === '' || row.title!.length > 200 || weight === undefined) issues.push({ field: 'subItems', key: 'plan.error.subItemRow', params: { row: i + 1 } });
    return { key: keyOf('subItems', row.key!, i + 1), title: row.title!, weight: weight ?? 1 };
  });
  const milestones: PlanMilestone[] = postedRows(form, 'milestones').map(({ row }, i) => {
    const weight = positiveInt(row.weight!);
    if (row.title === '' || row.title!.length > 200 || weight === undefined || !isDate(row.due!)) {
      issues.push({ field: 'milestones', key: 'plan.error.milestoneRow', params: { row: i + 1 } });
    }
    return { key: keyOf('milestones', row.key!, i + 1), title: row.title!, due: row.due!, weight: weight ?? 1, subItem: row.subItem === '' ? null : row.subItem! };
  });

  const plan: PlanContent = {
    totalInvestmentFen, annualInvestmentFen, startsOn: startsText === '' ? null : startsText, deadline,
    location: location === '' ? null : location, leadOfficial, schedule: schedule as Schedule, coDepartmentIds: coIds, targets, subItems, milestones,
  };
  issues.push(...planIssues(plan, ctx, issues));
  const reason = ctx.revision > 1 ? reasonText : null;
  if (ctx.revision > 1 && reasonText === '') issues.push({ field: 'reason', key: 'plan.error.reason' });
  if (reasonText.length > 1000) issues.push({ field: 'reason', key: 'validation.tooLong' });
  if (issues.length > 0) throw new ValidationError(issues);
  return { plan, reason };
}

/**
 * The rules a plan revision keeps, whatever made it (the form, the demo, a test): money ≥ 0 (the
 * annual plan may exceed the total's share: multi-year projects), a start no later than the
 * deadline, both within planDateBounds of the meeting's year, milestones due within [start, deadline] and tied only to sub-items of the plan, positive
 * whole weights, unique keys, co-departments from the list and never the lead. `already` are issues
 * found before (a field already named is not named twice).
 */
export function planIssues(plan: PlanContent, ctx: PlanContext, already: readonly FieldIssue[] = []): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const named = (field: string) => already.some((i) => i.field === field) || issues.some((i) => i.field === field);
  const add = (issue: FieldIssue) => { if (!named(issue.field)) issues.push(issue); };
  for (const field of ['totalInvestmentFen', 'annualInvestmentFen'] as const) {
    const v = plan[field];
    if (!Number.isSafeInteger(v) || v < 0 || v > MAX_FEN) add({ field: field === 'totalInvestmentFen' ? 'total' : 'annual', key: 'plan.error.money' });
  }
  const start = plan.startsOn ?? ctx.publishedOn;
  if (plan.startsOn !== null && !isDate(plan.startsOn)) add({ field: 'startsOn', key: 'validation.date' });
  if (!isDate(plan.deadline)) add({ field: 'deadline', key: 'validation.date' });
  else if (isDate(start) && start > plan.deadline) add({ field: plan.startsOn === null ? 'deadline' : 'startsOn', key: 'plan.error.startAfterDeadline', params: { start } });
  const { earliest, latest } = planDateBounds(ctx.meetingYear);
  if (plan.startsOn !== null && isDate(plan.startsOn) && plan.startsOn < earliest) add({ field: 'startsOn', key: 'plan.error.startTooEarly', params: { earliest } });
  if (isDate(plan.deadline) && plan.deadline > latest) add({ field: 'deadline', key: 'plan.error.deadlineTooLate', params: { latest } });
  if (plan.location !== null && (plan.location.length > 100 || !isName(plan.location))) add({ field: 'location', key: plan.location.length > 100 ? 'validation.tooLong' : 'validation.name' });
  if (plan.leadOfficial === '') add({ field: 'leadOfficial', key: 'validation.required' });
  else if (plan.leadOfficial.length > 100) add({ field: 'leadOfficial', key: 'validation.tooLong' });
  else if (!isName(plan.leadOfficial)) add({ field: 'leadOfficial', key: 'validation.name' });
  if (!isOneOf(SCHEDULES, plan.schedule)) add({ field: 'schedule', key: 'plan.error.schedule' });
  if (plan.coDepartmentIds.includes(ctx.leadDepartmentId)) add({ field: 'coDepartments', key: 'validation.coDepartmentIsLead' });
  if (plan.coDepartmentIds.some((id) => !ctx.departmentIds.includes(id))) add({ field: 'coDepartments', key: 'validation.invalid' });
  for (const list of ['targets', 'subItems', 'milestones'] as const) {
    if (plan[list].length > MAX_ROWS) add({ field: list, key: 'validation.tooMany' });
    const keys = plan[list].map((r) => r.key);
    if (new Set(keys).size !== keys.length || keys.some((k) => !KEY.test(k) || k[0] !== KEY_PREFIX[list])) add({ field: list, key: 'plan.error.keys' });
  }
  plan.subItems.forEach((s, i) => {
    if (!Number.isInteger(s.weight) || s.weight < 1) add({ field: 'subItems', key: 'plan.error.subItemRow', params: { row: i + 1 } });
  });
  const subKeys = new Set(plan.subItems.map((s) => s.key));
  plan.milestones.forEach((m, i) => {
    const row = i + 1;
    if (!Number.isInteger(m.weight) || m.weight < 1) add({ field: 'milestones', key: 'plan.error.milestoneRow', params: { row } });
    else if (m.subItem !== null && !subKeys.has(m.subItem)) add({ field: 'milestones', key: 'plan.error.milestoneSubItem', params: { row } });
    else if (isDate(m.due) && isDate(start) && isDate(plan.deadline) && (m.due < start || m.due > plan.deadline)) {
      add({ field: 'milestones', key: 'plan.error.milestoneDue', params: { row, start, deadline: plan.deadline } });
    }
  });
  return issues;
}

/** One difference between two revisions of a plan. */
export type PlanChange =
  | { kind: 'field'; field: PlanField; before: PlanContent[PlanField] | undefined; after: PlanContent[PlanField] }
  | { kind: 'added' | 'removed' | 'changed'; list: 'targets'; key: string; before?: PlanTarget; after?: PlanTarget }
  | { kind: 'added' | 'removed' | 'changed'; list: 'subItems'; key: string; before?: PlanSubItem; after?: PlanSubItem }
  | { kind: 'added' | 'removed' | 'changed'; list: 'milestones'; key: string; before?: PlanMilestone; after?: PlanMilestone };

export const PLAN_FIELDS = ['totalInvestmentFen', 'annualInvestmentFen', 'startsOn', 'deadline', 'location', 'leadOfficial', 'schedule', 'coDepartmentIds'] as const;
export type PlanField = (typeof PLAN_FIELDS)[number];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function listChanges<R extends { key: string }>(before: readonly R[], after: readonly R[]) {
  const old = new Map(before.map((r) => [r.key, r]));
  const now = new Map(after.map((r) => [r.key, r]));
  const out: { kind: 'added' | 'removed' | 'changed'; key: string; before?: R; after?: R }[] = [];
  for (const r of after) {
    const b = old.get(r.key);
    if (!b) out.push({ kind: 'added', key: r.key, after: r });
    else if (!same(b, r)) out.push({ kind: 'changed', key: r.key, before: b, after: r });
  }
  for (const r of before) if (!now.has(r.key)) out.push({ kind: 'removed', key: r.key, before: r });
  return out;
}

/**
 * What a revision changes against the one before it (the last approved), field by field and row by
 * row (rows matched by key, so a renamed milestone is "changed", not "removed and added"). Against
 * no earlier revision, every field that has a value is a change.
 */
export function diffPlans(before: PlanContent | null, after: PlanContent): PlanChange[] {
  const out: PlanChange[] = [];
  for (const field of PLAN_FIELDS) {
    const a = after[field];
    const b = before?.[field];
    const sorted = (x: unknown) => (Array.isArray(x) ? [...x].sort((p, q) => Number(p) - Number(q)) : x);
    if (before === null ? a !== null && !(Array.isArray(a) && a.length === 0) : !same(sorted(b), sorted(a))) {
      out.push({ kind: 'field', field, before: b, after: a } as PlanChange);
    }
  }
  for (const c of listChanges(before?.targets ?? [], after.targets)) out.push({ ...c, list: 'targets' });
  for (const c of listChanges(before?.subItems ?? [], after.subItems)) out.push({ ...c, list: 'subItems' });
  for (const c of listChanges(before?.milestones ?? [], after.milestones)) out.push({ ...c, list: 'milestones' });
  return out;
}

/** A plan as form values (money in 万元), for the form that edits it or starts the next revision. */
export function planToForm(plan: PlanContent): Record<string, string> {
  const out: Record<string, string> = {
    total: fenToText(plan.totalInvestmentFen, 'wan'), totalUnit: 'wan', annual: fenToText(plan.annualInvestmentFen, 'wan'), annualUnit: 'wan',
    startsOn: plan.startsOn ?? '', deadline: plan.deadline, location: plan.location ?? '', leadOfficial: plan.leadOfficial, schedule: plan.schedule,
  };
  plan.targets.forEach((r, i) => Object.assign(out, { [`target.${i}.key`]: r.key, [`target.${i}.metric`]: r.metric, [`target.${i}.unit`]: r.unit, [`target.${i}.value`]: String(r.target) }));
  plan.subItems.forEach((r, i) => Object.assign(out, { [`sub.${i}.key`]: r.key, [`sub.${i}.title`]: r.title, [`sub.${i}.weight`]: String(r.weight) }));
  plan.milestones.forEach((r, i) => Object.assign(out, {
    [`ms.${i}.key`]: r.key, [`ms.${i}.title`]: r.title, [`ms.${i}.due`]: r.due, [`ms.${i}.weight`]: String(r.weight), [`ms.${i}.subItem`]: r.subItem ?? '',
  }));
  return out;
}

/** Every row key a plan uses. */
export const keysOf = (plan: Pick<PlanContent, 'targets' | 'subItems' | 'milestones'>): string[] =>
  [...plan.targets, ...plan.subItems, ...plan.milestones].map((r) => r.key);
