import { type Kysely, sql } from 'kysely';

// Tracking the chosen projects to completion (docs/tracking.md).
//
// - `projects`: one per candidate a published selection (or its runoff) chose, in its meeting,
//   with the vote that chose it. Made at publication, never typed in.
// - `project_plans`: the implementation plan, as revisions. The lead department drafts one, the
//   secretariat approves it or returns it with a comment; an approved revision never changes, and a
//   later change is a new revision with its reason. Money is bigint 分.
// - `project_reports`: progress reports. Drafted and submitted by the lead department, approved
//   (then public and never changed again) or returned with a comment. A correction is a new report
//   naming the one it corrects.
// - `report_sections`: a co-department's contribution to the lead's next report.
// - `evidence_files` / `report_evidence`: photos and PDFs, stored once by SHA-256 in the database
//   so that every instance serves them.
// - `inspection_notes`: deputies' 视察意见, with the reply due date the secretariat sets and the
//   lead department's reply.
// - `citizen_opinions`: 群众意见 left without an account, public only once accepted.
// - `project_ratings`: the outcome of a published 测评 for each project it rated, copied from the
//   signed record at its publication.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('projects')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id'))
    .addColumn('candidate_id', 'integer', (c) => c.notNull().unique().references('candidates.id'))
    // The vote that chose it (the selection, or a runoff of it) and its option there.
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id'))
    .addColumn('option_key', 'text', (c) => c.notNull())
    // Its place in the meeting's final chosen list, from 1.
    .addColumn('rank', 'smallint', (c) => c.notNull().check(sql`rank >= 1`))
    .addColumn('for_votes', 'integer', (c) => c.notNull().check(sql`for_votes >= 0`))
    .addColumn('lead_department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('chosen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index projects_meeting_idx on projects (meeting_id, rank)`.execute(db);
  await sql`create index projects_department_idx on projects (lead_department_id)`.execute(db);

  await db.schema.createTable('project_plans')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id'))
    .addColumn('revision', 'smallint', (c) => c.notNull().check(sql`revision >= 1`))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('draft').check(sql`state in ('draft', 'submitted', 'returned', 'approved')`))
    // Why the plan changes (every revision after the first).
    .addColumn('reason', 'text', (c) => c.check(sql`reason is null or char_length(reason) between 1 and 1000`))
    .addColumn('total_investment_fen', 'bigint', (c) => c.notNull().check(sql`total_investment_fen >= 0`))
    .addColumn('annual_investment_fen', 'bigint', (c) => c.notNull().check(sql`annual_investment_fen >= 0`))
    // The plan's start (null: the publication of the vote that chose it) and its deadline.
    .addColumn('starts_on', 'date')
    .addColumn('deadline', 'date', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.check(sql`location is null or char_length(location) between 1 and 100`))
    .addColumn('lead_official', 'text', (c) => c.notNull())
    .addColumn('schedule', 'text', (c) => c.notNull().check(sql`schedule in ('monthly', 'quarterly')`))
    .addColumn('co_department_ids', sql`integer[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    // [{ key, metric, unit, target }]
    .addColumn('targets', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    // [{ key, title, weight }]
    .addColumn('sub_items', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    // [{ key, title, due, weight, subItem }]
    .addColumn('milestones', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('drafted_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('drafted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('decided_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_by_name', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('return_comment', 'text', (c) => c.check(sql`return_comment is null or char_length(return_comment) between 1 and 2000`))
    .addUniqueConstraint('project_plans_revision_key', ['project_id', 'revision'])
    .addCheckConstraint('project_plans_decided', sql`state not in ('approved', 'returned') or decided_at is not null`)
    .execute();
  // At most one revision being worked on at a time.
  await sql`create unique index project_plans_one_open on project_plans (project_id) where state <> 'approved'`.execute(db);

  await db.schema.createTable('project_reports')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id'))
    .addColumn('seq', 'integer', (c) => c.notNull().check(sql`seq >= 1`))
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('progress').check(sql`kind in ('progress', 'rectification')`))
    // The reporting period it answers ('2024-03', '2024-Q1'); null for an extra report.
    .addColumn('period', 'text', (c) => c.check(sql`period is null or period ~ '^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$'`))
    // The last report: the project is done.
    .addColumn('final', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('corrects_id', 'integer', (c) => c.references('project_reports.id'))
    .addColumn('plan_revision', 'smallint')
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('draft').check(sql`state in ('draft', 'submitted', 'returned', 'approved')`))
    .addColumn('narrative', 'text', (c) => c.notNull().check(sql`char_length(narrative) <= 10000`))
    .addColumn('percent', 'smallint', (c) => c.check(sql`percent between 0 and 100`))
    .addColumn('spent_fen', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`spent_fen >= 0`))
    // [{ target, value }] against the plan's targets' keys.
    .addColumn('actuals', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    // The plan's milestone keys done by this report (cumulative with earlier approved reports).
    .addColumn('milestones_done', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    // { subItemKey: percent } for sub-items without milestones.
    .addColumn('sub_item_percents', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('drafted_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('drafted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('decided_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_by_name', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('return_comment', 'text', (c) => c.check(sql`return_comment is null or char_length(return_comment) between 1 and 2000`))
    .addUniqueConstraint('project_reports_seq_key', ['project_id', 'seq'])
    .addCheckConstraint('project_reports_decided', sql`state not in ('approved', 'returned') or decided_at is not null`)
    .execute();
  await sql`create index project_reports_project_idx on project_reports (project_id, state)`.execute(db);

  await db.schema.createTable('report_sections')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id'))
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    // Set when the lead department submits its report with the section in it.
    .addColumn('report_id', 'integer', (c) => c.references('project_reports.id'))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`char_length(body) between 1 and 5000`))
    .addColumn('written_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('written_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index report_sections_project_idx on report_sections (project_id, report_id)`.execute(db);

  await db.schema.createTable('evidence_files')
    .addColumn('sha256', 'text', (c) => c.primaryKey().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('media_type', 'text', (c) => c.notNull().check(sql`media_type in ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')`))
    .addColumn('bytes', 'bytea', (c) => c.notNull())
    .addColumn('byte_size', 'integer', (c) => c.notNull().check(sql`byte_size > 0`))
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createTable('report_evidence')
    .addColumn('report_id', 'integer', (c) => c.notNull().references('project_reports.id').onDelete('cascade'))
    .addColumn('position', 'smallint', (c) => c.notNull().check(sql`position between 1 and 50`))
    .addColumn('sha256', 'text', (c) => c.notNull().references('evidence_files.sha256'))
    .addColumn('caption', 'text', (c) => c.notNull().check(sql`char_length(caption) <= 200`))
    .addPrimaryKeyConstraint('report_evidence_pkey', ['report_id', 'position'])
    .execute();

  await db.schema.createTable('inspection_notes')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id'))
    .addColumn('deputy_id', 'integer', (c) => c.notNull().references('deputies.id'))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`char_length(body) between 1 and 5000`))
    .addColumn('filed_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('filed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('reply_due', 'date', (c) => c.notNull())
    .addColumn('reply', 'text', (c) => c.check(sql`reply is null or char_length(reply) between 1 and 5000`))
    .addColumn('replied_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('replied_at', 'timestamptz')
    .addCheckConstraint('inspection_notes_reply', sql`(reply is null) = (replied_at is null)`)
    .execute();
  await sql`create index inspection_notes_project_idx on inspection_notes (project_id)`.execute(db);

  await db.schema.createTable('citizen_opinions')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id'))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`char_length(body) between 1 and 2000`))
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending').check(sql`state in ('pending', 'accepted', 'rejected')`))
    .addColumn('decided_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('reply', 'text', (c) => c.check(sql`reply is null or char_length(reply) between 1 and 5000`))
    .addColumn('replied_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('replied_at', 'timestamptz')
    .addCheckConstraint('citizen_opinions_reply', sql`(reply is null) = (replied_at is null)`)
    .addCheckConstraint('citizen_opinions_reply_accepted', sql`reply is null or state = 'accepted'`)
    .execute();
  await sql`create index citizen_opinions_project_idx on citizen_opinions (project_id, state)`.execute(db);

  await db.schema.createTable('project_ratings')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id'))
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id'))
    .addColumn('option_key', 'text', (c) => c.notNull())
    .addColumn('rating', 'text', (c) => c.notNull().check(sql`rating in ('satisfied', 'basically', 'unsatisfied')`))
    .addColumn('satisfied', 'integer', (c) => c.notNull())
    .addColumn('basically', 'integer', (c) => c.notNull())
    .addColumn('unsatisfied', 'integer', (c) => c.notNull())
    .addColumn('abstain', 'integer', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('project_ratings_pkey', ['project_id', 'election_id'])
    .execute();

  // What is public never changes: an approved plan revision or report, and the evidence and sections
  // of an approved report, refuse every update and delete, whatever code runs.
  await sql`
    create function tracking_approved_fixed() returns trigger language plpgsql as $$
    begin
      if old.state = 'approved' then
        raise exception '% % is approved and never changes', tg_table_name, old.id using errcode = 'P0001';
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$`.execute(db);
  await sql`create trigger project_plans_fixed before update or delete on project_plans for each row execute function tracking_approved_fixed()`.execute(db);
  await sql`create trigger project_reports_fixed before update or delete on project_reports for each row execute function tracking_approved_fixed()`.execute(db);
  await sql`
    create function report_parts_fixed() returns trigger language plpgsql as $$
    declare
      r integer := case when tg_op = 'INSERT' then new.report_id else old.report_id end;
    begin
      if r is not null and exists (select 1 from project_reports where id = r and state = 'approved') then
        raise exception 'report % is approved: its parts never change', r using errcode = 'P0001';
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$`.execute(db);
  await sql`create trigger report_evidence_fixed before insert or update or delete on report_evidence for each row execute function report_parts_fixed()`.execute(db);
  await sql`create trigger report_sections_fixed before update or delete on report_sections for each row execute function report_parts_fixed()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['project_ratings', 'citizen_opinions', 'inspection_notes', 'report_evidence', 'evidence_files', 'report_sections', 'project_reports', 'project_plans', 'projects']) {
    await db.schema.dropTable(t).execute();
  }
  await sql`drop function report_parts_fixed()`.execute(db);
  await sql`drop function tracking_approved_fixed()`.execute(db);
}
