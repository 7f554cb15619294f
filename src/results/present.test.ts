import { describe, expect, it } from 'vitest';
import { apiResult } from './rules.ts';
import { beijingDate } from '../platform/time.ts';
import { chosenRows, notChosenRows, overallSatisfaction, passLine, percent, tiedRows } from './present.ts';
import { resultBody, times } from './test-fixtures.ts';

describe('result presentation', () => {
  // 2 seats of 4, base all 20 deputies, 19 present, 18 valid: 丁 14 and 乙 12 pass (> 10); 丙 6 and 甲 4 do not.
  const body = resultBody({
    options: ['甲', '乙', '丙', '丁'], seats: 2, passBase: 'all-deputies', eligible: 20, present: 19, invalid: 1,
    ballots: [...times(4, 'FFNN'), ...times(8, 'NFNF'), ...times(6, 'NNFF')],
  });

  it('lists the chosen by rank, the tied in ballot order, and the rest by votes', () => {
    expect(body.result.options.map((o) => o.counts.F)).toEqual([4, 12, 6, 14]);
    expect(chosenRows(body).map((r) => [r.title, r.rank])).toEqual([['丁', 1], ['乙', 2]]);
    expect(tiedRows(body)).toEqual([]);
    expect(notChosenRows(body).map((r) => [r.title, r.forVotes, r.passed])).toEqual([['丙', 6, false], ['甲', 4, false]]);
  });

  it('puts the pass line at half the base: more than 10 of 20 deputies, at least 11', () => {
    expect(passLine(body)).toEqual({ base: 20, half: 10, minimum: 11 });
    const odd = resultBody({ options: ['甲'], ballots: times(7, 'F') });
    expect(passLine(odd)).toEqual({ base: 7, half: 3.5, minimum: 4 });
  });

  it('computes 总体满意率 over all projects, and 满意率 per project, from Zhenhai 2022 figures', () => {
    // 教育 28/1/0 and 公卫 20/8/1 among 29 standing-committee members.
    const ballots = Array.from({ length: 29 }, (_, i) => (i < 28 ? 'S' : 'B') + (i < 20 ? 'S' : i < 28 ? 'B' : 'U'));
    const rating = resultBody({ kind: 'satisfaction', options: ['教育', '公卫'], ballots, eligible: 29, passBase: 'all-deputies' });
    expect(rating.result.options.map((o) => [o.counts.S, o.counts.B, o.counts.U])).toEqual([[28, 1, 0], [20, 8, 1]]);
    expect(percent(overallSatisfaction(rating))).toBe('98.3%');
    expect(overallSatisfaction(body)).toBeUndefined();
    expect(percent(undefined)).toBe('—');
    expect(percent(1)).toBe('100.0%');
  });

  it('reads the Beijing calendar date of a record time or an instant', () => {
    expect(beijingDate('2024-01-16T23:59:59+08:00')).toBe('2024-01-16');
    expect(beijingDate(new Date('2024-01-16T16:30:00Z'))).toBe('2024-01-17');
    expect(beijingDate(new Date('2024-01-16T15:59:59Z'))).toBe('2024-01-16');
  });

  it('gives the API the record\'s own result with the chosen ids in rank order', () => {
    const api = apiResult(7, body, 'sha256:abc');
    expect(api).toEqual({
      valid: 18, invalid: 1, quorum: true, roll: { eligible: 20, present: 19 },
      options: body.result.options.map((o) => ({ id: o.id, counts: o.counts, passed: o.passed, rank: o.rank, selected: o.selected })),
      chosen: ['c04', 'c02'], digest: 'sha256:abc', recordUrl: '/elections/7/record.json', resultUrl: '/elections/7/result',
    });
    expect('tie' in api).toBe(false);
  });
});
