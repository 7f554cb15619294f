import { type Kysely, sql } from 'kysely';

// A meeting is public only once the secretariat publishes it: until then its half-entered
// candidates stay off the home page, its page and the open data. Meetings that exist already were
// public, and stay so. Votes of a meeting open only once it is published.
//
// Votes may carry a note: why a further selection is held in a meeting that already has one.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table meetings add column published_at timestamptz`.execute(db);
  await sql`update meetings set published_at = created_at`.execute(db);
  await sql`alter table elections add column note text check (note is null or char_length(note) between 1 and 500)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table elections drop column note`.execute(db);
  await sql`alter table meetings drop column published_at`.execute(db);
}
