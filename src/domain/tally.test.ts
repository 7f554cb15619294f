import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InvalidReason } from './record/format.ts';
import { ballotValidity, rate, resultFromCounts, satisfactionRate, tally, type TallyInput } from './tally.ts';

/**
 * Ballots whose per-option counts are the given columns: ballot i carries, for option j, the letter
 * whose cumulative count first exceeds i (the rest abstain). This is how published per-project
 * figures become a ballot box.
 */
function ballotsFromCounts(total: number, columns: Record<string, number>[], order: string[]): { marks: string }[] {
  return Array.from({ length: total }, (_, i) => ({
    marks: columns.map((col) => {
      let acc = 0;
      for (const l of order) {
        acc += col[l] ?? 0;
        if (i < acc) return l;
      }
      return 'N';
    }).join(''),
  }));
}

/** Valid selection ballots giving option j exactly fs[j] F (the rest A), never more F than seats on one ballot. */
function ballotsWithFor(total: number, fs: number[], seats: number): { marks: string }[] {
  const marks = Array.from({ length: total }, () => fs.map(() => 'A'));
  const load = new Array<number>(total).fill(0);
  fs.forEach((f, j) => {
    const order = [...load.keys()].sort((x, y) => load[x]! - load[y]! || x - y).slice(0, f);
    if (order.length < f || order.some((i) => load[i]! >= seats)) throw new Error('counts do not fit the seats');
    for (const i of order) { marks[i]![j] = 'F'; load[i]!++; }
  });
  return marks.map((m) => ({ marks: m.join('') }));
}

const selection = (over: Partial<TallyInput> & { ballots: TallyInput['ballots']; optionIds: string[] }): TallyInput => ({
  kind: 'selection', rules: { marking: 'for-against-abstain', seats: 2, passBase: 'all-deputies', deputiesTotal: 10 },
  present: 10, eligible: 10, ...over,
});

describe('satisfaction fixtures from published figures', () => {
  // Ninghai 2020 测评, 231 deputies; the last row (美丽乡村 95/27/0) is inconsistent at the source.
  const ninghai: [string, number, number, number][] = [
    ['农民饮用水', 175, 43, 4], ['农村公路', 161, 58, 3], ['高中段校舍', 187, 34, 1], ['前童小学迁建', 177, 44, 1],
    ['二院提升', 161, 57, 4], ['居家养老', 165, 57, 0], ['停车位', 145, 74, 3], ['城南消防站', 159, 62, 1],
    ['环卫', 168, 53, 1], ['美丽乡村', 95, 27, 0],
  ];

  it('rates Ninghai 2020 on all 231 deputies, including the inconsistent row as 基本满意', () => {
    const columns = ninghai.map(([, s, b, u]) => ({ S: s, B: b, U: u }));
    const result = tally({
      kind: 'satisfaction', rules: { marking: 'satisfaction', passBase: 'all-deputies', deputiesTotal: 231 },
      optionIds: ninghai.map(([n]) => n), present: 222, eligible: 231,
      ballots: ballotsFromCounts(222, columns, ['S', 'B', 'U']),
    });
    expect(result.valid).toBe(222);
    result.options.forEach((o, i) => {
      const [, s, b, u] = ninghai[i]!;
      expect(o.counts).toEqual({ S: s, B: b, U: u, N: 222 - s - b - u });
    });
    expect(result.options.map((o) => o.rating)).toEqual([
      'satisfied', 'satisfied', 'satisfied', 'satisfied', 'satisfied', 'satisfied', 'satisfied', 'satisfied', 'satisfied', 'basically',
    ]);
    // 95 × 2 ≤ 231 but (95 + 27) × 2 > 231.
    expect(rate(95, 27, 231)).toBe('basically');
  });

  it('rates the Zhenhai 2022 standing committee (29 members) on valid ballots', () => {
    const rows: [number, number, number][] = [[28, 1, 0], [20, 8, 1], [26, 3, 0], [29, 0, 0], [17, 11, 1], [26, 3, 0], [17, 11, 1], [28, 1, 0]];
    const result = tally({
      kind: 'satisfaction', rules: { marking: 'satisfaction', passBase: 'valid-ballots', deputiesTotal: 29 },
      optionIds: rows.map((_, i) => `z${i + 1}`), present: 29, eligible: 29,
      ballots: ballotsFromCounts(29, rows.map(([s, b, u]) => ({ S: s, B: b, U: u })), ['S', 'B', 'U']),
    });
    expect(result.options.map((o) => o.rating)).toEqual(Array(8).fill('satisfied'));
    expect(satisfactionRate(result.options[1]!.counts, result.valid)).toBeCloseTo(28 / 29);
    // With a stricter base an option near the line changes rating: 17 of 35 is not more than half.
    expect(rate(17, 11, 35)).toBe('basically');
    expect(rate(5, 6, 29)).toBe('unsatisfied');
  });
});

