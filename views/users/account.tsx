import { formatDateTime } from '../../src/platform/i18n/index.ts';
import type { AccountSummary } from '../../src/users/model.ts';
import { accountStatus } from '../../src/users/rules.ts';
import type { ViewContext } from '../context.ts';
import { Notice, PostButton } from '../components/form.tsx';
import { roleList } from './accounts.tsx';
import { type FieldErrors, type LinkValues, RoleAndLinkFields, StatusChip } from './fields.tsx';

export function linkValuesOf(a: AccountSummary): LinkValues {
  return { roles: a.roles, departmentId: a.department ? String(a.department.id) : '', deputyCode: a.deputy?.code ?? '' };
}

export interface AccountDetailPageProps {
  v: ViewContext;
  account: AccountSummary;
  sessions: number;
  /** When the account's sign-in lock ends (from some address), if one holds now. */
  lockedUntil?: Date;
  departments: { id: number; name: string }[];
  /** Whether this is the secretariat member's own account (no disabling oneself). */
  own: boolean;
  values?: LinkValues;
  errors?: FieldErrors;
  notice?: string;
  /** A credential step now waiting for a named scrutineer's confirmation. */
  pending?: string;
  /** Why a change was refused (last secretariat, own role). */
  refusal?: string;
}

/** GET /admin/users/:id: one account, its roles, a password reset and disabling. */
export function AccountDetailPage({ v, account: a, sessions, lockedUntil, departments, own, values, errors = {}, notice, refusal, pending }: AccountDetailPageProps) {
  const { t } = v;
  const hasErrors = Object.values(errors).some(Boolean);
  return (
    <section aria-labelledby="user-title">
      <p class="breadcrumb"><a href="/admin">{t('admin.title')}</a> / <a href="/admin/users">{t('admin.users')}</a></p>
      <h1 id="user-title">{a.displayName}</h1>
      {notice && <Notice kind="ok">{notice}</Notice>}
      {pending && <Notice kind="warn">{pending}</Notice>}
      {refusal && <Notice kind="error">{refusal}</Notice>}
      <dl class="facts facts--wide">
        <div><dt>{t('auth.username')}</dt><dd>{a.username}</dd></div>
        <div><dt>{t('users.displayName')}</dt><dd>{a.displayName}</dd></div>
        <div><dt>{t('users.roles')}</dt><dd>{roleList(v, a.roles)}</dd></div>
        {a.deputy && <div><dt>{t('users.deputy')}</dt><dd>{`${a.deputy.code} ${a.deputy.name} · ${a.deputy.delegation} · ${a.deputy.termName}`}</dd></div>}
        {a.department && <div><dt>{t('users.department')}</dt><dd>{a.department.name}</dd></div>}
        <div><dt>{t('users.status')}</dt><dd><StatusChip v={v} status={accountStatus(a)} /></dd></div>
        <div><dt>{t('users.created')}</dt><dd>{formatDateTime(v.lang, a.createdAt)}</dd></div>
        <div><dt>{t('users.passwordChanged')}</dt><dd>{a.passwordChangedAt ? formatDateTime(v.lang, a.passwordChangedAt) : t('users.never')}</dd></div>
        <div><dt>{t('users.sessions')}</dt><dd>{String(sessions)}</dd></div>
      </dl>
      {lockedUntil && (
        <Notice kind="warn">
          <p>{t('users.lockedUntil', { time: formatDateTime(v.lang, lockedUntil) })}</p>
          <PostButton action={`/admin/users/${a.id}/unlock`} label={t('users.unlockButton')} kind="primary" />
        </Notice>
      )}

      <h2 id="roles-title">{t('users.rolesTitle')}</h2>
      {hasErrors && <Notice kind="error">{t('password.fixErrors')}</Notice>}
      <form method="post" action={`/admin/users/${a.id}/roles`} class="stack narrow" aria-labelledby="roles-title">
        <RoleAndLinkFields v={v} values={values ?? linkValuesOf(a)} errors={errors} departments={departments} />
        <button type="submit" class="button button--primary">{t('users.saveRoles')}</button>
      </form>

      <h2>{t('users.resetTitle')}</h2>
      <p>{t('users.resetIntro')}</p>
      <PostButton action={`/admin/users/${a.id}/reset`} label={t('users.resetButton')} kind="danger" />

      <h2>{a.disabledAt ? t('users.enableTitle') : t('users.disableTitle')}</h2>
      {a.disabledAt
        ? (<>
          <p>{t('users.enableIntro')}</p>
          <PostButton action={`/admin/users/${a.id}/enable`} label={t('users.enableButton')} />
        </>)
        : own
          ? <p class="muted">{t('users.disableSelf')}</p>
          : (<>
            <p>{t('users.disableIntro')}</p>
            <PostButton action={`/admin/users/${a.id}/disable`} label={t('users.disableButton')} kind="danger" />
          </>)}
    </section>
  );
}
