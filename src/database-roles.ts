import { sql } from 'kysely';
import type { Config } from './config.ts';
import { createPostgresDb, type Db, type DbHandle } from './platform/db/index.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import type { Logger } from './platform/log.ts';

/**
 * What the application's database role may do, table by table, when a second role owns the tables
 * (MIGRATION_DATABASE_URL; see docs/operations.md). It owns nothing and holds only these grants:
 * it can cast into the box but never change or empty it (an election's box is made by the owner's
 * `minsheng_open_ballot_box` and emptied only by its `minsheng_seal_ballots`), read sealed ballots, add to the audit log and its checkpoints but never rewrite them, and
 * cannot read the seal key, truncate, alter tables or switch triggers off. Tables not named get
 * the ordinary read and write grants.
 */
export const APPLICATION_GRANTS: Readonly<Record<string, readonly string[]>> = {
  ballots: ['select', 'insert'],
  sealed_ballots: ['select'],
  election_records: ['select', 'insert', 'update'],
  audit_log: ['select', 'insert'],
  audit_checkpoints: ['select', 'insert'],
  signing_keys: ['select', 'insert'],
  // A key ceremony's published messages are write-once (docs/key-ceremony.md).
  ceremony_messages: ['select', 'insert'],
  // Encrypted mode's rows are write-once too (docs/encrypted-ballots.md).
  ciphertext_components: ['select', 'insert'],
  spoiled_ballots: ['select', 'insert'],
  encrypted_tallies: ['select', 'insert'],
  decryption_partials: ['select', 'insert'],
  seal_keys: [],
  kysely_migration: [],
  kysely_migration_lock: [],
};
const ORDINARY = ['select', 'insert', 'update', 'delete'];

/**
 * Grants the application's role exactly what it needs, after the owner has migrated. Idempotent:
 * every start revokes and grants again, so a table added by a migration is covered.
 */
export async function grantApplicationRole(owner: Db, role: string): Promise<void> {
  // Partitions (an election's roll and ballot box) get nothing: the application reaches them through their tables.
  const tables = await sql<{ tablename: string }>`
    select c.relname as tablename from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition`.execute(owner);
  await owner.transaction().execute(async (trx) => {
    await sql`grant usage on schema public to ${sql.id(role)}`.execute(trx);
    await sql`revoke all on all tables in schema public from ${sql.id(role)}`.execute(trx);
    for (const { tablename } of tables.rows) {
      const privileges = APPLICATION_GRANTS[tablename] ?? ORDINARY;
      if (privileges.length === 0) continue;
      await sql`grant ${sql.raw(privileges.join(', '))} on ${sql.table(tablename)} to ${sql.id(role)}`.execute(trx);
    }
    await sql`grant usage, select on all sequences in schema public to ${sql.id(role)}`.execute(trx);
    await sql`revoke all on function minsheng_seal_ballots(integer) from public`.execute(trx);
    await sql`grant execute on function minsheng_seal_ballots(integer) to ${sql.id(role)}`.execute(trx);
    await sql`revoke all on function minsheng_open_ballot_box(integer) from public`.execute(trx);
    await sql`grant execute on function minsheng_open_ballot_box(integer) to ${sql.id(role)}`.execute(trx);
  });
}

/**
 * Applies the migrations: as the owner role when MIGRATION_DATABASE_URL names one, then granting
 * the application's role what it needs; otherwise as the application's own role, which then owns
 * the tables, so that the database's guards rely on trusting it (said once, at start).
 */
export async function migrateDatabase(config: Pick<Config, 'databaseUrl' | 'migrationDatabaseUrl'>, database: DbHandle, logger?: Logger): Promise<string[]> {
  if (!config.migrationDatabaseUrl) {
    if (database.engine === 'postgres') {
      logger?.warn('one database role: DATABASE_URL owns the tables, so the guards on ballots, records and the audit log rely on trusting that role; set MIGRATION_DATABASE_URL to the owner to separate them (docs/operations.md)');
    }
    return migrateToLatest(database.db);
  }
  const owner = createPostgresDb(config.migrationDatabaseUrl, logger);
  try {
    const applied = await migrateToLatest(owner.db);
    await grantApplicationRole(owner.db, decodeURIComponent(new URL(config.databaseUrl!).username));
    return applied;
  } finally {
    await owner.close();
  }
}
