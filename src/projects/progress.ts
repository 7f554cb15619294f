import type { PlanMilestone, PlanSubItem } from '../domain/tables.ts';
import type { Rating, ReportKind, Schedule } from '../domain/vocabulary.ts';
import type { ProjectStatus } from '../domain/vocabulary.ts';

/**
 * A project's progress, money and status, computed from its approved plan and approved reports,
 * never typed (pure; the stores read the rows, the pages and the open data show what this says).
 */

/** The part of an approved plan revision that progress and status read. */
export interface PlanFacts {
  /** 'YYYY-MM-DD': the plan's start (the publication of the vote that chose it unless the plan says otherwise). */
  startsOn: string;
  deadline: string;
  annualInvestmentFen: number;
  totalInvestmentFen: number;
  schedule: Schedule;
  milestones: readonly PlanMilestone[];
  subItems: readonly PlanSubItem[];
}

/** An approved report, as progress reads it. */
export interface ApprovedReport {
  id: number;
  seq: number;
  kind: ReportKind;
  period: string | null;
  final: boolean;
  correctsId: number | null;
  percent: number | null;
  spentFen: number;
  milestonesDone: readonly string[];
  subItemPercents: Readonly<Record<string, number>>;
}

/**
 * The reports that stand: an approved report corrected by a later approved report is replaced by
 * it (it stays public, marked corrected). Ordered by seq.
 */
export function standingReports<R extends Pick<ApprovedReport, 'id' | 'seq' | 'correctsId'>>(approved: readonly R[]): R[] {
  const corrected = new Set(approved.map((r) => r.correctsId).filter((id): id is number => id !== null));
  return approved.filter((r) => !corrected.has(r.id)).sort((a, b) => a.seq - b.seq);
}

/** The plan's milestones done: each one a standing report marked done. */
export function milestonesDone(plan: Pick<PlanFacts, 'milestones'>, standing: readonly Pick<ApprovedReport, 'milestonesDone'>[]): Set<string> {
  const keys = new Set(plan.milestones.map((m) => m.key));
  const done = new Set<string>();
  for (const r of standing) for (const k of r.milestonesDone) if (keys.has(k)) done.add(k);
  return done;
}

/** Weighted share (0–1) of the items done; 0 when the weights add up to nothing. */
function weightedShare<T extends { weight: number }>(items: readonly T[], done: (item: T) => number): number {
  const total = items.reduce((s, i) => s + Math.max(0, i.weight), 0);
  if (total <= 0) return 0;
  return items.reduce((s, i) => s + Math.max(0, i.weight) * done(i), 0) / total;
}

const clampPercent = (n: number) => Math.min(100, Math.max(0, n));
/** Progress is shown to one decimal; computed exactly, rounded once here. */
const roundPercent = (share: number) => Math.round(clampPercent(share * 100) * 10) / 10;

/**
 * Progress, 0–100 to one decimal:
 * - with sub-items, their weighted mean, each sub-item being the weighted share of its milestones
 *   done, or (without milestones) its percentage in the latest standing report that gives one;
 * - else with milestones, the weighted share of milestones done;
 * - else the percentage of the latest standing report (0 before any).
 */
export function progressOf(plan: Pick<PlanFacts, 'milestones' | 'subItems'> | null, approved: readonly ApprovedReport[]): number {
  const standing = standingReports(approved);
  const latestPercent = [...standing].reverse().find((r) => r.percent !== null)?.percent ?? 0;
  if (!plan) return roundPercent(latestPercent / 100);
  const done = milestonesDone(plan, standing);
  const milestoneShare = (ms: readonly PlanMilestone[]) => weightedShare(ms, (m) => (done.has(m.key) ? 1 : 0));
  if (plan.subItems.length > 0) {
    return roundPercent(weightedShare(plan.subItems, (sub) => {
      const own = plan.milestones.filter((m) => m.subItem === sub.key);
      if (own.length > 0) return milestoneShare(own);
      const reported = [...standing].reverse().find((r) => typeof r.subItemPercents[sub.key] === 'number');
      return clampPercent(reported?.subItemPercents[sub.key] ?? 0) / 100;
    }));
  }
  if (plan.milestones.length > 0) return roundPercent(milestoneShare(plan.milestones));
  return roundPercent(latestPercent / 100);
}

/** Money to date: the latest standing report's spending against the year's and the total investment. */
export interface MoneyFacts {
  spentFen: number;
  annualInvestmentFen: number;
  totalInvestmentFen: number;
  /** 完成率: spent against the year's planned investment, 0–100+ to one decimal; null without a plan amount. */
  annualRate: number | null;
  totalRate: number | null;
}

export function moneyOf(plan: Pick<PlanFacts, 'annualInvestmentFen' | 'totalInvestmentFen'> | null, approved: readonly ApprovedReport[]): MoneyFacts {
  const standing = standingReports(approved);
  const spentFen = standing.at(-1)?.spentFen ?? 0;
  const rate = (of: number) => (of > 0 ? Math.round((spentFen / of) * 1000) / 10 : null);
  const annual = plan?.annualInvestmentFen ?? 0;
  const total = plan?.totalInvestmentFen ?? 0;
  return { spentFen, annualInvestmentFen: annual, totalInvestmentFen: total, annualRate: rate(annual), totalRate: rate(total) };
}

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);

/** The share (0–1) of the plan's time elapsed by `today`: 0 before the start, 1 from the deadline. */
export function elapsedShare(startsOn: string, deadline: string, today: string): number {
  const start = dayNumber(startsOn);
  const end = dayNumber(deadline);
  const now = dayNumber(today);
  if (now <= start) return 0;
  if (now >= end || end <= start) return 1;
  return (now - start) / (end - start);
}

