import { type Kysely, sql } from 'kysely';

// Frozen in time: never import app code here.
//
// Counting and publication. Sealing moves an election's ballots, in tracker order, out of the ballot
// box into `sealed_ballots` (no id, no time, no channel: nothing that could hint at casting order or
// the channel of one ballot) and fixes the election record (docs/record-format.md) with its digest in
// `election_records`. Sealed ballots are never changed again; a published record never changes.
// `signing_keys` holds the Ed25519 key that signs published records, its private half encrypted.

export async function up(db: Kysely<any>): Promise<void> {
  // 实到 when the election closed (docs/record-format.md roll.present), snapshot by the database at the moment the
  // state becomes 'closed', whichever code path closes it (by hand or the scheduled close): roll rows
  // whose deputy is checked in, or who voted or received a paper ballot.
  await db.schema.alterTable('elections').addColumn('present_at_close', 'integer').execute();
  await sql`
    create function elections_present_at_close() returns trigger language plpgsql as $$
    begin
      new.present_at_close := (
        select count(*) from roll r
        left join attendance a on a.meeting_id = new.meeting_id and a.deputy_id = r.deputy_id
        where r.election_id = new.id and (coalesce(a.present, false) or r.channel is not null));
      return new;
    end $$`.execute(db);
  await sql`
    create trigger elections_present_at_close before update of state on elections
    for each row when (old.state = 'open' and new.state = 'closed')
    execute function elections_present_at_close()`.execute(db);

  await db.schema.createTable('sealed_ballots')
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id'))
    .addColumn('tracker', 'text', (c) => c.notNull())
    .addColumn('marks', 'text', (c) => c.notNull())
    .addColumn('invalid', 'text', (c) => c.check(sql`invalid is null or invalid in ('too-many-for', 'unreadable', 'other')`))
    .addPrimaryKeyConstraint('sealed_ballots_pkey', ['election_id', 'tracker'])
    .execute();
  // Trackers stay unique across the deployment after they leave the ballot box (lookups by tracker).
  await db.schema.createIndex('sealed_ballots_tracker_key').on('sealed_ballots').column('tracker').unique().execute();
  // Nothing may change or remove a sealed ballot, ever; resetting a whole database truncates instead.
  await sql`
    create function sealed_ballots_write_once() returns trigger language plpgsql as $$
    begin
      raise exception 'sealed ballots are write-once' using errcode = 'P0001';
    end $$`.execute(db);
  await sql`
    create trigger sealed_ballots_write_once before update or delete on sealed_ballots
    for each row execute function sealed_ballots_write_once()`.execute(db);

  // One record per sealed election. `body` is the RFC 8785 canonical JSON of the record without
  // digest, certifications and signature, stored as text so that its bytes never change.
  await db.schema.createTable('election_records')
    .addColumn('election_id', 'integer', (c) => c.primaryKey().references('elections.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull().check(sql`digest ~ '^sha256:[0-9a-f]{64}$'`))
    .addColumn('certifications', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    // Users who certified (never published: the record names them by display name only).
    .addColumn('certified_by', sql`integer[]`, (c) => c.notNull().defaultTo(sql`'{}'::integer[]`))
    .addColumn('signature', 'jsonb')
    .addColumn('sealed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz')
    .addCheckConstraint('election_records_published_signed', sql`(published_at is null) = (signature is null)`)
    .execute();
  await sql`
    create function election_records_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        raise exception 'election records are never deleted' using errcode = 'P0001';
      end if;
      if old.published_at is not null then
        raise exception 'a published election record never changes' using errcode = 'P0001';
      end if;
      if new.body is distinct from old.body or new.digest is distinct from old.digest or new.sealed_at is distinct from old.sealed_at then
        raise exception 'a sealed record''s body and digest never change' using errcode = 'P0001';
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger election_records_guard before update or delete on election_records
    for each row execute function election_records_guard()`.execute(db);

  // The Ed25519 signing key, shared by every app instance. The private key (PKCS#8 DER) is sealed
  // with AES-256-GCM under a key derived (scrypt, kdf_salt) from a secret kept outside the database
  // ('env': SIGNING_KEY_SECRET; 'data-dir': DATA_DIR/signing-secret on the embedded engine), or, in
  // demo mode only, from demo_secret in this very row ('demo-database': no protection at all).
  await db.schema.createTable('signing_keys')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id >= 1`))
    .addColumn('public_key_der', 'bytea', (c) => c.notNull())
    .addColumn('private_key_encrypted', 'bytea', (c) => c.notNull())
    .addColumn('protection', 'text', (c) => c.notNull().check(sql`protection in ('env', 'data-dir', 'demo-database')`))
    .addColumn('kdf_salt', 'bytea', (c) => c.notNull())
    .addColumn('demo_secret', 'bytea')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('signing_keys_demo_secret', sql`(protection = 'demo-database') = (demo_secret is not null)`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('signing_keys').execute();
  await db.schema.dropTable('election_records').execute();
  await sql`drop function election_records_guard()`.execute(db);
  await db.schema.dropTable('sealed_ballots').execute();
  await sql`drop function sealed_ballots_write_once()`.execute(db);
  await sql`drop trigger elections_present_at_close on elections`.execute(db);
  await sql`drop function elections_present_at_close()`.execute(db);
  await db.schema.alterTable('elections').dropColumn('present_at_close').execute();
}
