import { describe, expect, it } from 'vitest';
import { chineseNumeral, dictionary, formatDate, formatMoney, LANGS, translator } from './index.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  const zh = dictionary('zh-CN');
  it.each(LANGS)('%s has exactly the keys of zh-CN, none empty, with the same placeholders', (lang) => {
    const d = dictionary(lang);
    expect(Object.keys(d).sort()).toEqual(Object.keys(zh).sort());
    for (const [k, v] of Object.entries(d)) {
      expect(v.trim(), k).not.toBe('');
      expect(placeholders(v), k).toEqual(placeholders(zh[k as keyof typeof zh]));
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translator('zh-CN')('candidate.number', { n: 3 })).toBe('第 3 号');
    expect(translator('en')('candidate.number', { n: 3 })).toBe('No. 3');
    expect(translator('en')('candidate.number')).toBe('No. {n}');
  });
});

describe('formatting', () => {
  it('writes amounts as officials do', () => {
    expect(formatMoney('zh-CN', 382_000_000)).toBe('3.82亿元');
    expect(formatMoney('zh-CN', 35_000_000)).toBe('3500万元');
    expect(formatMoney('zh-CN', 8_500)).toBe('8500元');
    expect(formatMoney('en', 382_000_000)).toBe('CNY 382 million');
    expect(formatMoney('en', 8_500)).toBe('CNY 8,500');
  });

  it('formats dates without shifting them across time zones', () => {
    expect(formatDate('zh-CN', '2023-01-09')).toBe('2023年1月9日');
    expect(formatDate('en', '2023-12-31')).toBe('31 December 2023');
  });

  it('writes ordinals in Chinese numerals', () => {
    expect([1, 2, 10, 14, 20, 21, 99].map(chineseNumeral)).toEqual(['一', '二', '十', '十四', '二十', '二十一', '九十九']);
  });
});
