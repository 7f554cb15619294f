import { type Kysely, sql } from 'kysely';

// Frozen in time: never import app code here.
//
// The demo's trustee files (src/demo/ceremony.ts): the demo runs the key ceremony of its 2024
// selection at seeding time and keeps each trustee's sealed file with its passphrase here, so that
// /demo/trustee-files can hand them out. Only a demo installation writes or serves this table; a
// real installation never holds a trustee file (docs/key-ceremony.md), and this table stays empty.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('demo_trustee_files')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id'))
    .addColumn('trustee', 'integer', (c) => c.notNull().check(sql`trustee between 1 and 99`))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('passphrase', 'text', (c) => c.notNull())
    .addColumn('file', 'jsonb', (c) => c.notNull())
    .addUniqueConstraint('demo_trustee_files_trustee_key', ['election_id', 'trustee'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('demo_trustee_files').execute();
}
