import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../platform/http/env.ts';
import { routeKey } from '../platform/http/route-key.ts';
import { clientAddress } from './client-address.ts';
import { decide, PASSWORD_CHANGE_ROUTES, POLICY } from './policy.ts';
import { SESSION_COOKIE, validateSession } from './sessions.ts';

export function setSessionCookie(c: Context<AppEnv>, token: string): void {
  // No Max-Age: the cookie dies with the browser, which suits shared tablets; the server-side
  // expiry (idle and absolute) is what really ends a session.
  setCookie(c, SESSION_COOKIE, token, {
    path: '/', httpOnly: true, sameSite: 'Lax', secure: c.var.deps.config.publicUrl.protocol === 'https:',
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: c.var.deps.config.publicUrl.protocol === 'https:' });
}

/** The client's address, believing X-Forwarded-For only from TRUSTED_PROXIES. */
export function requestAddress(c: Context<AppEnv>): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return clientAddress(env?.incoming?.socket?.remoteAddress, c.req.header('X-Forwarded-For'), c.var.deps.config.trustedProxies);
}

/** Loads the signed-in user (or null) from the session cookie; drops a cookie that is no longer valid. */
export function loadSession(): MiddlewareHandler<AppEnv> {
  return async function loadSessionMiddleware(c, next) {
    const token = getCookie(c, SESSION_COOKIE);
    const user = token ? await validateSession(c.var.deps.database.db, c.var.deps.clock, token) : undefined;
    if (token && !user) clearSessionCookie(c);
    c.set('user', user ?? null);
    await next();
  };
}

function wantsPage(c: Context): boolean {
  return (c.req.method === 'GET' || c.req.method === 'HEAD') && !c.req.path.startsWith('/api/') && c.req.header('HX-Request') !== 'true';
}

/**
 * Applies POLICY to every request before its handler runs. Unknown routes fall through to 404; a
 * route without a rule is refused. Signed-out visitors of a page are sent to sign in and back.
 */
export function authorize(): MiddlewareHandler<AppEnv> {
  return async function authorizeMiddleware(c, next) {
    const key = routeKey(c);
    if (key === undefined) return next();
    const user = c.var.user;
    const decision = decide(key, user?.roles);
    switch (decision) {
      case 'allow':
        break;
      case 'sign-in': {
        if (wantsPage(c)) {
          const back = c.req.path + (new URL(c.req.url).search);
          return c.redirect(`/login?next=${encodeURIComponent(back)}`, 303);
        }
        throw new HTTPException(401);
      }
      case 'forbidden':
        throw new HTTPException(403);
      case 'no-rule':
        c.var.deps.logger.error('route has no access rule', { route: key });
        throw new HTTPException(403);
      default: {
        const unreachable: never = decision;
        throw new Error(`unknown decision ${String(unreachable)}`);
      }
    }
    // Someone signed in with a one-time password must replace it before doing anything else.
    if (user?.mustChangePassword && POLICY[key] !== 'anyone' && !PASSWORD_CHANGE_ROUTES.has(key)) {
      if (wantsPage(c)) return c.redirect('/account/password', 303);
      throw new HTTPException(403);
    }
    return next();
  };
}

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;

/**
 * Unsafe requests must be HTML form posts. The CSRF check (Origin / Sec-Fetch-Site) only covers
 * form content types, so anything else (JSON, text) is refused here rather than let through.
 */
export function formsOnly(): MiddlewareHandler<AppEnv> {
  return async function formsOnlyMiddleware(c, next) {
    if (!['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) && !FORM_TYPES.test(c.req.header('Content-Type') ?? '')) {
      throw new HTTPException(415);
    }
    await next();
  };
}
