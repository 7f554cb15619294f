import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../src/audit/store.ts';
import { castBallot } from '../src/ballots/cast.ts';
import { fixedClock } from '../src/clock.ts';
import type { DbHandle } from '../src/db/index.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { closeElection, createElection, openElection } from '../src/elections/store.ts';
import { commitPaper, issuePaper, keyPaperBallot, paperReconciliation, PaperError, recordReturned } from '../src/paper/store.ts';
import { testEngines } from './support/databases.ts';
import { makeUser } from './support/auth.ts';

describe.each(testEngines())('paper ballots on $name', (engine) => {
  let database: DbHandle;
  const clock = fixedClock('2024-01-16T01:00:00Z');
  const acting = { clock, actor: SYSTEM_ACTOR };
  let meetingId: number;
  let clerkA: { clock: typeof clock; actor: { userId: number; name: string } };
  let clerkB: typeof clerkA;
  let deputyIds: Map<string, number>;

  beforeAll(async () => {
    database = await engine.open();
    await seedDemo(database.db, fixedClock('2024-01-10T00:00:00Z'));
    meetingId = (await database.db.selectFrom('meetings').select('id').where('year', '=', 2024).executeTakeFirstOrThrow()).id;
    const a = await makeUser(database, clock, ['secretariat']);
    const b = await makeUser(database, clock, ['scrutineer']);
    clerkA = { clock, actor: { userId: a.user.id, name: a.username } };
    clerkB = { clock, actor: { userId: b.user.id, name: b.username } };
    deputyIds = new Map((await database.db.selectFrom('deputies').select(['id', 'code']).execute()).map((d) => [d.code, d.id]));
  });
  afterAll(async () => { await database.close(); });

  async function newElection() {
    const e = await createElection(database.db, acting, {
      meetingId, kind: 'selection', title: 'paper', marking: 'for-against-abstain', seats: 2, passBase: 'all-deputies',
      options: [{ key: 'a', title: 'A' }, { key: 'b', title: 'B' }, { key: 'c', title: 'C' }],
    });
    await openElection(database.db, acting, e.id);
    return e.id;
  }
  const box = async (id: number) => database.db.selectFrom('ballots').select(['marks', 'channel', 'invalid']).where('election_id', '=', id).execute();

  it('issues paper to present deputies, who then cannot vote electronically (and vice versa)', async () => {
    const id = await newElection();
    expect(await issuePaper(database.db, acting, id, ['D001', 'D002'])).toBe(2);
    expect(await castBallot(database.db, clock, { electionId: id, deputyId: deputyIds.get('D001')!, marks: 'FNN' })).toEqual({ status: 'refused', reason: 'voted-on-paper' });
    expect((await castBallot(database.db, clock, { electionId: id, deputyId: deputyIds.get('D003')!, marks: 'FNN' })).status).toBe('cast');
    await expect(issuePaper(database.db, acting, id, ['D003'])).rejects.toThrow(PaperError);
    await expect(issuePaper(database.db, acting, id, ['D020'])).rejects.toMatchObject({ reason: 'unknown-deputies', detail: { codes: ['D020'] } });
    const e = await database.db.selectFrom('elections').select('paper_issued').where('id', '=', id).executeTakeFirstOrThrow();
    expect(e.paper_issued).toBe(2);
  });

  it('keys returned ballots twice, shows a mismatch until corrected, then commits them to the box', async () => {
    const id = await newElection();
    await issuePaper(database.db, acting, id, ['D001', 'D002', 'D003']);
    await expect(keyPaperBallot(database.db, clerkA, id, { seq: 1, marks: 'FAN', invalid: null })).rejects.toMatchObject({ reason: 'wrong-state' });
    await closeElection(database.db, acting, id);
    expect(await recordReturned(database.db, acting, id, 3)).toEqual({ voided: false });

    await keyPaperBallot(database.db, clerkA, id, { seq: 1, marks: 'FAN', invalid: null });
    await keyPaperBallot(database.db, clerkB, id, { seq: 1, marks: 'FAN', invalid: null });
    await keyPaperBallot(database.db, clerkA, id, { seq: 2, marks: 'FFF', invalid: null });
    await keyPaperBallot(database.db, clerkB, id, { seq: 2, marks: 'FFF', invalid: null });
    await keyPaperBallot(database.db, clerkA, id, { seq: 3, marks: 'NAN', invalid: null });
    await keyPaperBallot(database.db, clerkB, id, { seq: 3, marks: 'NNN', invalid: 'unreadable' });
    await expect(keyPaperBallot(database.db, clerkA, id, { seq: 4, marks: 'NNN', invalid: null })).rejects.toMatchObject({ reason: 'beyond-issued' });
    await expect(keyPaperBallot(database.db, clerkA, id, { seq: 1, marks: 'FX', invalid: null })).rejects.toMatchObject({ reason: 'bad-marks' });

    const { reconciliation } = await paperReconciliation(database.db, id);
    expect(reconciliation.mismatched.map((m) => m.seq)).toEqual([3]);
    await expect(commitPaper(database.db, acting, id)).rejects.toMatchObject({ reason: 'incomplete' });
    expect(await box(id)).toEqual([]);

    await keyPaperBallot(database.db, clerkA, id, { seq: 3, marks: 'NNN', invalid: 'unreadable' });
    expect(await commitPaper(database.db, acting, id)).toBe(3);
    const ballots = await box(id);
    expect(ballots.map((b) => [b.marks, b.channel, b.invalid]).sort()).toEqual([
      ['FAN', 'paper', null], ['FFF', 'paper', 'too-many-for'], ['NNN', 'paper', 'unreadable'],
    ]);
    await expect(commitPaper(database.db, acting, id)).rejects.toMatchObject({ reason: 'wrong-state' });
    const { rows: [inv] } = await sql<{ keyed: number; issued: number }>`
      select (select count(*) from ballots where election_id = ${id} and channel = 'paper') as keyed, (select paper_issued from elections where id = ${id}) as issued`.execute(database.db);
    expect(inv!.keyed).toBeLessThanOrEqual(inv!.issued);
  });

  it('one clerk alone cannot commit', async () => {
    const id = await newElection();
    await issuePaper(database.db, acting, id, ['D001']);
    await closeElection(database.db, acting, id);
    await recordReturned(database.db, acting, id, 1);
    await keyPaperBallot(database.db, clerkA, id, { seq: 1, marks: 'FAN', invalid: null });
    await expect(commitPaper(database.db, clerkA, id)).rejects.toMatchObject({ reason: 'incomplete' });
  });

  it('voids the vote when more paper ballots come back than were issued', async () => {
    const id = await newElection();
    await issuePaper(database.db, acting, id, ['D001', 'D002']);
    await closeElection(database.db, acting, id);
    expect(await recordReturned(database.db, acting, id, 3)).toEqual({ voided: true });
    const e = await database.db.selectFrom('elections').select(['state', 'void_reason']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(e.state).toBe('void');
    expect(e.void_reason).toContain('exceed');
    await expect(keyPaperBallot(database.db, clerkA, id, { seq: 1, marks: 'FAN', invalid: null })).rejects.toMatchObject({ reason: 'wrong-state' });
    const audit = await database.db.selectFrom('audit_log').select('action').where('subject', '=', `election:${id}`).execute();
    expect(audit.map((a) => a.action)).toContain('election.void');
  });
});
