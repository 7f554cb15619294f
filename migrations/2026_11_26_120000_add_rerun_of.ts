import type { Kysely } from 'kysely';

// Frozen in time: never import app code here.
//
// A vote declared void can be held again: the new vote is a copy of its options and rules in draft,
// and names the void one it replaces, so the history reads void → re-run on both pages.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('elections').addColumn('rerun_of', 'integer', (c) => c.references('elections.id')).execute();
  await db.schema.createIndex('elections_rerun_of').on('elections').column('rerun_of').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('elections_rerun_of').execute();
  await db.schema.alterTable('elections').dropColumn('rerun_of').execute();
}
