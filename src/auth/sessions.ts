import { sql } from 'kysely';
import type { Clock } from '../platform/time.ts';
import type { Db } from '../platform/db/index.ts';
import { appendAudit } from '../audit/store.ts';
import type { Acting } from '../platform/acting.ts';
import type { CurrentUser, SessionInfo } from './model.ts';
import { newSessionToken, parseSessionToken, secretMatches } from './tokens.ts';

/**
 * Sessions slide: each use extends them by IDLE_MS, never beyond ABSOLUTE_MS after sign-in.
 * Two hours idle suits a plenary vote on a shared tablet; twelve hours covers a long session day.
 */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** Extend at most once a minute, so that reading pages does not write on every request. */
const TOUCH_INTERVAL_MS = 60 * 1000;

export const SESSION_COOKIE = 'minsheng_session';

/** The signed-in person, as every route sees them. */
export async function createSession(db: Db, clock: Clock, userId: number, userAgent: string): Promise<{ token: string; id: string }> {
  const now = clock.now();
  const t = newSessionToken();
  await db.insertInto('sessions').values({
    id: t.id,
    secret_hash: t.secretHash,
    user_id: userId,
    created_at: now,
    last_seen_at: now,
    expires_at: new Date(now.getTime() + SESSION_IDLE_MS),
    absolute_expires_at: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
    user_agent: userAgent.slice(0, 300),
  }).execute();
  return { token: t.token, id: t.id };
}

/**
 * Finds the user behind a session token, or undefined when the token is malformed, unknown, has the
 * wrong secret, is expired, or belongs to a disabled account. Expired sessions are deleted.
 */
export async function validateSession(db: Db, clock: Clock, token: string | undefined): Promise<CurrentUser | undefined> {
  const parsed = parseSessionToken(token);
  if (!parsed) return undefined;
  const row = await db.selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
      's.id', 's.secret_hash', 's.last_seen_at', 's.expires_at', 's.absolute_expires_at',
      'u.id as user_id', 'u.username', 'u.display_name', 'u.deputy_id', 'u.department_id',
      'u.must_change_password', 'u.disabled_at',
      sql<string[]>`coalesce((select array_agg(r.role order by r.role) from user_roles r where r.user_id = u.id), '{}')`.as('roles'),
    ])
    .where('s.id', '=', parsed.id)
    .executeTakeFirst();
  if (!row || !secretMatches(parsed.secret, row.secret_hash)) return undefined;
  const now = clock.now();
  if (row.expires_at <= now || row.absolute_expires_at <= now || row.disabled_at) {
    await db.deleteFrom('sessions').where('id', '=', row.id).execute();
    return undefined;
  }
  if (now.getTime() - row.last_seen_at.getTime() >= TOUCH_INTERVAL_MS) {
    const expires = Math.min(now.getTime() + SESSION_IDLE_MS, row.absolute_expires_at.getTime());
    await db.updateTable('sessions').set({ last_seen_at: now, expires_at: new Date(expires) }).where('id', '=', row.id).execute();
  }
  return {
    id: row.user_id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles as CurrentUser['roles'],
    deputyId: row.deputy_id,
    departmentId: row.department_id,
    mustChangePassword: row.must_change_password,
    sessionId: row.id,
  };
}

/** Signs a person out of this session, with the audit entry in the same transaction. */
export async function signOut(db: Db, acting: Acting, userId: number, sessionId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sessions').where('id', '=', sessionId).where('user_id', '=', userId).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'auth.signout', subject: `user:${userId}` });
  });
}

/** Ends a person's own sessions, all or all but `except` (the one asking), audited; returns how many ended. */
export async function endOwnSessions(db: Db, acting: Acting, userId: number, except?: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let q = trx.deleteFrom('sessions').where('user_id', '=', userId);
    if (except) q = q.where('id', '!=', except);
    const n = Number((await q.executeTakeFirst()).numDeletedRows);
    await appendAudit(trx, acting.clock, acting.actor, {
      action: except ? 'auth.sessions.revoke-others' : 'auth.sessions.revoke-all', subject: `user:${userId}`, details: { sessions: n },
    });
    return n;
  });
}

export async function revokeSession(db: Db, userId: number, sessionId: string): Promise<boolean> {
  const r = await db.deleteFrom('sessions').where('id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** Ends every session of a user, or every one but `except` (the session that asked). */
export async function revokeUserSessions(db: Db, userId: number, except?: string): Promise<number> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (except) q = q.where('id', '!=', except);
  return Number((await q.executeTakeFirst()).numDeletedRows);
}

export async function listUserSessions(db: Db, clock: Clock, userId: number): Promise<SessionInfo[]> {
  const rows = await db.selectFrom('sessions').select(['id', 'created_at', 'last_seen_at', 'expires_at', 'absolute_expires_at', 'user_agent'])
    .where('user_id', '=', userId).where('expires_at', '>', clock.now()).where('absolute_expires_at', '>', clock.now())
    .orderBy('last_seen_at', 'desc').execute();
  return rows.map((r) => ({ id: r.id, createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at, userAgent: r.user_agent }));
}

/** Deletes expired sessions; called now and then (on sign-in) rather than by a timer. */
export async function deleteExpiredSessions(db: Db, clock: Clock): Promise<void> {
  const now = clock.now();
  await db.deleteFrom('sessions').where((eb) => eb.or([eb('expires_at', '<=', now), eb('absolute_expires_at', '<=', now)])).execute();
}
