import { type Kysely, sql } from 'kysely';

// Frozen in time: never import app code here.
//
// Issue 13, plaintext mode hardened: the seal leaves no link in the live tables. A cast marks the
// deputy's roll row and inserts the ballot in one transaction, so both carry its transaction id
// (`xmin`), and the box's rows lie in cast order. Deleting the box's rows at the seal left them as
// dead tuples in the data file, readable with pageinspect (issue 13's probe recovered 228 of 228
// ballots of the demo's 2023 vote with the deputies' names), and the roll kept the casts' xmin.
//
// Now the box (`ballots`) and the roll are LIST-partitioned by election: each election gets a
// partition of each when it opens (`minsheng_open_ballot_box`, SECURITY DEFINER: the application's
// role creates no tables). The seal (`minsheng_seal_ballots`) copies the box into `sealed_ballots`
// in tracker order as before, then TRUNCATEs the election's box partition and drops it, and writes
// the election's roll rows again into its truncated partition. TRUNCATE gives a relation a new
// data file; the old one, with every live and dead tuple and the casts' xmin, is emptied at commit.
// A box partition refuses TRUNCATE except inside the seal (the key in `seal_keys`, as for DELETE).
//
// The existing rows are copied into the new tables (the box in tracker order, the roll in deputy
// order) and the old tables dropped, so an installation's past votes lose their dead tuples and
// the casts' xmin too. Trackers stay unique in a box; across the deployment they are 80 random
// bits, and the sealed ballots' unique index on tracker still holds every sealed one.