describe('selection', () => {
  it('passes the Dongyang 2017 projects (281 / 1 and 276 / 6) on all deputies', () => {
    const result = tally(selection({
      rules: { marking: 'for-against-abstain', seats: 2, passBase: 'all-deputies', deputiesTotal: 290 },
      present: 282, eligible: 290, optionIds: ['a', 'b'],
      ballots: ballotsFromCounts(282, [{ F: 281, A: 1 }, { F: 276, A: 6 }], ['F', 'A']),
    }));
    expect(result.options.map((o) => [o.counts.F, o.counts.A, o.passed, o.rank, o.selected])).toEqual([[281, 1, true, 1, true], [276, 6, true, 2, true]]);
    expect(result.quorum).toBe(true);
  });

  it('reports a tie across the cut-off without breaking it', () => {
    // seats 2 of 20 deputies (pass needs F ≥ 11); F: a 16, b 12, c 12, d 0
    const result = tally(selection({
      rules: { marking: 'for-against-abstain', seats: 2, passBase: 'all-deputies', deputiesTotal: 20 }, present: 20, eligible: 20,
      optionIds: ['a', 'b', 'c', 'd'], ballots: ballotsWithFor(20, [16, 12, 12, 0], 2),
    }));
    expect(result.options.map((o) => [o.id, o.passed, o.rank, o.selected])).toEqual([['a', true, 1, true], ['b', true, 2, false], ['c', true, 2, false], ['d', false, null, false]]);
    expect(result.tie).toEqual({ options: ['b', 'c'], seats: 1 });
    expect(result.shortfall).toBeUndefined();
  });

  it('selects the top N when the option after the cut-off has fewer votes', () => {
    const result = tally(selection({
      rules: { marking: 'for-against-abstain', seats: 2, passBase: 'all-deputies', deputiesTotal: 20 }, present: 20, eligible: 20,
      optionIds: ['a', 'b', 'c'], ballots: ballotsWithFor(20, [15, 13, 12], 2),
    }));
    expect(result.options.map((o) => o.selected)).toEqual([true, true, false]);
    expect(result.tie).toBeUndefined();
  });

  it('chooses fewer than N when fewer pass, and says how many seats are short', () => {
    const result = tally(selection({
      rules: { marking: 'for-against-abstain', seats: 3, passBase: 'all-deputies', deputiesTotal: 10 }, present: 10, eligible: 10,
      optionIds: ['a', 'b', 'c', 'd'], ballots: ballotsWithFor(10, [6, 5, 9, 1], 3),
    }));
    expect(result.options.map((o) => o.selected)).toEqual([true, false, true, false]);
    expect(result.shortfall).toBe(1);
  });

  it.each([
    ['all-deputies', 20, false],
    ['present', 12, true],
    ['valid-ballots', 11, true],
  ] as const)('uses the %s base (%i)', (passBase, _base, passes) => {
    // 20 deputies, 12 present, 11 valid ballots (1 invalid); option a has 7 F.
    const ballots = [...ballotsFromCounts(11, [{ F: 7 }], ['F']), { marks: 'F', invalid: 'unreadable' as InvalidReason }];
    const result = tally(selection({
      rules: { marking: 'for-against-abstain', seats: 1, passBase, deputiesTotal: 20 }, present: 12, eligible: 20, optionIds: ['a'], ballots,
    }));
    expect(result.valid).toBe(11);
    expect(result.options[0]!.passed).toBe(passes);
    expect(result.quorum).toBe(false);
  });

  it('counts approval ballots (tick up to N) with F and N only', () => {
    const result = tally(selection({
      rules: { marking: 'approval', seats: 2, passBase: 'valid-ballots', deputiesTotal: 5 }, present: 5, eligible: 5,
      optionIds: ['a', 'b', 'c'], ballots: [{ marks: 'FFN' }, { marks: 'FNF' }, { marks: 'FFN' }, { marks: 'FFF' }, { marks: 'NNN' }],
    }));
    expect(result.invalid).toBe(1);
    expect(result.options.map((o) => o.counts)).toEqual([{ F: 3, N: 1 }, { F: 2, N: 2 }, { F: 1, N: 3 }]);
    expect(result.options.map((o) => o.selected)).toEqual([true, false, false]);
  });

  it('treats more F than seats as invalid (too-many-for), and keeps paper ballots marked invalid', () => {
    expect(ballotValidity('selection', 2, { marks: 'FFF' })).toBe('too-many-for');
    expect(ballotValidity('selection', 2, { marks: 'FFN' })).toBeUndefined();
    expect(ballotValidity('selection', 2, { marks: 'NNN', invalid: 'unreadable' })).toBe('unreadable');
    expect(ballotValidity('satisfaction', undefined, { marks: 'SSSS' })).toBeUndefined();
  });

  it('refuses letters outside the marking', () => {
    expect(() => tally(selection({ optionIds: ['a'], ballots: [{ marks: 'S' }] }))).toThrow(/letter S/);
  });
});

