import { sql } from 'kysely';
import type { Db } from '../../src/platform/db/index.ts';

/**
 * Tables whose content a refused request may legitimately change, left out of the comparison:
 *
 * - `audit_log`: a refused sign-in is itself an event worth recording (`auth.sign-in-failed`), and
 *   the log is append-only and hash-chained, checked by its own tests (tests/verify-audit.test.ts).
 * - `login_throttle`: counting failed sign-ins (and locking out after too many) is the very purpose
 *   of a refused sign-in (src/auth/throttle.ts).
 *
 * Nothing else is left out. In particular `sessions` stays in: its `last_seen_at` moves only once
 * TOUCH_INTERVAL_MS has passed since the last touch (src/auth/sessions.ts), and the tests' clock is
 * fixed, so no read, and no refused request, may change a session. Sequences are not tables: a
 * refused insert may use up an id, which changes no stored content.
 */
export const UNHASHED_TABLES: ReadonlySet<string> = new Set(['audit_log', 'login_throttle']);

export type TableHashes = Record<string, string>;

/** The content hashes of the tables, and the WAL position they were read at (see walPosition). */
export interface Snapshot { hashes: TableHashes; lsn: string }

/**
 * One SQL statement that hashes the content of every other table of the schema: md5 of its rows as
 * text, sorted (so physical order, which an UPDATE to the same value moves, does not count), one
 * hash per table so that a difference names its table; with the WAL position, in the same statement.
 */
export async function tableHasher(db: Db): Promise<() => Promise<Snapshot>> {
  // A vote's partitions of the box and the roll are hashed with their tables, not once more on their own.
  const tables = (await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition order by c.relname`.execute(db)).rows
    .map((r) => r.name).filter((n) => !UNHASHED_TABLES.has(n));
  if (tables.length < 10) throw new Error(`expected the application's tables, found ${tables.join(', ')}`);
  // walPosition() below vouches for "nothing was written" only for tables whose changes are logged.
  const unlogged = (await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind = 'r' and c.relpersistence <> 'p'`.execute(db)).rows;
  if (unlogged.length > 0) throw new Error(`unlogged tables: ${unlogged.map((u) => u.name).join(', ')}`);
  const parts = tables.map((t) => sql`${sql.lit(t)}, (select md5(coalesce(string_agg(x::text, '|' order by x::text collate "C"), '')) from ${sql.table(t)} x)`);
  const query = sql<{ h: TableHashes; lsn: string }>`select json_build_object(${sql.join(parts)}) as h, pg_current_wal_insert_lsn()::text as lsn`;
  return async () => {
    const { h, lsn } = (await query.execute(db)).rows[0]!;
    return { hashes: h, lsn };
  };
}

/** The tables whose hashes differ between two snapshots (empty when none). */
export function changedTables(before: TableHashes, after: TableHashes): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => before[n] !== after[n]).sort();
}

/**
 * The write-ahead log's insert position. Every change to a (logged) table is written to the WAL
 * before it is applied, a change rolled back included, so when the position has not moved over a
 * request, the request changed nothing and the tables need no hashing. It may move without any
 * change of content (hint bits, other databases of the same PostgreSQL server): then the tables
 * are hashed and compared, which is what decides.
 */
export function walPosition(db: Db): () => Promise<string> {
  const query = sql<{ lsn: string }>`select pg_current_wal_insert_lsn()::text as lsn`;
  return async () => (await query.execute(db)).rows[0]!.lsn;
}
