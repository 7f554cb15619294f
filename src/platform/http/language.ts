import { Hono, type MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { DEFAULT_LANG, isLang, LANG_COOKIE, translator } from '../i18n/index.ts';
import type { AppEnv } from './env.ts';

/** Picks the language from the `lang` cookie (zh-CN by default) and provides `t`. */
export function language(): MiddlewareHandler<AppEnv> {
  return async function languageMiddleware(c, next) {
    const fromCookie = getCookie(c, LANG_COOKIE);
    const lang = isLang(fromCookie) ? fromCookie : DEFAULT_LANG;
    c.set('lang', lang);
    c.set('t', translator(lang));
    await next();
  };
}

/**
 * A local path to return to: only same-site absolute paths, never `//host` or a full URL. No control
 * characters either: CR and LF cannot be sent in a Location header (the redirect would fail), and
 * browsers drop tabs and newlines from a URL, so `/<TAB>/host` would lead to another site.
 */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\u0000-\u001F\u007F]/.test(next)) return '/';
  return next;
}

/**
 * GET /lang/:code?next=/path remembers the choice in a cookie for a year and goes back. A plain link,
 * so switching works without JavaScript; it changes only a display preference.
 */
export function languageRoutes(secure: boolean) {
  return new Hono<AppEnv>().get('/lang/:code', (c) => {
    const code = c.req.param('code');
    if (!isLang(code)) return c.notFound();
    setCookie(c, LANG_COOKIE, code, { path: '/', maxAge: 365 * 24 * 3600, sameSite: 'Lax', secure, httpOnly: true });
    c.header('Cache-Control', 'no-store');
    return c.redirect(safeNext(c.req.query('next')), 303);
  });
}
