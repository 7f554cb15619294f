import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { checkChain, GENESIS_HASH, hashAuditEntry, type ChainLink } from '../src/audit/chain.ts';
import { auditAnchor, checkpointIfGrown } from '../src/audit/checkpoint-store.ts';
import { readAuditChain } from '../src/audit/store.ts';
import { closeElection, openElection } from '../src/elections/store.ts';
import { recordAttendance } from '../src/meetings/store.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { createShutdown } from '../src/platform/http/shutdown.ts';
import { createLogger } from '../src/platform/log.ts';
import { fixedClock } from '../src/platform/time.ts';
import { loadConfig } from '../src/config.ts';
import { createDb, type Db, type DbHandle } from '../src/platform/db/index.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture } from './support/fixtures.ts';
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
    expect(r.stdout).toMatch(/^audit chain OK: \d+ entries, head sha256:[0-9a-f]{64}\n/);
    // The demo is seeded without a server running, so nothing has signed a checkpoint yet.
    expect(r.stdout).toContain('no checkpoints in the checkpoints stored in the database: only the chain itself was checked');
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

/** The chain as stored, in id order. */
async function storedChain(db: Db): Promise<ChainLink[]> {
  const links: ChainLink[] = [];
  for await (const l of readAuditChain(db)) links.push(l);
  return links;
}

/**
 * What an owner of the database can do (PGlite has one superuser): switch the guard off, delete
 * entries, recompute every later entry's prev_hash and hash with the real hash function, and
 * switch the guard on again. The chain is then intact by its own check.
 */
async function deleteAndRecompute(db: Db, ids: readonly number[]): Promise<void> {
  await sql`alter table audit_log disable trigger audit_log_append_only`.execute(db);
  await db.deleteFrom('audit_log').where('id', 'in', [...ids]).execute();
  let prev = GENESIS_HASH;
  for (const link of await storedChain(db)) {
    const hash = hashAuditEntry({ ...link, prevHash: prev });
    if (link.prevHash !== prev || link.hash !== hash) await db.updateTable('audit_log').set({ prev_hash: prev, hash }).where('id', '=', link.id).execute();
    prev = hash;
  }
  await sql`alter table audit_log enable trigger audit_log_append_only`.execute(db);
}

