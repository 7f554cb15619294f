import { type Kysely, sql } from 'kysely';

// Frozen in time: never import app code here.
//
// Paper ballots are keyed in twice, by two different clerks, in the order of the returned stack
// (seq 1, 2, …). Only entries that agree become ballots, when the secretariat commits the stack.
// Paper ballots carry no names, so a clerk's entry links nobody to a vote.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('paper_entries')
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id'))
    .addColumn('clerk_user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('seq', 'integer', (c) => c.notNull().check(sql`seq >= 1`))
    .addColumn('marks', 'text', (c) => c.notNull())
    .addColumn('invalid', 'text', (c) => c.check(sql`invalid is null or invalid in ('unreadable', 'other')`))
    .addColumn('entered_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('paper_entries_pkey', ['election_id', 'clerk_user_id', 'seq'])
    .execute();
  await db.schema.alterTable('elections')
    .addColumn('paper_returned', 'integer', (c) => c.check(sql`paper_returned is null or paper_returned >= 0`))
    .execute();
  await db.schema.alterTable('elections')
    .addColumn('paper_committed_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('elections').dropColumn('paper_committed_at').execute();
  await db.schema.alterTable('elections').dropColumn('paper_returned').execute();
  await db.schema.dropTable('paper_entries').execute();
}
