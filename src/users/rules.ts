import { z } from 'zod';
import type { MessageKey } from '../platform/i18n/index.ts';
import { type FieldIssue, nameText } from '../platform/validation.ts';
import { ROLES, type Role } from '../domain/vocabulary.ts';

/**
 * Usernames are what people type on a tablet: lower-case letters, digits and `.`, `_`, `-`, starting
 * with a letter or digit; 2 to 64 characters (the table's check constraint also insists on lower case).
 */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/** Trims and lower-cases a username as typed, the way sign-in does. */
export function normalizeUsername(raw: string): string {
  return raw.trim().toLowerCase();
}

const role = z.enum(ROLES, { error: 'validation.invalid' });

/** The account form (create, and roles on the account page share the link fields). */
export const accountLinksInput = z.object({
  // A set, in ROLES order, however often and in whatever order the form repeats a box.
  roles: z.array(role).max(20, 'validation.tooMany').transform((rs) => ROLES.filter((r) => rs.includes(r))),
  departmentId: z.number().int().positive().nullable(),
  deputyCode: z.string().trim().max(32, 'validation.tooLong').regex(/^[A-Za-z0-9_-]*$/, 'validation.code'),
});

export const staffAccountInput = accountLinksInput.extend({
  // The pattern is checked by checkAccountLinks: parseInput keeps only `validation.` messages.
  username: z.string().transform(normalizeUsername).pipe(z.string().min(1, 'validation.required').max(64, 'validation.tooLong')),
  displayName: nameText(100),
});
export type StaffAccountInput = z.output<typeof staffAccountInput>;
export type AccountLinks = z.output<typeof accountLinksInput>;

/**
 * What the schema cannot say. A username (when given) has the allowed shape. Roles and links fit
 * together: at least one role; a department account names its department and nothing else names
 * one; a deputy account is tied to a deputy on the roster (that is how the deputy appears on the
 * roll), and so is a scrutineer (the role sits only on a deputy's own account, beside the deputy
 * role, never beside the secretariat's); nobody else is.
 */
export function checkAccountLinks(input: AccountLinks & { username?: string }): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (input.username !== undefined && !USERNAME_PATTERN.test(input.username)) issues.push({ field: 'username', key: 'users.usernameFormat' });
  const has = (r: Role) => input.roles.includes(r);
  if (input.roles.length === 0) issues.push({ field: 'roles', key: 'users.rolesRequired' });
  if (has('department') && input.departmentId === null) issues.push({ field: 'departmentId', key: 'users.departmentRequired' });
  if (!has('department') && input.departmentId !== null) issues.push({ field: 'departmentId', key: 'users.departmentWithoutRole' });
  if (has('deputy') && input.deputyCode === '') issues.push({ field: 'deputyCode', key: 'users.deputyRequired' });
  if (!has('deputy') && !has('scrutineer') && input.deputyCode !== '') issues.push({ field: 'deputyCode', key: 'users.deputyWithoutRole' });
  issues.push(...checkRoleSet(input.roles).map((key) => ({ field: 'roles', key })));
  return issues;
}

/**
 * Separation of duties in one account's roles: a scrutineer certifies as the deputy they are (the
 * account also holds the deputy role and so is tied to their place on the roster), and is never
 * also the secretariat, whose work they check. A clerk (计票人) keys paper ballots, and is neither
 * the secretariat (who hands them out and commits them) nor a scrutineer (who checks the keying).
 * The database refuses the same (user_roles trigger).
 */
export function checkRoleSet(roles: readonly Role[]): MessageKey[] {
  const issues: MessageKey[] = [];
  if (roles.includes('scrutineer')) {
    if (roles.includes('secretariat')) issues.push('users.scrutineerNotSecretariat');
    if (!roles.includes('deputy')) issues.push('users.scrutineerIsDeputy');
  }
  if (roles.includes('clerk')) {
    if (roles.includes('secretariat')) issues.push('users.clerkNotSecretariat');
    if (roles.includes('scrutineer')) issues.push('users.clerkNotScrutineer');
  }
  return issues;
}

