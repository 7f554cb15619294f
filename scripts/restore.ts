// npm run restore -- <file> [--force]: puts a backup made by `npm run backup` back, then checks it.
//
// PostgreSQL (DATABASE_URL set): the script of `pg_restore --clean --if-exists --no-owner`, run by
// `psql --single-transaction` into that database. Embedded engine: refused while a server (or another CLI) holds DATA_DIR; the
// bundle's data directory is loaded beside DATA_DIR/pgdata and then swapped in, and its signing
// secret written to DATA_DIR/signing-secret. Either refuses a database holding data unless --force.
// Then: the migrations (an older backup is brought up to date), the audit chain and its stored checkpoints, every published
// record (recount, digest, certifications, signature), and whether the signing key opens.
// Exit 0 restored and verified, 1 refused or failed (a failed check included), 2 usage.
import { grantApplicationRole } from '../src/database-roles.ts';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { checkChain, type ChainLink } from '../src/audit/chain.ts';
import { readCheckpoints } from '../src/audit/checkpoint-store.ts';
import { checkCheckpoints } from '../src/audit/checkpoints.ts';
import { readAuditChain } from '../src/audit/store.ts';
import type { Config } from '../src/config.ts';
import { loadSigningKey } from '../src/keys/signing.ts';
import { publishedRecord } from '../src/counting/store.ts';
import { verifyRecord } from '../src/domain/record/verify.ts';
import { createDb, createPostgresDb, pgliteDir, wrapPglite, type DbHandle } from '../src/platform/db/index.ts';
import { acquireDataDirLock, DataDirLockedError, type DataDirLock } from '../src/platform/db/lock.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import {
  BUNDLE_FORMAT, configForCli, dataRows, describeContents, formatSize, hasPgliteDir, libpqTarget, parseCommand,
  PG_DUMP_MAGIC, readBundleHeader, runPgTool, SIGNING_SECRET_FILE, summary, type BundleHeader, type Contents,
} from './backup.ts';
import { exitWith, runCli } from './cli.ts';

const USAGE = 'usage: npm run restore -- <file> [--force]   (--force: replace a database that holds data)';

const say = (line: string) => process.stdout.write(`${line}\n`);
const complain = (line: string) => process.stderr.write(`minsheng: ${line}\n`);

function fileKind(file: string): 'pg_dump' | 'bundle' | 'other' {
  const head = Buffer.alloc(64);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const text = head.toString('latin1');
  return text.startsWith(PG_DUMP_MAGIC) ? 'pg_dump' : text.startsWith(`{"format":"${BUNDLE_FORMAT}"`) ? 'bundle' : 'other';
}

