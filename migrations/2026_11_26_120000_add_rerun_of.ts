import { type Kysely, sql } from 'kysely';

// Frozen in time: never import app code here.
//
// A vote declared void can be held again: the new vote is a copy of its options and rules in draft,
// and names the void one it replaces, so the history reads void → re-run on both pages. Once only;
// and a count has at most one live (not void) runoff, whichever way it was created.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('elections').addColumn('rerun_of', 'integer', (c) => c.references('elections.id')).execute();
  await db.schema.createIndex('elections_rerun_of').unique().on('elections').column('rerun_of').execute();
  await sql`create unique index elections_one_live_runoff on elections (runoff_of) where state <> 'void'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('elections_one_live_runoff').execute();
  await db.schema.dropIndex('elections_rerun_of').execute();
  await db.schema.alterTable('elections').dropColumn('rerun_of').execute();
}
