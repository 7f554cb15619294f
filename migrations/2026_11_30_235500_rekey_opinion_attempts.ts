import { type Kysely, sql } from 'kysely';

// Security review, finding 5: an attempt row stored the opinion's exact time and took a sequential
// id in the same order as the opinion's, so the two could be matched and the opinion tied to its
// sender's address hash. Now an attempt is one counter per address hash and fixed ten-minute
// window: no exact time, no id, one row for every opinion of that address in that window. The
// rows are deleted once their window has passed. Existing rows (at most a day of hashes) are
// dropped with the old table: the limits start afresh.
//
// - `opinion_attempts`: (address_hash, window_start) → count.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('opinion_attempts').execute();
  await db.schema.createTable('opinion_attempts')
    .addColumn('address_hash', 'text', (c) => c.notNull().check(sql`address_hash ~ '^[0-9a-f]{64}$'`))
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull().check(sql`count >= 1`))
    .addPrimaryKeyConstraint('opinion_attempts_pkey', ['address_hash', 'window_start'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('opinion_attempts').execute();
  await db.schema.createTable('opinion_attempts')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('address_hash', 'text', (c) => c.notNull().check(sql`address_hash ~ '^[0-9a-f]{64}$'`))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index opinion_attempts_hash_idx on opinion_attempts (address_hash, at)`.execute(db);
}
