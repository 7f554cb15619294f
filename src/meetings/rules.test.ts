import { describe, expect, it } from 'vitest';
import { fenToText, MAX_FEN, MAX_YUAN, moneyToFen } from '../domain/money.ts';
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

  it('caps 总投资 at the cap of plans (MAX_FEN in 元), so the largest candidate pre-fills a plan that can be saved', () => {
    expect(MAX_YUAN * 100).toBe(MAX_FEN);
    expect(candidateInput.safeParse({ ...candidate, totalInvestmentYuan: MAX_YUAN }).success).toBe(true);
    const over = candidateInput.safeParse({ ...candidate, totalInvestmentYuan: MAX_YUAN + 1 });
    expect(over.success).toBe(false);
    expect(over.error?.issues[0]?.message).toBe('validation.tooLarge');
    // The plan form shows the candidate's 总投资 in 万元 and reads it back within MAX_FEN.
    expect(moneyToFen(fenToText(MAX_YUAN * 100, 'wan'), 'wan')).toBe(MAX_FEN);
  });
});
