import { Hono } from 'hono';
import { AccountDetailPage } from '../../views/users/account.tsx';
import { AccountsPage, EMPTY_ACCOUNT, type NewAccountValues } from '../../views/users/accounts.tsx';
import type { FieldErrors, LinkValues } from '../../views/users/fields.tsx';
import { SlipsPage } from '../../views/users/slips.tsx';
import { accountLockedUntil } from '../auth/throttle.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { fieldErrors as translatedFieldErrors, listField } from '../platform/http/forms.ts';
import { acting, type Ctx, currentUser as me, db, flash, found, idParam, refusing, view } from '../platform/http/kit.ts';
import { decideApproval } from './approvals.ts';
import { parseId } from '../platform/http/params.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { ValidationError } from '../platform/validation.ts';
import { isOneOf, ROLES } from '../domain/vocabulary.ts';
import { type AccountChange, changeAccountRoles, countActiveSessions, createStaffAccount, getAccount, issueDeputyCredentials, listAccounts, listDepartments, listTermAccounts, resetAccountPassword, setAccountDisabled, unlockAccount } from './store.ts';
import type { CredentialSlip } from './model.ts';

type Form = Record<string, string | File | (string | File)[]>;


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
const fieldErrors = (c: Ctx, e: ValidationError): FieldErrors => translatedFieldErrors(c.var.t, e);

const NOTICES = {
  roles: 'users.rolesSaved', disabled: 'users.disabled', enabled: 'users.enabled', unlocked: 'users.unlocked',
} as const satisfies Record<string, MessageKey>;