describe('properties', () => {
  const box = fc.integer({ min: 1, max: 6 }).chain((options) => fc.record({
    options: fc.constant(options),
    seats: fc.integer({ min: 1, max: options }),
    ballots: fc.array(fc.string({ unit: fc.constantFrom('F', 'A', 'N'), minLength: options, maxLength: options }), { maxLength: 60 }),
  }));
  const run = (b: { options: number; seats: number; ballots: string[] }, ballots = b.ballots) => tally(selection({
    rules: { marking: 'for-against-abstain', seats: b.seats, passBase: 'valid-ballots', deputiesTotal: 80 }, present: 70, eligible: 80,
    optionIds: Array.from({ length: b.options }, (_, i) => `o${i}`), ballots: ballots.map((marks) => ({ marks })),
  }));

  it('counts every valid ballot exactly once per option', () => {
    fc.assert(fc.property(box, (b) => {
      const r = run(b);
      expect(r.valid + r.invalid).toBe(b.ballots.length);
      for (const o of r.options) expect(o.counts.F! + o.counts.A! + o.counts.N!).toBe(r.valid);
    }));
  });

  it('does not depend on the order of the ballots', () => {
    fc.assert(fc.property(box, fc.integer(), (b, seed) => {
      const shuffled = [...b.ballots].sort((x, y) => ((x + seed).localeCompare(y + seed)));
      expect(run(b, shuffled)).toEqual(run(b));
    }));
  });

  it('never selects more than the seats, and selects exactly the seats unless tied or short', () => {
    fc.assert(fc.property(box, (b) => {
      const r = run(b);
      const selected = r.options.filter((o) => o.selected).length;
      expect(selected).toBeLessThanOrEqual(b.seats);
      if (!r.tie && !r.shortfall) expect(selected).toBe(b.seats);
      if (r.tie) expect(selected + r.tie.seats).toBe(b.seats);
      for (const o of r.options) if (o.selected) expect(o.passed).toBe(true);
    }));
  });
});

describe('resultFromCounts: the rules from counts, as an encrypted record has them', () => {
  it('gives what tally() gives for any ballots whose counts it is handed', () => {
    const marks = fc.array(fc.stringMatching(/^[FAN]{4}$/), { maxLength: 30 });
    fc.assert(fc.property(marks, fc.integer({ min: 1, max: 4 }), fc.constantFrom('all-deputies', 'present', 'valid-ballots' as const), (ms, seats, passBase) => {
      const input = { kind: 'selection' as const, rules: { marking: 'for-against-abstain' as const, seats, passBase, deputiesTotal: 40 }, optionIds: ['a', 'b', 'c', 'd'], present: 35, eligible: 40 };
      const plain = tally({ ...input, ballots: ms.map((m) => ({ marks: m })) });
      // Counts listed in another letter order give the same result, in the marking's order.
      const counts = plain.options.map((o) => ({ N: o.counts.N!, A: o.counts.A!, F: o.counts.F! }));
      expect(resultFromCounts({ ...input, valid: plain.valid, invalid: plain.invalid, counts })).toEqual(plain);
    }), { numRuns: 200 });
  });

  it('refuses counts without every letter of the marking, or a row per option', () => {
    const input = { kind: 'satisfaction' as const, rules: { marking: 'satisfaction' as const, passBase: 'valid-ballots' as const, deputiesTotal: 5 }, optionIds: ['a'], present: 5, eligible: 5, valid: 1, invalid: 0 };
    expect(() => resultFromCounts({ ...input, counts: [{ S: 1, B: 0, U: 0 }] })).toThrow('option a: count of N must be a non-negative integer');
    expect(() => resultFromCounts({ ...input, counts: [] })).toThrow('0 count rows for 1 options');
    expect(resultFromCounts({ ...input, counts: [{ S: 1, B: 0, U: 0, N: 0 }] }).options[0]!.rating).toBe('satisfied');
  });
});
