import { type Kysely, sql } from 'kysely';

// Guards no database role can switch off by itself.
//
// Until now a transaction could set `minsheng.sealing = 'on'` and then rewrite or delete cast
// ballots; any role with UPDATE on `ballots` could. Now the seal is one SECURITY DEFINER function
// that checks the election's state and moves its ballots into `sealed_ballots` itself. The box's
// trigger lets a DELETE through only while that function holds a key kept in a table the
// application's role cannot read (`seal_keys`); no UPDATE of a cast ballot is ever allowed.
// TRUNCATE of the box, the sealed ballots, the records and the audit log is refused by
// statement triggers; resetting a database drops and re-creates its schema instead.
//
// With two roles (MIGRATION_DATABASE_URL owns the tables, DATABASE_URL only has grants, see
// docs/operations.md) these hold against the application's role. With one role, which then owns
// everything (and on PGlite, one superuser), they guard against mistakes, not against that role.

const GUARDED = ['ballots', 'sealed_ballots', 'election_records', 'audit_log'];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table seal_keys (key text not null)`.execute(db);
  await sql`insert into seal_keys (key) values (md5(random()::text || clock_timestamp()::text) || md5(random()::text))`.execute(db);
  await sql`revoke all on seal_keys from public`.execute(db);

  // Runs as its owner: it alone reads the key. A DELETE on the box passes only with the key set.
  await sql`
    create or replace function ballots_write_once() returns trigger
    language plpgsql security definer set search_path = pg_catalog, public as $$
    begin
      if tg_op = 'DELETE' and current_setting('minsheng.seal_key', true) = (select key from seal_keys limit 1) then
        return old;
      end if;
      raise exception 'cast ballots are write-once' using errcode = 'P0001';
    end $$`.execute(db);

  await sql`
    create function minsheng_seal_ballots(p_election integer) returns integer
    language plpgsql security definer set search_path = pg_catalog, public as $$
    declare
      moved integer;
    begin
      perform 1 from elections where id = p_election and state = 'closed' for update;
      if not found then
        raise exception 'election % is not closed: only a closed vote is sealed', p_election using errcode = 'P0001';
      end if;
      insert into sealed_ballots (election_id, tracker, marks, invalid)
        select election_id, tracker, marks, invalid from ballots where election_id = p_election order by tracker collate "C";
      get diagnostics moved = row_count;
      perform set_config('minsheng.seal_key', (select key from seal_keys limit 1), true);
      delete from ballots where election_id = p_election;
      perform set_config('minsheng.seal_key', '', true);
      return moved;
    end $$`.execute(db);
  await sql`revoke all on function minsheng_seal_ballots(integer) from public`.execute(db);

  await sql`
    create function refuse_truncate() returns trigger language plpgsql as $$
    begin
      raise exception '% is never truncated: reset a database by re-creating its schema', tg_table_name using errcode = 'P0001';
    end $$`.execute(db);
  for (const table of GUARDED) {
    await sql`create trigger ${sql.id(`${table}_no_truncate`)} before truncate on ${sql.table(table)} for each statement execute function refuse_truncate()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of GUARDED) await sql`drop trigger ${sql.id(`${table}_no_truncate`)} on ${sql.table(table)}`.execute(db);
  await sql`drop function refuse_truncate()`.execute(db);
  await sql`drop function minsheng_seal_ballots(integer)`.execute(db);
  await sql`
    create or replace function ballots_write_once() returns trigger language plpgsql as $$
    begin
      if coalesce(current_setting('minsheng.sealing', true), '') = 'on' then
        return case when tg_op = 'DELETE' then old else new end;
      end if;
      raise exception 'cast ballots are write-once' using errcode = 'P0001';
    end $$`.execute(db);
  await sql`drop table seal_keys`.execute(db);
}
