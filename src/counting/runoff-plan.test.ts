import { describe, expect, it } from 'vitest';
import { planRunoff } from './runoff-plan.ts';

const OPTIONS = ['c01', 'c02', 'c03', 'c04', 'c05'].map((key, i) => ({ key, title: `项目${i + 1}`, candidateId: 100 + i }));

describe('planRunoff', () => {
  it('keeps only the tied options, in ballot order and under their ids, for the seats the tie left', () => {
    const plan = planRunoff({ tie: { options: ['c04', 'c02', 'c05'], seats: 1 } }, OPTIONS);
    expect(plan).toEqual({ ok: true, seats: 1, options: [OPTIONS[1], OPTIONS[3], OPTIONS[4]] });
  });

  it('refuses a count without a tie', () => {
    expect(planRunoff({}, OPTIONS)).toEqual({ ok: false, reason: 'no-tie' });
  });

  it('refuses a tie that names an option the election does not have', () => {
    expect(planRunoff({ tie: { options: ['c02', 'c09'], seats: 1 } }, OPTIONS)).toEqual({ ok: false, reason: 'unknown-option' });
  });

  it('refuses a degenerate tie with as many seats as tied options', () => {
    expect(planRunoff({ tie: { options: ['c02', 'c03'], seats: 2 } }, OPTIONS)).toEqual({ ok: false, reason: 'no-tie' });
  });
});
