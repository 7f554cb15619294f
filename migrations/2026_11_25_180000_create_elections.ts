import { type Kysely, sql } from 'kysely';

// Frozen in time: never import app code here.
//
// Ballot secrecy (docs/threat-model.md): the roll (who voted) and the ballot box (what was voted) never reference
// each other. A ballot row has no deputy or user id, no time and no sequence number; its primary key
// is random. Cast ballots are write-once: a trigger refuses UPDATE and DELETE unless the seal step,
// inside its own transaction, has set the transaction-local flag minsheng.sealing.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('elections')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('selection', 'runoff', 'satisfaction')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('marking', 'text', (c) => c.notNull().check(sql`marking in ('for-against-abstain', 'approval', 'satisfaction')`))
    .addColumn('seats', 'integer', (c) => c.check(sql`seats is null or seats >= 1`))
    .addColumn('pass_base', 'text', (c) => c.notNull().check(sql`pass_base in ('all-deputies', 'present', 'valid-ballots')`))
    .addColumn('electorate', 'text', (c) => c.notNull().defaultTo('all-deputies').check(sql`electorate in ('all-deputies', 'standing-committee')`))
    .addColumn('runoff_of', 'integer', (c) => c.references('elections.id'))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('draft')
      .check(sql`state in ('draft', 'open', 'closed', 'tallied', 'certified', 'published', 'void')`))
    .addColumn('deputies_total', 'integer')
    .addColumn('opened_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('close_scheduled_at', 'timestamptz')
    .addColumn('paper_issued', 'integer', (c) => c.notNull().defaultTo(0).check(sql`paper_issued >= 0`))
    .addColumn('void_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('elections_seats_by_kind', sql`(kind = 'satisfaction') = (seats is null)`)
    .addCheckConstraint('elections_marking_by_kind', sql`(kind = 'satisfaction') = (marking = 'satisfaction')`)
    .addCheckConstraint('elections_runoff_of', sql`(kind = 'runoff') = (runoff_of is not null)`)
    .execute();
  await db.schema.createIndex('elections_meeting_idx').on('elections').column('meeting_id').execute();

  // The options on the ballot, in ballot order; `key` is the option id published in the record.
  await db.schema.createTable('election_options')
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull().check(sql`position >= 1`))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('candidate_id', 'integer', (c) => c.references('candidates.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('election_options_pkey', ['election_id', 'position'])
    .addUniqueConstraint('election_options_key', ['election_id', 'key'])
    .execute();

  // 签到: who is present at a meeting.
  await db.schema.createTable('attendance')
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id'))
    .addColumn('deputy_id', 'integer', (c) => c.notNull().references('deputies.id'))
    .addColumn('present', 'boolean', (c) => c.notNull())
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('secretariat', 'self')`))
    .addPrimaryKeyConstraint('attendance_pkey', ['meeting_id', 'deputy_id'])
    .execute();

  // The roll: one row per eligible deputy, written when the election opens.
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

  // The ballot box. No reference to the roll, users or deputies; no time; no sequence; random key.
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

  await sql`
    create function ballots_write_once() returns trigger language plpgsql as $$
    begin
      if coalesce(current_setting('minsheng.sealing', true), '') = 'on' then
        return case when tg_op = 'DELETE' then old else new end;
      end if;
      raise exception 'cast ballots are write-once' using errcode = 'P0001';
    end $$`.execute(db);
  await sql`
    create trigger ballots_write_once before update or delete on ballots
    for each row execute function ballots_write_once()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ballots').execute();
  await sql`drop function ballots_write_once()`.execute(db);
  for (const t of ['roll', 'attendance', 'election_options', 'elections']) await db.schema.dropTable(t).execute();
}
