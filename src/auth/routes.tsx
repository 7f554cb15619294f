import { Hono, type Context } from 'hono';
import { AccountPage, PasswordPage, SessionsPage } from '../../views/auth/account.tsx';
import { LoginPage } from '../../views/auth/login.tsx';
import { appendAudit } from '../audit/store.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { safeNext } from '../platform/http/language.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { clearSessionCookie, requestAddress, setSessionCookie } from './middleware.ts';
import { listUserSessions, revokeSession, revokeUserSessions, type CurrentUser } from './sessions.ts';
import { changePassword, signIn } from './sign-in.ts';

const view = (c: Context<AppEnv>) => ({ lang: c.var.lang, t: c.var.t });
const field = (form: Record<string, unknown>, name: string) => (typeof form[name] === 'string' ? form[name] : '');
/** The signed-in user; the policy guarantees one on 'signed-in' routes. */
const me = (c: Context<AppEnv>): CurrentUser => c.var.user!;

/** Where a person lands after signing in, when no page asked for the sign-in. */
function homeFor(roles: readonly string[]): string {
  if (roles.includes('secretariat')) return '/admin';
  if (roles.includes('deputy')) return '/vote';
  return '/account';
}

const NOTICES = { password: 'account.passwordChanged', revoked: 'sessions.revoked', others: 'sessions.othersRevoked' } as const satisfies Record<string, MessageKey>;
const noticeFor = (c: Context<AppEnv>) => {
  const key = NOTICES[c.req.query('done') as keyof typeof NOTICES];
  return key ? c.var.t(key) : undefined;
};

/** Sign-in, sign-out and one's own account: password and sessions. */
export function authRoutes() {
  return new Hono<AppEnv>()
    .get('/login', (c) => {
      c.header('Cache-Control', 'no-store');
      const next = c.req.query('next');
      return c.render(<LoginPage v={view(c)} next={next ? safeNext(next) : undefined} />, { title: c.var.t('auth.signIn') });
    })
    .post('/login', async (c) => {
      c.header('Cache-Control', 'no-store');
      const form = await c.req.parseBody();
      const username = field(form, 'username');
      const next = field(form, 'next') ? safeNext(field(form, 'next')) : undefined;
      const { db } = c.var.deps.database;
      const result = await signIn(db, c.var.deps.clock, {
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
      if (c.var.user) await revokeSession(db, c.var.user.id, c.var.user.sessionId);
      setSessionCookie(c, result.token);
      if (result.mustChangePassword) return c.redirect('/account/password', 303);
      return c.redirect(next ?? homeFor(result.roles), 303);
    })
    .post('/logout', async (c) => {
      const user = me(c);
      const { db } = c.var.deps.database;
      await revokeSession(db, user.id, user.sessionId);
      await db.transaction().execute((trx) => appendAudit(trx, c.var.deps.clock, { userId: user.id, name: user.username }, { action: 'auth.signout', subject: `user:${user.id}` }));
      clearSessionCookie(c);
      return c.redirect('/', 303);
    })
    .get('/account', (c) => {
      c.header('Cache-Control', 'no-store');
      return c.render(<AccountPage v={view(c)} user={me(c)} notice={noticeFor(c)} />, { title: c.var.t('account.title') });
    })
    .get('/account/password', (c) => {
      c.header('Cache-Control', 'no-store');
      return c.render(<PasswordPage v={view(c)} mustChange={me(c).mustChangePassword} />, { title: c.var.t('account.changePassword') });
    })
    .post('/account/password', async (c) => {
      c.header('Cache-Control', 'no-store');
      const form = await c.req.parseBody();
      const user = me(c);
      const result = await changePassword(c.var.deps.database.db, c.var.deps.clock, user, {
        current: field(form, 'current'), password: field(form, 'password'), confirm: field(form, 'confirm'), userAgent: c.req.header('User-Agent') ?? '',
      });
      if (!result.ok) {
        const t = c.var.t;
        const errors = Object.fromEntries(Object.entries(result.errors).map(([k, key]) => [k, t(key as MessageKey, { min: 10 })]));
        c.status(422);
        return c.render(<PasswordPage v={view(c)} mustChange={user.mustChangePassword} errors={errors} />, { title: t('account.changePassword') });
      }
      setSessionCookie(c, result.token);
      return c.redirect('/account?done=password', 303);
    })
    .get('/account/sessions', async (c) => {
      c.header('Cache-Control', 'no-store');
      const user = me(c);
      const sessions = await listUserSessions(c.var.deps.database.db, c.var.deps.clock, user.id);
      return c.render(<SessionsPage v={view(c)} sessions={sessions} currentId={user.sessionId} notice={noticeFor(c)} />, { title: c.var.t('account.sessions') });
    })
    .post('/account/sessions/:id/revoke', async (c) => {
      const user = me(c);
      // Only one's own sessions: revokeSession matches the user id too.
      await revokeSession(c.var.deps.database.db, user.id, c.req.param('id'));
      return c.redirect('/account/sessions?done=revoked', 303);
    })
    .post('/account/sessions/revoke-others', async (c) => {
      const user = me(c);
      const n = await revokeUserSessions(c.var.deps.database.db, user.id, user.sessionId);
      await c.var.deps.database.db.transaction().execute((trx) => appendAudit(trx, c.var.deps.clock, { userId: user.id, name: user.username }, { action: 'auth.sessions.revoke-others', subject: `user:${user.id}`, details: { sessions: n } }));
      return c.redirect('/account/sessions?done=others', 303);
    })
    .post('/account/sign-out-everywhere', async (c) => {
      const user = me(c);
      const n = await revokeUserSessions(c.var.deps.database.db, user.id);
      await c.var.deps.database.db.transaction().execute((trx) => appendAudit(trx, c.var.deps.clock, { userId: user.id, name: user.username }, { action: 'auth.sessions.revoke-all', subject: `user:${user.id}`, details: { sessions: n } }));
      clearSessionCookie(c);
      return c.redirect('/login', 303);
    });
}
