import { sql } from 'kysely';
import type { Clock } from '../platform/time.ts';
import type { Db } from '../platform/db/index.ts';
import { lockAfter, type ThrottleRule } from './throttle-rules.ts';

export const accountKey = (username: string) => `account:${username}`;
export const addressKey = (address: string) => `address:${address}`;

/** Seconds until the latest of the keys' locks ends, or 0 when none is locked. */
export async function lockedFor(db: Db, clock: Clock, keys: string[]): Promise<number> {
  const now = clock.now();
  const rows = await db.selectFrom('login_throttle').select('locked_until')
    .where('key', 'in', keys).where('locked_until', '>', now).execute();
  const until = Math.max(0, ...rows.map((r) => r.locked_until!.getTime()));
  return until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : 0;
}

/**
 * Counts one failure against a key and locks it when the rule says so. Returns the new lock in ms
 * (0 when not locked). Atomic per key, so concurrent failures each count.
 */
export async function recordFailure(db: Db, clock: Clock, key: string, rule: ThrottleRule): Promise<number> {
  const now = clock.now();
  const forgetBefore = new Date(now.getTime() - rule.forgetAfterMs);
  const row = await db.insertInto('login_throttle')
    .values({ key, failures: 1, last_failure_at: now, locked_until: null })
    .onConflict((oc) => oc.column('key').doUpdateSet({
      failures: sql<number>`case when login_throttle.last_failure_at < ${forgetBefore} then 1 else login_throttle.failures + 1 end`,
      last_failure_at: now,
    }))
    .returning('failures').executeTakeFirstOrThrow();
  const lockMs = lockAfter(rule, row.failures);
  if (lockMs > 0) {
    await db.updateTable('login_throttle').set({ locked_until: new Date(now.getTime() + lockMs) }).where('key', '=', key).execute();
  }
  return lockMs;
}

export async function clearThrottle(db: Db, key: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}
