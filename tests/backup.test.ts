import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkChain, type ChainLink } from '../src/audit/chain.ts';
import { auditAnchor, checkpointIfGrown } from '../src/audit/checkpoint-store.ts';
import { readAuditChain } from '../src/audit/store.ts';
import { loadConfig } from '../src/config.ts';
import { publishedRecordJson } from '../src/counting/store.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { verifyRecord } from '../src/domain/record/verify.ts';
import { createDb, type Db, type DbHandle } from '../src/platform/db/index.ts';
import { lockPath } from '../src/platform/db/lock.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { fixedClock } from '../src/platform/time.ts';
import { emptyPostgres, testEngines } from './support/databases.ts';
import { runTs } from './support/server-process.ts';

/**
 * The restore drill: a demo database (its 2023 vote published and signed) is backed up with
 * `npm run backup`, restored elsewhere with `npm run restore`, and the copy must be the same
 * database: every table's row count, the audit chain up to the same head, every published record
 * byte for byte (so the same digest), each of which still verifies.
 */
interface Snapshot {
  counts: Record<string, number>;
  audit: { entries: number; head: string | undefined; broken: boolean };
  records: { electionId: number; json: string; digest: string | undefined; ok: boolean }[];
}

async function snapshot(db: Db): Promise<Snapshot> {
  // Each vote's partitions of the box and the roll are counted in their tables, as the tools count them.
  const { rows: tables } = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition order by c.relname`.execute(db);
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    counts[name] = Number((await sql<{ n: number | string }>`select count(*) as n from ${sql.table(name)}`.execute(db)).rows[0]!.n);
  }
  const links: ChainLink[] = [];
  for await (const link of readAuditChain(db)) links.push(link);
  const published = await db.selectFrom('election_records').select('election_id').where('published_at', 'is not', null).orderBy('election_id').execute();
  const records: Snapshot['records'] = [];
  for (const { election_id: electionId } of published) {
    const json = (await publishedRecordJson(db, electionId))!;
    const v = verifyRecord(JSON.parse(json));
    records.push({ electionId, json, digest: v.digest, ok: v.ok });
  }
  return { counts, audit: { entries: links.length, head: links.at(-1)?.hash, broken: checkChain(links) !== undefined }, records };
}

async function snapshotOf(open: () => Promise<DbHandle>): Promise<Snapshot> {
  const database = await open();
  try {
    return await snapshot(database.db);
  } finally {
    await database.close();
  }
}

/** The restored database is the original: same tables and counts, same audit head, same records, all verifying. */
function expectSameDatabase(restored: Snapshot, original: Snapshot) {
  expect(original.records.length).toBeGreaterThanOrEqual(1); // the demo's 2023 vote
  expect(original.records.every((r) => r.ok && r.digest?.startsWith('sha256:'))).toBe(true);
  expect(original.audit.broken).toBe(false);
  expect(restored.counts).toEqual(original.counts);
  expect(restored.audit).toEqual(original.audit);
  expect(restored.records.map((r) => [r.electionId, r.digest, r.ok])).toEqual(original.records.map((r) => [r.electionId, r.digest, true]));
  expect(restored.records.map((r) => r.json)).toEqual(original.records.map((r) => r.json));
}

function expectRestoreReport(stdout: string, original: Snapshot) {
  expect(stdout).toContain(`audit chain OK: ${original.audit.entries} entries, head ${original.audit.head}\n`);
  expect(stdout).toContain('audit checkpoints OK: 1 agree with the chain\n');
  expect(stdout).toContain(`published records OK: ${original.records.length} of ${original.records.length} verify`);
  expect(stdout).toMatch(/^signing key: opens with this configuration \(fingerprint [0-9a-f]{64}, /m);
}

const lines = (s: string) => s.trim().split('\n');

/** Appends an audit entry whose hash does not cover its content, as tampering by INSERT would (see verify-audit.test.ts). */
async function forgeAuditEntry(db: Db): Promise<number> {
  const head = await db.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  const { rows: [row] } = await sql<{ id: number }>`
    insert into audit_log (at, actor_user_id, actor_name, action, subject, details, prev_hash, hash)
    values (now(), null, 'mallory', 'election.publish', 'election:1', '{}'::jsonb, ${head.hash}, ${'sha256:' + 'f'.repeat(64)})
    returning id`.execute(db);
  return Number(row!.id);
}

/** A restore whose checks fail says where and exits 1 (the data is in place, to be looked at). */
function expectBrokenChainReport(r: { code: number | null; stdout: string; stderr: string }, id: number) {
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`minsheng: the audit chain is BROKEN at entry ${id} (hash-mismatch)`);
  expect(r.stderr).toMatch(/minsheng: the restored database does not check out \(see above\)\n$/);
  // The demo publishes its 2023 vote and its 2024 测评.
  expect(r.stdout).toContain('published records OK: 2 of 2 verify');
}

// Child processes (a server seeding the demo, tsx start-up, PGlite) are slow on a loaded 2-core machine.
describe('backup and restore of the embedded database', { timeout: 120_000 }, () => {
  let dir: string;
  let source: string;
  let target: string;
  let file: string;
  let original: Snapshot;
  const env = (dataDir: string) => ({ DATA_DIR: dataDir, DATABASE_URL: undefined, SIGNING_KEY_SECRET: undefined, SIGNING_KEY_FILE: undefined });
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'minsheng-backup-'));
    source = join(dir, 'source');
    target = join(dir, 'target');
    file = join(dir, 'minsheng.backup');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Seeds the whole demo (its encrypted 测评 included) before the backup's child process runs.
  it('refuses to back up while a server holds the data directory', { timeout: 240_000 }, async () => {
    // Opened as the server opens it (holding DATA_DIR's lock as "server"), and seeded as a demo
    // server seeds it: the 2023 vote published with a key whose secret is made in DATA_DIR.
    const held = await createDb({ dataDir: source, databaseUrl: undefined }, { holder: 'server' });
    try {
      await migrateToLatest(held.db);
      expect(await seedDemo(held.db, fixedClock('2024-01-10T00:00:00Z'), { signing: loadConfig({ ...env(source), DEMO: '1' }) })).toBe(true);
      // …and signs an audit checkpoint, as a server does at start.
      expect(await checkpointIfGrown(held.db, fixedClock('2024-01-10T00:00:00Z'), auditAnchor(loadConfig({ ...env(source), DEMO: '1' })))).toMatchObject({ seq: 1 });
      const r = await runTs('scripts/backup.ts', env(source), [file]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^minsheng: The embedded database in .* is in use by server \\(pid ${process.pid}`));
      expect(lines(r.stderr)).toHaveLength(1);
      expect(existsSync(file)).toBe(false);
    } finally {
      await held.close();
    }
    original = await snapshotOf(() => createDb({ dataDir: source, databaseUrl: undefined }, { holder: 'test' }));
  });

  it('backs up the stopped data directory with its signing secret, and will not overwrite the file', async () => {
    const r = await runTs('scripts/backup.ts', env(source), [file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^backup written: .*minsheng\.backup \([\d.]+ MiB, embedded database from .*, with signing-secret: keep this file as safe as the signing key\)\n/);
    expect(r.stdout).toContain(`${original.records.length} published record`);
    expect(r.stdout).toContain(`audit log ${original.audit.entries} entries, head ${original.audit.head}\n`);
    expect(statSync(file).mode & 0o077).toBe(0);
    const again = await runTs('scripts/backup.ts', env(source), [file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`minsheng: ${file} exists; add --force to overwrite it\n`);
    const usage = await runTs('scripts/backup.ts', env(source), []);
    expect(usage.code).toBe(2);
  });

  it('refuses to restore into a data directory that a running process holds', async () => {
    mkdirSync(target);
    writeFileSync(lockPath(target), JSON.stringify({ pid: process.pid, host: hostname(), holder: 'server', since: new Date().toISOString() }));
    try {
      const r = await runTs('scripts/restore.ts', env(target), [file]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^minsheng: The embedded database in .* is in use by server \(pid \d+/);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(readdirSync(target)).toEqual(['minsheng.lock']);
    } finally {
      rmSync(lockPath(target));
    }
  });

  it('restores into a fresh data directory: the same database, the same signing secret, every check passing', async () => {
    const r = await runTs('scripts/restore.ts', env(target), [file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^restoring .* into .*target\/pgdata\n/);
    expectRestoreReport(r.stdout, original);
    expect(r.stdout).toMatch(/fingerprint [0-9a-f]{64}, data-dir\)/);
    expect(readFileSync(join(target, 'signing-secret'), 'utf8')).toBe(readFileSync(join(source, 'signing-secret'), 'utf8'));
    expect(statSync(join(target, 'signing-secret')).mode & 0o077).toBe(0);
    expectSameDatabase(await snapshotOf(() => createDb({ dataDir: target, databaseUrl: undefined }, { holder: 'test' })), original);
  });

  it('carries no trace of the casts: the ballot box compacted, the WAL that wrote the casts left behind', async () => {
    const database = await createDb({ dataDir: target, databaseUrl: undefined }, { holder: 'test' });
    let trackers: string[];
    try {
      trackers = (await database.db.selectFrom('sealed_ballots').select('tracker').execute()).map((r) => r.tracker);
      const { rows: [box] } = await sql<{ bytes: number | string }>`select pg_relation_size('ballots') as bytes`.execute(database.db);
      expect(Number(box!.bytes)).toBe(0);
    } finally {
      await database.close();
    }
    expect(trackers.length).toBeGreaterThan(200);
    const wal = join(target, 'pgdata', 'pg_wal');
    const segments = readdirSync(wal).filter((f) => /^[0-9A-F]{24}$/.test(f));
    expect(segments.length).toBeGreaterThan(0);
    for (const segment of segments) {
      const bytes = readFileSync(join(wal, segment)).toString('latin1');
      expect(trackers.filter((t) => bytes.includes(t)), segment).toEqual([]);
    }
  });

  it('refuses to restore over a data directory that holds data without --force', async () => {
    const r = await runTs('scripts/restore.ts', env(target), [file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^minsheng: .*target\/pgdata already holds a database \(.*\); restoring replaces it: add --force to do so\n$/);
    expect(r.stderr).toContain(`(${Object.keys(original.counts).length} tables, ${Object.values(original.counts).reduce((a, b) => a + b)} rows, ${original.records.length} published record`);
    expect(r.stdout).toBe('');
  });

  it('with --force, replaces it; and fails the restore of a backup whose audit chain was tampered with', async () => {
    const database = await createDb({ dataDir: target, databaseUrl: undefined }, { holder: 'test' });
    let id: number;
    try {
      id = await forgeAuditEntry(database.db);
    } finally {
      await database.close();
    }
    const tampered = join(dir, 'tampered.backup');
    const b = await runTs('scripts/backup.ts', env(target), [tampered]);
    expect(b.code, b.stderr).toBe(0);
    const r = await runTs('scripts/restore.ts', env(target), [tampered, '--force']);
    expect(r.stdout).toMatch(/^restoring .*tampered\.backup .* into .*target\/pgdata, replacing the database there \(/);
    expectBrokenChainReport(r, id);
  });
});

const SECRET = 'backup-test-signing-key-secret-0123456789';
const postgres = testEngines().find((e) => e.name === 'postgres');
const empty = emptyPostgres();

describe.runIf(postgres && empty)('backup and restore on PostgreSQL', { timeout: 120_000 }, () => {
  let sourceDb: DbHandle & { url: string };
  let targetDb: (DbHandle & { url: string }) | undefined;
  let dir: string;
  let file: string;
  let original: Snapshot;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'minsheng-backup-pg-'));
    file = join(dir, 'minsheng.dump');
    // Databases of this file's own (created from the run's migrated template, and empty), dropped on close.
    sourceDb = await postgres!.open() as DbHandle & { url: string };
    targetDb = await empty!();
    // The whole demo, its 2023 vote published and signed, as a server with DEMO=1 and this secret makes it.
    await seedDemo(sourceDb.db, fixedClock('2024-01-10T00:00:00Z'), { signing: loadConfig({ DATABASE_URL: sourceDb.url, DEMO: '1', SIGNING_KEY_SECRET: SECRET }) });
    expect(await checkpointIfGrown(sourceDb.db, fixedClock('2024-01-10T00:00:00Z'), auditAnchor(loadConfig({ DATABASE_URL: sourceDb.url, DEMO: '1', SIGNING_KEY_SECRET: SECRET })))).toMatchObject({ seq: 1 });
    original = await snapshot(sourceDb.db);
  });
  afterAll(async () => {
    await sourceDb?.close();
    await targetDb?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = (url: string) => ({ DATABASE_URL: url, DEMO: '1', SIGNING_KEY_SECRET: SECRET, SIGNING_KEY_FILE: undefined });
  const password = () => new URL(sourceDb.url).password;

  it('backs up with pg_dump, restores into an empty database, and the copy is the same database', async () => {
    const b = await runTs('scripts/backup.ts', env(sourceDb.url), [file]);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/^backup written: .*minsheng\.dump \([\d.]+ [KM]iB, pg_dump custom format of database minsheng_tf_\w+ on [^ ]+:\d+\)\n/);
    expect(b.stdout).toContain(`audit log ${original.audit.entries} entries, head ${original.audit.head}\n`);
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('PGDMP');
    expect(statSync(file).mode & 0o077).toBe(0);

    const r = await runTs('scripts/restore.ts', env(targetDb!.url), [file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^restoring .*minsheng\.dump \(pg_dump custom format, [\d.]+ [KM]iB\) into the database minsheng_tf_\w+ on [^ ]+:\d+\n/);
    expectRestoreReport(r.stdout, original);
    expect(r.stdout).toMatch(/fingerprint [0-9a-f]{64}, env\)/);
    if (password()) expect(b.stdout + b.stderr + r.stdout + r.stderr).not.toContain(password());
    expectSameDatabase(await snapshot(targetDb!.db), original);
  });

  it('refuses to restore into a database that holds data, unless --force', async () => {
    const r = await runTs('scripts/restore.ts', env(targetDb!.url), [file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^minsheng: the database minsheng_tf_\w+ on .* is not empty \(.*\); restoring replaces every table the backup holds: add --force to do so\n$/);
    expect(r.stderr).toContain(`(${Object.keys(original.counts).length} tables, ${Object.values(original.counts).reduce((a, b) => a + b)} rows, ${original.records.length} published record`);
    expect(r.stdout).toBe('');
    const forced = await runTs('scripts/restore.ts', env(targetDb!.url), [file, '--force']);
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(', replacing what it holds (');
    expectRestoreReport(forced.stdout, original);
    expectSameDatabase(await snapshot(targetDb!.db), original);
  });

  it('fails the restore of a backup whose audit chain was tampered with', async () => {
    const id = await forgeAuditEntry(sourceDb.db);
    const tampered = join(dir, 'tampered.dump');
    const b = await runTs('scripts/backup.ts', env(sourceDb.url), [tampered]);
    expect(b.code, b.stderr).toBe(0);
    const other = await empty!();
    try {
      expectBrokenChainReport(await runTs('scripts/restore.ts', env(other.url), [tampered]), id);
    } finally {
      await other.close();
    }
  });

  it('refuses a backup of the other engine', async () => {
    const r = await runTs('scripts/restore.ts', { DATA_DIR: join(dir, 'data'), DATABASE_URL: undefined }, [file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is a PostgreSQL backup (pg_dump): restore it with DATABASE_URL set to the target database');
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });
});
