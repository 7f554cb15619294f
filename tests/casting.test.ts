import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../src/platform/acting.ts';
import { castBallot } from '../src/ballots/store.ts';
import { trackerMac } from '../src/ballots/tracker.ts';
import { fixedClock } from '../src/platform/time.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { closeElection, createElection, openElection } from '../src/elections/store.ts';
import { TRACKER_PATTERN } from '../src/domain/record/format.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture, scrutineersFor } from './support/fixtures.ts';

/** The ballot box's invariants (docs/threat-model.md), checked after every test: the roll and the box agree in number. */
async function expectInvariants(database: DbHandle, electionId: number) {
  const { rows: [r] } = await sql<{ roll_e: number; box_e: number; box_p: number; issued: number }>`
    select (select count(*) from roll where election_id = ${electionId} and channel = 'electronic') as roll_e,
           (select count(*) from ballots where election_id = ${electionId} and channel = 'electronic') as box_e,
           (select count(*) from ballots where election_id = ${electionId} and channel = 'paper') as box_p,
           (select paper_issued from elections where id = ${electionId}) as issued`.execute(database.db);
  expect(r!.box_e).toBe(r!.roll_e);
  expect(r!.box_p).toBeLessThanOrEqual(r!.issued);
}

describe.each(testEngines())('casting on $name', (engine) => {
  let database: DbHandle;
  const clock = fixedClock('2024-01-16T01:00:00Z');
  const acting = { clock, actor: SYSTEM_ACTOR };
  let electionId: number;
  let deputies: number[];
  const marks = 'FFFFFFFFFFAN';
  /** The tracker key an installation derives from its secret (src/keys/installation.ts). */
  const KEY = Buffer.alloc(32, 1);

  /** The term's deputies (应到); the last of them is absent. */
  const DEPUTIES = 20;

  beforeAll(async () => {
    database = await engine.open();
    // Twelve candidates; all deputies but the last checked in (quorum met), as in a real session.
    const fixture = await buildFixture(database, fixedClock('2024-01-10T00:00:00Z'), { deputies: DEPUTIES, present: DEPUTIES - 1, candidates: 12 });
    const e = await createElection(database.db, acting, {
      meetingId: fixture.meetingId, kind: 'selection', title: '2024年民生实事项目票决', marking: 'for-against-abstain', seats: 10, passBase: 'all-deputies',
      options: fixture.candidates.map((c, i) => ({ key: `c${String(i + 1).padStart(2, '0')}`, title: c.name, candidateId: c.id })),
      scrutineers: await scrutineersFor(database.db, fixture.meetingId),
    });
    electionId = e.id;
    deputies = fixture.deputies.map((d) => d.id);
    await openElection(database.db, acting, electionId);
  });
  afterAll(async () => {
    await expectInvariants(database, electionId);
    await database.close();
  });

  const ballots = () => database.db.selectFrom('ballots').selectAll().where('election_id', '=', electionId).execute();

  it('freezes 应到 when the election opens', async () => {
    const e = await database.db.selectFrom('elections').selectAll().where('id', '=', electionId).executeTakeFirstOrThrow();
    expect(e.state).toBe('open');
    expect(e.deputies_total).toBe(DEPUTIES);
  });

  it('casts one ballot, marks the roll, and returns a random tracker with the marks', async () => {
    const r = await castBallot(database.db, clock, { electionId, deputyId: deputies[0]!, marks });
    expect(r).toMatchObject({ status: 'cast', marks });
    expect(r.status === 'cast' && r.tracker).toMatch(TRACKER_PATTERN);
    const roll = await database.db.selectFrom('roll').selectAll().where('election_id', '=', electionId).where('deputy_id', '=', deputies[0]!).executeTakeFirstOrThrow();
    expect(roll.channel).toBe('electronic');
    expect((await ballots()).filter((b) => b.tracker === (r as { tracker: string }).tracker)).toHaveLength(1);
    await expectInvariants(database, electionId);
  });

  it('shows the same receipt for an identical resubmission, and refuses a different second ballot', async () => {
    const issued = { tracker: 'abcd-efgh-jkmn-pqrs', trackerMac: trackerMac(KEY, electionId, deputies[1]!, 'ABCD-EFGH-JKMN-PQRS'), trackerKey: KEY };
    const first = await castBallot(database.db, clock, { electionId, deputyId: deputies[1]!, marks, ...issued });
    expect(first).toEqual({ status: 'cast', tracker: 'ABCD-EFGH-JKMN-PQRS', marks });
    const again = await castBallot(database.db, clock, { electionId, deputyId: deputies[1]!, marks, ...issued, tracker: 'ABCDEFGHJKMNPQRS' });
    expect(again).toEqual({ status: 'resubmitted', tracker: 'ABCD-EFGH-JKMN-PQRS', marks });
    const other = await castBallot(database.db, clock, { electionId, deputyId: deputies[1]!, marks: 'AAAAAAAAAAAA', ...issued });
    expect(other).toEqual({ status: 'refused', reason: 'already-voted' });
    const noTracker = await castBallot(database.db, clock, { electionId, deputyId: deputies[1]!, marks });
    expect(noTracker).toEqual({ status: 'refused', reason: 'already-voted' });
    await expectInvariants(database, electionId);
  });

  it('refuses a tracker the server did not issue to this deputy for this election, before writing anything (issue 13)', async () => {
    const deputyId = deputies[3]!;
    const before = (await ballots()).length;
    const tracker = '0000-0000-0000-0001';
    for (const offered of [
      { tracker },
      { tracker, trackerMac: trackerMac(KEY, electionId, deputyId, tracker) }, // no key to check it with
      { tracker, trackerMac: trackerMac(KEY, electionId + 1, deputyId, tracker), trackerKey: KEY },
      { tracker, trackerMac: trackerMac(KEY, electionId, deputies[4]!, tracker), trackerKey: KEY },
      { tracker, trackerMac: trackerMac(Buffer.alloc(32, 7), electionId, deputyId, tracker), trackerKey: KEY },
      { tracker, trackerMac: '', trackerKey: KEY },
    ]) {
      expect(await castBallot(database.db, clock, { electionId, deputyId, marks, ...offered })).toEqual({ status: 'refused', reason: 'bad-tracker' });
    }
    expect((await ballots()).length).toBe(before);
    const roll = await database.db.selectFrom('roll').select('channel').where('election_id', '=', electionId).where('deputy_id', '=', deputyId).executeTakeFirstOrThrow();
    expect(roll.channel).toBeNull();
    const cast = await castBallot(database.db, clock, { electionId, deputyId, marks, tracker, trackerMac: trackerMac(KEY, electionId, deputyId, tracker), trackerKey: KEY });
    expect(cast).toEqual({ status: 'cast', tracker, marks });
  });

  it.each([
    ['more F than seats', 'FFFFFFFFFFFA'],
    ['a letter outside the marking', 'FFFFFFFFFFAS'],
    ['too few marks', 'FFF'],
    ['too many marks', 'FFFFFFFFFFANN'],
  ])('refuses %s and writes nothing', async (_what, bad) => {
    const before = (await ballots()).length;
    expect(await castBallot(database.db, clock, { electionId, deputyId: deputies[2]!, marks: bad })).toEqual({ status: 'refused', reason: 'invalid-marks' });
    expect((await ballots()).length).toBe(before);
    const roll = await database.db.selectFrom('roll').select('channel').where('election_id', '=', electionId).where('deputy_id', '=', deputies[2]!).executeTakeFirstOrThrow();
    expect(roll.channel).toBeNull();
  });

  it('refuses an absent deputy, someone not on the roll, and an unknown election', async () => {
    expect(await castBallot(database.db, clock, { electionId, deputyId: deputies[DEPUTIES - 1]!, marks })).toEqual({ status: 'refused', reason: 'not-present' });
    expect(await castBallot(database.db, clock, { electionId, deputyId: 999_999, marks })).toEqual({ status: 'refused', reason: 'not-eligible' });
    expect(await castBallot(database.db, clock, { electionId: 999_999, deputyId: deputies[3]!, marks })).toEqual({ status: 'refused', reason: 'not-found' });
    await expectInvariants(database, electionId);
  });

  it('keeps cast ballots write-once: UPDATE and DELETE are refused by the database', async () => {
    await expect(sql`update ballots set marks = 'AAAAAAAAAAAA' where election_id = ${electionId}`.execute(database.db)).rejects.toThrow(/write-once/);
    await expect(sql`delete from ballots where election_id = ${electionId}`.execute(database.db)).rejects.toThrow(/write-once/);
    // No setting a transaction can make opens the box: not the old seal flag, not a guessed seal key.
    for (const [name, value] of [['minsheng.sealing', 'on'], ['minsheng.seal_key', 'guess']]) {
      await expect(database.db.transaction().execute(async (trx) => {
        await sql`select set_config(${name}, ${value}, true)`.execute(trx);
        await sql`update ballots set marks = marks where election_id = ${electionId}`.execute(trx);
      })).rejects.toThrow(/write-once/);
      await expect(database.db.transaction().execute(async (trx) => {
        await sql`select set_config(${name}, ${value}, true)`.execute(trx);
        await sql`delete from ballots where election_id = ${electionId}`.execute(trx);
      })).rejects.toThrow(/write-once/);
    }
    // The box is never truncated, and only the database's seal function moves it, for a closed vote.
    await expect(sql`truncate ballots`.execute(database.db)).rejects.toThrow(/never truncated/);
    await expect(sql`select minsheng_seal_ballots(${electionId}::integer)`.execute(database.db)).rejects.toThrow(/not closed/);
    expect((await ballots()).length).toBeGreaterThan(0);
  });

  it('refuses casting once the election is closed', async () => {
    const meeting = await database.db.selectFrom('elections').select('meeting_id').where('id', '=', electionId).executeTakeFirstOrThrow();
    const e2 = await createElection(database.db, acting, {
      meetingId: meeting.meeting_id, kind: 'selection', title: 'x', marking: 'approval', seats: 1, passBase: 'valid-ballots', options: [{ key: 'a', title: 'A' }, { key: 'b', title: 'B' }],
      scrutineers: await scrutineersFor(database.db, meeting.meeting_id),
    });
    expect(await castBallot(database.db, clock, { electionId: e2.id, deputyId: deputies[4]!, marks: 'FN' })).toEqual({ status: 'refused', reason: 'not-open' });
    await openElection(database.db, acting, e2.id);
    expect((await castBallot(database.db, clock, { electionId: e2.id, deputyId: deputies[4]!, marks: 'FN' })).status).toBe('cast');
    await closeElection(database.db, acting, e2.id);
    expect(await castBallot(database.db, clock, { electionId: e2.id, deputyId: deputies[5]!, marks: 'NF' })).toEqual({ status: 'refused', reason: 'not-open' });
    await expectInvariants(database, e2.id);
  });

  it('keeps the ballot box free of any link to people, time or order (schema)', async () => {
    const cols = await sql<{ column_name: string; data_type: string; column_default: string | null }>`
      select column_name, data_type, column_default from information_schema.columns where table_name = 'ballots' and table_schema = current_schema()`.execute(database.db);
    expect(cols.rows.map((c) => c.column_name).sort()).toEqual(['ballot', 'channel', 'election_id', 'id', 'invalid', 'marks', 'nonce', 'tracker']);
    for (const c of cols.rows) {
      expect(c.data_type, c.column_name).not.toMatch(/time|date|interval/);
      expect(c.column_default ?? '', c.column_name).not.toMatch(/nextval|now\(\)|clock_timestamp/);
    }
    expect(cols.rows.find((c) => c.column_name === 'id')!.data_type).toBe('uuid');
    // distinct: each vote's partition repeats its table's foreign keys under the same names.
    const fks = await sql<{ from_table: string; to_table: string }>`
      select distinct tc.table_name as from_table, ccu.table_name as to_table
      from information_schema.table_constraints tc
      join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name and ccu.table_schema = tc.table_schema
      where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = current_schema() and tc.table_name in ('ballots', 'roll')`.execute(database.db);
    expect(fks.rows.filter((f) => f.from_table === 'ballots').map((f) => f.to_table)).toEqual(['elections']);
    expect(fks.rows.filter((f) => f.from_table === 'roll').map((f) => f.to_table).sort()).toEqual(['deputies', 'elections']);
    const identity = await sql<{ n: number }>`select count(*) as n from information_schema.columns where table_name = 'ballots' and table_schema = current_schema() and is_identity = 'YES'`.execute(database.db);
    expect(identity.rows[0]!.n).toBe(0);
  });

  it('50 simultaneous casts by one deputy yield one ballot and one roll mark; two deputies at once both succeed', async () => {
    const deputy = deputies[10]!;
    const results = await Promise.all(Array.from({ length: 50 }, () => castBallot(database.db, clock, { electionId, deputyId: deputy, marks })));
    expect(results.filter((r) => r.status === 'cast')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'refused' && r.reason === 'already-voted')).toHaveLength(49);
    const [a, b] = await Promise.all([
      castBallot(database.db, clock, { electionId, deputyId: deputies[11]!, marks }),
      castBallot(database.db, clock, { electionId, deputyId: deputies[12]!, marks: 'NNNNNNNNNNNN' }),
    ]);
    expect([a.status, b.status]).toEqual(['cast', 'cast']);
    await expectInvariants(database, electionId);
  });
});

