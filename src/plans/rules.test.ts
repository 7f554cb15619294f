import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../platform/validation.ts';
import { diffPlans, type PlanContent, type PlanContext, planFromForm, planIssues, planToForm } from './rules.ts';

const ctx = (over: Partial<PlanContext> = {}): PlanContext => ({
  publishedOn: '2024-01-15', leadDepartmentId: 1, departmentIds: [1, 2, 3], usedKeys: [], revision: 1, meetingYear: 2024, ...over,
});
const plan = (over: Partial<PlanContent> = {}): PlanContent => ({
  totalInvestmentFen: 3_820_500_000, annualInvestmentFen: 1_000_000_000, startsOn: null, deadline: '2024-12-31', location: null,
  leadOfficial: '副县长 王某', schedule: 'quarterly', coDepartmentIds: [], targets: [], subItems: [], milestones: [], ...over,
});
const form = (over: Record<string, string> = {}): Record<string, string> => ({ ...planToForm(plan()), ...over });
const issuesOf = (f: () => unknown) => {
  try { f(); } catch (e) { if (e instanceof ValidationError) return e.issues; throw e; }
  return [];
};

describe('planFromForm', () => {
  it('reads the form back into the plan it shows', () => {
    const p = plan({
      startsOn: '2024-02-01', location: '湖镇镇', coDepartmentIds: [2],
      targets: [{ key: 't1', metric: '新增学位', unit: '个', target: 1200 }],
      subItems: [{ key: 's1', title: '一期', weight: 2 }],
      milestones: [{ key: 'm1', title: '开工', due: '2024-03-01', weight: 1, subItem: 's1' }, { key: 'm2', title: '竣工', due: '2024-12-01', weight: 3, subItem: null }],
    });
    expect(planFromForm(planToForm(p), ctx({ usedKeys: ['t1', 's1', 'm1', 'm2'] }), ['2'])).toEqual({ plan: p, reason: null });
  });

  it('leaves blank rows out and gives new rows keys never used in the project', () => {
    const { plan: p } = planFromForm(form({
      'ms.0.key': 'm2', 'ms.0.title': '开工', 'ms.0.due': '2024-03-01', 'ms.0.weight': '1',
      'ms.1.key': '', 'ms.1.title': '竣工', 'ms.1.due': '2024-12-01', 'ms.1.weight': '2',
      'ms.2.key': '', 'ms.2.title': '', 'ms.2.due': '', 'ms.2.weight': '',
      'target.0.key': '', 'target.0.metric': '新增学位', 'target.0.value': '1,200', 'target.0.unit': '个',
    }), ctx({ usedKeys: ['m1', 'm2', 'm5', 't3'] }), []);
    expect(p.milestones.map((m) => m.key)).toEqual(['m2', 'm6']);
    expect(p.targets).toEqual([{ key: 't4', metric: '新增学位', unit: '个', target: 1200 }]);
  });

  it('names every wrong row by its number, and keeps the rule on weights and dates', () => {
    const issues = issuesOf(() => planFromForm(form({
      'ms.0.title': '开工', 'ms.0.due': '2024-03-01', 'ms.0.weight': '0',
      'sub.0.title': '一期', 'sub.0.weight': '1.5',
      'target.0.metric': '新增学位', 'target.0.value': '很多', 'target.0.unit': '个',
    }), ctx(), []));
    expect(issues).toEqual(expect.arrayContaining([
      { field: 'milestones', key: 'plan.error.milestoneRow', params: { row: 1 } },
      { field: 'subItems', key: 'plan.error.subItemRow', params: { row: 1 } },
      { field: 'targets', key: 'plan.error.targetRow', params: { row: 1 } },
    ]));
  });

  it('keeps milestones within [start, deadline], the start being the publication when none is given', () => {
    const due = (d: string, over: Record<string, string> = {}) => issuesOf(() => planFromForm(form({ 'ms.0.title': '开工', 'ms.0.due': d, 'ms.0.weight': '1', ...over }), ctx(), []));
    expect(due('2024-01-15')).toEqual([]);
    expect(due('2024-12-31')).toEqual([]);
    expect(due('2024-01-14')).toEqual([{ field: 'milestones', key: 'plan.error.milestoneDue', params: { row: 1, start: '2024-01-15', deadline: '2024-12-31' } }]);
    expect(due('2025-01-01')[0]?.key).toBe('plan.error.milestoneDue');
    expect(due('2024-02-01', { startsOn: '2024-03-01' })[0]?.params).toMatchObject({ start: '2024-03-01' });
  });

  it('needs a deadline, a reason from the second revision on, and co-departments from the list other than the lead', () => {
    expect(issuesOf(() => planFromForm(form({ deadline: '' }), ctx(), []))).toEqual([{ field: 'deadline', key: 'validation.required' }]);
    expect(issuesOf(() => planFromForm(form(), ctx({ revision: 2 }), []))).toEqual([{ field: 'reason', key: 'plan.error.reason' }]);
    expect(planFromForm(form({ reason: '选址调整' }), ctx({ revision: 2 }), []).reason).toBe('选址调整');
    expect(issuesOf(() => planFromForm(form(), ctx(), ['9']))[0]).toMatchObject({ field: 'coDepartments', key: 'department.error.unknown' });
    expect(issuesOf(() => planFromForm(form(), ctx(), ['1']))).toEqual([{ field: 'coDepartments', key: 'validation.coDepartmentIsLead' }]);
  });

  it('lets the annual plan exceed the total (multi-year projects) but never go below zero', () => {
    expect(planFromForm(form({ total: '100', annual: '150' }), ctx(), []).plan).toMatchObject({ totalInvestmentFen: 100_000_000, annualInvestmentFen: 150_000_000 });
    expect(issuesOf(() => planFromForm(form({ annual: '-1' }), ctx(), []))).toEqual([{ field: 'annual', key: 'plan.error.money' }]);
    expect(planFromForm(form({ total: '1200.5', totalUnit: 'yuan' }), ctx(), []).plan.totalInvestmentFen).toBe(120_050);
  });

  it('refuses a tampered row key or a key used twice', () => {
    const rows = { 'ms.0.title': '一', 'ms.0.due': '2024-03-01', 'ms.0.weight': '1', 'ms.1.title': '二', 'ms.1.due': '2024-04-01', 'ms.1.weight': '1' };
    expect(issuesOf(() => planFromForm(form({ ...rows, 'ms.0.key': 'm1', 'ms.1.key': 'm1' }), ctx(), []))).toEqual([{ field: 'milestones', key: 'plan.error.row', params: { row: 2 } }]);
    expect(issuesOf(() => planFromForm(form({ ...rows, 'ms.0.key': 'x<1' }), ctx(), []))).toEqual([{ field: 'milestones', key: 'plan.error.row', params: { row: 1 } }]);
  });
});