/** A request waits this long for a named scrutineer's decision (the length of a sitting), then lapses. */
export const REQUEST_OPEN_MS = 4 * 60 * 60 * 1000;
/** A confirmation allows its one step within this time; after that it must be asked for again. */
export const APPROVAL_USABLE_MS = 30 * 60 * 1000;

export type ApprovalStatus = 'pending' | 'confirmed' | 'declined' | 'used' | 'expired';

/** Where a credential request stands at `now`. */
export function approvalStatus(a: { decision: 'confirmed' | 'declined' | null; requested_at: Date; decided_at: Date | null; used_at: Date | null }, now: Date): ApprovalStatus {
  if (a.used_at) return 'used';
  if (a.decision === 'declined') return 'declined';
  if (a.decision === 'confirmed') return now.getTime() - a.decided_at!.getTime() < APPROVAL_USABLE_MS ? 'confirmed' : 'expired';
  return now.getTime() - a.requested_at.getTime() < REQUEST_OPEN_MS ? 'pending' : 'expired';
}

/** The account a secretariat member is about to change, as the rules below need it. */
export interface TargetAccount {
  id: number;
  roles: readonly Role[];
  disabled: boolean;
}

/**
 * Whether a new role set may replace the old one. Nobody removes their own secretariat role (they
 * would lock themselves out mid-task), and at least one active account keeps it, or nobody could
 * administer the system again without the command line.
 * `activeSecretariatIds`: the enabled accounts that hold the role now.
 */
export function checkRoleChange(actorId: number, target: TargetAccount, newRoles: readonly Role[], activeSecretariatIds: readonly number[]): MessageKey | undefined {
  const losing = target.roles.includes('secretariat') && !newRoles.includes('secretariat');
  if (!losing) return undefined;
  if (target.id === actorId) return 'users.ownSecretariat';
  if (activeSecretariatIds.filter((id) => id !== target.id).length === 0) return 'users.lastSecretariat';
  return undefined;
}

/** Whether an account may be disabled: not one's own, and not the last active secretariat account. */
export function checkDisable(actorId: number, target: TargetAccount, activeSecretariatIds: readonly number[]): MessageKey | undefined {
  if (target.id === actorId) return 'users.disableSelf';
  if (target.disabled) return undefined;
  if (target.roles.includes('secretariat') && activeSecretariatIds.filter((id) => id !== target.id).length === 0) return 'users.lastSecretariat';
  return undefined;
}

/**
 * Usernames for deputies' accounts: the deputy code in lower case; when that is taken (a staff
 * account, or the same code in an earlier term), the code with the term's ordinal appended
 * (`d001-14`), then `-2`, `-3`… after that. `taken` is updated with every name handed out, so codes
 * that differ only in case in one roster still get distinct names.
 */
export function deputyUsername(code: string, termOrdinal: number, taken: Set<string>): string {
  // Roster codes may start with `_` or `-`; usernames may not.
  const base = code.trim().toLowerCase().replace(/^[^a-z0-9]+/, '') || 'deputy';
  const candidates = function* () {
    if (USERNAME_PATTERN.test(base)) yield base;
    const withTerm = `${base}-${termOrdinal}`;
    yield withTerm;
    for (let n = 2; ; n++) yield `${withTerm}-${n}`;
  };
  for (const name of candidates()) {
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
  throw new Error('unreachable');
}

/** What the account list shows as its status; exactly one applies. */
export type AccountStatus = 'active' | 'disabled' | 'must-change';

export function accountStatus(u: { disabledAt: Date | null; mustChangePassword: boolean }): AccountStatus {
  if (u.disabledAt) return 'disabled';
  return u.mustChangePassword ? 'must-change' : 'active';
}

