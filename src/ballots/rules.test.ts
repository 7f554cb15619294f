import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LETTERS } from '../domain/record/format.ts';
import { ballotValidity } from '../domain/tally.ts';
import { marksFromChoices, type BallotSpec } from './rules.ts';

const faa: BallotSpec = { kind: 'selection', marking: 'for-against-abstain', seats: 2, optionKeys: ['c1', 'c2', 'c3', 'c4'] };

describe('marksFromChoices', () => {
  it('builds marks in ballot order', () => {
    expect(marksFromChoices(faa, { c3: 'A', c1: 'F', c2: 'N', c4: 'F' })).toEqual({ ok: true, marks: 'FNAF' });
  });

  it('refuses more F than seats, naming both numbers', () => {
    expect(marksFromChoices(faa, { c1: 'F', c2: 'F', c3: 'F', c4: 'N' })).toEqual({ ok: false, problems: [{ code: 'too-many-for', count: 3, max: 2 }] });
  });

  it('lists every problem at once: unknown options, letters outside the marking, missing marks', () => {
    const r = marksFromChoices(faa, { c1: 'S', c2: 'F', x9: 'F' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems).toEqual([
      { code: 'unknown-option', option: 'x9' },
      { code: 'bad-letter', option: 'c1', letter: 'S' },
      { code: 'missing-mark', option: 'c3' },
      { code: 'missing-mark', option: 'c4' },
    ]);
  });

  it('reads unticked approval options as N', () => {
    const approval: BallotSpec = { kind: 'selection', marking: 'approval', seats: 2, optionKeys: ['a', 'b', 'c'] };
    expect(marksFromChoices(approval, { b: 'F' })).toEqual({ ok: true, marks: 'NFN' });
    expect(marksFromChoices(approval, { a: 'A' }).ok).toBe(false);
  });

  it('rates satisfaction without a seat limit', () => {
    const sat: BallotSpec = { kind: 'satisfaction', marking: 'satisfaction', seats: null, optionKeys: ['p1', 'p2'] };
    expect(marksFromChoices(sat, { p1: 'S', p2: 'U' })).toEqual({ ok: true, marks: 'SU' });
    expect(marksFromChoices(sat, { p1: 'F', p2: 'U' }).ok).toBe(false);
  });

  it('accepts exactly the ballots the tally counts as valid (property)', () => {
    const spec = fc.record({
      n: fc.integer({ min: 1, max: 8 }),
      seats: fc.integer({ min: 1, max: 8 }),
      marking: fc.constantFrom('for-against-abstain' as const, 'approval' as const),
    });
    fc.assert(fc.property(spec, fc.array(fc.constantFrom('F', 'A', 'N', 'S', 'X', ''), { minLength: 8, maxLength: 8 }), (s, letters) => {
      const keys = Array.from({ length: s.n }, (_, i) => `k${i}`);
      const choices = Object.fromEntries(keys.map((k, i) => [k, letters[i]!]));
      const r = marksFromChoices({ kind: 'selection', marking: s.marking, seats: s.seats, optionKeys: keys }, choices);
      const allowed = LETTERS[s.marking];
      const lettersOk = keys.every((_, i) => allowed.includes(letters[i]!) || (letters[i] === '' && s.marking === 'approval'));
      if (!lettersOk) {
        expect(r.ok).toBe(false);
        return;
      }
      const marks = keys.map((_, i) => letters[i] || 'N').join('');
      const valid = ballotValidity('selection', s.seats, { marks }) === undefined;
      expect(r).toEqual(valid ? { ok: true, marks } : { ok: false, problems: [expect.objectContaining({ code: 'too-many-for' })] });
    }));
  });
});
