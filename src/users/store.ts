import { sql, type Transaction } from 'kysely';
import type { AccountSummary, CredentialSlip, TermAccounts } from './model.ts';
import { appendAudit } from '../audit/store.ts';
import { type Acting } from '../platform/acting.ts';
import { clearAccountThrottle } from '../auth/throttle.ts';
import { newInitialPassword } from '../auth/tokens.ts';
import type { Clock } from '../platform/time.ts';
import type { Database, Db } from '../platform/db/index.ts';
import { isUniqueViolation } from '../platform/db/errors.ts';
import type { User } from '../domain/tables.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { type FieldIssue, parseInput, ValidationError } from '../platform/validation.ts';
import { hashPassword, hashPasswords } from './password.ts';
import { credentialGate, type Gate, protections, useApproval } from './approvals.ts';
import { ROLES, type Role } from '../domain/vocabulary.ts';
import {
  type AccountLinks, accountLinksInput, checkAccountLinks, checkDisable, checkRoleChange, checkRoleSet, deputyUsername, staffAccountInput,
  type TargetAccount,
} from './rules.ts';

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  roles: readonly Role[];
  deputyId?: number | null;
  departmentId?: number | null;
  mustChangePassword?: boolean;
  /** The scrutineer's confirmation this account's creation uses (a protected deputy's first account). */
  approvalId?: number | null;
}

/** Creates an account with its roles; the password is stored only as an argon2id hash. */
export async function createUser(db: Db, acting: Acting, input: NewUser): Promise<User> {
  const roleIssues = checkRoleSet(input.roles);
  if (roleIssues.length > 0) throw new ValidationError(roleIssues.map((key) => ({ field: 'roles', key })));
  const passwordHash = await hashPassword(input.password);
  const username = input.username.trim().toLowerCase();
  return db.transaction().execute(async (trx) => {
    const user = await trx.insertInto('users').values({
      username,
      display_name: input.displayName,
      password_hash: passwordHash,
      must_change_password: input.mustChangePassword ?? false,
      deputy_id: input.deputyId ?? null,
      department_id: input.departmentId ?? null,
      disabled_at: null,
    }).returningAll().executeTakeFirstOrThrow().catch((e: unknown) => {
      if (isUniqueViolation(e)) {
        // Two unique columns: the username, and the deputy an account belongs to.
        const deputy = (e as { constraint?: string }).constraint === 'users_deputy_id_key';
        throw new ValidationError([deputy ? { field: 'deputyCode', key: 'users.deputyHasAccount' } : { field: 'username', key: 'users.usernameTaken' }]);
      }
      throw e;
    });
    if (input.roles.length > 0) {
      await trx.insertInto('user_roles').values(input.roles.map((role) => ({ user_id: user.id, role }))).execute();
    }
    await useApproval(trx, acting, input.approvalId ?? null);
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'user.create', subject: `user:${user.id}`,
      details: { username, roles: [...input.roles], ...(input.approvalId ? { approval: input.approvalId, protected: true } : {}) },
    });
    return user;
  });
}

// ---------------------------------------------------------------------------------------------
// Accounts as the secretariat manages them

// Serialises changes that the "last secretariat" rule and username derivation depend on, across
// connections and app instances, for the length of the caller's transaction. Always taken before
// the audit lock (appendAudit), never after, so the two cannot deadlock.
const ACCOUNTS_LOCK_KEY = 0x6d73_7573; // "msus"

