import { type Kysely, sql } from 'kysely';

// Citizens' opinions are left without an account, so they are limited per client address; the
// address itself is personal data and never stored. What is stored is a keyed hash of it
// (SHA-256 of a per-installation salt and the address) with the time of the opinion, kept only as
// long as the limits look back (a day), and never linked to the opinion it counted.
//
// - `opinion_salt`: one row, the installation's salt, random at migration (gen_random_uuid draws
//   from the server's strong random source); never shown, never logged.
// - `opinion_attempts`: one row per opinion stored, by address hash.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('opinion_salt')
    .addColumn('id', 'boolean', (c) => c.primaryKey().defaultTo(true).check(sql`id`))
    .addColumn('salt', 'text', (c) => c.notNull().defaultTo(sql`replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')`))
    .execute();
  await sql`insert into opinion_salt default values`.execute(db);
  await db.schema.createTable('opinion_attempts')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('address_hash', 'text', (c) => c.notNull().check(sql`address_hash ~ '^[0-9a-f]{64}$'`))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index opinion_attempts_hash_idx on opinion_attempts (address_hash, at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('opinion_attempts').execute();
  await db.schema.dropTable('opinion_salt').execute();
}
