import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { TestProject } from 'vitest/node';
import { createMemoryPglite, createPostgresDb, wrapPglite } from '../../src/platform/db/index.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { adminUrl, dropTestDatabases, TEMPLATE_PREFIX, withDatabase } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite data directory (tar) that each test file loads. */
    pgliteDump: string;
    /** A migrated PostgreSQL template database, when TEST_DATABASE_URL is set. */
    pgTemplate: string | null;
  }
}

/**
 * Migrates once per run: a PGlite dump that each file loads in ~0.3 s, and, when TEST_DATABASE_URL
 * is set, a template database each file clones. An unreachable PostgreSQL fails the run, never
 * skips it.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-test-'));
  const pglite = await createMemoryPglite();
  const handle = wrapPglite(pglite);
  await migrateToLatest(handle.db);
  const dump = await pglite.dumpDataDir('none');
  const dumpPath = join(dir, 'migrated.tar');
  writeFileSync(dumpPath, new Uint8Array(await dump.arrayBuffer()));
  await handle.close();
  project.provide('pgliteDump', dumpPath);

  let template: string | null = null;
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    template = `${TEMPLATE_PREFIX}${process.pid}`;
    const admin = createPostgresDb(adminUrl(url));
    try {
      await admin.ping(5_000);
    } catch (e) {
      await admin.close();
      throw new Error(`TEST_DATABASE_URL is set but PostgreSQL cannot be reached: ${(e as Error).message}`);
    }
    await dropTestDatabases(admin); // leftovers of runs that were killed
    await sql`create database ${sql.id(template)}`.execute(admin.db);
    const tdb = createPostgresDb(withDatabase(url, template));
    await migrateToLatest(tdb.db);
    await tdb.close();
    await admin.close();
  }
  project.provide('pgTemplate', template);

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (url && template) {
      const admin = createPostgresDb(adminUrl(url));
      await dropTestDatabases(admin, process.pid);
      await admin.close();
    }
  };
}
