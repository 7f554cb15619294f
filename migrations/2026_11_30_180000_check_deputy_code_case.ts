import { type Kysely, sql } from 'kysely';

// Frozen in time: never import app code here.
//
// Deputy codes are matched whatever their case wherever people type them (paper ballots,
// scrutineers, attendance, account forms): d003 finds D003. Two codes of one term that differ only
// in case (D003 and d003) would make such a lookup ambiguous, so they should never exist.
//
// This migration REPORTS any such clash instead of failing: a failed migration stops the server
// on the morning of a meeting, while the roster is the secretariat's to correct (rename one
// code by importing the roster again; docs/operations.md#deputy-codes-that-differ-only-in-case).
// Each clash is raised as a WARNING, which PostgreSQL writes to its server log and sends to the
// client, and the server also logs any clash at every start (src/terms/store.ts
// `deputyCodeClashes`), which reaches PGlite installations too, whose notices go nowhere.
//
// Only when no clash exists does it add the unique index on (term_id, lower(code)), so that the
// database itself refuses a clash from then on. With a clash the index is left out (creating it
// would fail); the check at start keeps saying so until the roster is corrected and the index is
// created by hand, as docs/operations.md shows.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    do $$
    declare
      r record;
      clashes integer := 0;
    begin
      for r in
        select term_id, string_agg(code, ', ' order by code) as codes
        from deputies group by term_id, lower(code) having count(*) > 1 order by term_id, lower(code)
      loop
        clashes := clashes + 1;
        raise warning 'deputy codes of term % differ only in case: %', r.term_id, r.codes;
      end loop;
      if clashes = 0 then
        create unique index deputies_term_code_lower_key on deputies (term_id, lower(code));
      else
        raise warning '% deputy code clash(es) by case: the unique index deputies_term_code_lower_key was not created (see docs/operations.md)', clashes;
      end if;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists deputies_term_code_lower_key`.execute(db);
}
