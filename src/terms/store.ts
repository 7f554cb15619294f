import type { Acting } from '../platform/acting.ts';
import type { ImportPlan, PlannedRow, RosterEntry, RosterImport, TermSummary } from './model.ts';
import { newOpaqueId } from '../auth/tokens.ts';
import type { Clock } from '../platform/time.ts';
import { sql } from 'kysely';
import { appendAudit } from '../audit/store.ts';
import type { Term } from '../domain/tables.ts';
import type { Db, Trx } from '../platform/db/index.ts';
import { duplicateAs } from '../platform/db/errors.ts';
import { parseInput, ValidationError } from '../platform/validation.ts';
import { deputyInput, type DeputyInput, termInput, type TermInput } from './rules.ts';
import { maskPhone, type RosterRow } from './csv.ts';
import { codeKey, matchCodes } from '../domain/codes.ts';

export async function createTerm(db: Db, acting: Acting, input: TermInput): Promise<Term> {
  const t = parseInput(termInput, input);
  return db.transaction().execute(async (trx) => {
    const term = await trx.insertInto('terms')
      .values({ name: t.name, ordinal: t.ordinal, starts_on: t.startsOn, ends_on: t.endsOn })
      .returningAll().executeTakeFirstOrThrow()
      .catch(duplicateAs('name'));
    await appendAudit(trx, acting.clock, acting.actor, { action: 'term.create', subject: `term:${term.id}`, details: { name: t.name } });
    return term;
  });
}

/** What writing a roster did: deputies added, changed, and already exactly as given. */
export interface DeputyCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Adds or updates a term's deputies, matched by their stable code, all in one transaction: either
 * every row is written or none is.
 */
export async function upsertDeputies(db: Db, acting: Acting, termId: number, rows: readonly DeputyInput[]): Promise<DeputyCounts> {
  return db.transaction().execute((trx) => upsertDeputiesIn(trx, acting, termId, rows));
}

/**
 * `upsertDeputies` inside the caller's transaction, for callers that change more in the same one
 * (a roster import marks itself applied). `auditDetails` are added to the audit entry; never put
 * personal data such as phone numbers in them.
 */
export async function upsertDeputiesIn(
  trx: Trx, acting: Acting, termId: number, rows: readonly DeputyInput[], auditDetails: Record<string, unknown> = {},
): Promise<DeputyCounts> {
  const parsed = rows.map((r, i) => {
    try {
      return parseInput(deputyInput, r);
    } catch (e) {
      if (e instanceof ValidationError) throw new ValidationError(e.issues.map((x) => ({ ...x, field: `${i}.${x.field}` })));
      throw e;
    }
  });
  const seen = new Map<string, number>();
  parsed.forEach((d, i) => {
    if (seen.has(codeKey(d.code))) throw new ValidationError([{ field: `${i}.code`, key: 'validation.duplicateCode' }]);
    seen.set(codeKey(d.code), i);
  });
  // A code typed in another case updates the deputy the roster already has (d001 is D001), spelled as
  // the roster spells it, rather than adding a second deputy whose code differs only in case.
  const existing = await trx.selectFrom('deputies').select('code').where('term_id', '=', termId).execute();
  const spelled = new Map(matchCodes(parsed.map((d) => d.code), existing).matched.map((m) => [m.typed, m.row.code]));
  for (const d of parsed) d.code = spelled.get(d.code) ?? d.code;
  let created = 0;
  let updated = 0;
  // Chunks keep each statement well under PostgreSQL's 65,535 bind parameters.
  for (let i = 0; i < parsed.length; i += 1000) {
    const chunk = parsed.slice(i, i + 1000);
    const written = await trx.insertInto('deputies').values(chunk.map((d) => ({
      term_id: termId, code: d.code, name: d.name, delegation: d.delegation,
      standing_committee: d.standingCommittee, phone: d.phone,
    }))).onConflict((oc) => oc.columns(['term_id', 'code']).doUpdateSet((eb) => ({
      name: eb.ref('excluded.name'),
      delegation: eb.ref('excluded.delegation'),
      standing_committee: eb.ref('excluded.standing_committee'),
      phone: eb.ref('excluded.phone'),
    }))
      // A deputy whose details are the same is left alone (no new row version) and not returned.
      .where(sql<boolean>`(deputies.name, deputies.delegation, deputies.standing_committee, deputies.phone)
        is distinct from (excluded.name, excluded.delegation, excluded.standing_committee, excluded.phone)`))
      // xmax is 0 exactly for rows this statement inserted rather than updated.
      .returning(sql<boolean>`(xmax = 0)`.as('inserted')).execute();
    created += written.filter((w) => w.inserted).length;
    updated += written.filter((w) => !w.inserted).length;
  }
  const unchanged = parsed.length - created - updated;
  await appendAudit(trx, acting.clock, acting.actor, {
    action: 'roster.import', subject: `term:${termId}`, details: { ...auditDetails, rows: parsed.length, created, updated, unchanged },
  });
  return { created, updated, unchanged };
}

