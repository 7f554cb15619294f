import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { TestProject } from 'vitest/node';
import { createMemoryPglite, createPostgresDb, wrapPglite } from '../../src/platform/db/index.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { seedTestDemo } from './demo-snapshot.ts';
import { adminUrl, DEMO_TEMPLATE_SUFFIX, dropTestDatabases, TEMPLATE_PREFIX, withDatabase } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite data directory (tar) that each test file loads. */
    pgliteDump: string;
    /** The same with the demo seeded (see demo-snapshot.ts), for `TestEngine.openDemo`. */
    pgliteDemoDump: string;
    /** A migrated PostgreSQL template database, when TEST_DATABASE_URL is set. */
    pgTemplate: string | null;
    /** The same with the demo seeded, when TEST_DATABASE_URL is set. */
    pgDemoTemplate: string | null;
  }
}

/** The migrated PGlite database and the demo over it, each dumped to a tar file in `dir`. */
async function pgliteDumps(dir: string): Promise<{ migrated: string; demo: string }> {
  const pglite = await createMemoryPglite();
  const handle = wrapPglite(pglite);
  try {
    await migrateToLatest(handle.db);
    const migrated = join(dir, 'migrated.tar');
    writeFileSync(migrated, new Uint8Array(await (await pglite.dumpDataDir('none')).arrayBuffer()));
    await seedTestDemo(handle.db);
    const demo = join(dir, 'demo.tar');
    writeFileSync(demo, new Uint8Array(await (await pglite.dumpDataDir('none')).arrayBuffer()));
    return { migrated, demo };
  } finally {
    await handle.close();
  }
}

/** The migrated template database and a demo template cloned from it. */
async function postgresTemplates(url: string): Promise<{ migrated: string; demo: string }> {
  const migrated = `${TEMPLATE_PREFIX}${process.pid}`;
  const demo = `${migrated}${DEMO_TEMPLATE_SUFFIX}`;
  const admin = createPostgresDb(adminUrl(url));
  try {
    try {
      await admin.ping(5_000);
    } catch (e) {
      throw new Error(`TEST_DATABASE_URL is set but PostgreSQL cannot be reached: ${(e as Error).message}`);
    }
    await dropTestDatabases(admin); // leftovers of runs that were killed
    await sql`create database ${sql.id(migrated)}`.execute(admin.db);
    const tdb = createPostgresDb(withDatabase(url, migrated));
    try {
      await migrateToLatest(tdb.db);
    } finally {
      await tdb.close();
    }
    await sql`create database ${sql.id(demo)} template ${sql.id(migrated)}`.execute(admin.db);
    const ddb = createPostgresDb(withDatabase(url, demo));
    try {
      await seedTestDemo(ddb.db);
    } finally {
      await ddb.close();
    }
    return { migrated, demo };
  } finally {
    await admin.close();
  }
}

/**
 * Migrates once per run: a PGlite dump that each file loads in ~0.3 s, and, when TEST_DATABASE_URL
 * is set, a template database each file clones; and the same again with the demo seeded. The two
 * engines are prepared side by side. An unreachable PostgreSQL fails the run, never skips it.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-test-'));
  const url = process.env.TEST_DATABASE_URL;
  const teardown = async () => {
    rmSync(dir, { recursive: true, force: true });
    if (url) {
      const admin = createPostgresDb(adminUrl(url));
      try {
        await dropTestDatabases(admin, process.pid);
      } finally {
        await admin.close();
      }
    }
  };
  try {
    const [dumps, templates] = await Promise.all([pgliteDumps(dir), url ? postgresTemplates(url) : null]);
    project.provide('pgliteDump', dumps.migrated);
    project.provide('pgliteDemoDump', dumps.demo);
    project.provide('pgTemplate', templates?.migrated ?? null);
    project.provide('pgDemoTemplate', templates?.demo ?? null);
  } catch (e) {
    await teardown().catch(() => {}); // the error that matters is e (e.g. PostgreSQL unreachable)
    throw e;
  }
  return teardown;
}
