/**
 * How failed sign-ins slow an attacker down without letting one lock anybody else out.
 * - Per account *and address* (the pair) the limit is tight: a few free attempts, then a lock that
 *   doubles with every further failure. It refuses even the right password, but only for that
 *   account from that address: guessing from elsewhere cannot lock a deputy out of the hall.
 * - Per address it is loose, because a whole hall of deputies shares one NAT address; it stops one
 *   machine guessing across accounts. While it holds, an account that has not failed from that
 *   address is still checked (a deputy who types their password right gets in); only accounts that
 *   already failed there wait. So guessing across accounts gets one try per account per lock.
 * The secretariat can lift an account's locks at once (audited).
 */
export interface ThrottleRule {
  /** Failures allowed before the first lock. */
  free: number;
  /** Length of the first lock; each further failure doubles it. */
  baseLockMs: number;
  maxLockMs: number;
  /** A failure older than this no longer counts: the next one starts from 1. */
  forgetAfterMs: number;
}

export const PAIR_RULE: ThrottleRule = { free: 5, baseLockMs: 30_000, maxLockMs: 15 * 60_000, forgetAfterMs: 24 * 3600_000 };
export const ADDRESS_RULE: ThrottleRule = { free: 100, baseLockMs: 60_000, maxLockMs: 15 * 60_000, forgetAfterMs: 3600_000 };

/** The lock to impose after `failures` consecutive failures, in ms (0: none yet). */
export function lockAfter(rule: ThrottleRule, failures: number): number {
  if (failures < rule.free) return 0;
  const doublings = Math.min(failures - rule.free, 30);
  return Math.min(rule.baseLockMs * 2 ** doublings, rule.maxLockMs);
}
