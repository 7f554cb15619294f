// npm run backup -- <file> [--force]: writes a backup of the database the configuration names.
//
// PostgreSQL (DATABASE_URL set): `pg_dump --format=custom` of that database, taken in one snapshot
// that the printed row counts come from too. Embedded engine: refused while a server (or another
// CLI) holds DATA_DIR; otherwise a PGlite backup bundle (one line of JSON, then PGlite's gzipped tar
// of DATA_DIR/pgdata; the JSON holds DATA_DIR/signing-secret; see docs/operations.md#backups-and-restore).
// Never overwrites a file unless --force. Exit 0 written, 1 failure, 2 usage.
//
// restore.ts imports the format and the helpers below; the CLI body runs only when this file is
// the entry point.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import { ConfigError, loadConfig, type Config } from '../src/config.ts';
import { createPostgresDb, pgliteDir, wrapPglite } from '../src/platform/db/index.ts';
import { acquireDataDirLock, DataDirLockedError } from '../src/platform/db/lock.ts';
import { exitWith, runCli } from './cli.ts';

/** The first line of a PGlite backup bundle; the dump's bytes follow it. */
export interface BundleHeader {
  format: typeof BUNDLE_FORMAT;
  version: 1;
  createdAt: string;
  /** `show server_version` of the embedded PostgreSQL that wrote the dump. */
  postgres: string;
  contents: Contents;
  dump: { compression: 'gzip'; bytes: number; sha256: string };
  /** DATA_DIR/signing-secret exactly as it was (it opens the signing key in the database), or null. */
  signingSecret: string | null;
}

export const BUNDLE_FORMAT = 'minsheng-pglite-backup';
/** What every pg_dump custom-format file starts with. */
export const PG_DUMP_MAGIC = 'PGDMP';
export const SIGNING_SECRET_FILE = 'signing-secret';
const MAX_HEADER_BYTES = 1 << 20;

/** What a database holds, as the backup and restore commands report it. */
export interface Contents {
  /** Rows per table ("schema.table" outside public), in name order. */
  tables: Record<string, number>;
  rows: number;
  /** Published election records. */
  published: number;
  auditEntries: number;
  /** The hash of the newest audit entry, null when the log is empty or absent. */
  auditHead: string | null;
}

/** Counts the rows of every table (in one statement), the published records and the audit head. */
export async function describeContents(db: Kysely<any>): Promise<Contents> {
  const { rows: list } = await sql<{ schema: string; name: string }>`
    select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and not c.relispartition and n.nspname not in ('pg_catalog', 'information_schema') and left(n.nspname, 3) <> 'pg_'
    order by n.nspname = 'public' desc, n.nspname, c.relname`.execute(db);
  const tables: Record<string, number> = {};
  if (list.length) {
    const { rows } = await sql<{ t: string; n: number | string }>`${sql.join(
      list.map((t) => sql`select ${t.schema === 'public' ? t.name : `${t.schema}.${t.name}`}::text as t, count(*) as n from ${sql.id(t.schema, t.name)}`),
      sql` union all `,
    )}`.execute(db);
    for (const r of rows) tables[r.t] = Number(r.n);
  }
  let published = 0;
  let auditHead: string | null = null;
  if ('election_records' in tables) {
    const { rows: [r] } = await sql<{ n: number | string }>`select count(*) as n from election_records where published_at is not null`.execute(db);
    published = Number(r!.n);
  }
  if ('audit_log' in tables) {
    const { rows: [r] } = await sql<{ hash: string }>`select hash from audit_log order by id desc limit 1`.execute(db);
    auditHead = r?.hash ?? null;
  }
  const rows = Object.values(tables).reduce((a, b) => a + b, 0);
  return { tables, rows, published, auditEntries: tables.audit_log ?? 0, auditHead };
}

/** Rows outside Kysely's migration bookkeeping: a migrated database nobody has used holds none. */
export function dataRows(c: Contents): number {
  return Object.entries(c.tables).filter(([t]) => !t.startsWith('kysely_')).reduce((a, [, n]) => a + n, 0);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "24 tables, 6046 rows, 1 published record, audit log 53 entries, head sha256:…". */
export function summary(c: Contents): string {
  const audit = c.auditEntries ? `audit log ${plural(c.auditEntries, 'entry', 'entries')}, head ${c.auditHead}` : 'empty audit log';
  return `${plural(Object.keys(c.tables).length, 'table')}, ${plural(c.rows, 'row')}, ${plural(c.published, 'published record')}, ${audit}`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Validated configuration, or one line and exit 1 (as every CLI). */
export function configForCli(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) exitWith(`configuration error: ${e.message}`);
    throw e;
  }
}

