import type { Hono } from 'hono';
import { createSession, SESSION_COOKIE } from '../../src/auth/sessions.ts';
import type { Clock } from '../../src/platform/time.ts';
import type { DbHandle } from '../../src/platform/db/index.ts';
import type { Role } from '../../src/domain/vocabulary.ts';
import { createUser } from '../../src/users/store.ts';
import { sameOrigin } from './app.ts';

let counter = 0;

/** A fresh account with the given roles, its password, and a way to mint sessions for it. */
export async function makeUser(database: DbHandle, clock: Clock, roles: Role[], opts: { password?: string; mustChangePassword?: boolean } = {}) {
  const password = opts.password ?? 'correct horse battery';
  const username = `u${process.pid}x${++counter}`;
  const user = await createUser(database.db, { clock, actor: { userId: null, name: 'test' } }, {
    username, displayName: `测试用户${counter}`, password, roles, mustChangePassword: opts.mustChangePassword,
  });
  return {
    user, username, password,
    /** A Cookie header for a new session of this user (no password check: fast). */
    async cookie(): Promise<string> {
      const { token } = await createSession(database.db, clock, user.id, 'test');
      return `${SESSION_COOKIE}=${token}`;
    },
  };
}

/** The session cookie a response set, as a Cookie header value (undefined when none was set). */
export function sessionCookieFrom(res: Response): string | undefined {
  const set = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  const value = set?.split(';')[0];
  return value && value !== `${SESSION_COOKIE}=` ? value : undefined;
}

/** POSTs a form the way a same-origin browser does. */
export function postForm(app: Hono<any>, path: string, fields: Record<string, string>, headers: Record<string, string> = {}, env?: unknown) {
  return app.request(path, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...sameOrigin, ...headers },
  }, env);
}

export function signIn(app: Hono<any>, username: string, password: string, headers: Record<string, string> = {}, env?: unknown) {
  return postForm(app, '/login', { username, password }, headers, env);
}