describe('planIssues', () => {
  it('refuses a milestone tied to a sub-item the plan does not have, and a start after the deadline', () => {
    expect(planIssues(plan({ milestones: [{ key: 'm1', title: '一', due: '2024-03-01', weight: 1, subItem: 's9' }] }), ctx()))
      .toEqual([{ field: 'milestones', key: 'plan.error.milestoneSubItem', params: { row: 1 } }]);
    expect(planIssues(plan({ startsOn: '2025-01-01' }), ctx())).toEqual([{ field: 'startsOn', key: 'plan.error.startAfterDeadline', params: { start: '2025-01-01' } }]);
  });

  it('keeps the start and the deadline near the meeting year (the year before to ten years after), so reporting periods stay bounded', () => {
    expect(planIssues(plan({ startsOn: '0001-01-01' }), ctx())).toEqual([{ field: 'startsOn', key: 'plan.error.startTooEarly', params: { earliest: '2023-01-01' } }]);
    expect(planIssues(plan({ startsOn: '2022-12-31' }), ctx())).toEqual([{ field: 'startsOn', key: 'plan.error.startTooEarly', params: { earliest: '2023-01-01' } }]);
    expect(planIssues(plan({ deadline: '9999-12-31' }), ctx())).toEqual([{ field: 'deadline', key: 'plan.error.deadlineTooLate', params: { latest: '2034-12-31' } }]);
    expect(planIssues(plan({ deadline: '2035-01-01' }), ctx())).toEqual([{ field: 'deadline', key: 'plan.error.deadlineTooLate', params: { latest: '2034-12-31' } }]);
    expect(planIssues(plan({ startsOn: '2023-01-01', deadline: '2034-12-31', schedule: 'monthly' }), ctx())).toEqual([]);
  });
});

describe('diffPlans', () => {
  const m = (key: string, title: string, due = '2024-06-30', weight = 1) => ({ key, title, due, weight, subItem: null });

  it('finds nothing between a plan and itself', () => {
    expect(diffPlans(plan(), plan())).toEqual([]);
  });

  it('names each changed field with before and after, and rows by key as added, removed or changed', () => {
    const before = plan({ milestones: [m('m1', '开工'), m('m2', '主体完工')], coDepartmentIds: [2, 3] });
    const after = plan({ deadline: '2025-06-30', milestones: [m('m1', '开工'), m('m2', '主体结构完工', '2024-09-30'), m('m3', '验收')], coDepartmentIds: [3, 2] });
    expect(diffPlans(before, after)).toEqual([
      { kind: 'field', field: 'deadline', before: '2024-12-31', after: '2025-06-30' },
      { kind: 'changed', list: 'milestones', key: 'm2', before: m('m2', '主体完工'), after: m('m2', '主体结构完工', '2024-09-30') },
      { kind: 'added', list: 'milestones', key: 'm3', after: m('m3', '验收') },
    ]);
    expect(diffPlans(after, before).find((c) => c.kind === 'removed')).toMatchObject({ list: 'milestones', key: 'm3' });
  });

  it('against no earlier revision, lists what the first one sets', () => {
    const changes = diffPlans(null, plan({ targets: [{ key: 't1', metric: '学位', unit: '个', target: 10 }] }));
    expect(changes.filter((c) => c.kind === 'field').map((c) => c.kind === 'field' && c.field)).toEqual(['totalInvestmentFen', 'annualInvestmentFen', 'deadline', 'leadOfficial', 'schedule']);
    expect(changes.at(-1)).toMatchObject({ kind: 'added', list: 'targets', key: 't1' });
  });

  it('is empty exactly when the plans hold the same rows (their order aside)', () => {
    const row = fc.record({ key: fc.constantFrom('m1', 'm2', 'm3'), title: fc.constantFrom('一', '二'), due: fc.constant('2024-06-30'), weight: fc.integer({ min: 1, max: 3 }), subItem: fc.constant(null) });
    const milestones = fc.uniqueArray(row, { selector: (r) => r.key, maxLength: 3 });
    fc.assert(fc.property(milestones, milestones, (a, b) => {
      const changes = diffPlans(plan({ milestones: a }), plan({ milestones: b }));
      const byKey = (rows: typeof a) => JSON.stringify([...rows].sort((x, y) => x.key.localeCompare(y.key)));
      expect(changes.length === 0).toBe(byKey(a) === byKey(b));
    }));
  });
});
