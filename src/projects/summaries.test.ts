import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProjectSummary } from './model.ts';
import { yuanString } from './open-data.ts';
import { chosenYear, sharesBy, summarise } from './summaries.ts';

const project = (over: { category?: string; location?: string | null; spent: number; annual: number; status?: ProjectSummary['status']; progress?: number }) => ({
  category: over.category ?? 'health', location: over.location ?? null, status: over.status ?? 'on-track', progress: over.progress ?? 0,
  money: { spentFen: over.spent, annualInvestmentFen: over.annual, totalInvestmentFen: over.annual * 2, annualRate: null, totalRate: null },
}) as unknown as ProjectSummary;

describe('yuanString', () => {
  it('writes 分 as yuan with two decimals', () => {
    expect(yuanString(0)).toBe('0.00');
    expect(yuanString(5)).toBe('0.05');
    expect(yuanString(123456)).toBe('1234.56');
  });
  it('reads back to the same 分 for any amount', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 50 }), (fen) => BigInt(yuanString(fen).replace('.', '')) === BigInt(fen)));
  });
});

describe('sharesBy', () => {
  it('adds spending and planned money per group, and leaves out projects without a key', () => {
    const shares = sharesBy([
      project({ location: '城南街道', spent: 50, annual: 100 }), project({ location: '城南街道', spent: 25, annual: 100 }),
      project({ location: null, spent: 10, annual: 10 }), project({ location: '湖镇镇', spent: 0, annual: 0 }),
    ], (p) => p.location);
    expect(shares).toEqual([
      { key: '城南街道', projects: 2, spentFen: 75, annualInvestmentFen: 200, rate: 37.5 },
      { key: '湖镇镇', projects: 1, spentFen: 0, annualInvestmentFen: 0, rate: null },
    ]);
  });
  it('keeps every project’s money in exactly one group', () => {
    fc.assert(fc.property(fc.array(fc.record({ category: fc.constantFrom('a', 'b', 'c'), spent: fc.nat(10_000), annual: fc.nat(10_000) })), (rows) => {
      const shares = sharesBy(rows.map((r) => project(r)), (p) => p.category);
      expect(shares.reduce((s, x) => s + x.spentFen, 0)).toBe(rows.reduce((s, r) => s + r.spent, 0));
      expect(shares.reduce((s, x) => s + x.projects, 0)).toBe(rows.length);
    }));
  });
});

describe('summarise', () => {
  it('counts projects by status and adds up the money', () => {
    const s = summarise([project({ spent: 30, annual: 100, status: 'behind', progress: 20 }), project({ spent: 70, annual: 100, status: 'completed', progress: 100 })]);
    expect(s.byStatus).toEqual({ 'not-started': 0, 'on-track': 0, behind: 1, completed: 1, rectifying: 0 });
    expect([s.spentFen, s.annualInvestmentFen, s.annualRate, s.meanProgress]).toEqual([100, 200, 50, 60]);
  });
});

describe('chosenYear', () => {
  it('takes a four-digit year as asked, else the latest tracked year', () => {
    expect(chosenYear('2023', [2024, 2023])).toBe(2023);
    expect(chosenYear('2030', [2024, 2023])).toBe(2030);
    expect(chosenYear('x', [2024, 2023])).toBe(2024);
    expect(chosenYear(undefined, [])).toBeUndefined();
  });
});
