import { Hono, type Context } from 'hono';
import { AccountDetailPage } from '../../views/users/account.tsx';
import { AccountsPage, EMPTY_ACCOUNT, type NewAccountValues } from '../../views/users/accounts.tsx';
import type { FieldErrors, LinkValues } from '../../views/users/fields.tsx';
import { SlipsPage } from '../../views/users/slips.tsx';
import type { Acting } from '../audit/store.ts';
import type { CurrentUser } from '../auth/sessions.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { listField } from '../platform/http/forms.ts';
import { parseId } from '../platform/http/params.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { ValidationError } from '../platform/validation.ts';
import { ROLES, type Role } from '../domain/vocabulary.ts';
import {
  type AccountChange, type CredentialSlip, changeAccountRoles, countActiveSessions, createStaffAccount, getAccount,
  issueDeputyCredentials, listAccounts, listDepartments, listTermAccounts, resetAccountPassword, setAccountDisabled,
} from './store.ts';

type Form = Record<string, string | File | (string | File)[]>;

const view = (c: Context<AppEnv>) => ({ lang: c.var.lang, t: c.var.t });
/** The signed-in secretariat member; the policy guarantees one on these routes. */
const me = (c: Context<AppEnv>): CurrentUser => c.var.user!;
const acting = (c: Context<AppEnv>): Acting => ({ clock: c.var.deps.clock, actor: { userId: me(c).id, name: me(c).username } });

function many(form: Form, name: string): string[] {
  return listField(form, name).filter((x): x is string => typeof x === 'string');
}
const one = (form: Form, name: string): string => many(form, name)[0] ?? '';

function linkValues(form: Form): LinkValues {
  return { roles: many(form, 'roles'), departmentId: one(form, 'departmentId').trim(), deputyCode: one(form, 'deputyCode').trim() };
}

/** The form's link fields as the store's input; a department id that is not a number fails validation there. */
function linkInput(values: LinkValues) {
  return {
    roles: values.roles,
    departmentId: values.departmentId === '' ? null : parseId(values.departmentId) ?? values.departmentId,
    deputyCode: values.deputyCode,
  };
}

/** Validation issues as translated messages by form field (`roles.1` → `roles`), first one wins. */
function fieldErrors(c: Context<AppEnv>, e: ValidationError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of e.issues) {
    const field = issue.field.split('.')[0]!;
    errors[field] ??= c.var.t(issue.key);
  }
  return errors;
}

const isRole = (r: string | undefined): r is Role => (ROLES as readonly string[]).includes(r ?? '');

const NOTICES = {
  roles: 'users.rolesSaved', disabled: 'users.disabled', enabled: 'users.enabled',
} as const satisfies Record<string, MessageKey>;