/** Account administration for the secretariat: staff accounts, roles, resets, deputies' slips. */
export function userRoutes() {
  const signInUrl = (c: Ctx) => new URL('/login', c.var.deps.config.publicUrl).href;

  // Every page here carries personal data, and slips one-time passwords: never cached (no-store, set for every signed-in route).
  async function accountsPage(c: Ctx, extra: { values?: NewAccountValues; errors?: FieldErrors; pending?: string } = {}) {
    const role = c.req.query('role');
    const filter = isOneOf(ROLES, role) ? role : undefined;
    const [accounts, departments, terms] = await Promise.all([listAccounts(db(c), { role: filter }), listDepartments(db(c)), listTermAccounts(db(c))]);
    return c.render(
      <AccountsPage v={view(c)} accounts={accounts} role={filter} departments={departments} terms={terms} {...extra} />,
      { title: c.var.t('admin.users') },
    );
  }

  async function detailPage(c: Ctx, id: number, extra: { values?: LinkValues; errors?: FieldErrors; refusal?: string; notice?: string; pending?: string } = {}) {
    const account = found(await getAccount(db(c), id));
    const [sessions, departments, lockedUntil] = await Promise.all([
      countActiveSessions(db(c), c.var.deps.clock, id), listDepartments(db(c)), accountLockedUntil(db(c), c.var.deps.clock, account.username),
    ]);
    return c.render(
      <AccountDetailPage v={view(c)} account={account} sessions={sessions} lockedUntil={lockedUntil} departments={departments} own={account.id === me(c).id} {...extra} />,
      { title: account.displayName },
    );
  }

  function slipsPage(c: Ctx, title: string, slips: CredentialSlip[], back: { href: string; label: string }, skipped = 0, awaiting: string[] = []) {
    return c.render(
      <SlipsPage v={view(c)} title={title} slips={slips} signInUrl={signInUrl(c)} skipped={skipped} awaiting={awaiting} back={back} />,
      { title },
    );
  }

  /** A credential step on a protected deputy now waits for a named scrutineer: 202, and the account page says so. */
  function pendingPage(c: Ctx, id: number, approvalId: number) {
    c.status(202);
    return detailPage(c, id, { pending: c.var.t('approval.requested', { id: approvalId }) });
  }

  /** After a refused or accepted change: the account page with the reason, or back to it. */
  async function afterChange(c: Ctx, id: number, result: AccountChange, done: keyof typeof NOTICES) {
    if (result.ok) return c.redirect(`/admin/users/${id}?done=${done}`, 303);
    if ('notFound' in result) return c.notFound();
    if ('pending' in result) return pendingPage(c, id, result.pending.id);
    c.status(409);
    return detailPage(c, id, { refusal: c.var.t(result.refusal) });
  }

  return new Hono<AppEnv>()
    .get('/admin/users', (c) => accountsPage(c))
    .post('/admin/users', async (c) => {
      const form = await c.req.parseBody({ all: true });
      const values: NewAccountValues = { ...EMPTY_ACCOUNT, username: one(form, 'username'), displayName: one(form, 'displayName'), ...linkValues(form) };
      try {
        const slip = await createStaffAccount(db(c), acting(c), {
          username: values.username, displayName: values.displayName, ...linkInput(values),
        });
        if ('pending' in slip) {
          c.status(202);
          return accountsPage(c, { values, pending: c.var.t('approval.requested', { id: slip.pending.id }) });
        }
        return slipsPage(c, c.var.t('slips.newAccountTitle', { username: slip.username }), [slip], { href: `/admin/users/${slip.userId}`, label: c.var.t('slips.toAccount') });
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return accountsPage(c, { values, errors: fieldErrors(c, e) });
      }
    })
    .get('/admin/users/:id', (c) => {
      return detailPage(c, idParam(c), { notice: flash(c, NOTICES) });
    })
    .post('/admin/users/:id/roles', async (c) => {
      const id = idParam(c);
      const values = linkValues(await c.req.parseBody({ all: true }));
      try {
        return await afterChange(c, id, await changeAccountRoles(db(c), acting(c), id, linkInput(values)), 'roles');
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return detailPage(c, id, { values, errors: fieldErrors(c, e) });
      }
    })
    .post('/admin/users/:id/reset', async (c) => {
      const id = idParam(c);
      const outcome = found(await resetAccountPassword(db(c), acting(c), id));
      if ('pending' in outcome) return pendingPage(c, id, outcome.pending.id);
      const { slip } = outcome;
      return slipsPage(c, c.var.t('slips.resetTitle', { username: slip.username }), [slip], { href: `/admin/users/${slip.userId}`, label: c.var.t('slips.toAccount') });
    })
    .post('/admin/users/:id/disable', async (c) => {
      const id = idParam(c);
      return afterChange(c, id, await setAccountDisabled(db(c), acting(c), id, true), 'disabled');
    })
    .post('/admin/users/:id/unlock', async (c) => {
      const id = idParam(c);
      return afterChange(c, id, await unlockAccount(db(c), acting(c), id), 'unlocked');
    })
    .post('/admin/users/:id/enable', async (c) => {
      const id = idParam(c);
      return afterChange(c, id, await setAccountDisabled(db(c), acting(c), id, false), 'enabled');
    })
    .post('/scrutiny/approvals/:id/confirm', (c) => refusing(c, '/scrutiny', 'approval-confirmed', () => decideApproval(db(c), acting(c), idParam(c), 'confirmed')))
    .post('/scrutiny/approvals/:id/decline', (c) => refusing(c, '/scrutiny', 'approval-declined', () => decideApproval(db(c), acting(c), idParam(c), 'declined')))
    .post('/admin/terms/:id/credentials', async (c) => {
      const termId = idParam(c);
      const posted = many(await c.req.parseBody({ all: true }), 'deputy');
      const deputyIds = posted.map((d) => parseId(d));
      if (deputyIds.some((d) => d === undefined)) throw new ValidationError([{ field: 'deputy', key: 'users.deputyNotInTerm' }]);
      const issued = found(await issueDeputyCredentials(db(c), acting(c), termId, posted.length > 0 ? deputyIds as number[] : undefined));
      return slipsPage(c, c.var.t('slips.termTitle', { term: issued.term.name }), issued.slips, { href: '/admin/users', label: c.var.t('admin.users') }, issued.skipped, issued.awaiting);
    });
}