/** A preview not confirmed within a day is refused: the roster may have changed meanwhile. */
export const IMPORT_TTL_MS = 24 * 60 * 60 * 1000;

function termQuery(db: Db) {
  return db.selectFrom('terms as t').select((eb) => [
    't.id', 't.name', 't.ordinal', 't.starts_on', 't.ends_on',
    eb.selectFrom('deputies as d').whereRef('d.term_id', '=', 't.id').select(eb.fn.countAll<number>().as('n')).as('deputy_count'),
  ]);
}

type TermRow = Awaited<ReturnType<ReturnType<typeof termQuery>['executeTakeFirstOrThrow']>>;

const toTermSummary = (r: TermRow): TermSummary => ({
  id: r.id, name: r.name, ordinal: r.ordinal, startsOn: r.starts_on, endsOn: r.ends_on, deputyCount: Number(r.deputy_count ?? 0),
});

/** Every term, the latest first. */
export async function listTerms(db: Db): Promise<TermSummary[]> {
  const rows = await termQuery(db).orderBy('t.ordinal', 'desc').orderBy('t.id', 'desc').execute();
  return rows.map(toTermSummary);
}

export async function getTerm(db: Db, id: number): Promise<TermSummary | undefined> {
  const r = await termQuery(db).where('t.id', '=', id).executeTakeFirst();
  return r && toTermSummary(r);
}

export async function listRoster(db: Db, termId: number): Promise<RosterEntry[]> {
  const rows = await db.selectFrom('deputies as d')
    .select((eb) => [
      'd.id', 'd.code', 'd.name', 'd.delegation', 'd.standing_committee', 'd.phone',
      eb.exists(eb.selectFrom('users as u').whereRef('u.deputy_id', '=', 'd.id').select('u.id')).as('has_account'),
    ])
    .where('d.term_id', '=', termId)
    .orderBy('d.code').execute();
  return rows.map((r) => ({
    id: r.id, code: r.code, name: r.name, delegation: r.delegation, standingCommittee: r.standing_committee,
    phoneMasked: r.phone === null ? null : maskPhone(r.phone), hasAccount: Boolean(r.has_account),
  }));
}

/** Keeps a pending upload (valid rows only) until the secretariat confirms it; returns its id. */
export async function createRosterImport(db: Db, clock: Clock, input: { termId: number; userId: number; fileName: string; rows: readonly RosterRow[] }): Promise<string> {
  const id = newOpaqueId();
  const now = clock.now();
  // One transaction: an upload the database refuses (and the request that answers 400) changes nothing.
  await db.transaction().execute(async (trx) => {
    // Housekeeping: uploads nobody confirmed hold personal data (phone numbers) for no purpose.
    await trx.deleteFrom('roster_imports').where('applied_at', 'is', null).where('created_at', '<', new Date(now.getTime() - IMPORT_TTL_MS)).execute();
    await trx.insertInto('roster_imports').values({
      id, term_id: input.termId, created_by: input.userId, created_at: now, file_name: input.fileName,
      rows: JSON.stringify(input.rows), row_count: input.rows.length, applied_at: null,
    }).execute();
  });
  return id;
}

export async function getRosterImport(db: Db, clock: Clock, id: string): Promise<RosterImport | undefined> {
  const r = await db.selectFrom('roster_imports as i')
    .innerJoin('users as u', 'u.id', 'i.created_by')
    .select(['i.id', 'i.term_id', 'i.file_name', 'i.created_at', 'u.display_name', 'i.rows', 'i.applied_at'])
    .where('i.id', '=', id).executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id, termId: r.term_id, fileName: r.file_name, createdAt: r.created_at, createdByName: r.display_name,
    rows: r.rows as RosterRow[], appliedAt: r.applied_at,
    expired: r.applied_at === null && isExpired(clock, r.created_at),
  };
}

const isExpired = (clock: Clock, createdAt: Date) => clock.now().getTime() - createdAt.getTime() > IMPORT_TTL_MS;

