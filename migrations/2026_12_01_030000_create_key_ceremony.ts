import { type Kysely, sql } from 'kysely';

// Frozen in time: never import app code here.
//
// The key ceremony (docs/key-ceremony.md), stored:
//
// - `elections.ballot_mode` ('plaintext' | 'encrypted') and `elections.trustee_threshold` (k);
// - `key_ceremonies`: one per attempt, its context id, k and n, its state (running, failed,
//   complete) and, once decided, `ceremonyStatus`'s complete output or its faults. At most one
//   running or complete ceremony per election (a partial unique index);
// - `ceremony_trustees`: trustees 1 … n, frozen from the election's named scrutineers in order when
//   the ceremony starts;
// - `ceremony_messages`: the published messages, write-once like the audit log (a row trigger
//   refuses UPDATE and DELETE, a statement trigger TRUNCATE: refuse_truncate() is the seal
//   migration's). One message per (ceremony, kind, trustee, recipient), nulls not distinct;
// - `possession_proofs`: the nonces issued to trustees before opening and the proofs that answered them.
//
// The names of an election's scrutineers are fixed once a ceremony is running or complete: the
// scrutineers trigger refuses a change then, as it does once the election has opened.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table elections add column ballot_mode text not null default 'plaintext'
    constraint elections_ballot_mode_check check (ballot_mode in ('plaintext', 'encrypted'))`.execute(db);
  await sql`alter table elections add column trustee_threshold integer
    constraint elections_trustee_threshold_check check (trustee_threshold is null or trustee_threshold between 2 and 99)`.execute(db);

  await db.schema.createTable('key_ceremonies')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id'))
    .addColumn('context_id', 'text', (c) => c.notNull().unique())
    .addColumn('threshold', 'integer', (c) => c.notNull())
    .addColumn('trustees', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('running').check(sql`state in ('running', 'failed', 'complete')`))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('started_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('started_by_name', 'text', (c) => c.notNull())
    .addColumn('result', 'jsonb')
    .addColumn('failure', 'jsonb')
    .addColumn('ended_at', 'timestamptz')
    .addCheckConstraint('key_ceremonies_parameters', sql`threshold >= 2 and trustees >= threshold`)
    .addCheckConstraint('key_ceremonies_outcome', sql`(state = 'complete') = (result is not null) and (state = 'failed') = (failure is not null) and (state = 'running') = (ended_at is null)`)
    .execute();
  await sql`create unique index key_ceremonies_one_live on key_ceremonies (election_id) where state in ('running', 'complete')`.execute(db);

  await db.schema.createTable('ceremony_trustees')
    .addColumn('ceremony_id', 'integer', (c) => c.notNull().references('key_ceremonies.id'))
    .addColumn('index', 'integer', (c) => c.notNull().check(sql`index between 1 and 99`))
    .addColumn('deputy_id', 'integer', (c) => c.notNull().references('deputies.id'))
    .addPrimaryKeyConstraint('ceremony_trustees_pkey', ['ceremony_id', 'index'])
    .addUniqueConstraint('ceremony_trustees_deputy_key', ['ceremony_id', 'deputy_id'])
    .execute();

  await db.schema.createTable('ceremony_messages')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('ceremony_id', 'integer', (c) => c.notNull().references('key_ceremonies.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('exchange-key', 'dealing', 'envelope', 'complaint', 'confirmation')`))
    .addColumn('trustee', 'integer', (c) => c.notNull())
    .addColumn('recipient', 'integer')
    .addColumn('body', 'jsonb', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('ceremony_messages_recipient', sql`(kind = 'envelope') = (recipient is not null)`)
    .execute();
  await sql`alter table ceremony_messages add constraint ceremony_messages_once unique nulls not distinct (ceremony_id, kind, trustee, recipient)`.execute(db);
  await sql`
    create function ceremony_messages_write_once() returns trigger language plpgsql as $$
    begin
      raise exception 'ceremony_messages is write-once' using errcode = 'P0001';
    end $$`.execute(db);
  await sql`
    create trigger ceremony_messages_write_once before update or delete on ceremony_messages
    for each row execute function ceremony_messages_write_once()`.execute(db);
  await sql`
    create trigger ceremony_messages_no_truncate before truncate on ceremony_messages
    for each statement execute function refuse_truncate()`.execute(db);

  await db.schema.createTable('possession_proofs')
    .addColumn('ceremony_id', 'integer', (c) => c.notNull().references('key_ceremonies.id'))
    .addColumn('index', 'integer', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull().unique().check(sql`nonce ~ '^[0-9a-f]{32}$'`))
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('proof', 'jsonb')
    .addColumn('proved_at', 'timestamptz')
    .addCheckConstraint('possession_proofs_proved', sql`(proof is null) = (proved_at is null)`)
    .execute();
  await sql`create index possession_proofs_ceremony_idx on possession_proofs (ceremony_id, index)`.execute(db);

  await sql`
    create or replace function election_scrutineers_in_draft() returns trigger language plpgsql as $$
    declare
      e integer := case when tg_op = 'DELETE' then old.election_id else new.election_id end;
    begin
      if exists (select 1 from elections where id = e and state <> 'draft') then
        raise exception 'the scrutineers of election % are fixed once it has opened', e using errcode = 'P0001';
      end if;
      if exists (select 1 from key_ceremonies where election_id = e and state in ('running', 'complete')) then
        raise exception 'the scrutineers of election % are fixed once its key ceremony has started', e using errcode = 'P0001';
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function election_scrutineers_in_draft() returns trigger language plpgsql as $$
    declare
      e integer := case when tg_op = 'DELETE' then old.election_id else new.election_id end;
    begin
      if exists (select 1 from elections where id = e and state <> 'draft') then
        raise exception 'the scrutineers of election % are fixed once it has opened', e using errcode = 'P0001';
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$`.execute(db);
  await db.schema.dropTable('possession_proofs').execute();
  await db.schema.dropTable('ceremony_messages').execute();
  await sql`drop function ceremony_messages_write_once()`.execute(db);
  await db.schema.dropTable('ceremony_trustees').execute();
  await db.schema.dropTable('key_ceremonies').execute();
  await sql`alter table elections drop column trustee_threshold`.execute(db);
  await sql`alter table elections drop column ballot_mode`.execute(db);
}
