import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castBallot } from '../src/ballots/store.ts';
import { loadConfig } from '../src/config.ts';
import { sealElection } from '../src/counting/store.ts';
import { seedVote2023 } from '../src/demo/history.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { closeElection } from '../src/elections/store.ts';
import type { Db, DbHandle } from '../src/platform/db/index.ts';
import { createMigrator, migrateToLatest } from '../src/platform/db/migrate.ts';
import { fixedClock } from '../src/platform/time.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture } from './support/fixtures.ts';

/** The migration that partitions the ballot box and the roll by election (issue 13). */
const PARTITIONING = '2026_12_01_010000_partition_ballot_box_and_roll';

/** Everything the box, the roll and the seal hold, in a fixed order. */
async function contents(db: Db) {
  const rows = async (q: ReturnType<typeof sql>) => (await q.execute(db)).rows;
  return {
    elections: await rows(sql`select id, state from elections order by id`),
    roll: await rows(sql`select election_id, deputy_id, channel, voted_at, issued_at from roll order by election_id, deputy_id`),
    ballots: await rows(sql`select id, election_id, tracker, marks, channel, invalid from ballots order by election_id, tracker collate "C"`),
    sealed: await rows(sql`select election_id, tracker, marks, invalid from sealed_ballots order by election_id, tracker collate "C"`),
    records: await rows(sql`select election_id, digest, published_at from election_records order by election_id`),
  };
}

const relkind = async (db: Db, name: string) =>
  (await sql<{ relkind: string }>`select relkind from pg_class where oid = to_regclass(${name})`.execute(db)).rows[0]?.relkind;

describe.each(testEngines())('partitioning the ballot box and the roll, on $name', { timeout: 180_000 }, (engine) => {
  let database: DbHandle;
  const clock = fixedClock('2024-01-16T01:00:00Z');
  beforeAll(async () => {
    database = await engine.open();
    // The demo with its published 2023 vote (plaintext), and a vote of its own still open with ballots in the box.
    // Not the demo's encrypted 测评: a database holding encrypted ballots cannot go back below the
    // migration that made them possible (2026_12_01_120000: sealed ballots without marks).
    await seedDemo(database.db, fixedClock('2024-01-10T00:00:00Z'), { history: false });
    const m2023 = await database.db.selectFrom('meetings').select(['id', 'term_id']).where('year', '=', 2023).executeTakeFirstOrThrow();
    await seedVote2023(database.db, { termId: m2023.term_id, meetingId: m2023.id, signing: loadConfig({ DATA_DIR: '/nonexistent', DEMO: '1', SIGNING_KEY_SECRET: 'migration-test-signing-key-secret-0123456789' }) });
  });
  afterAll(() => database.close());

  it('moves a database\'s published votes and an open box across, both ways, and the open vote then counts as before', async () => {
    const db = database.db;
    const f = await buildFixture(database, clock, { deputies: 4, candidates: 2, election: { open: true, marking: 'approval', seats: 1 } });
    const electionId = f.electionId!;
    for (const [i, marks] of ['FN', 'NF'].entries()) expect((await castBallot(db, clock, { electionId, deputyId: f.deputies[i]!.id, marks })).status).toBe('cast');
    const before = await contents(db);
    expect(before.records.filter((r) => (r as { published_at: Date | null }).published_at).length).toBeGreaterThan(0);
    expect(before.ballots).toHaveLength(2);

    // Back to the unpartitioned tables, as every installation was before this migration…
    const migrator = createMigrator(db);
    const names = (await migrator.getMigrations()).map((m) => m.name);
    const { error } = await migrator.migrateTo(names[names.indexOf(PARTITIONING) - 1]!);
    expect(error).toBeUndefined();
    expect(await relkind(db, 'ballots')).toBe('r');
    expect(await relkind(db, 'roll')).toBe('r');
    expect(await contents(db)).toEqual(before);

    // …and forward again: every row kept, each election with rows in a partition of its own.
    expect(await migrateToLatest(db)).toContain(PARTITIONING);
    expect(await relkind(db, 'ballots')).toBe('p');
    expect(await relkind(db, 'roll')).toBe('p');
    expect(await contents(db)).toEqual(before);
    expect(await relkind(db, `ballots_${electionId}`)).toBe('r');
    const published = (before.records[0] as { election_id: number }).election_id;
    expect(await relkind(db, `roll_${published}`)).toBe('r');
    expect(await relkind(db, `ballots_${published}`)).toBeUndefined();

    // The open vote goes on: one more ballot, the close, the seal; its box is gone after it.
    expect((await castBallot(db, clock, { electionId, deputyId: f.deputies[2]!.id, marks: 'FN' })).status).toBe('cast');
    await closeElection(db, f.acting, electionId);
    expect(await sealElection(db, f.acting, electionId)).toMatchObject({ ballots: 3 });
    expect((await sql<{ marks: string }>`select marks from sealed_ballots where election_id = ${electionId} order by marks`.execute(db)).rows.map((r) => r.marks)).toEqual(['FN', 'FN', 'NF']);
    expect(await relkind(db, `ballots_${electionId}`)).toBeUndefined();
    expect((await sql<{ n: number }>`select count(*)::int as n from roll where election_id = ${electionId} and channel = 'electronic'`.execute(db)).rows[0]!.n).toBe(3);
  });
});
