import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fenToText, MAX_FEN, moneyToFen } from './money.ts';

describe('moneyToFen', () => {
  it('reads 万元 and 元 with decimals exactly into 分', () => {
    expect(moneyToFen('3820.5', 'wan')).toBe(3_820_500_000);
    expect(moneyToFen('0.000001', 'wan')).toBe(1);
    expect(moneyToFen('1,200', 'yuan')).toBe(120_000);
    expect(moneyToFen(' 19.99 ', 'yuan')).toBe(1999);
    expect(moneyToFen('1234.56', 'yuan')).toBe(123_456);
    expect(moneyToFen('0.1', 'yuan')).toBe(10);
    expect(moneyToFen('0', 'wan')).toBe(0);
  });

  it('is exact where floating point is not: 0.29 元 is 29 分, 1.005 万元 is 1,005,000 分', () => {
    expect(0.29 * 100).not.toBe(29);
    expect(moneyToFen('0.29', 'yuan')).toBe(29);
    expect(moneyToFen('1.005', 'wan')).toBe(1_005_000);
  });

  it('reads full-width digits, points and commas as typed on a Chinese keyboard', () => {
    expect(moneyToFen('１２３', 'yuan')).toBe(12_300);
    expect(moneyToFen('１，２００．５', 'wan')).toBe(1_200_500_000);
    expect(moneyToFen('3，820.5', 'wan')).toBe(3_820_500_000);
  });

  it('refuses what is not an amount: empty, negative, a fraction of a 分, words, exponents, too large', () => {
    for (const [text, unit] of [
      ['', 'wan'], ['  ', 'yuan'], ['-1', 'yuan'], ['+1', 'yuan'], ['1.234', 'yuan'], ['0.0000001', 'wan'], ['abc', 'wan'], ['1e5', 'yuan'],
      ['1.', 'wan'], ['.5', 'yuan'], ['1.2.3', 'yuan'], ['99999999999', 'wan'], ['10000000000.01', 'yuan'], ['1234567890123456', 'yuan'],
    ] as const) {
      expect(moneyToFen(text, unit), `${text} ${unit}`).toBeUndefined();
    }
    expect(moneyToFen('10000000000', 'yuan')).toBe(MAX_FEN);
  });

  it('turns back into the same amount, in either unit, for every amount to the 分', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: MAX_FEN }), fc.constantFrom('wan' as const, 'yuan' as const), (fen, unit) => {
      expect(moneyToFen(fenToText(fen, unit), unit)).toBe(fen);
    }));
    fc.assert(fc.property(fc.integer({ min: 0, max: MAX_FEN }), (fen) => {
      expect(moneyToFen((fen / 100).toFixed(2), 'yuan')).toBe(fen);
    }));
  });
});

describe('fenToText', () => {
  it('writes 分 as the decimal a form shows again, without trailing zeros', () => {
    expect(fenToText(3_820_500_000, 'wan')).toBe('3820.5');
    expect(fenToText(120_005, 'yuan')).toBe('1200.05');
    expect(fenToText(123_450, 'yuan')).toBe('1234.5');
    expect(fenToText(0, 'wan')).toBe('0');
    expect(fenToText(1, 'wan')).toBe('0.000001');
  });
  it('refuses what is not a whole, non-negative number of 分', () => {
    expect(() => fenToText(-1, 'yuan')).toThrow(RangeError);
    expect(() => fenToText(1.5, 'yuan')).toThrow(RangeError);
  });
});
