import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { createMemoryPglite, type DbHandle, type Engine, wrapPglite } from '../../src/platform/db/index.ts';
import { openPostgresClone } from './postgres.ts';

export interface TestEngine {
  name: Engine;
  /** A migrated, empty database of its own. */
  open(): Promise<DbHandle>;
}

/**
 * The engines every database test runs on: PGlite always, PostgreSQL too when TEST_DATABASE_URL is
 * set (as in CI). Use with `describe.each(testEngines())('$name', …)`.
 */
export function testEngines(): TestEngine[] {
  const engines: TestEngine[] = [{
    name: 'pglite',
    async open() {
      const dump = readFileSync(inject('pgliteDump'));
      return wrapPglite(await createMemoryPglite(new Blob([dump])));
    },
  }];
  const url = process.env.TEST_DATABASE_URL;
  const template = inject('pgTemplate');
  if (url && template) {
    const runPid = Number(/_(\d+)$/.exec(template)![1]);
    engines.push({ name: 'postgres', open: () => openPostgresClone(url, template, runPid) });
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
