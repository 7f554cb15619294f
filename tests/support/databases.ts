import { openAsBlob } from 'node:fs';
import { inject } from 'vitest';
import { createMemoryPglite, type DbHandle, type Engine, wrapPglite } from '../../src/platform/db/index.ts';
import { openPostgresClone } from './postgres.ts';

export interface TestEngine {
  name: Engine;
  /** A migrated, empty database of its own. */
  open(): Promise<DbHandle>;
  /**
   * A database of its own holding the demo without its 2023 vote, exactly as
   * `seedDemo(db, fixedClock(DEMO_SEED_CLOCK), { history: false, selection2024: 'plaintext' })` leaves it (see demo-snapshot.ts):
   * seeded once per run and copied, for the tests whose assertions are about the demo's data.
   */
  openDemo(): Promise<DbHandle>;
}

/** A PGlite instance of its own, loaded from a dumped data directory (read from the file as needed). */
async function loadPglite(dumpPath: string): Promise<DbHandle> {
  return wrapPglite(await createMemoryPglite(await openAsBlob(dumpPath)));
}

/**
 * The engines every database test runs on: PGlite always, PostgreSQL too when TEST_DATABASE_URL is
 * set (as in CI). Use with `describe.each(testEngines())('$name', …)`.
 */
export function testEngines(): TestEngine[] {
  const engines: TestEngine[] = [{
    name: 'pglite',
    open: () => loadPglite(inject('pgliteDump')),
    openDemo: () => loadPglite(inject('pgliteDemoDump')),
  }];
  const url = process.env.TEST_DATABASE_URL;
  const template = inject('pgTemplate');
  const demoTemplate = inject('pgDemoTemplate');
  if (url && template && demoTemplate) {
    const runPid = Number(/_(\d+)$/.exec(template)![1]);
    engines.push({
      name: 'postgres',
      open: () => openPostgresClone(url, template, runPid),
      openDemo: () => openPostgresClone(url, demoTemplate, runPid),
    });
  }
  return engines;
}

/** An empty (unmigrated) PostgreSQL database, when TEST_DATABASE_URL is set. */
export function emptyPostgres(): (() => ReturnType<typeof openPostgresClone>) | undefined {
  const url = process.env.TEST_DATABASE_URL;
  const template = inject('pgTemplate');
  if (!url || !template) return undefined;
  const runPid = Number(/_(\d+)$/.exec(template)![1]);
  return () => openPostgresClone(url, null, runPid);
}