describe.each(testEngines())('scheduled close on $name', (engine) => {
  it('closes a due election exactly once, even when several instances check at once', async () => {
    const { closeDueElections } = await import('../src/elections/scheduler.ts');
    const database = await engine.open();
    try {
      const clock = fixedClock('2024-01-16T01:00:00Z');
      const acting = { clock, actor: SYSTEM_ACTOR };
      const { meetingId } = await buildFixture(database, clock, { deputies: 3 });
      const e = await createElection(database.db, acting, {
        meetingId, kind: 'selection', title: 't', marking: 'approval', seats: 1, passBase: 'valid-ballots', options: [{ key: 'a', title: 'A' }, { key: 'b', title: 'B' }],
        scrutineers: await scrutineersFor(database.db, meetingId),
      });
      await openElection(database.db, acting, e.id);
      await database.db.updateTable('elections').set({ close_scheduled_at: new Date('2024-01-16T01:30:00Z') }).where('id', '=', e.id).execute();
      expect(await closeDueElections(database.db, clock)).toEqual([]);
      clock.set('2024-01-16T01:30:00Z');
      const runs = await Promise.all([closeDueElections(database.db, clock), closeDueElections(database.db, clock), closeDueElections(database.db, clock)]);
      expect(runs.flat()).toEqual([e.id]);
      expect(await closeDueElections(database.db, clock)).toEqual([]);
      const row = await database.db.selectFrom('elections').select(['state', 'closed_at']).where('id', '=', e.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ state: 'closed', closed_at: new Date('2024-01-16T01:30:00Z') });
      const audits = await database.db.selectFrom('audit_log').select('action').where('subject', '=', `election:${e.id}`).where('action', '=', 'election.close').execute();
      expect(audits).toHaveLength(1);
    } finally {
      await database.close();
    }
  });
});
