import { Hono } from 'hono';
import { AccountPage, PasswordPage, SessionsPage } from '../../views/auth/account.tsx';
import { LoginPage } from '../../views/auth/login.tsx';
import type { AppEnv } from '../platform/http/env.ts';
import { acting, currentUser as me, db, flash, view } from '../platform/http/kit.ts';
import { safeNext } from '../platform/http/language.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { clearSessionCookie, requestAddress, setSessionCookie } from './middleware.ts';
import { endOwnSessions, listUserSessions, revokeSession, signOut } from './sessions.ts';
import { changePassword, signIn } from './sign-in.ts';

const field = (form: Record<string, unknown>, name: string) => (typeof form[name] === 'string' ? form[name] : '');

/** Where a person lands after signing in, when no page asked for the sign-in. */
function homeFor(roles: readonly string[]): string {
  if (roles.includes('secretariat')) return '/admin';
  if (roles.includes('deputy')) return '/vote';
  if (roles.includes('clerk')) return '/paper';
  if (roles.includes('department')) return '/workspace';
  return '/account';
}

const NOTICES = { password: 'account.passwordChanged', revoked: 'sessions.revoked', others: 'sessions.othersRevoked' } as const satisfies Record<string, MessageKey>;

/** Sign-in, sign-out and one's own account: password and sessions. */
export function authRoutes() {
  return new Hono<AppEnv>()
    .get('/login', (c) => {
      // Public, but a sign-in form is never kept in a cache.
      c.header('Cache-Control', 'no-store');
      const next = c.req.query('next');
      return c.render(<LoginPage v={view(c)} next={next ? safeNext(next) : undefined} />, { title: c.var.t('auth.signIn') });
    })
    .post('/login', async (c) => {
      c.header('Cache-Control', 'no-store');
      const form = await c.req.parseBody();
      const username = field(form, 'username');
      const next = field(form, 'next') ? safeNext(field(form, 'next')) : undefined;
      const result = await signIn(db(c), c.var.deps.clock, {
        username, password: field(form, 'password'), address: requestAddress(c), userAgent: c.req.header('User-Agent') ?? '',
      });
      if (!result.ok) {
        const t = c.var.t;
        if (result.reason === 'locked') {
          c.header('Retry-After', String(result.retryAfterSeconds));
          c.status(429);
          const minutes = Math.max(1, Math.ceil(result.retryAfterSeconds / 60));
          return c.render(<LoginPage v={view(c)} username={username} next={next} error={t('auth.locked', { minutes })} />, { title: t('auth.signIn') });
        }
        c.status(401);
        return c.render(<LoginPage v={view(c)} username={username} next={next} error={t('auth.invalid')} />, { title: t('auth.signIn') });
      }
      // A new session on every sign-in (no fixation); a previous one in this browser ends.
      if (c.var.user) await revokeSession(db(c), c.var.user.id, c.var.user.sessionId);
      setSessionCookie(c, result.token);
      if (result.mustChangePassword) return c.redirect('/account/password', 303);
      return c.redirect(next ?? homeFor(result.roles), 303);
    })
    .post('/logout', async (c) => {
      const user = me(c);
      await signOut(db(c), acting(c), user.id, user.sessionId);
      clearSessionCookie(c);
      return c.redirect('/', 303);
    })
    .get('/account', (c) => {
      return c.render(<AccountPage v={view(c)} user={me(c)} notice={flash(c, NOTICES)} />, { title: c.var.t('account.title') });
    })
    .get('/account/password', (c) => {
      return c.render(<PasswordPage v={view(c)} mustChange={me(c).mustChangePassword} />, { title: c.var.t('account.changePassword') });
    })
    .post('/account/password', async (c) => {
      const form = await c.req.parseBody();
      const user = me(c);
      const result = await changePassword(db(c), c.var.deps.clock, user, {
        current: field(form, 'current'), password: field(form, 'password'), confirm: field(form, 'confirm'), userAgent: c.req.header('User-Agent') ?? '',
      });
      if (!result.ok) {
        const t = c.var.t;
        const errors = Object.fromEntries(Object.entries(result.errors).map(([k, key]) => [k, t(key, { min: 10 })]));
        c.status(422);
        return c.render(<PasswordPage v={view(c)} mustChange={user.mustChangePassword} errors={errors} />, { title: t('account.changePassword') });
      }
      setSessionCookie(c, result.token);
      return c.redirect('/account?done=password', 303);
    })
    .get('/account/sessions', async (c) => {
      const user = me(c);
      const sessions = await listUserSessions(db(c), c.var.deps.clock, user.id);
      return c.render(<SessionsPage v={view(c)} sessions={sessions} currentId={user.sessionId} notice={flash(c, NOTICES)} />, { title: c.var.t('account.sessions') });
    })
    .post('/account/sessions/:id/revoke', async (c) => {
      const user = me(c);
      // Only one's own sessions: revokeSession matches the user id too.
      await revokeSession(db(c), user.id, c.req.param('id'));
      return c.redirect('/account/sessions?done=revoked', 303);
    })
    .post('/account/sessions/revoke-others', async (c) => {
      const user = me(c);
      await endOwnSessions(db(c), acting(c), user.id, user.sessionId);
      return c.redirect('/account/sessions?done=others', 303);
    })
    .post('/account/sign-out-everywhere', async (c) => {
      const user = me(c);
      await endOwnSessions(db(c), acting(c), user.id);
      clearSessionCookie(c);
      return c.redirect('/login', 303);
    });
}
