import { type Kysely, sql } from 'kysely';

// Frozen in time: never import app code here; later changes go in later migrations.

const ROLES = ['secretariat', 'scrutineer', 'department', 'deputy'];
const CATEGORIES = [
  'rural-revitalisation', 'social-security', 'employment', 'science-education', 'culture-sports',
  'health', 'municipal-construction', 'urban-management', 'environment', 'housing',
  'social-governance', 'public-safety', 'public-transport',
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('terms')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('ordinal', 'integer', (c) => c.notNull().check(sql`ordinal > 0`))
    .addColumn('starts_on', 'date', (c) => c.notNull())
    .addColumn('ends_on', 'date', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('terms_name_key', ['name'])
    .addCheckConstraint('terms_dates_check', sql`starts_on <= ends_on`)
    .execute();

  await db.schema.createTable('departments')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema.createTable('deputies')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('term_id', 'integer', (c) => c.notNull().references('terms.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('delegation', 'text', (c) => c.notNull())
    .addColumn('standing_committee', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('phone', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('deputies_term_code_key', ['term_id', 'code'])
    .execute();

  await db.schema.createTable('meetings')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('term_id', 'integer', (c) => c.notNull().references('terms.id'))
    .addColumn('title', 'text', (c) => c.notNull().unique())
    .addColumn('session_ordinal', 'integer', (c) => c.notNull().check(sql`session_ordinal > 0`))
    .addColumn('year', 'integer', (c) => c.notNull().check(sql`year between 2000 and 2200`))
    .addColumn('starts_on', 'date', (c) => c.notNull())
    .addColumn('ends_on', 'date', (c) => c.notNull())
    .addColumn('shared_tablets', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('meetings_term_session_key', ['term_id', 'session_ordinal'])
    .addCheckConstraint('meetings_dates_check', sql`starts_on <= ends_on`)
    .execute();

  await db.schema.createTable('candidates')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id'))
    .addColumn('ballot_order', 'integer', (c) => c.notNull().check(sql`ballot_order > 0`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull().check(sql`category in (${sql.join(CATEGORIES.map((x) => sql.lit(x)))})`))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('targets', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('total_investment_yuan', 'bigint', (c) => c.check(sql`total_investment_yuan >= 0`))
    .addColumn('deadline', 'date', (c) => c.notNull())
    .addColumn('lead_department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('lead_official', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('candidates_meeting_order_key', ['meeting_id', 'ballot_order'])
    .addUniqueConstraint('candidates_meeting_name_key', ['meeting_id', 'name'])
    .execute();

  await db.schema.createTable('candidate_co_departments')
    .addColumn('candidate_id', 'integer', (c) => c.notNull().references('candidates.id').onDelete('cascade'))
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addPrimaryKeyConstraint('candidate_co_departments_pkey', ['candidate_id', 'department_id'])
    .execute();

  await db.schema.createTable('users')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('username', 'text', (c) => c.notNull().check(sql`username = lower(username) and length(username) between 2 and 64`))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('must_change_password', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('deputy_id', 'integer', (c) => c.references('deputies.id').unique())
    .addColumn('department_id', 'integer', (c) => c.references('departments.id'))
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('users_username_key', ['username'])
    .execute();

  await db.schema.createTable('user_roles')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in (${sql.join(ROLES.map((x) => sql.lit(x)))})`))
    .addPrimaryKeyConstraint('user_roles_pkey', ['user_id', 'role'])
    .execute();

  // Append-only, hash-chained log of administrative events (never ballots: casting leaves its trace
  // on the roll only).
  await db.schema.createTable('audit_log')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor_user_id', 'integer')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .execute();
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only' using errcode = 'P0001';
    end $$`.execute(db);
  await sql`
    create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
  await sql`drop function audit_log_append_only()`.execute(db);
  for (const t of ['user_roles', 'users', 'candidate_co_departments', 'candidates', 'meetings', 'deputies', 'departments', 'terms']) {
    await db.schema.dropTable(t).execute();
  }
}
