import { sql } from 'kysely';
import { createPostgresDb, type DbHandle } from '../../src/platform/db/index.ts';
import { isProcessAlive } from '../../src/platform/db/lock.ts';

/** Test databases are named minsheng_t<kind>_<pid>_…, so a later run can drop a dead run's leftovers. */
export const TEMPLATE_PREFIX = 'minsheng_ttpl_';
/** The demo template is the migrated template's name plus this: minsheng_ttpl_<pid>_demo. */
export const DEMO_TEMPLATE_SUFFIX = '_demo';
const FILE_PREFIX = 'minsheng_tf_';

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The same server's `postgres` database, for CREATE and DROP DATABASE. */
export function adminUrl(url: string): string {
  return withDatabase(url, 'postgres');
}

/** Drops test databases whose creating process is gone (killed runs), or all of one pid's. */
export async function dropTestDatabases(admin: DbHandle, onlyPid?: number): Promise<void> {
  const rows = await sql<{ datname: string }>`select datname from pg_database where datname like 'minsheng\_t%'`.execute(admin.db);
  for (const { datname } of rows.rows) {
    const pid = Number(/_(\d+)(_|$)/.exec(datname)?.[1]);
    if (onlyPid !== undefined ? pid === onlyPid : !isProcessAlive(pid)) {
      await sql`drop database if exists ${sql.id(datname)} with (force)`.execute(admin.db);
    }
  }
}

/**
 * A fresh database for one test file, cloned from the migrated template (or empty when template is
 * null); dropped on close. Returns its URL too, for tests that open more connections to it.
 */
export async function openPostgresClone(url: string, template: string | null, pid: number): Promise<DbHandle & { url: string }> {
  const name = `${FILE_PREFIX}${pid}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = createPostgresDb(adminUrl(url));
  try {
    await (template ? sql`create database ${sql.id(name)} template ${sql.id(template)}` : sql`create database ${sql.id(name)}`).execute(admin.db);
  } finally {
    await admin.close();
  }
  const handle = createPostgresDb(withDatabase(url, name));
  return {
    ...handle,
    url: withDatabase(url, name),
    async close() {
      await handle.close();
      const a = createPostgresDb(adminUrl(url));
      try {
        await sql`drop database if exists ${sql.id(name)} with (force)`.execute(a.db);
      } finally {
        await a.close();
      }
    },
  };
}
