import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoRoster } from '../demo/deputies.ts';
import { attendanceShow, compareDelegations, delegationsOf, groupSheet, matchesSearch, searchTerms, undoRefusal } from './attendance.ts';
import type { AttendanceRow } from './model.ts';

/** The demo's 240 deputies, every third one present. */
const ROSTER: AttendanceRow[] = demoRoster().map((d, i) => ({
  id: i + 1, code: d.code, name: d.name, delegation: d.delegation, present: i % 3 === 0, locked: false,
}));
const ALL = { q: '', delegation: '', show: 'all' } as const;
const found = (q: string) => groupSheet(ROSTER, { ...ALL, q }).flatMap((g) => g.rows.map((r) => r.code)).sort();

/** A code as a person might type it: any mix of upper and lower case. */
const recased = (c: string) => fc.array(fc.boolean(), { minLength: c.length, maxLength: c.length })
  .map((up) => [...c].map((ch, i) => (up[i] ? ch.toUpperCase() : ch.toLowerCase())).join(''));

describe('searching the attendance sheet', () => {
  it('finds a code whole, in any case, or in part', () => {
    expect(found('D001')).toEqual(['D001']);
    expect(found('d001')).toEqual(['D001']);
    expect(found('001')).toEqual(['D001']);
    expect(found('  ｄ００１ ')).toEqual(['D001']);
    expect(found('d00')).toEqual(['D001', 'D002', 'D003', 'D004', 'D005', 'D006', 'D007', 'D008', 'D009']);
    expect(found('D24')).toEqual(['D240']);
    expect(found('D241')).toEqual([]);
  });

  it('finds a name in part and a delegation', () => {
    const name = ROSTER[41]!.name;
    expect(found(name)).toContain(ROSTER[41]!.code);
    expect(found(name.slice(1))).toContain(ROSTER[41]!.code);
    expect(found('龙洲')).toEqual(ROSTER.filter((r) => r.delegation === '龙洲街道代表团').map((r) => r.code).sort());
  });

  it('finds each code of a typed list', () => {
    expect(searchTerms('D001、d005，D007 ')).toEqual(['d001', 'd005', 'd007']);
    expect(found('D001、d005')).toEqual(['D001', 'D005']);
    expect(searchTerms('   ')).toEqual([]);
  });

  it('finds every deputy by any part of their code, in any case (property)', () => {
    const typedPart = fc.constantFrom(...ROSTER).chain((row) => fc.tuple(fc.nat(row.code.length - 1), fc.nat(row.code.length - 1))
      .map(([x, y]) => row.code.slice(Math.min(x, y), Math.max(x, y) + 1))
      .chain((part) => fc.tuple(fc.constant(row), recased(part), fc.constantFrom('', ' ', '\u3000'))));
    fc.assert(fc.property(typedPart, ([row, part, pad]) => {
      expect(matchesSearch(row, pad + part + pad)).toBe(true);
      expect(found(part)).toContain(row.code);
    }), { numRuns: 300 });
  });

  it('finds nobody whose code, name and delegation do not contain what was typed (property)', () => {
    fc.assert(fc.property(fc.constantFrom(...ROSTER), fc.string({ minLength: 1, maxLength: 4 }).filter((s) => !/[\s,，、;；]/.test(s)), (row, typed) => {
      const key = typed.normalize('NFKC').toLowerCase();
      const contains = [row.code, row.name, row.delegation].some((h) => h.normalize('NFKC').toLowerCase().includes(key));
      expect(matchesSearch(row, typed)).toBe(contains);
    }), { numRuns: 300 });
  });
});

describe('grouping the attendance sheet', () => {
  it('groups by delegation in Chinese collation order, codes in natural order, with each delegation\'s own counts', () => {
    const groups = groupSheet(ROSTER, ALL);
    const names = groups.map((g) => g.delegation);
    expect(names).toEqual([...names].sort(new Intl.Collator('zh-CN').compare));
    // Pinyin, not code points: 大街乡 (dà) before 东华街道 (dōng) before 横山镇 (héng) … before 詹家镇 (zhān).
    expect(names.indexOf('大街乡代表团')).toBeLessThan(names.indexOf('东华街道代表团'));
    expect(names.indexOf('东华街道代表团')).toBeLessThan(names.indexOf('横山镇代表团'));
    expect(names.at(-1)).toBe('詹家镇代表团');
    expect(names).not.toEqual([...names].sort());
    expect(delegationsOf(ROSTER)).toEqual(names);
    expect(groups.reduce((n, g) => n + g.expected, 0)).toBe(240);
    for (const g of groups) {
      const mine = ROSTER.filter((r) => r.delegation === g.delegation);
      expect(g.expected).toBe(mine.length);
      expect(g.present).toBe(mine.filter((r) => r.present).length);
      expect(g.rows.map((r) => r.code)).toEqual(mine.map((r) => r.code));
    }
    const mixed = groupSheet([{ ...ROSTER[0]!, code: 'D10', delegation: 'x' }, { ...ROSTER[1]!, code: 'd2', delegation: 'x' }], ALL);
    expect(mixed[0]!.rows.map((r) => r.code)).toEqual(['d2', 'D10']);
  });

  it('shows only the absent (未到) or the present, keeping each delegation\'s counts over all its deputies', () => {
    const absent = groupSheet(ROSTER, { ...ALL, show: 'absent' });
    expect(absent.flatMap((g) => g.rows).every((r) => !r.present)).toBe(true);
    expect(absent.flatMap((g) => g.rows)).toHaveLength(160);
    const present = groupSheet(ROSTER, { ...ALL, show: 'present' });
    expect(present.flatMap((g) => g.rows)).toHaveLength(80);
    expect(present.find((g) => g.delegation === '龙洲街道代表团')!.expected).toBe(15);
    const one = groupSheet(ROSTER, { q: 'd00', delegation: '东华街道代表团', show: 'all' });
    expect(one.map((g) => [g.delegation, g.rows.map((r) => r.code)])).toEqual([['东华街道代表团', ['D002']]]);
  });

  it('compares delegations the same whatever the order they come in (property)', () => {
    fc.assert(fc.property(fc.shuffledSubarray(ROSTER, { minLength: 1 }), (rows) => {
      const names = groupSheet(rows, ALL).map((g) => g.delegation);
      expect(names).toEqual(delegationsOf(rows));
      for (let i = 1; i < names.length; i++) expect(compareDelegations(names[i - 1]!, names[i]!)).toBeLessThan(0);
    }), { numRuns: 50 });
  });

  it('reads the filter from the query, anything else showing everyone', () => {
    expect(attendanceShow('absent')).toBe('absent');
    expect(attendanceShow('present')).toBe('present');
    expect(attendanceShow('nonsense')).toBe('all');
    expect(attendanceShow(undefined)).toBe('all');
  });
});

describe('undoing a check-in', () => {
  it('is allowed unless the deputy voted in a vote of the meeting that is still open', () => {
    expect(undoRefusal({ votedInOpenVote: false })).toBeUndefined();
    expect(undoRefusal({ votedInOpenVote: true })).toBe('voted');
  });
});
