import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pgliteDir } from '../src/platform/db/index.ts';
import { lockPath } from '../src/platform/db/lock.ts';
import { runTs } from './support/server-process.ts';

// Child processes (tsx start-up, a fresh PGlite) are slow on a loaded 2-core machine.
describe('start-up and CLIs', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'minsheng-cli-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [{ PORT: 'abc' }, 'minsheng: configuration error: PORT must be a whole number (got "abc")'],
    [{ LOG_LEVEL: 'loud' }, 'minsheng: configuration error: LOG_LEVEL must be one of debug, info, warn, error, silent (got "loud")'],
    [{ DATABASE_URL: 'mysql://localhost/x' }, 'minsheng: configuration error: DATABASE_URL must be a postgres:// or postgresql:// URL (got "mysql://localhost/x")'],
  ])('the server refuses %o with exactly one line and exit code 1', async (env, line) => {
    const r = await runTs('src/server.ts', { DATA_DIR: dir, ...env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(line + '\n');
    expect(r.stdout).toBe('');
  });

  it('migrate applies migrations to an embedded database and then finds it up to date', async () => {
    const data = join(dir, 'fresh');
    const first = await runTs('scripts/migrate.ts', { DATA_DIR: data, DATABASE_URL: undefined });
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/^applied 2026_11_25_000000_create_foundation$/m);
    const second = await runTs('scripts/migrate.ts', { DATA_DIR: data, DATABASE_URL: undefined });
    expect(second.stdout.trim()).toBe('database is up to date');
  });

  it('CLIs refuse to open an embedded database that a running process holds', async () => {
    const data = join(dir, 'held');
    // A migrated embedded database: the run's migrated PGlite data directory (global-setup.ts),
    // unpacked where the CLIs look for it (what `npm run migrate` would leave, without a child's initdb).
    mkdirSync(data);
    await (await PGlite.create(pgliteDir(data), { loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]) })).close();
    writeFileSync(lockPath(data), JSON.stringify({ pid: process.pid, host: hostname(), holder: 'server', since: new Date().toISOString() }));
    for (const script of ['scripts/migrate.ts', 'scripts/demo-reset.ts', 'src/server.ts']) {
      const r = await runTs(script, { DATA_DIR: data, DATABASE_URL: undefined, PORT: '3999' });
      expect(r.code, script).toBe(1);
      expect(r.stderr, script).toMatch(/^minsheng: The embedded database in .* is in use by server \(pid \d+/);
      expect(r.stderr.trim().split('\n'), script).toHaveLength(1);
    }
    rmSync(lockPath(data));
  });

  it.runIf(process.env.TEST_DATABASE_URL)('demo:reset refuses to erase PostgreSQL without DEMO=1', async () => {
    const r = await runTs('scripts/demo-reset.ts', { DATABASE_URL: process.env.TEST_DATABASE_URL, DEMO: undefined });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refusing to erase a PostgreSQL database without DEMO=1');
  });
});
