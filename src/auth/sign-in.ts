import type { MessageKey } from '../platform/i18n/index.ts';
import { appendAudit } from '../audit/store.ts';
import { type Actor } from '../platform/acting.ts';
import type { Clock } from '../platform/time.ts';
import type { Db } from '../platform/db/index.ts';
import { hashPassword, verifyPassword } from '../users/password.ts';
import { createSession, deleteExpiredSessions, revokeUserSessions } from './sessions.ts';
import { checkNewPassword, MAX_PASSWORD_LENGTH } from './password-rules.ts';
import { ADDRESS_RULE, PAIR_RULE } from './throttle-rules.ts';
import { addressKey, clearThrottle, lockedFor, pairKey, recentFailures, recordFailure } from './throttle.ts';

export type SignInResult =
  | { ok: true; token: string; userId: number; roles: string[]; mustChangePassword: boolean }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

// Unknown usernames are checked against this hash too, so that timing does not tell which exist.
let dummyHash: Promise<string> | undefined;

async function audit(db: Db, clock: Clock, actor: Actor, action: string, subject: string, details: Record<string, unknown>) {
  await db.transaction().execute((trx) => appendAudit(trx, clock, actor, { action, subject, details }));
}

/**
 * Checks a username and password with throttling per account and per address. The same answer
 * ("invalid") for an unknown user, a wrong password and a disabled account.
 */
export async function signIn(db: Db, clock: Clock, input: { username: string; password: string; address: string; userAgent: string }): Promise<SignInResult> {
  const username = input.username.trim().toLowerCase();
  const keys = [pairKey(username, input.address), addressKey(input.address)];
  const pairLocked = await lockedFor(db, clock, [keys[0]!]);
  if (pairLocked > 0) return { ok: false, reason: 'locked', retryAfterSeconds: pairLocked };
  // A locked address still lets an account that has not failed from it try (see throttle-rules).
  const addressLocked = await lockedFor(db, clock, [keys[1]!]);
  if (addressLocked > 0 && await recentFailures(db, clock, keys[0]!, PAIR_RULE) > 0) return { ok: false, reason: 'locked', retryAfterSeconds: addressLocked };

  const user = username.length <= 64
    ? await db.selectFrom('users').select(['id', 'username', 'password_hash', 'must_change_password', 'disabled_at'])
      .where('username', '=', username).executeTakeFirst()
    : undefined;
  const password = input.password.length <= MAX_PASSWORD_LENGTH ? input.password : '';
  const valid = user
    ? await verifyPassword(user.password_hash, password)
    : (await verifyPassword(await (dummyHash ??= hashPassword('minsheng-timing-equaliser')), password), false);

  if (!user || !valid || user.disabled_at) {
    const accountLock = await recordFailure(db, clock, keys[0]!, PAIR_RULE);
    const addressLock = await recordFailure(db, clock, keys[1]!, ADDRESS_RULE);
    const actor: Actor = user ? { userId: user.id, name: user.username } : { userId: null, name: 'anonymous' };
    const subject = user ? `user:${user.id}` : 'user:unknown';
    await audit(db, clock, actor, 'auth.signin.failure', subject, { address: input.address });
    if (accountLock > 0 && user) await audit(db, clock, actor, 'auth.lock', subject, { seconds: accountLock / 1000, address: input.address });
    if (addressLock > 0) await audit(db, clock, actor, 'auth.lock.address', `address:${input.address}`, { seconds: addressLock / 1000 });
    const lockMs = Math.max(accountLock, addressLock);
    return lockMs > 0 ? { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil(lockMs / 1000) } : { ok: false, reason: 'invalid' };
  }

  await clearThrottle(db, keys[0]!);
  await deleteExpiredSessions(db, clock);
  const session = await createSession(db, clock, user.id, input.userAgent);
  await audit(db, clock, { userId: user.id, name: user.username }, 'auth.signin', `user:${user.id}`, { address: input.address });
  const roles = (await db.selectFrom('user_roles').select('role').where('user_id', '=', user.id).execute()).map((r) => r.role);
  return { ok: true, token: session.token, userId: user.id, roles, mustChangePassword: user.must_change_password };
}

export type ChangePasswordResult =
  | { ok: true; token: string }
  | { ok: false; errors: Partial<Record<'current' | 'password' | 'confirm', MessageKey>> };

/**
 * Replaces a user's password. The current password is required unless the user signed in with a
 * one-time password moments ago. Every session of the user ends; the caller gets a fresh one.
 */
export async function changePassword(
  db: Db, clock: Clock,
  user: { id: number; username: string; mustChangePassword: boolean },
  input: { current: string; password: string; confirm: string; userAgent: string },
): Promise<ChangePasswordResult> {
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
  const errors: Partial<Record<'current' | 'password' | 'confirm', MessageKey>> = { ...checkNewPassword(input.password, input.confirm, user.username) };
  if (!user.mustChangePassword && !(await verifyPassword(row.password_hash, input.current.slice(0, MAX_PASSWORD_LENGTH)))) {
    errors.current = 'password.currentWrong';
  }
  if (!errors.password && await verifyPassword(row.password_hash, input.password)) errors.password = 'password.sameAsOld';
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const hash = await hashPassword(input.password);
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: hash, must_change_password: false, password_changed_at: now }).where('id', '=', user.id).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    await appendAudit(trx, clock, { userId: user.id, name: user.username }, { action: 'auth.password.change', subject: `user:${user.id}` });
  });
  const session = await createSession(db, clock, user.id, input.userAgent);
  return { ok: true, token: session.token };
}

export { revokeUserSessions };
