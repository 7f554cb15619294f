import { describe, expect, it } from 'vitest';
import { acceptsBallots, canStart, inScrutiny, isFinal, isFrozen, isSealed, mayMake, STEPS, targets, TRANSITIONS } from './lifecycle.ts';
import { ELECTION_STATES, type ElectionState } from './vocabulary.ts';

/** Every state reachable from draft by the table's transitions. */
function reachable(): Set<ElectionState> {
  const seen = new Set<ElectionState>(['draft']);
  for (let grew = true; grew;) {
    grew = false;
    for (const t of TRANSITIONS) if (seen.has(t.from) && !seen.has(t.to)) { seen.add(t.to); grew = true; }
  }
  return seen;
}

describe('the election lifecycle', () => {
  it('reaches every state from draft, and nothing leaves published or void', () => {
    expect([...reachable()].sort()).toEqual([...ELECTION_STATES].sort());
    expect(TRANSITIONS.filter((t) => isFinal(t.from))).toEqual([]);
  });

  it('moves forward only: draft → open → closed → (decrypting →) tallied → certified → published, void before a record is certified', () => {
    expect(targets('open', 'draft')).toEqual(['open']);
    expect(targets('close', 'open')).toEqual(['closed']);
    expect(targets('seal', 'closed')).toEqual(['tallied', 'decrypting']);
    expect(targets('decrypt', 'decrypting')).toEqual(['tallied']);
    expect(targets('certify', 'tallied')).toEqual(['tallied', 'certified']);
    expect(targets('certify', 'certified')).toEqual(['certified']);
    expect(targets('publish', 'certified')).toEqual(['published']);
    expect(ELECTION_STATES.filter((s) => canStart('void', s))).toEqual(['closed', 'decrypting', 'tallied']);
    // No step leads back to an earlier state.
    const order = ['draft', 'open', 'closed', 'decrypting', 'tallied', 'certified', 'published'];
    for (const t of TRANSITIONS.filter((x) => x.to !== 'void')) expect(order.indexOf(t.to)).toBeGreaterThanOrEqual(order.indexOf(t.from));
    expect(canStart('open', 'closed')).toBe(false);
    expect(canStart('publish', 'tallied')).toBe(false);
  });

  it('says who may make each step: the secretariat, scrutineers only decrypt and certify, the installation only closes on schedule', () => {
    for (const step of STEPS) expect(mayMake(step, ['deputy', 'department'])).toBe(false);
    expect(STEPS.filter((s) => mayMake(s, ['scrutineer']))).toEqual(['decrypt', 'certify']);
    expect(STEPS.filter((s) => mayMake(s, ['secretariat']))).toEqual(['open', 'close', 'seal', 'decrypt', 'publish', 'void']);
    expect(STEPS.filter((s) => mayMake(s, ['system']))).toEqual(['close']);
  });

  it('answers the questions pages ask of a state', () => {
    expect(ELECTION_STATES.filter(acceptsBallots)).toEqual(['open']);
    expect(ELECTION_STATES.filter(isSealed)).toEqual(['tallied', 'certified', 'published']);
    expect(ELECTION_STATES.filter(isFrozen)).toEqual(ELECTION_STATES.filter((s) => s !== 'draft'));
    expect(ELECTION_STATES.filter(inScrutiny)).toEqual(['closed', 'decrypting', 'tallied', 'certified', 'published', 'void']);
  });
});
