import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { confirmationOf, factFields } from './confirm.ts';

describe('confirmation of an irreversible step', () => {
  const facts = { state: 'open', voted: 6, waiting: 222 };
  const posted = (f: Record<string, string | number>, extra: Record<string, string> = {}) => ({ confirm: '1', ...Object.fromEntries(factFields(f)), ...extra });

  it('is unasked without confirm=1, whatever else is posted', () => {
    expect(confirmationOf({}, facts)).toBe('unasked');
    expect(confirmationOf({ ...Object.fromEntries(factFields(facts)) }, facts)).toBe('unasked');
    expect(confirmationOf({ confirm: 'yes' }, facts)).toBe('unasked');
  });

  it('is confirmed only with exactly the facts as they are now', () => {
    expect(confirmationOf(posted(facts), facts)).toBe('confirmed');
    expect(confirmationOf(posted({ ...facts, voted: 7 }), facts)).toBe('changed');
    expect(confirmationOf(posted({ state: 'open', voted: 6 }), facts)).toBe('changed');
    expect(confirmationOf(posted({ ...facts, extra: 1 }), facts)).toBe('changed');
    expect(confirmationOf({ confirm: '1' }, facts)).toBe('changed');
  });

  it('never confirms when any one fact differs', () => {
    fc.assert(fc.property(fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.oneof(fc.integer(), fc.string())), fc.string(), (f, other) => {
      for (const k of Object.keys(f)) {
        if (String(f[k]) === other) continue;
        expect(confirmationOf(posted({ ...f, [k]: other }), f)).toBe('changed');
      }
      expect(confirmationOf(posted(f), f)).toBe('confirmed');
    }));
  });
});
