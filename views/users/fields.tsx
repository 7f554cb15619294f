import type { AccountStatus } from '../../src/users/rules.ts';
import { ROLES } from '../../src/domain/vocabulary.ts';
import type { MessageKey } from '../../src/platform/i18n/index.ts';
import type { ViewContext } from '../context.ts';
import { Field } from '../components/form.tsx';
import { roleLabel } from '../components/labels.ts';

/** What the role and link fields show: the submitted values on a re-render, else the account's. */
export interface LinkValues {
  roles: readonly string[];
  departmentId: string;
  deputyCode: string;
}

export type FieldErrors = Partial<Record<string, string>>;

/**
 * The role checkboxes (a fieldset, so screen readers announce the group), the department a
 * department account belongs to, and the deputy code that ties an account to the roster.
 */
export function RoleAndLinkFields({ v, values, errors, departments }: { v: ViewContext; values: LinkValues; errors: FieldErrors; departments: { id: number; name: string }[] }) {
  const { t } = v;
  const depError = errors.departmentId;
  const rolesError = errors.roles;
  return (
    <>
      <fieldset class={rolesError ? 'field--error' : undefined} aria-describedby={rolesError ? 'f-roles-error' : 'f-roles-hint'}>
        <legend>{t('users.roles')}</legend>
        <p id="f-roles-hint" class="field__hint">{t('users.rolesHint')}</p>
        {rolesError && <p id="f-roles-error" class="field__error">{rolesError}</p>}
        {ROLES.map((role) => (
          <label class="check">
            <input type="checkbox" name="roles" value={role} checked={values.roles.includes(role)} />
            <span>{roleLabel(v, role)}</span>
          </label>
        ))}
      </fieldset>
      <div class={`field${depError ? ' field--error' : ''}`}>
        <label for="f-departmentId">{t('users.department')}</label>
        <p id="f-departmentId-hint" class="field__hint">{t('users.departmentHint')}</p>
        {depError && <p id="f-departmentId-error" class="field__error">{depError}</p>}
        <select
          id="f-departmentId" name="departmentId" aria-invalid={depError ? 'true' : undefined}
          aria-describedby={['f-departmentId-hint', depError && 'f-departmentId-error'].filter(Boolean).join(' ')}
        >
          <option value="" selected={values.departmentId === ''}>{t('users.noDepartment')}</option>
          {departments.map((d) => <option value={String(d.id)} selected={values.departmentId === String(d.id)}>{d.name}</option>)}
        </select>
      </div>
      <Field name="deputyCode" label={t('users.deputyCode')} value={values.deputyCode} hint={t('users.deputyCodeHint')} error={errors.deputyCode} maxlength={32} autocomplete="off" />
    </>
  );
}

const STATUS: Record<AccountStatus, { key: MessageKey; chip: string }> = {
  active: { key: 'users.status.active', chip: 'chip chip--ok' },
  'must-change': { key: 'users.status.mustChange', chip: 'chip chip--warn' },
  disabled: { key: 'users.status.disabled', chip: 'chip chip--off' },
};

export function StatusChip({ v, status }: { v: ViewContext; status: AccountStatus }) {
  const s = STATUS[status];
  return <span class={s.chip}>{v.t(s.key)}</span>;
}
