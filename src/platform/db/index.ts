import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Extensions, PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Config } from '../../config.ts';
import type { Logger } from '../log.ts';
import { acquireDataDirLock, type DataDirLock } from './lock.ts';
import type { RegisteredDatabase } from '../registry.ts';

/** The tables (src/domain/tables.ts), through the registry: the platform does not import the domain. */
export type Database = RegisteredDatabase;
export type Engine = 'pglite' | 'postgres';
export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;

/** An open database: the Kysely instance plus what the server needs to watch and close it. */
export interface DbHandle {
  readonly db: Db;
  readonly engine: Engine;
  /** Resolves when the database answers a trivial query within the timeout; rejects otherwise. */
  ping(timeoutMs?: number): Promise<void>;
  /** Closes the pool or the embedded instance and releases the data directory lock. */
  close(): Promise<void>;
}

const INT8 = 20;
const DATE = 1082;

function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} exceeds the safe integer range`);
  return n;
}

/**
 * Both engines return the same JavaScript types: int8 as number (counts, ids), numeric as string,
 * date as 'YYYY-MM-DD' (never a Date at local midnight), timestamptz as Date, jsonb parsed.
 */
const pgliteParsers = {
  [pgliteTypes.INT8]: parseInt8,
  [pgliteTypes.DATE]: (v: string) => v,
};

const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return parseInt8;
    if (oid === DATE) return (v: string) => v;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** The folder inside DATA_DIR holding PGlite's PostgreSQL files. */
export function pgliteDir(dataDir: string): string {
  return join(dataDir, 'pgdata');
}

export interface CreateDbOptions {
  logger?: Logger;
  /** Who holds the embedded database, written into the lock file ("server", "migrate", …). */
  holder?: string;
}

/**
 * Opens the database the configuration names: PostgreSQL through `pg` when DATABASE_URL is set,
 * otherwise PGlite under DATA_DIR, guarded by a lock file so that no second process opens it.
 */
export async function createDb(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  options: CreateDbOptions = {},
): Promise<DbHandle> {
  if (config.databaseUrl) return createPostgresDb(config.databaseUrl, options.logger);
  mkdirSync(config.dataDir, { recursive: true });
  const lock = acquireDataDirLock(config.dataDir, options.holder ?? 'server');
  try {
    const pglite = await PGlite.create(pgliteDir(config.dataDir), { parsers: pgliteParsers });
    return wrapPglite(pglite, lock);
  } catch (e) {
    lock.release();
    throw e;
  }
}

export function createPostgresDb(connectionString: string, logger?: Logger): DbHandle {
  const pool = new pg.Pool({
    connectionString,
    types: pgTypes,
    max: 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its server (restart, network) must not crash the process.
  pool.on('error', (err) => logger?.warn('postgres pool client error', { err }));
  // Nor may a client in use: when its connection drops mid-query (a terminated backend, a failover),
  // pg rejects the query and then emits 'error' on the Client itself, where the pool listens only
  // while the client is idle. Unheard, that event ends the process. Heard here, the request in
  // flight fails with a connection error (503, see the HTTP kit's error handler), the pool drops
  // the dead client when it is released, and the next request gets a fresh connection.
  pool.on('connect', (client) => {
    client.on('error', (err) => logger?.warn('postgres connection lost', { err }));
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return handle(db, 'postgres', async () => { await db.destroy(); });
}

/** Wraps an open PGlite instance (tests load one from a dump); closing it releases the lock. */
export function wrapPglite(pglite: PGlite, lock?: DataDirLock): DbHandle {
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return handle(db, 'pglite', async () => {
    try {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    } finally {
      lock?.release();
    }
  });
}

/** An in-memory PGlite, from a dumped data directory if given; `extensions` for tests that read pages (pageinspect). */
export async function createMemoryPglite(loadDataDir?: Blob, extensions?: Extensions): Promise<PGlite> {
  return PGlite.create({ parsers: pgliteParsers, ...(loadDataDir ? { loadDataDir } : {}), ...(extensions ? { extensions } : {}) });
}

function handle(db: Db, engine: Engine, close: () => Promise<void>): DbHandle {
  let closed: Promise<void> | undefined;
  return {
    db,
    engine,
    async ping(timeoutMs = 2_000) {
      await sql`select 1`.execute(db, { signal: AbortSignal.timeout(timeoutMs) });
    },
    close: () => (closed ??= close()),
  };
}
