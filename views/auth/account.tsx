import { formatDateTime } from '../../src/platform/i18n/index.ts';
import type { CurrentUser, SessionInfo } from '../../src/auth/model.ts';
import { roleLabel } from '../components/labels.ts';
import { describeUserAgent } from '../../src/auth/user-agent.ts';
import type { ViewContext } from '../context.ts';
import { Field, Notice, PostButton } from '../components/form.tsx';

export function AccountPage({ v, user, notice }: { v: ViewContext; user: CurrentUser; notice?: string }) {
  const { t } = v;
  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title">{t('account.title')}</h1>
      {notice && <Notice kind="ok">{notice}</Notice>}
      <dl class="facts facts--wide">
        <div><dt>{t('account.name')}</dt><dd>{user.displayName}</dd></div>
        <div><dt>{t('auth.username')}</dt><dd>{user.username}</dd></div>
        <div><dt>{t('account.roles')}</dt><dd>{user.roles.map((r) => roleLabel(v, r)).join(t('result.listSeparator')) || t('candidate.none')}</dd></div>
      </dl>
      <ul class="action-list">
        {user.roles.includes('deputy') && <li><a class="button button--primary" href="/vote">{t('vote.title')}</a></li>}
        {user.roles.includes('secretariat') && <li><a class="button button--primary" href="/admin">{t('admin.title')}</a></li>}
        {user.roles.includes('scrutineer') && <li><a class="button button--secondary" href="/admin/audit">{t('audit.title')}</a></li>}
        {user.roles.includes('scrutineer') && <li><a class="button button--primary" href="/scrutiny">{t('counting.listTitle')}</a></li>}
        <li><a class="button button--secondary" href="/account/password">{t('account.changePassword')}</a></li>
        <li><a class="button button--secondary" href="/account/sessions">{t('account.sessions')}</a></li>
      </ul>
    </section>
  );
}

export interface PasswordPageProps {
  v: ViewContext;
  mustChange: boolean;
  errors?: Partial<Record<'current' | 'password' | 'confirm', string>>;
}

export function PasswordPage({ v, mustChange, errors = {} }: PasswordPageProps) {
  const { t } = v;
  const hasErrors = Object.values(errors).some(Boolean);
  return (
    <section class="narrow" aria-labelledby="password-title">
      <h1 id="password-title">{mustChange ? t('password.firstTitle') : t('account.changePassword')}</h1>
      {mustChange && <p>{t('password.firstIntro')}</p>}
      {hasErrors && <Notice kind="error">{t('password.fixErrors')}</Notice>}
      <form method="post" action="/account/password" class="stack">
        {!mustChange && <Field name="current" label={t('password.current')} type="password" autocomplete="current-password" required error={errors.current} maxlength={256} />}
        <Field name="password" label={t('password.new')} type="password" autocomplete="new-password" required error={errors.password} hint={t('password.rules')} maxlength={256} />
        <Field name="confirm" label={t('password.confirm')} type="password" autocomplete="new-password" required error={errors.confirm} maxlength={256} />
        <button type="submit" class="button button--primary button--wide">{t('password.save')}</button>
      </form>
    </section>
  );
}

export function SessionsPage({ v, sessions, currentId, notice }: { v: ViewContext; sessions: SessionInfo[]; currentId: string; notice?: string }) {
  const { t } = v;
  return (
    <section aria-labelledby="sessions-title">
      <h1 id="sessions-title">{t('account.sessions')}</h1>
      <p class="muted">{t('sessions.intro')}</p>
      {notice && <Notice kind="ok">{notice}</Notice>}
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">{t('account.sessions')}</caption>
          <thead><tr><th scope="col">{t('sessions.device')}</th><th scope="col">{t('sessions.signedIn')}</th><th scope="col">{t('sessions.lastSeen')}</th><th scope="col"><span class="visually-hidden">{t('sessions.actions')}</span></th></tr></thead>
          <tbody>
            {sessions.map((s) => (
              <tr>
                <td>{describeUserAgent(s.userAgent) || t('sessions.unknownDevice')}{s.id === currentId && <> <strong class="chip chip--ok">{t('sessions.thisDevice')}</strong></>}</td>
                <td>{formatDateTime(v.lang, s.createdAt)}</td>
                <td>{formatDateTime(v.lang, s.lastSeenAt)}</td>
                <td>{s.id !== currentId && <PostButton action={`/account/sessions/${s.id}/revoke`} label={t('sessions.revoke')} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul class="action-list">
        <li><PostButton action="/account/sessions/revoke-others" label={t('sessions.revokeOthers')} /></li>
        <li><PostButton action="/account/sign-out-everywhere" label={t('sessions.signOutEverywhere')} kind="danger" /></li>
      </ul>
    </section>
  );
}
