import type { Acting } from '../audit/store.ts';
import { newOpaqueId } from '../auth/tokens.ts';
import type { Clock } from '../platform/time.ts';
import type { Db } from '../platform/db/index.ts';
import { upsertDeputiesIn } from '../meetings/store.ts';
import { maskPhone, type RosterField, type RosterRow } from './csv.ts';

/** A preview not confirmed within a day is refused: the roster may have changed meanwhile. */
export const IMPORT_TTL_MS = 24 * 60 * 60 * 1000;

export interface TermSummary {
  id: number;
  name: string;
  ordinal: number;
  startsOn: string;
  endsOn: string;
  deputyCount: number;
}

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

/** A deputy as the secretariat's roster page shows them: the phone number only masked. */
export interface RosterEntry {
  id: number;
  code: string;
  name: string;
  delegation: string;
  standingCommittee: boolean;
  phoneMasked: string | null;
  hasAccount: boolean;
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
  // Housekeeping: uploads nobody confirmed hold personal data (phone numbers) for no purpose.
  await db.deleteFrom('roster_imports').where('applied_at', 'is', null).where('created_at', '<', new Date(now.getTime() - IMPORT_TTL_MS)).execute();
  await db.insertInto('roster_imports').values({
    id, term_id: input.termId, created_by: input.userId, created_at: now, file_name: input.fileName,
    rows: JSON.stringify(input.rows), row_count: input.rows.length, applied_at: null,
  }).execute();
  return id;
}

export interface RosterImport {
  id: string;
  termId: number;
  fileName: string;
  createdAt: Date;
  createdByName: string;
  rows: RosterRow[];
  appliedAt: Date | null;
  /** Not applied and older than IMPORT_TTL_MS. */
  expired: boolean;
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

export type RowChange = 'new' | 'updated' | 'unchanged';

/** What applying one row will do; `previous` holds the current values (phone masked) of fields it changes. */
export interface PlannedRow {
  row: RosterRow & { phoneMasked: string | null };
  change: RowChange;
  previous: Partial<Record<Exclude<RosterField, 'code'>, string | boolean | null>>;
}

export interface ImportPlan {
  rows: PlannedRow[];
  created: number;
  updated: number;
  unchanged: number;
  /** Deputies on the roster that the file does not mention: an import never removes anyone. */
  kept: number;
}

/** Compares an upload with the term's current roster, matching deputies by code. */
export async function planRosterImport(db: Db, termId: number, rows: readonly RosterRow[]): Promise<ImportPlan> {
  const current = new Map((await db.selectFrom('deputies')
    .select(['code', 'name', 'delegation', 'standing_committee', 'phone'])
    .where('term_id', '=', termId).execute()).map((d) => [d.code, d]));
  const plan: ImportPlan = { rows: [], created: 0, updated: 0, unchanged: 0, kept: 0 };
  const mentioned = new Set<string>();
  for (const row of rows) {
    mentioned.add(row.code);
    const shown = { ...row, phoneMasked: row.phone === null ? null : maskPhone(row.phone) };
    const old = current.get(row.code);
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
