import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCodeShape, matchCodes, readCodeList, splitCodes } from './codes.ts';

/** Separators people type between codes, on a Chinese keyboard or not. */
const SEPARATORS = [' ', ',', '，', '、', ';', '；', '\n', '\r\n', '\t', '\u3000'];
const separator = fc.array(fc.constantFrom(...SEPARATORS), { minLength: 1, maxLength: 3 }).map((s) => s.join(''));
const padding = fc.array(fc.constantFrom(' ', '\u3000', '\n', '\t'), { maxLength: 3 }).map((s) => s.join(''));
const code = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
/** A code as a person might type it: any mix of upper and lower case. */
const recased = (c: string) => fc.array(fc.boolean(), { minLength: c.length, maxLength: c.length })
  .map((up) => [...c].map((ch, i) => (up[i] ? ch.toUpperCase() : ch.toLowerCase())).join(''));

/** A typed list: the codes, each recased, joined by any separators, with whitespace around. */
const typedList = (codes: readonly string[]) => fc.tuple(
  fc.tuple(...codes.map(recased)) as fc.Arbitrary<string[]>,
  fc.array(separator, { minLength: codes.length, maxLength: codes.length }),
  padding, padding,
).map(([cased, seps, before, after]) => ({ cased, text: before + cased.map((c, i) => (i === 0 ? c : seps[i] + c)).join('') + after }));

describe('splitCodes', () => {
  it('splits on every separator people type', () => {
    expect(splitCodes('D003，D005')).toEqual(['D003', 'D005']);
    expect(splitCodes('D003、D005')).toEqual(['D003', 'D005']);
    expect(splitCodes('D003;D005；D006')).toEqual(['D003', 'D005', 'D006']);
    expect(splitCodes(' D003\u3000D005\nD006\r\n')).toEqual(['D003', 'D005', 'D006']);
    expect(splitCodes('d003, , ,D005')).toEqual(['d003', 'D005']);
    expect(splitCodes('  \u3000 ')).toEqual([]);
  });

  it('gives back the codes typed, in order and case, whatever separators and surrounding whitespace (property)', () => {
    fc.assert(fc.property(fc.array(code, { minLength: 1, maxLength: 8 }).chain((codes) => typedList(codes)), ({ cased, text }) => {
      expect(splitCodes(text)).toEqual(cased);
    }));
  });
});

describe('isCodeShape', () => {
  it('accepts letters, digits, - and _, up to 32 characters', () => {
    expect(isCodeShape('D001')).toBe(true);
    expect(isCodeShape('lz-2024_01')).toBe(true);
    expect(isCodeShape('a'.repeat(32))).toBe(true);
    expect(isCodeShape('a'.repeat(33))).toBe(false);
    expect(isCodeShape('')).toBe(false);
    expect(isCodeShape('D00１')).toBe(false);
    expect(isCodeShape('D0@1')).toBe(false);
    expect(isCodeShape('代表1')).toBe(false);
  });
});

describe('readCodeList', () => {
  it('keeps each code once, also when typed twice in different case, and names what cannot be a code', () => {
    expect(readCodeList('D001 d001，D002、D0@1 D0@1')).toEqual({ codes: ['D001', 'D002'], malformed: ['D0@1'] });
  });
});

describe('matchCodes', () => {
  const roster = [{ code: 'D001', id: 1 }, { code: 'D002', id: 2 }, { code: 'X1', id: 3 }, { code: 'x1', id: 4 }];

  it('matches whatever the case, preferring an exact match, and names unknown and ambiguous codes', () => {
    const r = matchCodes(['d001', 'D002', 'x1', 'X999', 'X1'], roster);
    expect(r.matched.map((m) => [m.typed, m.row.id])).toEqual([['d001', 1], ['D002', 2], ['x1', 4], ['X1', 3]]);
    expect(r.unknown).toEqual(['X999']);
    expect(matchCodes(['AB'], [{ code: 'Ab' }, { code: 'aB' }])).toEqual({ matched: [], unknown: [], ambiguous: ['AB'] });
  });

  it('finds every roster code typed in any case and separators, and refuses the unknown ones, each named (property)', () => {
    const rosterCodes = fc.uniqueArray(code, { minLength: 1, maxLength: 10, selector: (c) => c.toLowerCase() });
    fc.assert(fc.property(rosterCodes.chain((known) => fc.tuple(
      fc.constant(known),
      fc.subarray(known, { minLength: 1 }),
      fc.uniqueArray(code.filter((c) => !known.some((k) => k.toLowerCase() === c.toLowerCase())), { maxLength: 3, selector: (c) => c.toLowerCase() }),
    )).chain(([known, picked, strangers]) => fc.tuple(fc.constant(known), fc.constant(picked), fc.constant(strangers),
      fc.shuffledSubarray([...picked, ...strangers], { minLength: picked.length + strangers.length }).chain((all) => typedList(all)))),
    ([known, picked, strangers, { text }]) => {
      const { codes, malformed } = readCodeList(text);
      expect(malformed).toEqual([]);
      const r = matchCodes(codes, known.map((k) => ({ code: k })));
      expect(r.matched.map((m) => m.row.code).sort()).toEqual([...picked].sort());
      expect(r.unknown.map((u) => u.toLowerCase()).sort()).toEqual(strangers.map((s) => s.toLowerCase()).sort());
      expect(r.ambiguous).toEqual([]);
    }));
  });
});
