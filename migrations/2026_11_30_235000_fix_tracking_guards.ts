import { type Kysely, sql } from 'kysely';

// Closes gaps in the guards of 2026_11_30_220000_create_tracking (which stays as it was):
//
// - The parts of a report (`report_sections`, `report_evidence`) are checked on both sides: a row
//   may neither leave an approved report (OLD) nor join one (NEW), on INSERT as on UPDATE. Before,
//   `report_sections` was not guarded on INSERT and both tables checked only OLD on UPDATE, so a row
//   could be inserted into, or moved into, a report already approved and public.
// - `evidence_files` is content addressed (its key is the SHA-256 of its bytes): a row never
//   changes (UPDATE refused always), and a file an approved report carries is never deleted.
// - `evidence_files_sha256_bytes`: the key is the SHA-256 of the bytes, checked by the database.
//   Added NOT VALID (it holds for every new or changed row) and validated when every existing row
//   keeps it; an installation with a row that does not keeps the row, and the check holds from now on.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function report_parts_fixed_both() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        if old.report_id is not null and exists (select 1 from project_reports where id = old.report_id and state = 'approved') then
          raise exception 'report % is approved: its parts never change', old.report_id using errcode = 'P0001';
        end if;
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        if new.report_id is not null and exists (select 1 from project_reports where id = new.report_id and state = 'approved') then
          raise exception 'report % is approved: its parts never change', new.report_id using errcode = 'P0001';
        end if;
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$`.execute(db);
  await sql`drop trigger report_sections_fixed on report_sections`.execute(db);
  await sql`drop trigger report_evidence_fixed on report_evidence`.execute(db);
  await sql`create trigger report_sections_fixed before insert or update or delete on report_sections for each row execute function report_parts_fixed_both()`.execute(db);
  await sql`create trigger report_evidence_fixed before insert or update or delete on report_evidence for each row execute function report_parts_fixed_both()`.execute(db);

  await sql`
    create function evidence_files_fixed() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' then
        raise exception 'evidence file % is addressed by its content and never changes', old.sha256 using errcode = 'P0001';
      end if;
      if exists (select 1 from report_evidence re join project_reports r on r.id = re.report_id where re.sha256 = old.sha256 and r.state = 'approved') then
        raise exception 'evidence file % is carried by an approved report and never changes', old.sha256 using errcode = 'P0001';
      end if;
      return old;
    end $$`.execute(db);
  await sql`create trigger evidence_files_fixed before update or delete on evidence_files for each row execute function evidence_files_fixed()`.execute(db);

  await sql`alter table evidence_files add constraint evidence_files_sha256_bytes check (sha256 = encode(sha256(bytes), 'hex')) not valid`.execute(db);
  const { rows } = await sql<{ bad: number | string }>`select count(*) as bad from evidence_files where sha256 <> encode(sha256(bytes), 'hex')`.execute(db);
  if (Number(rows[0]?.bad ?? 0) === 0) await sql`alter table evidence_files validate constraint evidence_files_sha256_bytes`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table evidence_files drop constraint evidence_files_sha256_bytes`.execute(db);
  await sql`drop trigger evidence_files_fixed on evidence_files`.execute(db);
  await sql`drop function evidence_files_fixed()`.execute(db);
  await sql`drop trigger report_sections_fixed on report_sections`.execute(db);
  await sql`drop trigger report_evidence_fixed on report_evidence`.execute(db);
  // The guards as 2026_11_30_220000_create_tracking made them.
  await sql`create trigger report_evidence_fixed before insert or update or delete on report_evidence for each row execute function report_parts_fixed()`.execute(db);
  await sql`create trigger report_sections_fixed before update or delete on report_sections for each row execute function report_parts_fixed()`.execute(db);
  await sql`drop function report_parts_fixed_both()`.execute(db);
}
