import { type Kysely, sql } from 'kysely';

// Frozen in time: never import app code here.
//
// Issue 13, encrypted mode (docs/encrypted-ballots.md, docs/record-format-v2.md): the server stores
// ciphertexts, never an electronic ballot's marks.
//
// - `elections.state` gains `decrypting`: an encrypted election is sealed into it (the box moved to
//   `sealed_ballots`, the aggregate fixed) and leaves it when k trustees' partial decryptions have
//   been combined into the record (→ tallied), or when it is voided.
// - `ballots` and `sealed_ballots` hold either plaintext marks (plaintext mode, and paper ballots in
//   either mode) or an encrypted ballot: `nonce` (the server-issued 128-bit nonce, 32 lower-case
//   hex) and `ballot` (the RFC 8785 canonical JSON of { ciphertexts, proofs }), never both.
// - `ciphertext_components`: the first component `a` of every ciphertext cast or spoiled in an
//   election, unique, so that nobody can cast a copy of another ballot's ciphertexts (a spoiled
//   ballot's randomness is public, and the record refuses a repeated `a`).
// - `spoiled_ballots`: ballots their voters chose to check (Benaloh challenge), never cast: the
//   encrypted ballot with its marks and randomness, published in the record. No time, no person.
// - `encrypted_tallies`: the aggregate (the product of the cast ballots' ciphertexts) fixed at the seal.
// - `decryption_partials`: each trustee's partial decryption of the aggregate with its proofs.
// All four are write-once, like the box: rows are added, never changed or removed.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table elections drop constraint elections_state_check`.execute(db);
  await sql`alter table elections add constraint elections_state_check
    check (state in ('draft', 'open', 'closed', 'decrypting', 'tallied', 'certified', 'published', 'void'))`.execute(db);

  for (const table of ['ballots', 'sealed_ballots']) {
    await sql`alter table ${sql.table(table)} add column nonce text, add column ballot text, alter column marks drop not null`.execute(db);
    await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${table}_content`)} check (
      (marks is not null and nonce is null and ballot is null)
      or (marks is null and invalid is null and nonce ~ '^[0-9a-f]{32}$' and ballot is not null))`.execute(db);
  }
  await sql`alter table ballots add constraint ballots_encrypted_electronic check (ballot is null or channel = 'electronic')`.execute(db);
  await sql`alter table ballots add constraint ballots_nonce_key unique (election_id, nonce)`.execute(db);

  await db.schema.createTable('ciphertext_components')
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id'))
    .addColumn('a', 'text', (c) => c.notNull().check(sql`a ~ '^[0-9a-f]{64}$'`))
    .addPrimaryKeyConstraint('ciphertext_components_pkey', ['election_id', 'a'])
    .execute();

  await db.schema.createTable('spoiled_ballots')
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id'))
    .addColumn('tracker', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull().check(sql`nonce ~ '^[0-9a-f]{32}$'`))
    .addColumn('ballot', 'text', (c) => c.notNull())
    .addColumn('marks', 'text', (c) => c.notNull())
    .addColumn('randomness', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('spoiled_ballots_pkey', ['election_id', 'tracker'])
    .addUniqueConstraint('spoiled_ballots_nonce_key', ['election_id', 'nonce'])
    .execute();
  await db.schema.createIndex('spoiled_ballots_tracker_idx').on('spoiled_ballots').column('tracker').execute();

  await db.schema.createTable('encrypted_tallies')
    .addColumn('election_id', 'integer', (c) => c.primaryKey().references('elections.id'))
    .addColumn('ceremony_id', 'integer', (c) => c.notNull().references('key_ceremonies.id'))
    .addColumn('aggregate', 'text', (c) => c.notNull())
    .addColumn('ballots', 'integer', (c) => c.notNull().check(sql`ballots >= 0`))
    .addColumn('sealed_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema.createTable('decryption_partials')
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id'))
    .addColumn('trustee', 'integer', (c) => c.notNull().check(sql`trustee between 1 and 99`))
    .addColumn('shares', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('decryption_partials_pkey', ['election_id', 'trustee'])
    .execute();

  await sql`
    create function encrypted_rows_write_once() returns trigger language plpgsql as $$
    begin
      raise exception '% is write-once', tg_table_name using errcode = 'P0001';
    end $$`.execute(db);
  for (const table of ['ciphertext_components', 'spoiled_ballots', 'encrypted_tallies', 'decryption_partials']) {
    await sql`create trigger ${sql.id(`${table}_write_once`)} before update or delete on ${sql.table(table)}
      for each row execute function encrypted_rows_write_once()`.execute(db);
    await sql`create trigger ${sql.id(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
      for each statement execute function refuse_truncate()`.execute(db);
  }

  // The seal moves encrypted ballots too (nonce and ballot with them), and works for an election
  // being sealed into `decrypting` as into `tallied`: the state is still `closed` when it runs.
  await sql`
    create or replace function minsheng_seal_ballots(p_election integer) returns integer
    language plpgsql security definer set search_path = pg_catalog, public as $$
    declare
      moved integer;
      box regclass := to_regclass(format('public.%I', 'ballots_' || p_election));
      roll_part regclass := to_regclass(format('public.%I', 'roll_' || p_election));
      kept roll[];
    begin
      perform 1 from elections where id = p_election and state = 'closed' for update;
      if not found then
        raise exception 'election % is not closed: only a closed vote is sealed', p_election using errcode = 'P0001';
      end if;
      if box is null or roll_part is null then
        raise exception 'election % has no ballot box', p_election using errcode = 'P0001';
      end if;
      insert into sealed_ballots (election_id, tracker, marks, invalid, nonce, ballot)
        select election_id, tracker, marks, invalid, nonce, ballot from ballots where election_id = p_election order by tracker collate "C";
      get diagnostics moved = row_count;
      -- The box's data file, every cast ballot in it live or dead, is emptied at commit.
      perform set_config('minsheng.seal_key', (select key from seal_keys limit 1), true);
      execute format('truncate %s', box);
      perform set_config('minsheng.seal_key', '', true);
      -- The roll keeps who voted, how and when (public in the hall), written again by this
      -- transaction into a fresh file: no row carries a cast's transaction id any more.
      select array_agg(r order by r.deputy_id) into kept from roll r where r.election_id = p_election;
      execute format('truncate %s', roll_part);
      insert into roll select * from unnest(kept);
      -- Last, as it locks the whole box: no ballot can be cast into a sealed election again.
      execute format('drop table %s', box);
      return moved;
    end $$`.execute(db);
  await sql`revoke all on function minsheng_seal_ballots(integer) from public`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function minsheng_seal_ballots(p_election integer) returns integer
    language plpgsql security definer set search_path = pg_catalog, public as $$
    declare
      moved integer;
      box regclass := to_regclass(format('public.%I', 'ballots_' || p_election));
      roll_part regclass := to_regclass(format('public.%I', 'roll_' || p_election));
      kept roll[];
    begin
      perform 1 from elections where id = p_election and state = 'closed' for update;
      if not found then
        raise exception 'election % is not closed: only a closed vote is sealed', p_election using errcode = 'P0001';
      end if;
      if box is null or roll_part is null then
        raise exception 'election % has no ballot box', p_election using errcode = 'P0001';
      end if;
      insert into sealed_ballots (election_id, tracker, marks, invalid)
        select election_id, tracker, marks, invalid from ballots where election_id = p_election order by tracker collate "C";
      get diagnostics moved = row_count;
      perform set_config('minsheng.seal_key', (select key from seal_keys limit 1), true);
      execute format('truncate %s', box);
      perform set_config('minsheng.seal_key', '', true);
      select array_agg(r order by r.deputy_id) into kept from roll r where r.election_id = p_election;
      execute format('truncate %s', roll_part);
      insert into roll select * from unnest(kept);
      execute format('drop table %s', box);
      return moved;
    end $$`.execute(db);
  await sql`revoke all on function minsheng_seal_ballots(integer) from public`.execute(db);
  for (const table of ['decryption_partials', 'encrypted_tallies', 'spoiled_ballots', 'ciphertext_components']) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop function encrypted_rows_write_once()`.execute(db);
  await sql`alter table ballots drop constraint ballots_nonce_key, drop constraint ballots_encrypted_electronic`.execute(db);
  for (const table of ['ballots', 'sealed_ballots']) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.id(`${table}_content`)}, drop column nonce, drop column ballot, alter column marks set not null`.execute(db);
  }
  await sql`alter table elections drop constraint elections_state_check`.execute(db);
  await sql`alter table elections add constraint elections_state_check
    check (state in ('draft', 'open', 'closed', 'tallied', 'certified', 'published', 'void'))`.execute(db);
}
