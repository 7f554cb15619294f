import type { ProjectStatus } from '../domain/vocabulary.ts';
import { PROJECT_STATUSES } from '../domain/vocabulary.ts';
import type { ProjectSummary } from './model.ts';

/**
 * Figures over a list of projects (pure): the share of the year's planned investment executed per
 * category or location, and the summary a printed progress report starts with.
 */

export interface Share {
  key: string;
  projects: number;
  spentFen: number;
  annualInvestmentFen: number;
  /** Spent against the year's planned investment, 0–100+ to one decimal; null when nothing is planned. */
  rate: number | null;
}

const rateOf = (spent: number, of: number) => (of > 0 ? Math.round((spent / of) * 1000) / 10 : null);

/** The share executed per group (by category, or by location with projects without one left out), in first-seen order. */
export function sharesBy(projects: readonly ProjectSummary[], keyOf: (p: ProjectSummary) => string | null): Share[] {
  const groups = new Map<string, { projects: number; spentFen: number; annualInvestmentFen: number }>();
  for (const p of projects) {
    const key = keyOf(p);
    if (key === null) continue;
    const g = groups.get(key) ?? { projects: 0, spentFen: 0, annualInvestmentFen: 0 };
    g.projects += 1;
    g.spentFen += p.money.spentFen;
    g.annualInvestmentFen += p.money.annualInvestmentFen;
    groups.set(key, g);
  }
  return [...groups].map(([key, g]) => ({ key, ...g, rate: rateOf(g.spentFen, g.annualInvestmentFen) }));
}

export interface ProgressSummary {
  projects: number;
  byStatus: Record<ProjectStatus, number>;
  spentFen: number;
  annualInvestmentFen: number;
  totalInvestmentFen: number;
  annualRate: number | null;
  /** Mean progress, one decimal; 0 without projects. */
  meanProgress: number;
}

export function summarise(projects: readonly ProjectSummary[]): ProgressSummary {
  const byStatus = Object.fromEntries(PROJECT_STATUSES.map((s) => [s, 0])) as Record<ProjectStatus, number>;
  let spentFen = 0;
  let annualInvestmentFen = 0;
  let totalInvestmentFen = 0;
  let progress = 0;
  for (const p of projects) {
    byStatus[p.status] += 1;
    spentFen += p.money.spentFen;
    annualInvestmentFen += p.money.annualInvestmentFen;
    totalInvestmentFen += p.money.totalInvestmentFen;
    progress += p.progress;
  }
  return {
    projects: projects.length, byStatus, spentFen, annualInvestmentFen, totalInvestmentFen,
    annualRate: rateOf(spentFen, annualInvestmentFen),
    meanProgress: projects.length ? Math.round((progress / projects.length) * 10) / 10 : 0,
  };
}

/** The year a list shows: the one asked for (a four-digit year), else the latest tracked year. */
export function chosenYear(asked: string | undefined, years: readonly number[]): number | undefined {
  return asked !== undefined && /^\d{4}$/.test(asked) ? Number(asked) : years[0];
}