/** Compares an upload with the term's current roster, matching deputies by code. */
export async function planRosterImport(db: Db, termId: number, rows: readonly RosterRow[]): Promise<ImportPlan> {
  const deputies = await db.selectFrom('deputies')
    .select(['code', 'name', 'delegation', 'standing_committee', 'phone'])
    .where('term_id', '=', termId).execute();
  const current = new Map(deputies.map((d) => [d.code, d]));
  // Matched whatever the case, as applying the import will (upsertDeputiesIn).
  const spelled = new Map(matchCodes(rows.map((r) => r.code), deputies).matched.map((m) => [m.typed, m.row.code]));
  const plan: ImportPlan = { rows: [], created: 0, updated: 0, unchanged: 0, kept: 0 };
  const mentioned = new Set<string>();
  for (const row of rows) {
    const code = spelled.get(row.code) ?? row.code;
    mentioned.add(code);
    const shown = { ...row, phoneMasked: row.phone === null ? null : maskPhone(row.phone) };
    const old = current.get(code);
    if (!old) {
      plan.created++;
      plan.rows.push({ row: shown, change: 'new', previous: {} });
      continue;
    }
    const previous: PlannedRow['previous'] = {};
    if (old.name !== row.name) previous.name = old.name;
    if (old.delegation !== row.delegation) previous.delegation = old.delegation;
    if (old.standing_committee !== row.standingCommittee) previous.standingCommittee = old.standing_committee;
    if (old.phone !== row.phone) previous.phone = old.phone === null ? null : maskPhone(old.phone);
    const change: 'updated' | 'unchanged' = Object.keys(previous).length > 0 ? 'updated' : 'unchanged';
    plan[change]++;
    plan.rows.push({ row: shown, change, previous });
  }
  for (const code of current.keys()) if (!mentioned.has(code)) plan.kept++;
  return plan;
}

export type ApplyResult =
  | { ok: true; termId: number; created: number; updated: number }
  | { ok: false; reason: 'applied'; appliedAt: Date }
  | { ok: false; reason: 'expired' };

/**
 * Writes a pending upload to the roster and marks it applied, in one transaction: all rows or
 * none, and at most once even when two people confirm at the same moment (the row is locked).
 * Returns undefined for an unknown id.
 */
export async function applyRosterImport(db: Db, acting: Acting, id: string): Promise<ApplyResult | undefined> {
  return db.transaction().execute(async (trx) => {
    const pending = await trx.selectFrom('roster_imports').select(['term_id', 'rows', 'applied_at', 'created_at', 'file_name'])
      .where('id', '=', id).forUpdate().executeTakeFirst();
    if (!pending) return undefined;
    if (pending.applied_at) return { ok: false, reason: 'applied', appliedAt: pending.applied_at };
    if (isExpired(acting.clock, pending.created_at)) return { ok: false, reason: 'expired' };
    const rows = (pending.rows as RosterRow[]).map(({ code, name, delegation, standingCommittee, phone }) => ({ code, name, delegation, standingCommittee, phone }));
    const counts = await upsertDeputiesIn(trx, acting, pending.term_id, rows, { import: id, file: pending.file_name });
    // The roster now holds the data; the upload keeps no personal data beyond what it needs to show.
    const withoutPhones = rows.map(({ phone: _phone, ...rest }) => ({ ...rest, phone: null }));
    await trx.updateTable('roster_imports').set({ applied_at: acting.clock.now(), rows: JSON.stringify(withoutPhones) }).where('id', '=', id).execute();
    return { ok: true, termId: pending.term_id, ...counts };
  });
}

/**
 * Deputy codes of one term that differ only in case (D003 and d003): a typed code could not tell
 * them apart. The migration 2026_11_30_180000 reports them and then leaves out the unique index
 * that would refuse them; the server logs them at every start until the roster is corrected
 * (docs/operations.md#deputy-codes-that-differ-only-in-case).
 */
export async function deputyCodeClashes(db: Db): Promise<{ termId: number; codes: string[] }[]> {
  const rows = await db.selectFrom('deputies').select(['term_id', sql<string[]>`array_agg(code order by code)`.as('codes')])
    .groupBy(['term_id', sql`lower(code)`]).having(sql`count(*)`, '>', 1).orderBy('term_id').orderBy(sql`lower(code)`).execute();
  return rows.map((r) => ({ termId: r.term_id, codes: r.codes }));
}
