import type { AccountSummary, TermAccounts } from '../../src/users/model.ts';
import { accountStatus } from '../../src/users/rules.ts';
import { ROLES, type Role } from '../../src/domain/vocabulary.ts';
import type { ViewContext } from '../context.ts';
import { Field, Notice } from '../components/form.tsx';
import { roleLabel } from '../components/labels.ts';
import { type FieldErrors, type LinkValues, RoleAndLinkFields, StatusChip } from './fields.tsx';

export interface NewAccountValues extends LinkValues {
  username: string;
  displayName: string;
}

export const EMPTY_ACCOUNT: NewAccountValues = { username: '', displayName: '', roles: [], departmentId: '', deputyCode: '' };

export interface AccountsPageProps {
  v: ViewContext;
  accounts: AccountSummary[];
  role: Role | undefined;
  departments: { id: number; name: string }[];
  terms: TermAccounts[];
  values?: NewAccountValues;
  errors?: FieldErrors;
  notice?: string;
  /** A credential step now waiting for a named scrutineer's confirmation. */
  pending?: string;
}

/** What an account is tied to: its deputy (code, name, delegation) or its department. */
export function accountLink(a: AccountSummary): string {
  const parts: string[] = [];
  if (a.deputy) parts.push(`${a.deputy.code} ${a.deputy.name} · ${a.deputy.delegation}`);
  if (a.department) parts.push(a.department.name);
  return parts.join(' · ');
}

/** Role names in the reader's language, listed the way each language lists. */
export function roleList(v: ViewContext, roles: readonly Role[]): string {
  return roles.map((r) => roleLabel(v, r)).join(v.lang === 'zh-CN' ? '、' : ', ') || v.t('candidate.none');
}

/** GET /admin/users: new staff account, deputies' slips per term, and every account by role. */
export function AccountsPage({ v, accounts, role, departments, terms, values = EMPTY_ACCOUNT, errors = {}, notice, pending }: AccountsPageProps) {
  const { t } = v;
  const hasErrors = Object.values(errors).some(Boolean);
  return (
    <section aria-labelledby="users-title">
      <p class="breadcrumb"><a href="/admin">{t('admin.title')}</a></p>
      <h1 id="users-title">{t('admin.users')}</h1>
      {notice && <Notice kind="ok">{notice}</Notice>}
      {pending && <Notice kind="warn">{pending}</Notice>}

      <div class="panels">
        <section class="panel" aria-labelledby="create-title">
          <h2 id="create-title">{t('users.createTitle')}</h2>
          <p class="muted">{t('users.createIntro')}</p>
          {hasErrors && <Notice kind="error">{t('password.fixErrors')}</Notice>}
          <form method="post" action="/admin/users" class="stack">
            <Field name="username" label={t('auth.username')} value={values.username} hint={t('users.usernameHint')} error={errors.username} required maxlength={64} autocomplete="off" />
            <Field name="displayName" label={t('users.displayName')} value={values.displayName} error={errors.displayName} required maxlength={100} autocomplete="off" />
            <RoleAndLinkFields v={v} values={values} errors={errors} departments={departments} />
            <button type="submit" class="button button--primary">{t('users.createButton')}</button>
          </form>
        </section>

        <section class="panel" aria-labelledby="slips-title">
          <h2 id="slips-title">{t('users.deputySlipsTitle')}</h2>
          <p class="muted">{t('users.deputySlipsIntro')}</p>
          {terms.length === 0 && <p>{t('users.noTerms')}</p>}
          <ul class="term-credentials">
            {terms.map((term) => {
              const missing = term.deputies - term.withAccount;
              return (
                <li>
                  <strong>{term.name}</strong>
                  <span class="muted">{t('users.termAccounts', { deputies: term.deputies, accounts: term.withAccount })}</span>
                  {missing > 0 && (
                    <form method="post" action={`/admin/terms/${term.id}/credentials`} class="inline-form">
                      <button type="submit" class="button button--secondary">{t('users.issueButton', { count: missing })}</button>
                    </form>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      </div>

      <h2 id="list-title">{t('users.listTitle')}</h2>
      <form method="get" action="/admin/users" class="filter-form">
        <div class="field">
          <label for="filter-role">{t('users.filterRole')}</label>
          <select id="filter-role" name="role">
            <option value="" selected={!role}>{t('users.allRoles')}</option>
            {ROLES.map((r) => <option value={r} selected={role === r}>{roleLabel(v, r)}</option>)}
          </select>
        </div>
        <button type="submit" class="button button--secondary">{t('users.filterButton')}</button>
      </form>
      <div class="table-wrap">
        <table class="table">
          <caption class="table-caption">{role ? t('users.countWithRole', { count: accounts.length, role: roleLabel(v, role) }) : t('users.count', { count: accounts.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('auth.username')}</th>
              <th scope="col">{t('users.displayName')}</th>
              <th scope="col">{t('users.roles')}</th>
              <th scope="col">{t('users.linkedTo')}</th>
              <th scope="col">{t('users.status')}</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr>
                <th scope="row"><a href={`/admin/users/${a.id}`}>{a.username}</a></th>
                <td>{a.displayName}</td>
                <td>{roleList(v, a.roles)}</td>
                <td>{accountLink(a) || '—'}</td>
                <td><StatusChip v={v} status={accountStatus(a)} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
