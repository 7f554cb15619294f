import { describe, expect, it } from 'vitest';
import { candidateInput } from './rules.ts';

const candidate = { name: '项目', category: 'health', description: '说明', targets: ['目标'], totalInvestmentYuan: null, deadline: '2024-12-31', leadDepartment: '卫生健康局', leadOfficial: '副县长 某' };

describe('candidateInput', () => {
  it('takes a co-department named twice once (a form may post the same checkbox twice)', () => {
    const parsed = candidateInput.safeParse({ ...candidate, coDepartments: ['财政局', '财政局', '民政局'] });
    expect(parsed.success && parsed.data.coDepartments).toEqual(['财政局', '民政局']);
  });

  it('refuses the lead department as a co-department', () => {
    expect(candidateInput.safeParse({ ...candidate, coDepartments: ['卫生健康局'] }).success).toBe(false);
  });
});
