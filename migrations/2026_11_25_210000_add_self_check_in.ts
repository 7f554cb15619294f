import type { Kysely } from 'kysely';

// Frozen in time: never import app code here.

/** Deputies may check themselves in (签到) from their own account, when the meeting allows it. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('meetings').addColumn('self_check_in', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('meetings').dropColumn('self_check_in').execute();
}