/** Account administration for the secretariat: staff accounts, roles, resets, deputies' slips. */
export function userRoutes() {
  const signInUrl = (c: Context<AppEnv>) => new URL('/login', c.var.deps.config.publicUrl).href;

  // Every page here carries personal data, and slips one-time passwords: never cached (no-store).
  async function accountsPage(c: Context<AppEnv>, extra: { values?: NewAccountValues; errors?: FieldErrors } = {}) {
    c.header('Cache-Control', 'no-store');
    const { db } = c.var.deps.database;
    const role = c.req.query('role');
    const filter = isRole(role) ? role : undefined;
    const [accounts, departments, terms] = await Promise.all([listAccounts(db, { role: filter }), listDepartments(db), listTermAccounts(db)]);
    return c.render(
      <AccountsPage v={view(c)} accounts={accounts} role={filter} departments={departments} terms={terms} {...extra} />,
      { title: c.var.t('admin.users') },
    );
  }

  async function detailPage(c: Context<AppEnv>, id: number, extra: { values?: LinkValues; errors?: FieldErrors; refusal?: string; notice?: string } = {}) {
    c.header('Cache-Control', 'no-store');
    const { db } = c.var.deps.database;
    const account = await getAccount(db, id);
    if (!account) return c.notFound();
    const [sessions, departments] = await Promise.all([countActiveSessions(db, c.var.deps.clock, id), listDepartments(db)]);
    return c.render(
      <AccountDetailPage v={view(c)} account={account} sessions={sessions} departments={departments} own={account.id === me(c).id} {...extra} />,
      { title: account.displayName },
    );
  }

  function slipsPage(c: Context<AppEnv>, title: string, slips: CredentialSlip[], back: { href: string; label: string }, skipped = 0) {
    c.header('Cache-Control', 'no-store');
    return c.render(
      <SlipsPage v={view(c)} title={title} slips={slips} signInUrl={signInUrl(c)} skipped={skipped} back={back} />,
      { title },
    );
  }

  /** After a refused or accepted change: the account page with the reason, or back to it. */
  async function afterChange(c: Context<AppEnv>, id: number, result: AccountChange, done: keyof typeof NOTICES) {
    if (result.ok) return c.redirect(`/admin/users/${id}?done=${done}`, 303);
    if ('notFound' in result) return c.notFound();
    c.status(409);
    return detailPage(c, id, { refusal: c.var.t(result.refusal) });
  }

  return new Hono<AppEnv>()
    .get('/admin/users', (c) => accountsPage(c))
    .post('/admin/users', async (c) => {
      const form = await c.req.parseBody({ all: true });
      const values: NewAccountValues = { ...EMPTY_ACCOUNT, username: one(form, 'username'), displayName: one(form, 'displayName'), ...linkValues(form) };
      try {
        const slip = await createStaffAccount(c.var.deps.database.db, acting(c), {
          username: values.username, displayName: values.displayName, ...linkInput(values),
        });
        return slipsPage(c, c.var.t('slips.newAccountTitle', { username: slip.username }), [slip], { href: `/admin/users/${slip.userId}`, label: c.var.t('slips.toAccount') });
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return accountsPage(c, { values, errors: fieldErrors(c, e) });
      }
    })
    .get('/admin/users/:id', (c) => {
      const id = parseId(c.req.param('id'));
      if (id === undefined) return c.notFound();
      const done = NOTICES[c.req.query('done') as keyof typeof NOTICES];
      return detailPage(c, id, { notice: done && c.var.t(done) });
    })
    .post('/admin/users/:id/roles', async (c) => {
      const id = parseId(c.req.param('id'));
      if (id === undefined) return c.notFound();
      const values = linkValues(await c.req.parseBody({ all: true }));
      try {
        return await afterChange(c, id, await changeAccountRoles(c.var.deps.database.db, acting(c), id, linkInput(values)), 'roles');
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return detailPage(c, id, { values, errors: fieldErrors(c, e) });
      }
    })
    .post('/admin/users/:id/reset', async (c) => {
      const id = parseId(c.req.param('id'));
      const slip = id === undefined ? undefined : await resetAccountPassword(c.var.deps.database.db, acting(c), id);
      if (!slip) return c.notFound();
      return slipsPage(c, c.var.t('slips.resetTitle', { username: slip.username }), [slip], { href: `/admin/users/${slip.userId}`, label: c.var.t('slips.toAccount') });
    })
    .post('/admin/users/:id/disable', async (c) => {
      const id = parseId(c.req.param('id'));
      if (id === undefined) return c.notFound();
      return afterChange(c, id, await setAccountDisabled(c.var.deps.database.db, acting(c), id, true), 'disabled');
    })
    .post('/admin/users/:id/enable', async (c) => {
      const id = parseId(c.req.param('id'));
      if (id === undefined) return c.notFound();
      return afterChange(c, id, await setAccountDisabled(c.var.deps.database.db, acting(c), id, false), 'enabled');
    })
    .post('/admin/terms/:id/credentials', async (c) => {
      const termId = parseId(c.req.param('id'));
      if (termId === undefined) return c.notFound();
      const posted = many(await c.req.parseBody({ all: true }), 'deputy');
      const deputyIds = posted.map((d) => parseId(d));
      if (deputyIds.some((d) => d === undefined)) throw new ValidationError([{ field: 'deputy', key: 'users.deputyNotInTerm' }]);
      const issued = await issueDeputyCredentials(c.var.deps.database.db, acting(c), termId, posted.length > 0 ? deputyIds as number[] : undefined);
      if (!issued) return c.notFound();
      return slipsPage(c, c.var.t('slips.termTitle', { term: issued.term.name }), issued.slips, { href: '/admin/users', label: c.var.t('admin.users') }, issued.skipped);
    });
}
