import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/platform/time.ts';
import { loadConfig } from '../src/config.ts';
import { createDb, type Db, type DbHandle } from '../src/platform/db/index.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { testEngines } from './support/databases.ts';
import { runTs } from './support/server-process.ts';

/** Appends an entry whose hash does not cover its content: what tampering by INSERT looks like (UPDATE is refused). */
async function forgeEntry(db: Db): Promise<number> {
  const head = await db.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  const { rows: [row] } = await sql<{ id: number }>`
    insert into audit_log (at, actor_user_id, actor_name, action, subject, details, prev_hash, hash)
    values (now(), null, 'mallory', 'election.publish', 'election:1', '{}'::jsonb, ${head.hash}, ${'sha256:' + 'f'.repeat(64)})
    returning id`.execute(db);
  return row!.id;
}

const entries = async (db: Db) => (await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

// Child processes (tsx start-up, a fresh PGlite, the full demo) are slow on a loaded 2-core machine.
describe('npm run verify:audit on the embedded database', { timeout: 150_000 }, () => {
  let dataDir: string;
  beforeAll(() => { dataDir = mkdtempSync(join(tmpdir(), 'minsheng-audit-')); });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = () => ({ DATA_DIR: dataDir, DATABASE_URL: undefined });

  it('passes on the demo database, printing the entries and the head hash', async () => {
    const reset = await runTs('scripts/demo-reset.ts', env(), [], 120_000);
    expect(reset.code, reset.stderr).toBe(0);
    const r = await runTs('scripts/verify-audit.ts', env());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^audit chain OK: \d+ entries, head sha256:[0-9a-f]{64}\n$/);
  });

  it('fails with the forged entry\'s id and the kind of break', async () => {
    const database = await createDb({ dataDir, databaseUrl: undefined }, { holder: 'test' });
    let id: number;
    try {
      id = await forgeEntry(database.db);
    } finally {
      await database.close();
    }
    const r = await runTs('scripts/verify-audit.ts', env());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the audit chain is BROKEN at entry ${id} (hash-mismatch)`);
    expect(r.stdout).toBe('');
  });
});

describe.each(testEngines().filter((e) => e.name === 'postgres'))('npm run verify:audit on $name', { timeout: 150_000 }, (engine) => {
  let database: DbHandle & { url: string };
  beforeAll(async () => {
    database = await engine.open() as DbHandle & { url: string };
    // The whole demo, its published 2023 vote included, as a server with DEMO=1 on PostgreSQL seeds it.
    await seedDemo(database.db, fixedClock('2024-01-10T00:00:00Z'), { signing: loadConfig({ DATABASE_URL: database.url, DEMO: '1' }) });
  });
  afterAll(async () => { await database.close(); });

  it('passes on the demo database alongside a running app, then fails after a forged entry', async () => {
    const ok = await runTs('scripts/verify-audit.ts', { DATABASE_URL: database.url });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`audit chain OK: ${await entries(database.db)} entries, head sha256:`);
    const id = await forgeEntry(database.db);
    const bad = await runTs('scripts/verify-audit.ts', { DATABASE_URL: database.url });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`BROKEN at entry ${id} (hash-mismatch)`);
  });
});
