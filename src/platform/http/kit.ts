import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Acting } from '../acting.ts';
import { Refused } from '../refusal.ts';
import type { Db } from '../db/index.ts';
import type { Lang, MessageKey, Translate } from '../i18n/index.ts';
import type { RegisteredUser } from '../registry.ts';
import type { AppEnv } from './env.ts';
import { parseId } from './params.ts';

/** The context every route handler gets. */
export type Ctx = Context<AppEnv>;

/** What every page needs to speak the reader's language. */
export function view(c: Ctx): { lang: Lang; t: Translate } {
  return { lang: c.var.lang, t: c.var.t };
}

/** The database of this request. */
export function db(c: Ctx): Db {
  return c.var.deps.database.db;
}

/** The signed-in person. The access policy lets a route run without one only when it is public. */
export function currentUser(c: Ctx): RegisteredUser {
  const user = c.var.user;
  if (!user) throw new HTTPException(401);
  return user;
}

/** The signed-in person acting now, for the audit entries and lifecycle checks of the store. */
export function acting(c: Ctx): Acting {
  const user = currentUser(c);
  return { clock: c.var.deps.clock, actor: { userId: user.id, name: user.username, roles: user.roles }, auditAnchor: c.var.deps.auditAnchor };
}

/** The route's numeric parameter (`:id` by default), or 404 for anything else. */
export function idParam(c: Ctx, name = 'id'): number {
  const id = parseId(c.req.param(name));
  if (id === undefined) throw new HTTPException(404);
  return id;
}

/** The value, or 404 when there is none. */
export function found<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new HTTPException(404);
  return value;
}

/**
 * The translated message a redirect asked for with `?done=…` (or another parameter), looked up in
 * the route's own table, so that a query string can never choose arbitrary text.
 */
export function flash(c: Ctx, table: Readonly<Record<string, MessageKey>>, param = 'done', params?: Record<string, string | number>): string | undefined {
  const value = c.req.query(param);
  const key = value === undefined ? undefined : Object.hasOwn(table, value) ? table[value] : undefined;
  return key ? c.var.t(key, params) : undefined;
}

/**
 * Runs a store step and goes back to `page` with `?done=<done>`, or, when the rules refuse it, with
 * `?error=<reason>` (and `extra` query parameters from the refusal) for the page to translate.
 * `done` may be computed by the step (e.g. "returned" or "voided").
 */
export async function refusing(c: Ctx, page: string, done: string | ((result: unknown) => string), run: () => Promise<unknown>,
  extra?: (refusal: Refused) => Record<string, string>): Promise<Response> {
  const sep = page.includes('?') ? '&' : '?';
  try {
    const result = await run();
    return c.redirect(`${page}${sep}done=${typeof done === 'string' ? done : done(result)}`, 303);
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    if (e.reason === 'not-found') throw new HTTPException(404);
    const query = new URLSearchParams({ error: e.reason, ...(extra?.(e) ?? {}) });
    return c.redirect(`${page}${sep}${query.toString()}`, 303);
  }
}