async function lockAccounts(trx: Transaction<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${ACCOUNTS_LOCK_KEY})`.execute(trx);
}

function accountQuery(db: Db | Transaction<Database>) {
  return db.selectFrom('users as u')
    .leftJoin('deputies as d', 'd.id', 'u.deputy_id')
    .leftJoin('terms as t', 't.id', 'd.term_id')
    .leftJoin('departments as dep', 'dep.id', 'u.department_id')
    .select([
      'u.id', 'u.username', 'u.display_name', 'u.disabled_at', 'u.must_change_password', 'u.created_at', 'u.password_changed_at',
      'd.id as deputy_id', 'd.code as deputy_code', 'd.name as deputy_name', 'd.delegation', 'd.term_id', 't.name as term_name',
      'dep.id as department_id', 'dep.name as department_name',
      sql<string[]>`coalesce((select array_agg(r.role order by r.role) from user_roles r where r.user_id = u.id), '{}')`.as('roles'),
    ]);
}

type AccountRow = Awaited<ReturnType<ReturnType<typeof accountQuery>['execute']>>[number];

function toSummary(r: AccountRow): AccountSummary {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    // Listed in ROLES order, the order the forms show them in.
    roles: ROLES.filter((role) => r.roles.includes(role)),
    deputy: r.deputy_id === null ? null : {
      id: r.deputy_id, code: r.deputy_code!, name: r.deputy_name!, delegation: r.delegation!, termId: r.term_id!, termName: r.term_name!,
    },
    department: r.department_id === null ? null : { id: r.department_id, name: r.department_name! },
    disabledAt: r.disabled_at,
    mustChangePassword: r.must_change_password,
    createdAt: r.created_at,
    passwordChangedAt: r.password_changed_at,
  };
}

/** Every account, staff first by username, optionally only holders of one role. */
export async function listAccounts(db: Db, filter: { role?: Role } = {}): Promise<AccountSummary[]> {
  let q = accountQuery(db);
  if (filter.role) {
    const role = filter.role;
    q = q.where((eb) => eb.exists(eb.selectFrom('user_roles as r').select('r.role').whereRef('r.user_id', '=', 'u.id').where('r.role', '=', role)));
  }
  const rows = await q.orderBy(sql`u.deputy_id is not null`).orderBy('u.username').execute();
  return rows.map(toSummary);
}

export async function getAccount(db: Db | Transaction<Database>, id: number): Promise<AccountSummary | undefined> {
  const row = await accountQuery(db).where('u.id', '=', id).executeTakeFirst();
  return row && toSummary(row);
}

/** Sessions of a user that have not expired, as a count for the account page. */
export async function countActiveSessions(db: Db, clock: Clock, userId: number): Promise<number> {
  const now = clock.now();
  const row = await db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId).where('expires_at', '>', now).where('absolute_expires_at', '>', now).executeTakeFirstOrThrow();
  return row.n;
}

export async function listDepartments(db: Db): Promise<{ id: number; name: string }[]> {
  return db.selectFrom('departments').select(['id', 'name']).orderBy('name').execute();
}

/**
 * A deputy by code in the most recent term that has one (codes are unique per term only). Case
 * does not matter (d001 finds D001, as usernames are written), unless two codes differ only in it.
 */
async function findDeputyByCode(db: Db | Transaction<Database>, code: string) {
  return db.selectFrom('deputies as d').innerJoin('terms as t', 't.id', 'd.term_id')
    .select(['d.id', 'd.code', 'd.name', 'd.delegation', 'd.term_id'])
    .where(sql<string>`lower(d.code)`, '=', code.toLowerCase())
    .orderBy('t.ordinal', 'desc').orderBy('t.id', 'desc').orderBy(sql`d.code = ${code}`, 'desc')
    .limit(1).executeTakeFirst();
}

/**
 * Turns the form's department id and deputy code into ids, checking that they exist and that the
 * deputy has no other account. Throws ValidationError naming the field.
 */
async function resolveLinks(db: Db | Transaction<Database>, links: AccountLinks, userId?: number): Promise<{ deputyId: number | null; deputyCode: string | null; departmentId: number | null }> {
  const issues: FieldIssue[] = [];
  let departmentId: number | null = null;
  if (links.departmentId !== null) {
    const dep = await db.selectFrom('departments').select('id').where('id', '=', links.departmentId).executeTakeFirst();
    if (dep) departmentId = dep.id;
    else issues.push({ field: 'departmentId', key: 'validation.invalid' });
  }
  let deputyId: number | null = null;
  let deputyCode: string | null = null;
  if (links.deputyCode !== '') {
    const deputy = await findDeputyByCode(db, links.deputyCode);
    if (!deputy) {
      issues.push({ field: 'deputyCode', key: 'users.deputyNotFound' });
    } else {
      const holder = await db.selectFrom('users').select('id').where('deputy_id', '=', deputy.id).executeTakeFirst();
      if (holder && holder.id !== userId) issues.push({ field: 'deputyCode', key: 'users.deputyHasAccount' });
      else [deputyId, deputyCode] = [deputy.id, deputy.code];
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return { deputyId, deputyCode, departmentId };
}

/** Where a slip says the account belongs: the meeting (or term) of a deputy's roster, or null for staff. */
async function termContext(db: Db | Transaction<Database>, termId: number): Promise<string> {
  const meeting = await db.selectFrom('meetings').select('title').where('term_id', '=', termId)
    .orderBy('session_ordinal', 'desc').limit(1).executeTakeFirst();
  if (meeting) return meeting.title;
  return (await db.selectFrom('terms').select('name').where('id', '=', termId).executeTakeFirstOrThrow()).name;
}

async function slipFor(db: Db | Transaction<Database>, account: AccountSummary, password: string): Promise<CredentialSlip> {
  return {
    userId: account.id,
    username: account.username,
    password,
    name: account.deputy?.name ?? account.displayName,
    affiliation: account.deputy?.delegation ?? account.department?.name ?? null,
    context: account.deputy && account.roles.includes('deputy') ? await termContext(db, account.deputy.termId) : null,
  };
}

/**
 * Creates an account from the secretariat's form with a one-time password that must be replaced
 * at first sign-in. Returns the slip to print; the password is not kept anywhere.
 */
export async function createStaffAccount(db: Db, acting: Acting, raw: unknown): Promise<CredentialSlip | Pending> {
  const input = parseInput(staffAccountInput, raw);
  const issues = checkAccountLinks(input);
  if (issues.length > 0) throw new ValidationError(issues);
  const { deputyId, departmentId } = await resolveLinks(db, input);
  // A deputy's first account hands the secretariat their credentials: while they are protected, only once confirmed.
  let approvalId: number | null = null;
  if (deputyId !== null) {
    const gate = await db.transaction().execute((trx) => credentialGate(trx, acting, 'issue', deputyId, null));
    if (!gate.open) return { pending: gate.approval };
    approvalId = gate.approvalId;
  }
  const password = newInitialPassword();
  const user = await createUser(db, acting, {
    username: input.username, displayName: input.displayName, password, roles: input.roles,
    deputyId, departmentId, mustChangePassword: true, approvalId,
  });
  return slipFor(db, (await getAccount(db, user.id))!, password);
}

/** A credential step that waits for a named scrutineer's confirmation (the request is made and audited). */
export interface Pending {
  pending: { id: number; elections: number[] };
}

export type AccountChange = { ok: true } | { ok: false; refusal: MessageKey } | { ok: false; notFound: true } | ({ ok: false } & Pending);

/**
 * Replaces an account's roles (and the department and deputy they point to), refusing what
 * `checkRoleChange` refuses. The audit entry records the sets before and after.
 */
export async function changeAccountRoles(db: Db, acting: Acting, userId: number, raw: unknown): Promise<AccountChange> {
  const links = parseInput(accountLinksInput, raw);
  const issues = checkAccountLinks(links);
  if (issues.length > 0) throw new ValidationError(issues);
  return db.transaction().execute(async (trx): Promise<AccountChange> => {
    await lockAccounts(trx);
    const before = await getAccount(trx, userId);
    if (!before) return { ok: false, notFound: true };
    const refusal = checkRoleChange(acting.actor.userId ?? 0, targetOf(before), links.roles, await activeSecretariatIds(trx));
    if (refusal) return { ok: false, refusal };
    const { deputyId, deputyCode, departmentId } = await resolveLinks(trx, links, userId);
    // Linking an account to a deputy, or away from one, hands over or takes away their credentials:
    // while that deputy is protected, only once a named scrutineer has confirmed it.
    const approvals: number[] = [];
    if (deputyId !== (before.deputy?.id ?? null)) {
      for (const d of [before.deputy?.id ?? null, deputyId]) {
        if (d === null) continue;
        const gate: Gate = await credentialGate(trx, acting, 'link', d, userId);
        if (!gate.open) return { ok: false, pending: gate.approval };
        if (gate.approvalId !== null) approvals.push(gate.approvalId);
      }
    }
    // Roles first: a scrutineer's account never loses its deputy while it holds the role (the database checks).
    await trx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
    await trx.updateTable('users').set({ deputy_id: deputyId, department_id: departmentId }).where('id', '=', userId).execute();
    if (links.roles.length > 0) await trx.insertInto('user_roles').values(links.roles.map((role) => ({ user_id: userId, role }))).execute();
    for (const id of approvals) await useApproval(trx, acting, id);
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'user.roles.change', subject: `user:${userId}`,
      details: {
        before: { roles: before.roles, deputy: before.deputy?.code ?? null, departmentId: before.department?.id ?? null },
        after: { roles: links.roles, deputy: deputyCode, departmentId },
        ...(approvals.length > 0 ? { approvals, protected: true } : {}),
      },
    });
    return { ok: true };
  });
}

function targetOf(a: AccountSummary): TargetAccount {
  return { id: a.id, roles: a.roles, disabled: a.disabledAt !== null };
}

async function activeSecretariatIds(trx: Transaction<Database>): Promise<number[]> {
  const rows = await trx.selectFrom('users as u').innerJoin('user_roles as r', 'r.user_id', 'u.id')
    .select('u.id').where('r.role', '=', 'secretariat').where('u.disabled_at', 'is', null).execute();
  return rows.map((r) => r.id);
}

/**
 * Gives an account a new one-time password: the old one stops working, every session of the
 * account ends, and a lock from failed sign-ins is lifted. Returns the slip; or, for a deputy on
 * the roll of an open vote or a named scrutineer of an unpublished one without a named scrutineer's
 * recent confirmation, the request now waiting for one (nothing else changes); undefined for an
 * unknown account.
 */
export async function resetAccountPassword(db: Db, acting: Acting, userId: number): Promise<{ slip: CredentialSlip } | Pending | undefined> {
  const password = newInitialPassword();
  const hash = await hashPassword(password);
  const outcome = await db.transaction().execute(async (trx): Promise<Pending | { account: AccountSummary } | undefined> => {
    const account = await getAccount(trx, userId);
    if (!account) return undefined;
    let approvalId: number | null = null;
    if (account.deputy) {
      const gate = await credentialGate(trx, acting, 'reset', account.deputy.id, userId);
      if (!gate.open) return { pending: gate.approval };
      approvalId = gate.approvalId;
    }
    await trx.updateTable('users').set({ password_hash: hash, must_change_password: true }).where('id', '=', userId).execute();
    const sessions = await trx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
    await clearAccountThrottle(trx, account.username);
    await useApproval(trx, acting, approvalId);
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'user.reset', subject: `user:${userId}`,
      details: { username: account.username, sessions: Number(sessions.numDeletedRows), ...(approvalId ? { approval: approvalId, protected: true } : {}) },
    });
    return { account };
  });
  if (!outcome || 'pending' in outcome) return outcome;
  return { slip: await slipFor(db, { ...outcome.account, mustChangePassword: true }, password) };
}

/**
 * Lifts every sign-in lock of an account at once (a deputy locked out in the hall, by their own
 * typing or someone else's), from every address. Audited, with how many addresses were locked.
 */
export async function unlockAccount(db: Db, acting: Acting, userId: number): Promise<AccountChange> {
  return db.transaction().execute(async (trx): Promise<AccountChange> => {
    const account = await getAccount(trx, userId);
    if (!account) return { ok: false, notFound: true };
    const addresses = await clearAccountThrottle(trx, account.username);
    await appendAudit(trx, acting.clock, acting.actor, { action: 'user.unlock', subject: `user:${userId}`, details: { username: account.username, addresses } });
    return { ok: true };
  });
}

/** Disables (ending every session) or re-enables an account. Disabling follows `checkDisable`. */
export async function setAccountDisabled(db: Db, acting: Acting, userId: number, disabled: boolean): Promise<AccountChange> {
  return db.transaction().execute(async (trx): Promise<AccountChange> => {
    await lockAccounts(trx);
    const account = await getAccount(trx, userId);
    if (!account) return { ok: false, notFound: true };
    if (disabled) {
      const refusal = checkDisable(acting.actor.userId ?? 0, targetOf(account), await activeSecretariatIds(trx));
      if (refusal) return { ok: false, refusal };
      if (account.disabledAt) return { ok: true };
      await trx.updateTable('users').set({ disabled_at: acting.clock.now() }).where('id', '=', userId).execute();
      const sessions = await trx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
      await appendAudit(trx, acting.clock, acting.actor, {
        action: 'user.disable', subject: `user:${userId}`, details: { username: account.username, sessions: Number(sessions.numDeletedRows) },
      });
    } else {
      if (!account.disabledAt) return { ok: true };
      await trx.updateTable('users').set({ disabled_at: null }).where('id', '=', userId).execute();
      await appendAudit(trx, acting.clock, acting.actor, { action: 'user.enable', subject: `user:${userId}`, details: { username: account.username } });
    }
    return { ok: true };
  });
}

// ---------------------------------------------------------------------------------------------
// Deputies' credentials, a whole roster at a time

/** Each term with how many of its deputies already have an account. */
export async function listTermAccounts(db: Db): Promise<TermAccounts[]> {
  const rows = await db.selectFrom('terms as t')
    .leftJoin('deputies as d', 'd.term_id', 't.id')
    .leftJoin('users as u', 'u.deputy_id', 'd.id')
    .select((eb) => ['t.id', 't.name', 't.ordinal', eb.fn.count<number>('d.id').as('deputies'), eb.fn.count<number>('u.id').as('withAccount')])
    .groupBy(['t.id', 't.name', 't.ordinal'])
    .orderBy('t.ordinal', 'desc')
    .execute();
  return rows;
}

export interface IssuedCredentials {
  term: { id: number; name: string; ordinal: number };
  /** The meeting (or term) the slips name. */
  context: string;
  slips: CredentialSlip[];
  /** Deputies asked for who already had an account (their slips come only from a reset). */
  skipped: number;
  /** Protected deputies whose first account now waits for a named scrutineer's confirmation (by code). */
  awaiting: string[];
}

/**
 * Issues accounts to a term's deputies who have none (or to the listed ones among them): role
 * `deputy`, username from the deputy code, a one-time password each. Passwords are hashed before
 * the transaction, a few at a time, so the database (PGlite's single connection) is held only for
 * the writes; all writes and one `credentials.issue` audit entry are one transaction. Returns
 * undefined for an unknown term.
 */
export async function issueDeputyCredentials(db: Db, acting: Acting, termId: number, deputyIds?: readonly number[]): Promise<IssuedCredentials | undefined> {
  const term = await db.selectFrom('terms').select(['id', 'name', 'ordinal']).where('id', '=', termId).executeTakeFirst();
  if (!term) return undefined;
  let q = db.selectFrom('deputies as d').leftJoin('users as u', 'u.deputy_id', 'd.id')
    .select(['d.id', 'd.code', 'd.name', 'd.delegation', 'u.id as user_id']).where('d.term_id', '=', termId);
  if (deputyIds) {
    if (deputyIds.length === 0) return { term, context: await termContext(db, termId), slips: [], skipped: 0, awaiting: [] };
    q = q.where('d.id', 'in', [...deputyIds]);
  }
  // Grouped by delegation (in pinyin order, the same on both engines whatever their collation),
  // so that each delegation's slips come off the printer together.
  const deputies = (await q.execute()).sort((a, b) => a.delegation.localeCompare(b.delegation, 'zh-CN')
    || a.code.localeCompare(b.code, 'en', { numeric: true }));
  if (deputyIds && deputies.length !== new Set(deputyIds).size) throw new ValidationError([{ field: 'deputy', key: 'users.deputyNotInTerm' }]);

  const wanted = deputies.filter((d) => d.user_id === null);
  const passwords = wanted.map(() => newInitialPassword());
  const hashes = await hashPasswords(passwords);

  return db.transaction().execute(async (trx) => {
    await lockAccounts(trx);
    // Someone may have issued some of these meanwhile: those keep the account they got.
    const nowHeld = wanted.length === 0 ? new Set<number>() : new Set((await trx.selectFrom('users').select('deputy_id')
      .where('deputy_id', 'in', wanted.map((d) => d.id)).execute()).map((r) => r.deputy_id!));
    // Deputies on an open roll, or named scrutineers, get a first account only with a named scrutineer's confirmation.
    const protectedIds = await protections(trx, wanted.filter((d) => !nowHeld.has(d.id)).map((d) => d.id));
    const awaiting: string[] = [];
    const approvals = new Map<number, number>();
    for (const d of wanted) {
      if (!protectedIds.has(d.id)) continue;
      const gate = await credentialGate(trx, acting, 'issue', d.id, null);
      if (gate.open) approvals.set(d.id, gate.approvalId!);
      else awaiting.push(d.code);
    }
    const waiting = new Set(awaiting);
    const taken = new Set((await trx.selectFrom('users').select('username').execute()).map((r) => r.username));
    const rows = wanted.flatMap((d, i) => nowHeld.has(d.id) || waiting.has(d.code) ? [] : [{
      deputy: d,
      password: passwords[i]!,
      values: {
        username: deputyUsername(d.code, term.ordinal, taken), display_name: d.name, password_hash: hashes[i]!,
        must_change_password: true, deputy_id: d.id, department_id: null, disabled_at: null,
      },
    }]);
    const ids = new Map<number, number>();
    // Chunks keep each statement well under PostgreSQL's 65,535 bind parameters.
    for (let i = 0; i < rows.length; i += 1000) {
      const inserted = await trx.insertInto('users').values(rows.slice(i, i + 1000).map((r) => r.values))
        .returning(['id', 'deputy_id']).execute();
      for (const u of inserted) ids.set(u.deputy_id!, u.id);
      await trx.insertInto('user_roles').values(inserted.map((u) => ({ user_id: u.id, role: 'deputy' }))).execute();
    }
    const context = await termContext(trx, termId);
    for (const id of approvals.values()) await useApproval(trx, acting, id);
    if (rows.length > 0) {
      await appendAudit(trx, acting.clock, acting.actor, {
        action: 'credentials.issue', subject: `term:${termId}`,
        details: {
          count: rows.length, deputies: rows.map((r) => r.deputy.code),
          ...(approvals.size > 0 ? { approvals: [...approvals.values()], protected: true } : {}),
        },
      });
    }
    return {
      term, context, skipped: deputies.length - rows.length - awaiting.length,
      awaiting: awaiting.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
      slips: rows.map((r) => ({
        userId: ids.get(r.deputy.id)!, username: r.values.username, password: r.password,
        name: r.deputy.name, affiliation: r.deputy.delegation, context,
      })),
    };
  });
}
