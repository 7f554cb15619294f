import { type Kysely, sql } from 'kysely';

// The clerk (计票人): keys paper ballots, and only that (docs/threat-model.md, Separation of
// duties). A clerk is never also the secretariat (who hands the ballots out and commits them to the
// box) nor a scrutineer (who checks the keying): the roles trigger refuses either combination,
// whatever code writes the roles, beside its earlier rules (unchanged).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table user_roles drop constraint user_roles_role_check`.execute(db);
  await sql`alter table user_roles add constraint user_roles_role_check
    check (role in ('secretariat', 'scrutineer', 'department', 'deputy', 'clerk'))`.execute(db);
  await sql`
    create or replace function user_roles_separated() returns trigger language plpgsql as $$
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
      if (new.role = 'clerk' and exists (select 1 from user_roles where user_id = u and role in ('secretariat', 'scrutineer')))
        or (new.role in ('secretariat', 'scrutineer') and exists (select 1 from user_roles where user_id = u and role = 'clerk')) then
        raise exception 'the clerk role is never held with the secretariat or scrutineer role' using errcode = 'P0001';
      end if;
      return new;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function user_roles_separated() returns trigger language plpgsql as $$
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
  await sql`delete from user_roles where role = 'clerk'`.execute(db);
  await sql`alter table user_roles drop constraint user_roles_role_check`.execute(db);
  await sql`alter table user_roles add constraint user_roles_role_check
    check (role in ('secretariat', 'scrutineer', 'department', 'deputy'))`.execute(db);
}