async function restorePostgres(config: Config, file: string, force: boolean): Promise<DbHandle> {
  // With two roles the owner restores (it re-creates the tables), then grants the application's role its share.
  const ownerUrl = config.migrationDatabaseUrl ?? config.databaseUrl!;
  const target = libpqTarget(ownerUrl);
  const before = createPostgresDb(ownerUrl);
  let existing: Contents;
  try {
    existing = await describeContents(before.db);
  } finally {
    await before.close();
  }
  const holdsData = dataRows(existing) > 0;
  if (holdsData && !force) {
    exitWith(`the ${target.where} is not empty (${summary(existing)}); restoring replaces every table the backup holds: add --force to do so`);
  }
  say(`restoring ${file} (pg_dump custom format, ${formatSize(statSync(file).size)}) into the ${target.where}${holdsData ? `, replacing what it holds (${summary(existing)})` : ''}`);
  // One transaction: a restore that fails part-way changes nothing. pg_restore --clean cannot drop
  // the box and the roll when they are partitioned (it drops each partition's inherited primary key
  // first, which PostgreSQL refuses), so its script runs through psql after dropping those two
  // tables, partitions and all, in the same transaction. The script (the whole database as SQL) is
  // written in full first, to a directory only this user reads, so that a pg_restore that fails
  // part-way never leaves psql a truncated script to commit.
  const work = mkdtempSync(join(tmpdir(), 'minsheng-restore-'));
  let warnings: string[];
  try {
    const script = join(work, 'restore.sql');
    warnings = await runPgTool('pg_restore', ['--clean', '--if-exists', '--no-owner', `--file=${script}`, file], target);
    const quiet = { ...target, env: { ...target.env, PGOPTIONS: `${target.env.PGOPTIONS ?? ''} -c client_min_messages=warning`.trim() } };
    warnings.push(...await runPgTool('psql', [
      '--no-psqlrc', '--quiet', '--single-transaction', '--set=ON_ERROR_STOP=1', `--dbname=${target.dbname}`,
      '--command=drop table if exists public.ballots, public.roll cascade', `--file=${script}`,
    ], quiet));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  for (const w of warnings) process.stderr.write(`${w}\n`);
  const restored = createPostgresDb(ownerUrl);
  if (config.migrationDatabaseUrl) await grantApplicationRole(restored.db, decodeURIComponent(new URL(config.databaseUrl!).username));
  return restored;
}

/** Whether the PGlite data directory holds rows; what it holds, or why it cannot be opened. */
async function describePgliteDir(dir: string): Promise<{ contents?: Contents; problem?: string }> {
  try {
    const handle = wrapPglite(await PGlite.create(dir));
    try {
      return { contents: await describeContents(handle.db) };
    } finally {
      await handle.close();
    }
  } catch (e) {
    return { problem: e instanceof Error ? e.message : String(e) };
  }
}

async function restorePglite(config: Config, file: string, force: boolean, bundle: { header: BundleHeader; dump: Buffer }): Promise<{ handle: DbHandle; lock: DataDirLock }> {
  const { dataDir } = config;
  const target = pgliteDir(dataDir);
  mkdirSync(dataDir, { recursive: true });
  let lock: DataDirLock;
  try {
    lock = acquireDataDirLock(dataDir, 'restore');
  } catch (e) {
    if (e instanceof DataDirLockedError) exitWith(e.message);
    throw e;
  }
  const work = join(dataDir, `.restore-${process.pid}`);
  try {
    let replacing = '';
    if (hasPgliteDir(dataDir)) {
      const { contents, problem } = await describePgliteDir(target);
      const holdsData = contents === undefined || dataRows(contents) > 0;
      const what = contents ? summary(contents) : `cannot be opened: ${problem}`;
      if (holdsData && !force) {
        lock.release();
        exitWith(`${target} already holds a database (${what}); restoring replaces it: add --force to do so`);
      }
      replacing = `, replacing the database there (${what})`;
    }
    const { header, dump } = bundle;
    say(`restoring ${file} (embedded database backed up ${header.createdAt}, ${formatSize(statSync(file).size)}${header.signingSecret === null ? '' : `, with ${SIGNING_SECRET_FILE}`}) into ${target}${replacing}`);
    // Loaded beside the current data directory and swapped in only once complete: a load that fails
    // leaves DATA_DIR as it was. First, what a killed restore left there (this process holds the lock).
    for (const leftover of readdirSync(dataDir).filter((f) => /^\.restore-\d+$/.test(f))) rmSync(join(dataDir, leftover), { recursive: true, force: true });
    mkdirSync(join(work, 'pgdata'), { recursive: true });
    await (await PGlite.create(join(work, 'pgdata'), { loadDataDir: new Blob([new Uint8Array(dump)]) })).close();
    const replaced = join(work, 'replaced');
    if (existsSync(target)) renameSync(target, replaced);
    try {
      renameSync(join(work, 'pgdata'), target);
    } catch (e) {
      if (existsSync(replaced)) renameSync(replaced, target);
      throw e;
    }
    if (header.signingSecret !== null) {
      const secretTmp = join(work, SIGNING_SECRET_FILE);
      writeFileSync(secretTmp, header.signingSecret, { mode: 0o600 });
      renameSync(secretTmp, join(dataDir, SIGNING_SECRET_FILE));
    }
    rmSync(work, { recursive: true, force: true });
    // Opened as the app opens it (the same type parsers). createDb takes the lock file over from this
    // process's own lock (a lock naming this pid counts as stale), so no other process can slip in.
    return { handle: await createDb(config, { holder: 'restore' }), lock };
  } catch (e) {
    // The work folder goes unless it holds the only copy of the replaced database (a failed swap back).
    if (existsSync(target) || !existsSync(join(work, 'replaced'))) rmSync(work, { recursive: true, force: true });
    lock.release();
    throw e;
  }
}

/** Migrates the restored database and checks it; prints a line per check. False when a check fails. */
async function checkRestored(database: DbHandle, config: Config, recorded?: Contents): Promise<boolean> {
  let ok = true;
  const db = database.db;
  const restored = await describeContents(db);
  if (recorded) {
    const differ = [...new Set([...Object.keys(recorded.tables), ...Object.keys(restored.tables)])]
      .filter((t) => recorded.tables[t] !== restored.tables[t])
      .map((t) => `${t} ${restored.tables[t] ?? 'missing'} (backup: ${recorded.tables[t] ?? 'absent'})`);
    if (differ.length) {
      complain(`the restored tables differ from what the backup recorded: ${differ.join(', ')}`);
      ok = false;
    } else {
      say(`restored: ${summary(restored)}, as the backup recorded`);
    }
  } else {
    say(`restored: ${summary(restored)}`);
  }

  const applied = await migrateToLatest(db);
  say(applied.length ? `migrations: applied ${applied.length} (${applied.join(', ')})` : 'migrations: the backup was up to date');

  const links: ChainLink[] = [];
  for await (const link of readAuditChain(db)) links.push(link);
  const problem = checkChain(links);
  if (problem) {
    complain(`the audit chain is BROKEN at entry ${problem.id} (${problem.kind}): expected ${problem.expected}, found ${problem.found}`);
    ok = false;
  } else {
    say(`audit chain OK: ${links.length} entries, head ${links.at(-1)?.hash ?? '(empty log)'}`);
    // The chain against the checkpoints the backup holds (a copy kept outside is checked with verify:audit --checkpoints).
    const check = checkCheckpoints(links, (await readCheckpoints(db)).checkpoints);
    for (const p of check.problems) complain(`the audit chain DISAGREES with its checkpoint #${p.seq} (${p.kind}): ${p.message}`);
    if (check.problems.length) ok = false;
    else if (check.checkpoints.length) say(`audit checkpoints OK: ${check.checkpoints.length} agree with the chain`);
  }

  const published = await db.selectFrom('election_records').select('election_id').where('published_at', 'is not', null).orderBy('election_id').execute();
  let failed = 0;
  for (const { election_id: id } of published) {
    const v = verifyRecord(await publishedRecord(db, id));
    if (!v.ok) {
      failed++;
      complain(`the published record of election ${id} does NOT verify: ${v.problems.map((p) => p.message).slice(0, 3).join('; ')}`);
    }
  }
  if (failed) ok = false;
  else say(`published records OK: ${published.length} of ${published.length} verify (recount, digest, certifications, signature)`);

  // Whether results can still be published: the key in the database must open under this configuration.
  // (Only a key that exists: loadSigningKey would make one, which a restore must not.)
  const keys = await db.selectFrom('signing_keys').select('id').execute();
  if (config.signingKeyFile !== undefined || keys.length) {
    try {
      const key = await loadSigningKey(db, config);
      say(`signing key: opens with this configuration (fingerprint ${key.fingerprint}, ${key.source})`);
    } catch (e) {
      complain(`warning: ${(e as Error).message}. Published records still verify; new results cannot be published until this is fixed`);
    }
  } else {
    say('signing key: none yet (made on the first publication)');
  }
  return ok;
}

runCli(async () => {
  const { file, force } = parseCommand(USAGE);
  const config = configForCli();
  if (!existsSync(file)) exitWith(`${file} does not exist`);
  if (statSync(file).isDirectory()) exitWith(`${file} is a folder; a backup is one file (pg_dump --format=custom, or a bundle from npm run backup)`);
  const kind = fileKind(file);
  if (kind === 'other') exitWith(`${file} is not a backup made by npm run backup (neither a pg_dump custom-format file nor an embedded-database bundle)`);
  let database: DbHandle;
  let lock: DataDirLock | undefined;
  let recorded: Contents | undefined;
  if (config.databaseUrl) {
    if (kind === 'bundle') exitWith(`${file} is a backup of an embedded database: restore it with DATABASE_URL unset (into DATA_DIR)`);
    database = await restorePostgres(config, file, force);
  } else {
    if (kind === 'pg_dump') exitWith(`${file} is a PostgreSQL backup (pg_dump): restore it with DATABASE_URL set to the target database`);
    const bundle = readBundleHeader(readFileSync(file))!;
    recorded = bundle.header.contents;
    ({ handle: database, lock } = await restorePglite(config, file, force, bundle));
  }
  let ok: boolean;
  try {
    ok = await checkRestored(database, config, recorded);
  } finally {
    await database.close();
    lock?.release();
  }
  if (!ok) exitWith('the restored database does not check out (see above)');
});