/** Milestones due before `today` and not done. */
export function overdueMilestones(plan: Pick<PlanFacts, 'milestones'>, done: ReadonlySet<string>, today: string): PlanMilestone[] {
  return plan.milestones.filter((m) => !done.has(m.key) && m.due < today);
}

/** What the status reads. `today` is the local date 'YYYY-MM-DD'. */
export interface StatusFacts {
  plan: PlanFacts | null;
  approved: readonly ApprovedReport[];
  /** The latest published rating of the project, if any. */
  latestRating: Rating | null;
  today: string;
}

/**
 * The project's status, in this order:
 * - rectifying: its latest rating is 不满意 (until a later rating says otherwise);
 * - completed: progress 100 % and an approved final report;
 * - not started: nothing done and no approved report;
 * - behind: progress below the elapsed share of [start, deadline], or a milestone overdue;
 * - otherwise on track.
 */
export function statusOf(facts: StatusFacts): ProjectStatus {
  if (facts.latestRating === 'unsatisfied') return 'rectifying';
  const progress = progressOf(facts.plan, facts.approved);
  const standing = standingReports(facts.approved);
  if (progress >= 100 && standing.some((r) => r.final)) return 'completed';
  if (facts.approved.length === 0 && progress === 0) return 'not-started';
  if (facts.plan) {
    const expected = elapsedShare(facts.plan.startsOn, facts.plan.deadline, facts.today) * 100;
    if (progress < roundPercent(expected / 100)) return 'behind';
    if (overdueMilestones(facts.plan, milestonesDone(facts.plan, standing), facts.today).length > 0) return 'behind';
  }
  return 'on-track';
}

/** A reporting period: '2024-03' (monthly) or '2024-Q1' (quarterly), with the day its report is due. */
export interface ReportingPeriod {
  period: string;
  /** The last day of the period. */
  endsOn: string;
  /** The report is due by this day: the tenth day after the period ends (每月/季后10日内报送). */
  dueOn: string;
}

/** Days after a period's end by which its report is due. */
export const REPORT_GRACE_DAYS = 10;

const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * The most periods a plan may ask for. A plan's dates are bounded by its meeting's year
 * (src/plans/rules.ts `planDateBounds`: at most 12 years, 144 months), so this is never reached by
 * a plan the rules let through; it guards against a plan put in the table some other way.
 */
export const MAX_REPORTING_PERIODS = 240;

/**
 * The periods the plan's schedule asks reports for: every month (or quarter) from the one the plan
 * starts in to the one its deadline falls in. All of them, never silently cut short: a span of more
 * than MAX_REPORTING_PERIODS throws a RangeError.
 */
export function reportingPeriods(schedule: Schedule, startsOn: string, deadline: string): ReportingPeriod[] {
  const periods: ReportingPeriod[] = [];
  const step = schedule === 'monthly' ? 1 : 3;
  const [sy, sm] = startsOn.split('-').map(Number) as [number, number];
  const [dy, dm] = deadline.split('-').map(Number) as [number, number];
  // Months counted from year 0; a quarter starts at month 0, 3, 6 or 9 of its year.
  let m = sy * 12 + (sm - 1);
  if (step === 3) m -= m % 3;
  const last = dy * 12 + (dm - 1);
  if (last >= m && Math.floor((last - m) / step) + 1 > MAX_REPORTING_PERIODS) {
    throw new RangeError(`a plan from ${startsOn} to ${deadline} asks for more than ${MAX_REPORTING_PERIODS} reporting periods`);
  }
  for (; m <= last; m += step) {
    const year = Math.floor(m / 12);
    const month = (m % 12) + 1;
    const period = step === 1 ? `${year}-${String(month).padStart(2, '0')}` : `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
    const endsOnDay = Math.floor(Date.UTC(year, month - 1 + step, 1) / DAY_MS) - 1;
    periods.push({ period, endsOn: isoDay(endsOnDay), dueOn: isoDay(endsOnDay + REPORT_GRACE_DAYS) });
  }
  return periods;
}

/** The last day of a reporting period: '2024-02' → '2024-02-29', '2024-Q1' → '2024-03-31'. */
export function periodEndsOn(period: string): string {
  const [year, part] = period.split('-') as [string, string];
  const lastMonth = part.startsWith('Q') ? Number(part.slice(1)) * 3 : Number(part);
  return isoDay(Math.floor(Date.UTC(Number(year), lastMonth, 1) / DAY_MS) - 1);
}

/**
 * Whether an approved report tells of the work as it stood on `asOf` ('YYYY-MM-DD'): a report for a
 * period ended by then (even if approved later: a year-end report includes the fourth quarter's,
 * approved in January), or an extra report approved by then.
 */
export function reportedBy(report: { period: string | null; decidedOn: string }, asOf: string): boolean {
  return report.period === null ? report.decidedOn <= asOf : periodEndsOn(report.period) <= asOf;
}

/**
 * The periods whose report is late on `today`: due before today, and no report for the period
 * submitted or approved. None once the project's final report is approved.
 */
export function lateReports(periods: readonly ReportingPeriod[], reported: ReadonlySet<string>, today: string, finished: boolean): ReportingPeriod[] {
  if (finished) return [];
  return periods.filter((p) => p.dueOn < today && !reported.has(p.period));
}

/** The period a report made on `today` answers by default: the latest period already ended, or the current one. */
export function currentPeriod(periods: readonly ReportingPeriod[], today: string): ReportingPeriod | undefined {
  const ended = periods.filter((p) => p.endsOn < today);
  const unreported = ended.at(-1);
  return unreported ?? periods.find((p) => p.endsOn >= today);
}
