import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRACKER_PATTERN } from '../domain/record/format.ts';
import { newTracker, normaliseTracker } from './tracker.ts';

describe('trackers', () => {
  it('are 16 Crockford symbols in four groups, and differ every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const t = newTracker();
      expect(t).toMatch(TRACKER_PATTERN);
      seen.add(t);
    }
    expect(seen.size).toBe(2000);
  });

  it('are read the way people type them', () => {
    expect(normaliseTracker('0yex-sj9j-khg9-6re5')).toBe('0YEX-SJ9J-KHG9-6RE5');
    expect(normaliseTracker('0YEXSJ9JKHG96RE5')).toBe('0YEX-SJ9J-KHG9-6RE5');
    expect(normaliseTracker(' 0yex sj9j khg9 6re5 ')).toBe('0YEX-SJ9J-KHG9-6RE5');
    expect(normaliseTracker('OYEX-SJ9J-KHG9-6REs')).toBe('0YEX-SJ9J-KHG9-6RES');
    expect(normaliseTracker('1WA4-W9ND-06F8-PXl9')).toBe('1WA4-W9ND-06F8-PX19');
    expect(normaliseTracker('iWA4-W9ND-06F8-PX19')).toBe('1WA4-W9ND-06F8-PX19');
  });

  it('refuses what cannot be a tracker', () => {
    for (const bad of ['', 'abc', '0YEX-SJ9J-KHG9-6RE', '0YEX-SJ9J-KHG9-6RE55', 'UUUU-UUUU-UUUU-UUUU', '0YEX-SJ9J-KHG9-6RE!']) {
      expect(normaliseTracker(bad)).toBeUndefined();
    }
  });

  it('normalising a tracker gives it back unchanged', () => {
    fc.assert(fc.property(fc.constant(null), () => {
      const t = newTracker();
      expect(normaliseTracker(t)).toBe(t);
      expect(normaliseTracker(t.toLowerCase().replace(/-/g, ''))).toBe(t);
    }), { numRuns: 200 });
  });
});