export async function up(db: Kysely<any>): Promise<void> {
  // The old tables step aside, their index names freed.
  await sql`alter table ballots rename to ballots_unpartitioned`.execute(db);
  await sql`alter table ballots_unpartitioned rename constraint ballots_pkey to ballots_unpartitioned_pkey`.execute(db);
  await sql`alter table ballots_unpartitioned rename constraint ballots_tracker_key to ballots_unpartitioned_tracker_key`.execute(db);
  await sql`alter index ballots_election_idx rename to ballots_unpartitioned_election_idx`.execute(db);
  await sql`alter table roll rename to roll_unpartitioned`.execute(db);
  await sql`alter table roll_unpartitioned rename constraint roll_pkey to roll_unpartitioned_pkey`.execute(db);

  // The ballot box: the same columns (random id, no person, no time, no sequence).
  await sql`
    create table ballots (
      id uuid not null default gen_random_uuid(),
      election_id integer not null references elections (id),
      tracker text not null,
      marks text not null,
      channel text not null check (channel in ('electronic', 'paper')),
      invalid text check (invalid is null or invalid in ('too-many-for', 'unreadable', 'other')),
      constraint ballots_electronic_valid check (channel = 'paper' or invalid is null),
      constraint ballots_pkey primary key (election_id, id),
      constraint ballots_tracker_key unique (election_id, tracker)
    ) partition by list (election_id)`.execute(db);
  // Lookups by tracker alone (/verify) across the open boxes.
  await sql`create index ballots_tracker_idx on ballots (tracker)`.execute(db);
  await sql`
    create trigger ballots_write_once before update or delete on ballots
    for each row execute function ballots_write_once()`.execute(db);
  await sql`create trigger ballots_no_truncate before truncate on ballots for each statement execute function refuse_truncate()`.execute(db);

  await sql`
    create table roll (
      election_id integer not null references elections (id),
      deputy_id integer not null references deputies (id),
      channel text check (channel in ('electronic', 'paper')),
      voted_at timestamptz,
      issued_at timestamptz,
      constraint roll_pkey primary key (election_id, deputy_id),
      constraint roll_channel_times check ((channel is null and voted_at is null and issued_at is null)
        or (channel = 'electronic' and voted_at is not null and issued_at is null)
        or (channel = 'paper' and issued_at is not null and voted_at is null))
    ) partition by list (election_id)`.execute(db);

  // A box partition is truncated only by the seal, which alone can set the key the application's role cannot read.
  await sql`
    create function ballot_box_truncate_guard() returns trigger
    language plpgsql security definer set search_path = pg_catalog, public as $$
    begin
      if current_setting('minsheng.seal_key', true) = (select key from seal_keys limit 1) then
        return null;
      end if;
      raise exception '% is never truncated: the seal empties a ballot box', tg_table_name using errcode = 'P0001';
    end $$`.execute(db);

  // The election's roll partition, then its box partition (casting reads the roll first, then the
  // box: taking the locks in that order too keeps an opening from deadlocking with a cast).
  await sql`
    create function minsheng_open_ballot_box(p_election integer) returns void
    language plpgsql security definer set search_path = pg_catalog, public as $$
    declare
      box text := 'ballots_' || p_election;
    begin
      perform 1 from elections where id = p_election and state in ('draft', 'open');
      if not found then
        raise exception 'election % is not being opened: a ballot box is made only when a vote opens', p_election using errcode = 'P0001';
      end if;
      execute format('create table if not exists public.%I partition of public.roll for values in (%s)', 'roll_' || p_election, p_election);
      if to_regclass(format('public.%I', box)) is null then
        execute format('create table public.%I partition of public.ballots for values in (%s)', box, p_election);
        execute format('create trigger %I before truncate on public.%I for each statement execute function ballot_box_truncate_guard()', box || '_no_truncate', box);
      end if;
    end $$`.execute(db);
  await sql`revoke all on function minsheng_open_ballot_box(integer) from public`.execute(db);

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

  // Partitions for the elections that have rows or may still receive them.
  const { rows: elections } = await sql<{ id: number; box: boolean }>`
    select e.id, (e.state in ('open', 'closed') or exists (select 1 from ballots_unpartitioned b where b.election_id = e.id)) as box
    from elections e
    where e.state in ('open', 'closed')
       or exists (select 1 from ballots_unpartitioned b where b.election_id = e.id)
       or exists (select 1 from roll_unpartitioned r where r.election_id = e.id)
    order by e.id`.execute(db);
  for (const e of elections) {
    await sql`create table ${sql.id(`roll_${e.id}`)} partition of roll for values in (${sql.lit(e.id)})`.execute(db);
    if (!e.box) continue;
    await sql`create table ${sql.id(`ballots_${e.id}`)} partition of ballots for values in (${sql.lit(e.id)})`.execute(db);
    await sql`create trigger ${sql.id(`ballots_${e.id}_no_truncate`)} before truncate on ${sql.table(`ballots_${e.id}`)} for each statement execute function ballot_box_truncate_guard()`.execute(db);
  }
  await sql`
    insert into ballots (id, election_id, tracker, marks, channel, invalid)
    select id, election_id, tracker, marks, channel, invalid from ballots_unpartitioned order by election_id, tracker collate "C"`.execute(db);
  await sql`
    insert into roll (election_id, deputy_id, channel, voted_at, issued_at)
    select election_id, deputy_id, channel, voted_at, issued_at from roll_unpartitioned order by election_id, deputy_id`.execute(db);
  await sql`drop table ballots_unpartitioned`.execute(db);
  await sql`drop table roll_unpartitioned`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table ballots rename to ballots_partitioned`.execute(db);
  await sql`alter table ballots_partitioned rename constraint ballots_pkey to ballots_partitioned_pkey`.execute(db);
  await sql`alter table ballots_partitioned rename constraint ballots_tracker_key to ballots_partitioned_tracker_key`.execute(db);
  await sql`alter index ballots_tracker_idx rename to ballots_partitioned_tracker_idx`.execute(db);
  await sql`alter table roll rename to roll_partitioned`.execute(db);
  await sql`alter table roll_partitioned rename constraint roll_pkey to roll_partitioned_pkey`.execute(db);

  await db.schema.createTable('roll')
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id'))
    .addColumn('deputy_id', 'integer', (c) => c.notNull().references('deputies.id'))
    .addColumn('channel', 'text', (c) => c.check(sql`channel in ('electronic', 'paper')`))
    .addColumn('voted_at', 'timestamptz')
    .addColumn('issued_at', 'timestamptz')
    .addPrimaryKeyConstraint('roll_pkey', ['election_id', 'deputy_id'])
    .addCheckConstraint('roll_channel_times', sql`(channel is null and voted_at is null and issued_at is null)
      or (channel = 'electronic' and voted_at is not null and issued_at is null)
      or (channel = 'paper' and issued_at is not null and voted_at is null)`)
    .execute();
  await db.schema.createTable('ballots')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id'))
    .addColumn('tracker', 'text', (c) => c.notNull().unique())
    .addColumn('marks', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('electronic', 'paper')`))
    .addColumn('invalid', 'text', (c) => c.check(sql`invalid is null or invalid in ('too-many-for', 'unreadable', 'other')`))
    .addCheckConstraint('ballots_electronic_valid', sql`channel = 'paper' or invalid is null`)
    .execute();
  await db.schema.createIndex('ballots_election_idx').on('ballots').column('election_id').execute();
  await sql`insert into ballots select id, election_id, tracker, marks, channel, invalid from ballots_partitioned`.execute(db);
  await sql`insert into roll select election_id, deputy_id, channel, voted_at, issued_at from roll_partitioned`.execute(db);
  await sql`drop table ballots_partitioned`.execute(db);
  await sql`drop table roll_partitioned`.execute(db);
  await sql`
    create trigger ballots_write_once before update or delete on ballots
    for each row execute function ballots_write_once()`.execute(db);
  await sql`create trigger ballots_no_truncate before truncate on ballots for each statement execute function refuse_truncate()`.execute(db);

  await sql`
    create or replace function minsheng_seal_ballots(p_election integer) returns integer
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
  await sql`drop function minsheng_open_ballot_box(integer)`.execute(db);
  await sql`drop function ballot_box_truncate_guard()`.execute(db);
}
