import { type Kysely, sql } from 'kysely';

// Separation of duties (docs/threat-model.md).
//
// - `election_scrutineers`: the deputies named as scrutineers (监票人) of an election, before it
//   opens; only they certify it. The list changes only while the election is a draft.
// - `credential_approvals`: a step that would hand the secretariat a deputy's credentials (a new
//   one-time password, a first account, an account re-linked) while the deputy is on the roll of
//   an open vote or a named scrutineer of an unpublished one waits for a named scrutineer of that
//   vote to confirm it; the confirmation is used once.
// - The scrutineer role sits only on a deputy's own account and never beside the secretariat role:
//   a trigger refuses any other combination, whatever code writes the roles.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('election_scrutineers')
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id').onDelete('cascade'))
    .addColumn('deputy_id', 'integer', (c) => c.notNull().references('deputies.id'))
    .addColumn('position', 'smallint', (c) => c.notNull().check(sql`position between 1 and 99`))
    .addPrimaryKeyConstraint('election_scrutineers_pkey', ['election_id', 'deputy_id'])
    .addUniqueConstraint('election_scrutineers_position_key', ['election_id', 'position'])
    .execute();
  await sql`create index election_scrutineers_deputy_idx on election_scrutineers (deputy_id)`.execute(db);

  await sql`
    create function election_scrutineers_in_draft() returns trigger language plpgsql as $$
    declare
      e integer := case when tg_op = 'DELETE' then old.election_id else new.election_id end;
    begin
      if exists (select 1 from elections where id = e and state <> 'draft') then
        raise exception 'the scrutineers of election % are fixed once it has opened', e using errcode = 'P0001';
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$`.execute(db);
  await sql`
    create trigger election_scrutineers_in_draft before insert or update or delete on election_scrutineers
    for each row execute function election_scrutineers_in_draft()`.execute(db);

  await db.schema.createTable('credential_approvals')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('step', 'text', (c) => c.notNull().check(sql`step in ('reset', 'issue', 'link')`))
    .addColumn('deputy_id', 'integer', (c) => c.notNull().references('deputies.id'))
    // The account concerned (null when the step makes the deputy's first account).
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    // The votes that make the step need a confirmation, as they stood when it was asked for.
    .addColumn('election_ids', sql`integer[]`, (c) => c.notNull())
    .addColumn('requested_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('requested_by_name', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_by_name', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decision', 'text', (c) => c.check(sql`decision in ('confirmed', 'declined')`))
    .addColumn('used_at', 'timestamptz')
    .addCheckConstraint('credential_approvals_decided', sql`(decision is null) = (decided_at is null)`)
    .addCheckConstraint('credential_approvals_used', sql`used_at is null or decision = 'confirmed'`)
    .execute();
  await sql`create index credential_approvals_deputy_idx on credential_approvals (deputy_id, step)`.execute(db);

  await sql`
    create function user_roles_separated() returns trigger language plpgsql as $$
    declare
      u integer := new.user_id;
    begin
      if new.role = 'scrutineer' and not exists (select 1 from users where id = u and deputy_id is not null) then
        raise exception 'the scrutineer role belongs only on a deputy''s own account' using errcode = 'P0001';
      end if;
      if new.role in ('scrutineer', 'secretariat') and exists (
        select 1 from user_roles where user_id = u and role = case when new.role = 'scrutineer' then 'secretariat' else 'scrutineer' end
      ) then
        raise exception 'the scrutineer and secretariat roles are never held together' using errcode = 'P0001';
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger user_roles_separated before insert or update on user_roles
    for each row execute function user_roles_separated()`.execute(db);
  await sql`
    create function users_scrutineer_keeps_deputy() returns trigger language plpgsql as $$
    begin
      if new.deputy_id is null and old.deputy_id is not null
        and exists (select 1 from user_roles where user_id = new.id and role = 'scrutineer') then
        raise exception 'a scrutineer''s account stays linked to its deputy' using errcode = 'P0001';
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger users_scrutineer_keeps_deputy before update of deputy_id on users
    for each row execute function users_scrutineer_keeps_deputy()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger users_scrutineer_keeps_deputy on users`.execute(db);
  await sql`drop function users_scrutineer_keeps_deputy()`.execute(db);
  await sql`drop trigger user_roles_separated on user_roles`.execute(db);
  await sql`drop function user_roles_separated()`.execute(db);
  await db.schema.dropTable('credential_approvals').execute();
  await db.schema.dropTable('election_scrutineers').execute();
  await sql`drop function election_scrutineers_in_draft()`.execute(db);
}
