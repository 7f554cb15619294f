import { describe, expect, it } from 'vitest';
import { awaitingSecond, differingItems, exceedingReturned, isComplete, nextSheetFor, notYetKeyed, reconcilePaper, returnedExceedsIssued, sheetTaken, type PaperEntry } from './rules.ts';

const e = (clerkUserId: number, seq: number, marks: string, invalid: PaperEntry['invalid'] = null): PaperEntry => ({ clerkUserId, seq, marks, invalid });

describe('reconcilePaper', () => {
  it('agrees a position when two different clerks keyed it the same', () => {
    const r = reconcilePaper([e(1, 1, 'FAN'), e(2, 1, 'FAN'), e(1, 2, 'NNN'), e(2, 2, 'NNN')], 2, 'selection', 2);
    expect(r.agreed).toEqual([{ seq: 1, marks: 'FAN', invalid: undefined }, { seq: 2, marks: 'NNN', invalid: undefined }]);
    expect(isComplete(r, 2)).toBe(true);
  });

  it('shows differing keyings side by side until corrected', () => {
    const r = reconcilePaper([e(1, 1, 'FAN'), e(2, 1, 'FNN')], 1, 'selection', 2);
    expect(r.mismatched).toEqual([{ seq: 1, entries: [e(1, 1, 'FAN'), e(2, 1, 'FNN')] }]);
    expect(isComplete(r, 1)).toBe(false);
  });

  it('needs two different clerks', () => {
    const r = reconcilePaper([e(1, 1, 'FAN')], 1, 'selection', 2);
    expect(r.incomplete).toEqual([1]);
    expect(isComplete(r, 1)).toBe(false);
  });

  it('marks too many F invalid, and keeps a clerk\'s reason', () => {
    const r = reconcilePaper([e(1, 1, 'FFF'), e(2, 1, 'FFF'), e(1, 2, 'NNN', 'unreadable'), e(2, 2, 'NNN', 'unreadable')], 2, 'selection', 2);
    expect(r.agreed.map((a) => a.invalid)).toEqual(['too-many-for', 'unreadable']);
  });

  it('a reason recorded by only one clerk is a mismatch', () => {
    const r = reconcilePaper([e(1, 1, 'NNN', 'unreadable'), e(2, 1, 'NNN')], 1, 'selection', 2);
    expect(r.mismatched).toHaveLength(1);
  });

  it('reports positions beyond the ballots returned', () => {
    const r = reconcilePaper([e(1, 3, 'NNN'), e(2, 3, 'NNN')], 2, 'selection', 2);
    expect(r.beyondReturned).toEqual([3]);
    expect(r.incomplete).toEqual([1, 2]);
  });
});

describe('more returned than issued', () => {
  it('is only a count above the ballots issued', () => {
    expect(returnedExceedsIssued(3, 2)).toBe(true);
    expect(returnedExceedsIssued(2, 2)).toBe(false);
    expect(returnedExceedsIssued(0, 0)).toBe(false);
  });

  it('reads the figure a link to the void form names only when it exceeds the ballots issued', () => {
    expect(exceedingReturned('3', 2)).toBe(3);
    expect(exceedingReturned('2', 2)).toBeUndefined();
    expect(exceedingReturned(undefined, 2)).toBeUndefined();
    for (const q of ['', '-3', '3.5', '1e3', ' 3', '9999999999', '三']) expect(exceedingReturned(q, 2), q).toBeUndefined();
  });
});

describe('double entry by two clerks', () => {
  it('lists as awaiting a second entry only sheets one clerk has keyed, never sheets nobody keyed', () => {
    expect(awaitingSecond([], 2)).toEqual([]);
    expect(notYetKeyed([], 2)).toEqual([1, 2]);
    const entries = [e(1, 1, 'FAN'), e(1, 2, 'NNN'), e(2, 2, 'NNN'), e(2, 3, 'FFF')];
    expect(awaitingSecond(entries, 4)).toEqual([1, 3]);
    expect(notYetKeyed(entries, 4)).toEqual([4]);
    // Beyond the sheets returned: not awaited.
    expect(awaitingSecond([e(1, 5, 'NNN')], 4)).toEqual([]);
  });

  it('offers a clerk the next sheet they have not keyed, within the sheets returned', () => {
    expect(nextSheetFor([], 7, 3)).toBe(1);
    const entries = [e(7, 1, 'FAN'), e(8, 1, 'FAN'), e(8, 2, 'NNN'), e(7, 3, 'NNN')];
    expect(nextSheetFor(entries, 7, 3)).toBe(2);
    expect(nextSheetFor(entries, 8, 3)).toBe(3);
    expect(nextSheetFor([...entries, e(7, 2, 'NNN')], 7, 3)).toBeUndefined();
    expect(nextSheetFor([], 7, 0)).toBeUndefined();
  });

  it('keeps a sheet to two clerks: a third may not key it, either of the two may key it again', () => {
    const entries = [e(1, 1, 'FAN'), e(2, 1, 'FNN')];
    expect(sheetTaken(entries, 3, 1)).toBe(true);
    expect(sheetTaken(entries, 1, 1)).toBe(false);
    expect(sheetTaken(entries, 3, 2)).toBe(false);
    expect(sheetTaken([e(1, 1, 'FAN')], 3, 1)).toBe(false);
  });

  it('names the items that differ, and a differing reason', () => {
    expect(differingItems([e(1, 1, 'FAN'), e(2, 1, 'FNN')])).toEqual({ items: [1], invalid: false });
    expect(differingItems([e(1, 1, 'FAN'), e(2, 1, 'AAF')])).toEqual({ items: [0, 2], invalid: false });
    expect(differingItems([e(1, 1, 'NNN', 'unreadable'), e(2, 1, 'NNN')])).toEqual({ items: [], invalid: true });
    expect(differingItems([e(1, 1, 'FAN'), e(2, 1, 'FAN')])).toEqual({ items: [], invalid: false });
  });
});
