import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditAnchor, checkpointIfGrown } from '../src/audit/checkpoint-store.ts';
import { castBallot } from '../src/ballots/store.ts';
import { loadConfig } from '../src/config.ts';
import { sealElection } from '../src/counting/store.ts';
import { migrateDatabase } from '../src/database-roles.ts';
import { closeElection, createElection, openElection } from '../src/elections/store.ts';
import { createPostgresDb, type DbHandle } from '../src/platform/db/index.ts';
import { fixedClock } from '../src/platform/time.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture, scrutineersFor } from './support/fixtures.ts';
import { adminUrl, withDatabase } from './support/postgres.ts';

const GUARDED = ['ballots', 'sealed_ballots', 'election_records', 'audit_log', 'audit_checkpoints'];

describe.each(testEngines())('database guards on $name', (engine) => {
  let database: DbHandle;
  beforeAll(async () => { database = await engine.open(); });
  afterAll(() => database.close());

  it('refuses TRUNCATE of the box, the sealed ballots, the records, the audit log and its checkpoints', async () => {
    for (const table of GUARDED) await expect(sql`truncate ${sql.table(table)} cascade`.execute(database.db)).rejects.toThrow(/never truncated/);
  });

  it('refuses TRUNCATE and DELETE of an open vote\'s own ballot box; the seal alone empties it, then drops it', async () => {
    const clock = fixedClock('2024-01-16T01:00:00Z');
    const f = await buildFixture(database, clock, { deputies: 3, candidates: 2, election: { open: true, marking: 'approval', seats: 1 } });
    const box = `ballots_${f.electionId!}`;
    expect((await castBallot(database.db, clock, { electionId: f.electionId!, deputyId: f.deputies[0]!.id, marks: 'FN' })).status).toBe('cast');
    await expect(sql`truncate ${sql.table(box)}`.execute(database.db)).rejects.toThrow(/never truncated/);
    await expect(sql`delete from ${sql.table(box)}`.execute(database.db)).rejects.toThrow(/write-once/);
    await expect(sql`update ${sql.table(box)} set marks = 'NF'`.execute(database.db)).rejects.toThrow(/write-once/);
    await expect(sql`select minsheng_seal_ballots(${f.electionId!}::integer)`.execute(database.db)).rejects.toThrow(/not closed/);
    expect(await database.db.selectFrom('ballots').select('marks').where('election_id', '=', f.electionId!).execute()).toEqual([{ marks: 'FN' }]);
    await closeElection(database.db, f.acting, f.electionId!);
    expect((await sealElection(database.db, f.acting, f.electionId!)).ballots).toBe(1);
    expect((await sql<{ r: string | null }>`select to_regclass(${box})::text as r`.execute(database.db)).rows[0]!.r).toBeNull();
    // No ballot goes into a sealed vote's box any more: it has none.
    await expect(sql`insert into ballots (election_id, tracker, marks, channel) values (${f.electionId!}, 'AAAA-AAAA-AAAA-AAAA', 'FN', 'electronic')`.execute(database.db))
      .rejects.toThrow(/no partition/);
    // A box is made only for a vote being opened.
    await expect(sql`select minsheng_open_ballot_box(${f.electionId!}::integer)`.execute(database.db)).rejects.toThrow(/not being opened/);
  });

  it('keeps audit checkpoints append-only: no UPDATE, no DELETE', async () => {
    await sql`insert into audit_checkpoints (seq, at, length, last_id, head, key_fingerprint, body, public_key, signature)
      values (1, now(), 1, 1, ${'sha256:' + '0'.repeat(64)}, ${'0'.repeat(64)}, '{}', 'AA==', 'AA==')`.execute(database.db);
    await expect(sql`update audit_checkpoints set head = 'forged'`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_checkpoints`.execute(database.db)).rejects.toThrow(/append-only/);
    expect(await database.db.selectFrom('audit_checkpoints').select('head').execute()).toEqual([{ head: 'sha256:' + '0'.repeat(64) }]);
  });
});

/**
 * Two roles, as docs/operations.md sets them up: the owner migrates (MIGRATION_DATABASE_URL) and
 * the application's role holds only grants. Then the guards hold against the application's role.
 */
describe.runIf(process.env.TEST_DATABASE_URL)('the application\'s database role (PostgreSQL, two roles)', () => {
  const url = process.env.TEST_DATABASE_URL!;
  const name = `minsheng_tf_${process.pid}_roles`;
  const role = `minsheng_app_${process.pid}`;
  let admin: DbHandle;
  let owner: DbHandle;
  let app: DbHandle;

  beforeAll(async () => {
    admin = createPostgresDb(adminUrl(url));
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
    await sql`drop role if exists ${sql.id(role)}`.execute(admin.db);
    await sql`create role ${sql.id(role)} login`.execute(admin.db);
    await sql`create database ${sql.id(name)}`.execute(admin.db);
    owner = createPostgresDb(withDatabase(url, name));
    const appUrl = new URL(withDatabase(url, name));
    appUrl.username = role;
    app = createPostgresDb(appUrl.toString());
    // As the server starts: the owner migrates, then grants the application's role its share.
    await migrateDatabase({ databaseUrl: appUrl.toString(), migrationDatabaseUrl: withDatabase(url, name) }, app);
  });
  afterAll(async () => {
    await app?.close();
    await owner?.close();
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
    await sql`drop role if exists ${sql.id(role)}`.execute(admin.db);
    await admin.close();
  });

  const clock = fixedClock('2024-01-16T01:00:00Z');
  let f: Awaited<ReturnType<typeof buildFixture>>;

  it('runs a whole vote with its grants alone: set-up, casting, closing and the seal', async () => {
    f = await buildFixture(app, clock, { deputies: 3, candidates: 2, election: { open: true, marking: 'approval', seats: 1 } });
    for (const [i, marks] of ['FN', 'NF'].entries()) expect((await castBallot(app.db, clock, { electionId: f.electionId!, deputyId: f.deputies[i]!.id, marks })).status).toBe('cast');
    await closeElection(app.db, f.acting, f.electionId!);
    expect((await sealElection(app.db, f.acting, f.electionId!)).ballots).toBe(2);
    expect(await app.db.selectFrom('sealed_ballots').select('tracker').execute()).toHaveLength(2);
    // …and signs an audit checkpoint of the chain, with the key it makes and stores itself.
    const anchor = auditAnchor(loadConfig({ DATABASE_URL: url, SIGNING_KEY_SECRET: 'a'.repeat(32) }));
    expect(await checkpointIfGrown(app.db, clock, anchor)).toMatchObject({ seq: 1, format: 'minsheng-audit-checkpoint/1' });
  });

  it('cannot rewrite, empty or truncate the box, the records or the audit log, nor switch a guard off', async () => {
    const e = await createElection(app.db, f.acting, {
      meetingId: f.meetingId, kind: 'selection', title: '第二次票决', marking: 'approval', seats: 1, passBase: 'valid-ballots',
      options: f.candidates.map((c, i) => ({ key: `c0${i + 1}`, title: c.name, candidateId: c.id })),
      scrutineers: await scrutineersFor(app.db, f.meetingId),
    });
    await openElection(app.db, f.acting, e.id);
    expect((await castBallot(app.db, clock, { electionId: e.id, deputyId: f.deputies[0]!.id, marks: 'FN' })).status).toBe('cast');
    const attempts = [
      sql`update ballots set marks = 'NF'`,
      sql`delete from ballots`,
      sql`update sealed_ballots set marks = 'NF'`,
      sql`insert into sealed_ballots (election_id, tracker, marks) values (${e.id}, 'AAAA-AAAA-AAAA-AAAA', 'FN')`,
      sql`update audit_log set action = 'forged'`,
      sql`delete from audit_log`,
      sql`update audit_checkpoints set head = 'forged'`,
      sql`delete from audit_checkpoints`,
      sql`alter table audit_checkpoints disable trigger audit_checkpoints_append_only`,
      sql`select key from seal_keys`,
      sql`alter table ballots disable trigger ballots_write_once`,
      sql`drop trigger ballots_no_truncate on ballots`,
      sql`truncate ${sql.table(`ballots_${e.id}`)}`,
      sql`delete from ${sql.table(`ballots_${e.id}`)}`,
      sql`drop table ${sql.table(`ballots_${e.id}`)}`,
      sql`alter table ${sql.table(`ballots_${e.id}`)} disable trigger ${sql.id(`ballots_${e.id}_no_truncate`)}`,
      sql`truncate ${sql.table(`roll_${e.id}`)}`,
      sql`select * from ${sql.table(`ballots_${e.id}`)}`,
      sql`select minsheng_open_ballot_box(${f.electionId!}::integer)`,
      ...GUARDED.map((t) => sql`truncate ${sql.table(t)} cascade`),
    ];
    for (const attempt of attempts) {
      await expect(app.db.transaction().execute(async (trx) => {
        await sql`select set_config('minsheng.sealing', 'on', true)`.execute(trx);
        await attempt.execute(trx);
      }), attempt.compile(app.db).sql).rejects.toThrow(/permission denied|must be owner|write-once|never truncated|append-only|not being opened/);
    }
    expect(await app.db.selectFrom('ballots').select('marks').where('election_id', '=', e.id).execute()).toEqual([{ marks: 'FN' }]);
    // The seal function checks the state itself: an open vote is not sealed by calling it directly.
    await expect(sql`select minsheng_seal_ballots(${e.id}::integer)`.execute(app.db)).rejects.toThrow(/not closed/);
  });
});
