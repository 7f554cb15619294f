import { sql } from 'kysely';
import type { Clock } from '../platform/time.ts';
import type { Db, Trx } from '../platform/db/index.ts';
import { lockAfter, type ThrottleRule } from './throttle-rules.ts';

/** One account from one address; `|` cannot occur in a username (letters, digits, - and _). */
export const pairKey = (username: string, address: string) => `pair:${username}|${address}`;
export const addressKey = (address: string) => `address:${address}`;
const pairsOf = (username: string) => `pair:${username}|%`;

/** Recent failures counted against a key (0 when none, or when they are forgotten). */
export async function recentFailures(db: Db, clock: Clock, key: string, rule: ThrottleRule): Promise<number> {
  const row = await db.selectFrom('login_throttle').select('failures')
    .where('key', '=', key).where('last_failure_at', '>=', new Date(clock.now().getTime() - rule.forgetAfterMs)).executeTakeFirst();
  return row?.failures ?? 0;
}

/** When the account's latest lock (from any address) ends, or undefined when none holds. */
export async function accountLockedUntil(db: Db, clock: Clock, username: string): Promise<Date | undefined> {
  const row = await db.selectFrom('login_throttle').select((eb) => eb.fn.max('locked_until').as('until'))
    .where('key', 'like', pairsOf(username)).where('locked_until', '>', clock.now()).executeTakeFirst();
  return row?.until ?? undefined;
}

/** Forgets every failure and lock of an account, from every address; returns how many addresses it held. */
export async function clearAccountThrottle(db: Db | Trx, username: string): Promise<number> {
  const r = await db.deleteFrom('login_throttle').where('key', 'like', pairsOf(username)).executeTakeFirst();
  return Number(r.numDeletedRows);
}

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