describe('npm run verify:audit against audit checkpoints', { timeout: 150_000 }, () => {
  let dataDir: string;
  let copy: string;
  let server: Server | undefined;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'minsheng-checkpoints-'));
    copy = join(dataDir, 'kept-by-a-journalist.json');
  });
  afterAll(async () => {
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    rmSync(dataDir, { recursive: true, force: true });
  });
  const env = () => ({ DATA_DIR: dataDir, DATABASE_URL: undefined, SIGNING_KEY_SECRET: undefined, SIGNING_KEY_FILE: undefined });
  const clock = fixedClock('2024-01-16T01:00:00Z');
  // The installation's own configuration: the embedded engine, its signing secret in DATA_DIR.
  const config = () => loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'http://localhost:3000', DEMO: '0' });
  async function withDatabase<T>(run: (db: Db) => Promise<T>): Promise<T> {
    const database = await createDb(config(), { holder: 'test' });
    try {
      return await run(database.db);
    } finally {
      await database.close();
    }
  }

  it('passes on an untouched log, against the stored checkpoints and against a copy kept outside', async () => {
    await withDatabase(async (db) => {
      await migrateToLatest(db);
      const anchor = auditAnchor(config());
      const f = await buildFixture({ db } as DbHandle, clock, { deputies: 3, candidates: 2, election: { marking: 'approval', seats: 1 } });
      const acting = { ...f.acting, auditAnchor: anchor };
      await openElection(db, acting, f.electionId!);
      clock.advance(60_000);
      await recordAttendance(db, f.acting, f.meetingId, [f.deputies[2]!.id], false);
      await closeElection(db, acting, f.electionId!);
      // An outsider fetches the published checkpoints and keeps the file.
      const res = await createApp({ database: { db } as DbHandle, config: config(), clock, logger: createLogger('silent'), shutdown: createShutdown() }).request('/audit/checkpoints.json');
      writeFileSync(copy, await res.text());
      clock.advance(60_000);
      await recordAttendance(db, f.acting, f.meetingId, [f.deputies[2]!.id], true);
    });
    const kept = JSON.parse(readFileSync(copy, 'utf8')) as { checkpoints: { seq: number }[] };
    expect(kept.checkpoints.map((c) => c.seq)).toEqual([1, 2]);

    const stored = await runTs('scripts/verify-audit.ts', env());
    expect(stored.stderr).toBe('');
    expect(stored.code).toBe(0);
    expect(stored.stdout).toMatch(/^audit chain OK: \d+ entries, head sha256:[0-9a-f]{64}\ncheckpoints OK: 2 of the checkpoints stored in the database agree \(newest #2, [^)]+\), signed by key [0-9a-f]{64}\n1 entry after the newest checkpoint: not covered by any checkpoint yet\nnote: whoever controls the database and the signing key can rewrite the stored checkpoints too; a copy of \/audit\/checkpoints.json kept outside \(--checkpoints\) is stronger\n/);
    const outside = await runTs('scripts/verify-audit.ts', env(), ['--checkpoints', copy]);
    expect(outside.code, outside.stderr).toBe(0);
    expect(outside.stdout).toContain(`checkpoints OK: 2 of ${copy} agree`);
    expect(outside.stdout).not.toContain('note: whoever controls');
  });

  it('detects two entries deleted and the hashes recomputed, naming the checkpoint that disagrees; the chain alone passes', async () => {
    const removed = await withDatabase(async (db) => {
      const links = await storedChain(db);
      const ids = [links[1]!.id, links[2]!.id];
      await deleteAndRecompute(db, ids);
      expect(checkChain(await storedChain(db))).toBeUndefined();
      return ids;
    });
    expect(removed).toHaveLength(2);

    // The stored checkpoints, left alone, already disagree.
    const againstStored = await runTs('scripts/verify-audit.ts', env());
    expect(againstStored.code).toBe(1);
    expect(againstStored.stderr).toMatch(/the audit chain DISAGREES with checkpoint #1 of the checkpoints stored in the database \(head-mismatch\): entry \d+ had hash sha256:[0-9a-f]{64} when signed, but has sha256:[0-9a-f]{64} now/);

    // The owner holds the key too: the stored checkpoints are deleted and the rewritten chain signed afresh.
    await withDatabase(async (db) => {
      await sql`alter table audit_checkpoints disable trigger audit_checkpoints_append_only`.execute(db);
      await db.deleteFrom('audit_checkpoints').execute();
      await sql`alter table audit_checkpoints enable trigger audit_checkpoints_append_only`.execute(db);
      expect(await checkpointIfGrown(db, clock, auditAnchor(config()))).toMatchObject({ seq: 1 });
    });
    // Without an outside copy nothing shows: this is what the test would see without checkpoints kept outside.
    const fooled = await runTs('scripts/verify-audit.ts', env());
    expect(fooled.stderr).toBe('');
    expect(fooled.code).toBe(0);
    expect(fooled.stdout).toContain('checkpoints OK: 1 of the checkpoints stored in the database agree');

    const caught = await runTs('scripts/verify-audit.ts', env(), ['--checkpoints', copy]);
    expect(caught.code).toBe(1);
    expect(caught.stdout).toBe('');
    expect(caught.stderr).toMatch(new RegExp(`the audit chain DISAGREES with checkpoint #1 of ${copy} \\(head-mismatch\\)`));
    expect(caught.stderr).toMatch(new RegExp(`the audit chain DISAGREES with checkpoint #2 of ${copy} \\(head-mismatch\\)`));
    expect(caught.stderr).toContain('2 of 2 checkpoint(s) disagree');

    // The same copy served over HTTP, as `--checkpoints https://…/audit/checkpoints.json` reads it.
    server = createServer((req, res) => {
      res.writeHead(req.url === '/audit/checkpoints.json' ? 200 : 404, { 'Content-Type': 'application/json' }).end(readFileSync(copy));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/audit/checkpoints.json`;
    const overHttp = await runTs('scripts/verify-audit.ts', env(), ['--checkpoints', url]);
    expect(overHttp.code).toBe(1);
    expect(overHttp.stderr).toContain(`DISAGREES with checkpoint #1 of ${url} (head-mismatch)`);
  });

  it('refuses an unreadable copy and a wrong command line with exit code 2', async () => {
    const missing = await runTs('scripts/verify-audit.ts', env(), ['--checkpoints', join(dataDir, 'missing.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const notList = join(dataDir, 'not-a-list.json');
    writeFileSync(notList, '{"hello":1}');
    const wrong = await runTs('scripts/verify-audit.ts', env(), ['--checkpoints', notList]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('not a list of audit checkpoints');
    const flag = await runTs('scripts/verify-audit.ts', env(), ['--bogus']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('usage: npm run verify:audit');
  });
});
