import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PlanMilestone, PlanSubItem } from '../domain/tables.ts';
import {
  type ApprovedReport, currentPeriod, periodEndsOn, reportedBy, elapsedShare, lateReports, milestonesDone, moneyOf, type PlanFacts, progressOf, reportingPeriods, standingReports, statusOf,
} from './progress.ts';

const report = (seq: number, over: Partial<ApprovedReport> = {}): ApprovedReport => ({
  id: seq, seq, kind: 'progress', period: null, final: false, correctsId: null, percent: null, spentFen: 0, milestonesDone: [], subItemPercents: {}, ...over,
});
const plan = (over: Partial<PlanFacts> = {}): PlanFacts => ({
  startsOn: '2024-01-01', deadline: '2024-12-31', annualInvestmentFen: 100_000_00, totalInvestmentFen: 300_000_00, schedule: 'quarterly',
  milestones: [], subItems: [], ...over,
});
const milestone = (key: string, weight: number, due = '2024-06-30', subItem: string | null = null): PlanMilestone => ({ key, title: key, due, weight, subItem });

const day = fc.integer({ min: Date.UTC(2023, 0, 1) / 86_400_000, max: Date.UTC(2027, 11, 31) / 86_400_000 })
  .map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
const milestones = fc.uniqueArray(fc.record({ key: fc.string({ minLength: 1, maxLength: 3 }), weight: fc.integer({ min: 0, max: 10 }), due: day }), { selector: (m) => m.key, maxLength: 8 })
  .map((ms) => ms.map((m) => milestone(m.key, m.weight, m.due)));

describe('progressOf', () => {
  it('is the weighted share of milestones done', () => {
    const p = plan({ milestones: [milestone('a', 1), milestone('b', 3)] });
    expect(progressOf(p, [])).toBe(0);
    expect(progressOf(p, [report(1, { milestonesDone: ['a'] })])).toBe(25);
    expect(progressOf(p, [report(1, { milestonesDone: ['a'] }), report(2, { milestonesDone: ['b'] })])).toBe(100);
  });

  it('ignores a reported percentage when the plan has milestones, and milestones not in the plan', () => {
    expect(progressOf(plan({ milestones: [milestone('a', 1), milestone('b', 1)] }), [report(1, { percent: 90, milestonesDone: ['a', 'zzz'] })])).toBe(50);
  });

  it('uses the latest standing report\'s percentage without milestones', () => {
    expect(progressOf(plan(), [report(1, { percent: 30 }), report(2, { percent: 55 }), report(3)])).toBe(55);
    expect(progressOf(null, [report(1, { percent: 40 })])).toBe(40);
  });

  it('lets a correction replace the report it corrects', () => {
    const reports = [report(1, { percent: 30 }), report(2, { percent: 80 }), report(3, { percent: 60, correctsId: 2 })];
    expect(standingReports(reports).map((r) => r.seq)).toEqual([1, 3]);
    expect(progressOf(plan(), reports)).toBe(60);
    const p = plan({ milestones: [milestone('a', 1), milestone('b', 1)] });
    expect(progressOf(p, [report(1, { milestonesDone: ['a', 'b'] }), report(2, { correctsId: 1, milestonesDone: ['a'] })])).toBe(50);
  });

  it('rolls sub-items up by weight: milestones where they have them, reported percentages where not', () => {
    const subItems: PlanSubItem[] = [{ key: 's1', title: '一', weight: 1 }, { key: 's2', title: '二', weight: 3 }];
    const p = plan({ subItems, milestones: [milestone('m1', 1, '2024-06-30', 's1'), milestone('m2', 1, '2024-06-30', 's1')] });
    // s1: 1 of 2 milestones (50 %), s2: 80 % reported → (50 × 1 + 80 × 3) / 4 = 72.5
    expect(progressOf(p, [report(1, { milestonesDone: ['m1'], subItemPercents: { s2: 80 } })])).toBe(72.5);
  });

  it('stays within 0–100 and never falls when a further report marks more milestones done', () => {
    fc.assert(fc.property(milestones, fc.array(fc.array(fc.string({ minLength: 1, maxLength: 3 }), { maxLength: 4 }), { maxLength: 5 }), (ms, dones) => {
      const p = plan({ milestones: ms });
      let before = 0;
      const reports: ApprovedReport[] = [];
      for (const [i, done] of dones.entries()) {
        reports.push(report(i + 1, { milestonesDone: done }));
        const now = progressOf(p, reports);
        expect(now).toBeGreaterThanOrEqual(0);
        expect(now).toBeLessThanOrEqual(100);
        expect(now).toBeGreaterThanOrEqual(before);
        before = now;
      }
    }));
  });

  it('is 100 exactly when every milestone of positive weight is done', () => {
    fc.assert(fc.property(milestones.filter((ms) => ms.some((m) => m.weight > 0)), (ms) => {
      const p = plan({ milestones: ms });
      expect(progressOf(p, [report(1, { milestonesDone: ms.filter((m) => m.weight > 0).map((m) => m.key) })])).toBe(100);
      const missing = ms.find((m) => m.weight > 0)!;
      expect(progressOf(p, [report(1, { milestonesDone: ms.filter((m) => m !== missing).map((m) => m.key) })])).toBeLessThan(100);
    }));
  });
});

