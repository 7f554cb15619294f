import { describe, expect, it } from 'vitest';
import { parseInput } from '../platform/validation.ts';
import { allowedKinds, isEditable, openMilestones, percentSubItems, planIssues, type PlanShape, reportInput, takesPercent } from './rules.ts';

const milestone = (key: string, subItem: string | null = null) => ({ key, title: key, due: '2024-06-30', weight: 1, subItem });
const PLAN: PlanShape = {
  targets: [{ key: 't1', metric: '新增学位', unit: '个', target: 1200 }],
  subItems: [{ key: 's1', title: '校舍', weight: 2 }, { key: 's2', title: '设备', weight: 1 }],
  milestones: [milestone('m1', 's1'), milestone('m2', 's1')],
};
const report = (over: Record<string, unknown> = {}) => parseInput(reportInput, {
  period: '2024-Q1', narrative: '完成主体结构。', percent: null, spentFen: 100, ...over,
});

describe('what a report may state against its plan', () => {
  it('takes one overall percentage only when the plan has neither milestones nor sub-items', () => {
    expect(takesPercent(PLAN)).toBe(false);
    expect(takesPercent({ targets: [], subItems: [], milestones: [] })).toBe(true);
    expect(planIssues(PLAN, report({ percent: 40 }), new Set(), ['2024-Q1'])).toEqual([{ field: 'percent', key: 'report.error.percentNotHere' }]);
  });
  it('takes percentages of the sub-items without milestones only', () => {
    expect(percentSubItems(PLAN).map((s) => s.key)).toEqual(['s2']);
    expect(planIssues(PLAN, report({ subItemPercents: { s2: 50 } }), new Set(), ['2024-Q1'])).toEqual([]);
    expect(planIssues(PLAN, report({ subItemPercents: { s1: 50 } }), new Set(), ['2024-Q1'])[0]?.field).toBe('subItemPercents');
  });
  it('ticks only milestones of the plan not done yet, each once', () => {
    expect(openMilestones(PLAN, new Set(['m1'])).map((m) => m.key)).toEqual(['m2']);
    expect(planIssues(PLAN, report({ milestonesDone: ['m2'] }), new Set(['m1']), ['2024-Q1'])).toEqual([]);
    for (const ticks of [['m1'], ['nope'], ['m2', 'm2']]) {
      expect(planIssues(PLAN, report({ milestonesDone: ticks }), new Set(['m1']), ['2024-Q1'])).toEqual([{ field: 'milestonesDone', key: 'report.error.milestone' }]);
    }
  });
  it('reports actuals of the plan\'s targets only, and answers one of its periods or none', () => {
    expect(planIssues(PLAN, report({ actuals: [{ target: 't1', value: 300.5 }], period: null }), new Set(), [])).toEqual([]);
    expect(planIssues(PLAN, report({ actuals: [{ target: 'x', value: 1 }] }), new Set(), ['2024-Q1'])[0]?.field).toBe('actuals');
    expect(planIssues(PLAN, report({ period: '2025-Q1' }), new Set(), ['2024-Q1'])[0]?.field).toBe('period');
  });
  it('refuses a narrative missing, a percentage beyond 0–100, negative or fractional fen', () => {
    const issues = (over: Record<string, unknown>) => reportInput.safeParse({ period: null, narrative: 'x', percent: null, spentFen: 0, ...over }).success;
    expect(issues({ narrative: '  ' })).toBe(false);
    expect(issues({ percent: 101 })).toBe(false);
    expect(issues({ spentFen: -1 })).toBe(false);
    expect(issues({ spentFen: 1.5 })).toBe(false);
    expect(issues({ spentFen: Number.NaN })).toBe(false);
  });
});

describe('review states and kinds', () => {
  it('lets the department change a report only as a draft or once returned', () => {
    expect((['draft', 'submitted', 'returned', 'approved'] as const).filter(isEditable)).toEqual(['draft', 'returned']);
  });
  it('offers a rectification report only to a project being rectified', () => {
    expect(allowedKinds(false)).toEqual(['progress']);
    expect(allowedKinds(true)).toEqual(['progress', 'rectification']);
  });
});
