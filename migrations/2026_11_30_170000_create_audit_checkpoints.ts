import { type Kysely, sql } from 'kysely';

// Frozen in time: never import app code here.
//
// Signed checkpoints of the audit chain: its head hash, its length and last entry id, the time, and
// an Ed25519 signature with the installation's key (src/audit/checkpoints.ts), made at every
// election transition and hourly while the chain grows, and published as JSON and Atom so that
// others can keep copies outside the database. Append-only like the log itself: a row trigger
// refuses UPDATE and DELETE, a statement trigger TRUNCATE (refuse_truncate() is the seal
// migration's). The application's role gets SELECT and INSERT only (src/database-roles.ts).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('audit_checkpoints')
    .addColumn('seq', 'integer', (c) => c.primaryKey().check(sql`seq >= 1`))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('length', 'integer', (c) => c.notNull().check(sql`length >= 1`))
    .addColumn('last_id', 'bigint', (c) => c.notNull().unique())
    .addColumn('head', 'text', (c) => c.notNull())
    .addColumn('key_fingerprint', 'text', (c) => c.notNull())
    // The canonical JSON the signature covers, stored as signed so that it is served byte for byte.
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .execute();
  await sql`
    create function audit_checkpoints_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_checkpoints is append-only' using errcode = 'P0001';
    end $$`.execute(db);
  await sql`
    create trigger audit_checkpoints_append_only before update or delete on audit_checkpoints
    for each row execute function audit_checkpoints_append_only()`.execute(db);
  await sql`
    create trigger audit_checkpoints_no_truncate before truncate on audit_checkpoints
    for each statement execute function refuse_truncate()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_checkpoints').execute();
  await sql`drop function audit_checkpoints_append_only()`.execute(db);
}