describe('statusOf', () => {
  const facts = (over: Partial<Parameters<typeof statusOf>[0]> = {}) => ({ plan: plan(), approved: [], latestRating: null, today: '2024-03-01', ...over });

  it('is not started before anything is done or reported', () => {
    expect(statusOf(facts())).toBe('not-started');
    expect(statusOf(facts({ plan: null }))).toBe('not-started');
  });

  it('is behind when progress trails the time elapsed, on track when it keeps up', () => {
    // 2024-07-01 is about half of 2024.
    expect(statusOf(facts({ today: '2024-07-01', approved: [report(1, { percent: 40 })] }))).toBe('behind');
    expect(statusOf(facts({ today: '2024-07-01', approved: [report(1, { percent: 60 })] }))).toBe('on-track');
  });

  it('is behind with a milestone overdue, whatever the progress', () => {
    const p = plan({ milestones: [milestone('a', 9, '2024-02-01'), milestone('b', 1, '2024-12-01')] });
    expect(statusOf(facts({ plan: p, today: '2024-01-20', approved: [report(1, { milestonesDone: ['b'] })] }))).toBe('on-track');
    expect(statusOf(facts({ plan: p, today: '2024-02-02', approved: [report(1, { milestonesDone: ['b'] })] }))).toBe('behind');
  });

  it('is completed at 100 % with an approved final report, and not before', () => {
    expect(statusOf(facts({ approved: [report(1, { percent: 100 })] }))).toBe('on-track');
    expect(statusOf(facts({ approved: [report(1, { percent: 100, final: true })] }))).toBe('completed');
    expect(statusOf(facts({ approved: [report(1, { percent: 90, final: true })] }))).toBe('on-track');
  });

  it('is rectifying while the latest rating is 不满意, even when completed', () => {
    expect(statusOf(facts({ approved: [report(1, { percent: 100, final: true })], latestRating: 'unsatisfied' }))).toBe('rectifying');
    expect(statusOf(facts({ approved: [report(1, { percent: 100, final: true })], latestRating: 'basically' }))).toBe('completed');
  });

  it('is never behind before the plan starts, and always behind after the deadline short of 100 %', () => {
    fc.assert(fc.property(day, day, fc.integer({ min: 1, max: 99 }), (a, b, percent) => {
      const [startsOn, deadline] = a < b ? [a, b] : [b, a];
      if (startsOn === deadline) return;
      const p = plan({ startsOn, deadline });
      const approved = [report(1, { percent })];
      const before = new Date(Date.parse(startsOn) - 86_400_000).toISOString().slice(0, 10);
      expect(statusOf(facts({ plan: p, approved, today: before }))).toBe('on-track');
      expect(statusOf(facts({ plan: p, approved, today: deadline }))).toBe('behind');
    }));
  });
});

describe('elapsedShare', () => {
  it('grows from 0 at the start to 1 at the deadline', () => {
    fc.assert(fc.property(day, day, day, (a, b, c) => {
      const [s, m, e] = [a, b, c].sort();
      const share = elapsedShare(s!, e!, m!);
      expect(share).toBeGreaterThanOrEqual(0);
      expect(share).toBeLessThanOrEqual(1);
      expect(elapsedShare(s!, e!, e!)).toBe(1);
      if (s! < e!) expect(elapsedShare(s!, e!, s!)).toBe(0);
    }));
  });
});