/** The options and the one file argument, or the usage on stderr and exit 2. */
export function parseCommand(usage: string): { file: string; force: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  } catch (e) {
    exitWith(`${(e as Error).message}\n${usage}`, 2);
  }
  if (parsed.values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  if (parsed.positionals.length !== 1) exitWith(`${parsed.positionals.length ? 'one file only' : 'which file?'}\n${usage}`, 2);
  return { file: resolve(parsed.positionals[0]!), force: parsed.values.force === true };
}

/**
 * How pg_dump and pg_restore (libpq) reach the database of a DATABASE_URL: the URL without its
 * password on the command line (which other users of the machine can read), the password in
 * PGPASSWORD. `where` names the database for messages, never with credentials.
 */
export function libpqTarget(databaseUrl: string): { dbname: string; env: NodeJS.ProcessEnv; where: string; secret: string | undefined } {
  const u = new URL(databaseUrl);
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  u.password = '';
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (password !== undefined) env.PGPASSWORD = password;
  const db = decodeURIComponent(u.pathname.slice(1)) || '(default)';
  return { dbname: u.toString(), env, where: `database ${db} on ${u.hostname || 'localhost'}:${u.port || 5432}`, secret: password };
}

/** Runs pg_dump, pg_restore or psql to completion; stderr lines come back (a failure's as the error, the password masked). */
export function runPgTool(tool: 'pg_dump' | 'pg_restore' | 'psql', args: string[], target: ReturnType<typeof libpqTarget>): Promise<string[]> {
  const mask = (s: string) => (target.secret ? s.split(target.secret).join('***') : s);
  return new Promise((res, rej) => {
    const child = spawn(tool, args, { env: target.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (e) => {
      rej((e as NodeJS.ErrnoException).code === 'ENOENT'
        ? new Error(`${tool} was not found on PATH: install PostgreSQL's client tools (the server's major version or newer)`)
        : e);
    });
    child.on('close', (code, signal) => {
      const lines = mask(stderr).split('\n').map((l) => l.trim()).filter(Boolean);
      if (code === 0) res(lines);
      else rej(new Error(`${tool} failed (${signal ?? `exit ${code}`}): ${lines.slice(-3).join(' | ') || 'no message'}`));
    });
  });
}

/** Whether DATA_DIR/pgdata holds a PGlite database (a non-empty folder). */
export function hasPgliteDir(dataDir: string): boolean {
  try {
    return readdirSync(pgliteDir(dataDir)).length > 0;
  } catch {
    return false;
  }
}

/** Cast ballots not yet sealed, with the roll, re-link ballots to deputies: say so (the backup is still made). */
function warnUnsealed(ballots: number): void {
  process.stderr.write(`minsheng: warning: the ballot box holds ${plural(ballots, 'cast ballot')} not yet sealed; this backup can re-link them to deputies. Keep it as safe as the database, or take backups after the seal (docs/threat-model.md)\n`);
}

/** A temporary name beside `file`, so that the final rename is atomic and a failure leaves no half file. */
function partialPath(file: string): string {
  return join(dirname(file), `.${basename(file)}.partial-${process.pid}`);
}

async function backupPostgres(databaseUrl: string, file: string, tmp: string): Promise<string> {
  const target = libpqTarget(databaseUrl);
  const handle = createPostgresDb(databaseUrl);
  let contents: Contents | undefined;
  try {
    // One snapshot for the counts and the dump: this transaction exports it, pg_dump imports it, so
    // what is printed is exactly what the file holds even while the app keeps writing.
    await handle.db.connection().execute(async (conn) => {
      await sql`begin isolation level repeatable read read only`.execute(conn);
      try {
        const { rows: [snapshot] } = await sql<{ id: string }>`select pg_export_snapshot() as id`.execute(conn);
        contents = await describeContents(conn);
        if (contents.tables.ballots) warnUnsealed(contents.tables.ballots);
        for (const line of await runPgTool('pg_dump', ['--format=custom', `--snapshot=${snapshot!.id}`, `--file=${tmp}`, `--dbname=${target.dbname}`], target)) {
          process.stderr.write(`${line}\n`);
        }
      } finally {
        await sql`rollback`.execute(conn);
      }
    });
  } finally {
    await handle.close();
  }
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return `backup written: ${file} (${formatSize(statSync(file).size)}, pg_dump custom format of ${target.where})\ncontents: ${summary(contents!)}`;
}

async function backupPglite(dataDir: string, file: string, tmp: string): Promise<string> {
  if (!hasPgliteDir(dataDir)) exitWith(`there is no embedded database in ${pgliteDir(dataDir)} to back up`);
  let lock;
  try {
    lock = acquireDataDirLock(dataDir, 'backup');
  } catch (e) {
    if (e instanceof DataDirLockedError) exitWith(e.message);
    throw e;
  }
  const pglite = await PGlite.create(pgliteDir(dataDir)).catch((e: unknown) => { lock.release(); throw e; });
  const handle = wrapPglite(pglite, lock);
  let header: BundleHeader;
  let dump: Buffer;
  try {
    const contents = await describeContents(handle.db);
    const { rows: [version] } = await sql<{ server_version: string }>`show server_version`.execute(handle.db);
    if (contents.tables.ballots) warnUnsealed(contents.tables.ballots);
    // The dump copies the data directory's files as they are. The seal already discarded the files
    // of the vote's box and roll, but the WAL still holds every cast, each written with its deputy's
    // roll mark: start a fresh WAL segment, the old ones removed rather than kept for reuse, and
    // checkpoint (which also unlinks the emptied files), so that a backup taken after the seal holds
    // no trace of who cast which ballot (docs/threat-model.md#what-the-plaintext-mode-does-not-protect).
    await sql`set wal_recycle = off`.execute(handle.db);
    await sql`select pg_switch_wal()`.execute(handle.db);
    await sql`checkpoint`.execute(handle.db);
    dump = Buffer.from(await (await pglite.dumpDataDir('gzip')).arrayBuffer());
    const secretFile = join(dataDir, SIGNING_SECRET_FILE);
    header = {
      format: BUNDLE_FORMAT,
      version: 1,
      createdAt: new Date().toISOString(),
      postgres: version!.server_version,
      contents,
      dump: { compression: 'gzip', bytes: dump.length, sha256: createHash('sha256').update(dump).digest('hex') },
      signingSecret: existsSync(secretFile) ? readFileSync(secretFile, 'utf8') : null,
    };
  } finally {
    await handle.close();
  }
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeFileSync(fd, JSON.stringify(header) + '\n');
    writeFileSync(fd, dump);
    fsyncSync(fd); // on disk before it takes the file's name (pg_dump syncs its own output)
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const secret = header.signingSecret === null ? 'no signing secret in DATA_DIR' : `with ${SIGNING_SECRET_FILE}: keep this file as safe as the signing key`;
  return `backup written: ${file} (${formatSize(statSync(file).size)}, embedded database from ${pgliteDir(dataDir)}, ${secret})\ncontents: ${summary(header.contents)}`;
}

/** Reads the header line of a PGlite backup bundle, or undefined when `file` is not one. */
export function readBundleHeader(bytes: Buffer): { header: BundleHeader; dump: Buffer } | undefined {
  if (!bytes.subarray(0, 64).toString('latin1').startsWith(`{"format":"${BUNDLE_FORMAT}"`)) return undefined;
  const end = bytes.indexOf(0x0a);
  if (end < 0 || end > MAX_HEADER_BYTES) throw new Error('the backup bundle has no complete header line: the file is damaged');
  const header = JSON.parse(bytes.subarray(0, end).toString('utf8')) as BundleHeader;
  if (header.version !== 1) throw new Error(`the backup bundle has version ${header.version}; this minsheng reads version 1`);
  const dump = bytes.subarray(end + 1);
  if (dump.length !== header.dump.bytes || createHash('sha256').update(dump).digest('hex') !== header.dump.sha256) {
    throw new Error(`the backup bundle is damaged: its database dump should be ${header.dump.bytes} bytes with SHA-256 ${header.dump.sha256}`);
  }
  return { header, dump };
}

/** Whether the module at `url` is the script node was asked to run (not imported by another). */
export function isEntryPoint(url: string): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(url));
  } catch {
    return false;
  }
}

const USAGE = 'usage: npm run backup -- <file> [--force]   (--force: overwrite an existing file)';

if (isEntryPoint(import.meta.url)) {
  runCli(async () => {
    const { file, force } = parseCommand(USAGE);
    const config = configForCli();
    if (existsSync(file) && !force) exitWith(`${file} exists; add --force to overwrite it`);
    if (!existsSync(dirname(file))) exitWith(`the folder ${dirname(file)} does not exist`);
    const tmp = partialPath(file);
    try {
      // With two roles the owner dumps: the application's role may not read every table (seal_keys).
      const report = config.databaseUrl
        ? await backupPostgres(config.migrationDatabaseUrl ?? config.databaseUrl, file, tmp)
        : await backupPglite(config.dataDir, file, tmp);
      process.stdout.write(`${report}\n`);
    } finally {
      rmSync(tmp, { force: true });
    }
  });
}