describe('moneyOf', () => {
  it('takes spending to date from the latest standing report, against the year\'s and the total investment', () => {
    const m = moneyOf(plan(), [report(1, { spentFen: 20_000_00 }), report(2, { spentFen: 45_000_00 })]);
    expect(m).toEqual({ spentFen: 45_000_00, annualInvestmentFen: 100_000_00, totalInvestmentFen: 300_000_00, annualRate: 45, totalRate: 15 });
    expect(moneyOf(null, []).annualRate).toBeNull();
  });
});

describe('reportingPeriods and lateReports', () => {
  it('asks a monthly report for every month from the start to the deadline, due ten days after each', () => {
    const periods = reportingPeriods('monthly', '2024-01-20', '2024-04-05');
    expect(periods.map((p) => p.period)).toEqual(['2024-01', '2024-02', '2024-03', '2024-04']);
    expect(periods[1]).toEqual({ period: '2024-02', endsOn: '2024-02-29', dueOn: '2024-03-10' });
  });

  it('asks a quarterly report for every quarter touched', () => {
    expect(reportingPeriods('quarterly', '2024-02-01', '2024-12-31').map((p) => `${p.period} ${p.dueOn}`))
      .toEqual(['2024-Q1 2024-04-10', '2024-Q2 2024-07-10', '2024-Q3 2024-10-10', '2024-Q4 2025-01-10']);
  });

  it('lists the periods past due without a report, none once the final report is approved', () => {
    const periods = reportingPeriods('quarterly', '2024-01-01', '2024-12-31');
    expect(lateReports(periods, new Set(['2024-Q1']), '2024-10-11', false).map((p) => p.period)).toEqual(['2024-Q2', '2024-Q3']);
    expect(lateReports(periods, new Set(), '2024-10-11', true)).toEqual([]);
    expect(currentPeriod(periods, '2024-05-02')?.period).toBe('2024-Q1');
  });

  it('never cuts the periods short: all of the longest plan the rules allow, and a RangeError beyond the guard', () => {
    // 2023-01-01 to 2034-12-31: the widest plan of a 2024 meeting (src/plans/rules.ts planDateBounds).
    const all = reportingPeriods('monthly', '2023-01-01', '2034-12-31');
    expect(all).toHaveLength(144);
    expect(all.at(-1)!.period).toBe('2034-12');
    expect(reportingPeriods('monthly', '2000-01-01', '2019-12-31')).toHaveLength(240);
    expect(() => reportingPeriods('monthly', '0001-01-01', '9999-12-31')).toThrow(RangeError);
    expect(() => reportingPeriods('monthly', '2000-01-01', '2020-01-01')).toThrow(RangeError);
  });

  it('gives consecutive periods, each due after it ends', () => {
    fc.assert(fc.property(day, day, fc.constantFrom('monthly' as const, 'quarterly' as const), (a, b, schedule) => {
      const [s, e] = a < b ? [a, b] : [b, a];
      const periods = reportingPeriods(schedule, s, e);
      expect(periods.length).toBeGreaterThan(0);
      for (const [i, p] of periods.entries()) {
        expect(p.dueOn > p.endsOn).toBe(true);
        if (i > 0) expect(p.endsOn > periods[i - 1]!.endsOn).toBe(true);
      }
      expect(periods.at(-1)!.endsOn >= e).toBe(true);
    }));
  });
});

describe('milestonesDone', () => {
  it('counts a milestone done in any standing report', () => {
    expect([...milestonesDone(plan({ milestones: [milestone('a', 1), milestone('b', 1)] }), [report(1, { milestonesDone: ['b'] })])]).toEqual(['b']);
  });
});

describe('periodEndsOn and reportedBy', () => {
  it('ends a month or a quarter on its last day', () => {
    expect(periodEndsOn('2024-02')).toBe('2024-02-29');
    expect(periodEndsOn('2023-12')).toBe('2023-12-31');
    expect(periodEndsOn('2023-Q4')).toBe('2023-12-31');
    expect(periodEndsOn('2024-Q1')).toBe('2024-03-31');
  });

  it('counts a report for the periods ended by then, even approved later; an extra report by its approval', () => {
    expect(reportedBy({ period: '2023-Q4', decidedOn: '2024-01-07' }, '2023-12-31')).toBe(true);
    expect(reportedBy({ period: '2023-Q3', decidedOn: '2023-10-07' }, '2023-06-30')).toBe(false);
    expect(reportedBy({ period: null, decidedOn: '2023-06-30' }, '2023-06-30')).toBe(true);
    expect(reportedBy({ period: null, decidedOn: '2023-07-01' }, '2023-06-30')).toBe(false);
  });
});
