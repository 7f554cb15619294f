import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../src/platform/acting.ts';
import { castBallot } from '../src/ballots/store.ts';
import { fixedClock } from '../src/platform/time.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { closeElection, createElection, openElection } from '../src/elections/store.ts';
import { commitPaper, issuePaper, keyPaperBallot, paperReconciliation, recordReturned } from '../src/paper/store.ts';
import { Refused } from '../src/platform/refusal.ts';
import { testEngines } from './support/databases.ts';
import { makeUser } from './support/auth.ts';
import { buildFixture, scrutineersFor } from './support/fixtures.ts';

describe.each(testEngines())('paper ballots on $name', (engine) => {
  let database: DbHandle;
  const clock = fixedClock('2024-01-16T01:00:00Z');
  const acting = { clock, actor: SYSTEM_ACTOR };
  let meetingId: number;
  let clerkA: { clock: typeof clock; actor: { userId: number; name: string; roles: string[] } };
  let clerkB: typeof clerkA;
  let deputyIds: Map<string, number>;

  beforeAll(async () => {
    database = await engine.open();
    // Twenty deputies, D020 absent.
    const fixture = await buildFixture(database, fixedClock('2024-01-10T00:00:00Z'), { deputies: 20, present: 19 });
    meetingId = fixture.meetingId;
    const a = await makeUser(database, clock, ['clerk']);
    const b = await makeUser(database, clock, ['clerk']);
    clerkA = { clock, actor: { userId: a.user.id, name: a.username, roles: ['clerk'] } };
    clerkB = { clock, actor: { userId: b.user.id, name: b.username, roles: ['clerk'] } };
    deputyIds = new Map(fixture.deputies.map((d) => [d.code, d.id]));
  });
  afterAll(async () => { await database.close(); });

  async function newElection() {
    const e = await createElection(database.db, acting, {
      meetingId, kind: 'selection', title: 'paper', marking: 'for-against-abstain', seats: 2, passBase: 'all-deputies',
      options: [{ key: 'a', title: 'A' }, { key: 'b', title: 'B' }, { key: 'c', title: 'C' }],
      scrutineers: await scrutineersFor(database.db, meetingId),
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
    await expect(issuePaper(database.db, acting, id, ['D003'])).rejects.toThrow(Refused);
    await expect(issuePaper(database.db, acting, id, ['D020'])).rejects.toMatchObject({ reason: 'unknown-deputies', detail: { codes: ['D020'] } });
    const e = await database.db.selectFrom('elections').select('paper_issued').where('id', '=', id).executeTakeFirstOrThrow();
    expect(e.paper_issued).toBe(2);
  });

  it('keys returned ballots twice, shows a mismatch until corrected, then commits them to the box', async () => {
    const id = await newElection();
    await issuePaper(database.db, acting, id, ['D001', 'D002', 'D003']);
    await expect(keyPaperBallot(database.db, clerkA, id, { seq: 1, marks: 'FAN', invalid: null })).rejects.toMatchObject({ reason: 'wrong-state' });
    await closeElection(database.db, acting, id);
    await recordReturned(database.db, acting, id, 3);

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

  it('refuses more paper ballots returned than issued, saving nothing; voiding is the secretariat\'s own step', async () => {
    const id = await newElection();
    await issuePaper(database.db, acting, id, ['D001', 'D002']);
    await closeElection(database.db, acting, id);
    await expect(recordReturned(database.db, acting, id, 3)).rejects.toMatchObject({ reason: 'returned-exceeds', detail: { returned: 3, issued: 2 } });
    const e = await database.db.selectFrom('elections').select(['state', 'paper_returned', 'void_reason']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(e).toEqual({ state: 'closed', paper_returned: null, void_reason: null });
    const audit = await database.db.selectFrom('audit_log').select('action').where('subject', '=', `election:${id}`).execute();
    expect(audit.map((a) => a.action)).not.toContain('election.void');
    await recordReturned(database.db, acting, id, 2);
    await keyPaperBallot(database.db, clerkA, id, { seq: 1, marks: 'FAN', invalid: null });
  });
});

describe.each(testEngines())('paper ballot pages on $name', (engine) => {
  it('hands out, counts back, keys twice with a mismatch shown side by side, and commits', async () => {
    const { testApp } = await import('./support/app.ts');
    const { postForm, sessionCookieFrom, signIn } = await import('./support/auth.ts');
    const database = await engine.open();
    try {
      // A draft vote over twelve candidates; twenty deputies, D020 absent; a secretariat and two clerks.
      const fixture = await buildFixture(database, fixedClock('2024-01-10T00:00:00Z'), {
        deputies: 20, present: 19, candidates: 12, election: { seats: 10, passBase: 'all-deputies' },
        accounts: [{ username: 'mishu', roles: ['secretariat'] }, { username: 'jipiao1', roles: ['clerk'] }, { username: 'jipiao2', roles: ['clerk'] }],
      });
      const t = testApp(database);
      const mishu = sessionCookieFrom(await signIn(t.app, 'mishu', fixture.account('mishu').password))!;
      const clerk1 = sessionCookieFrom(await signIn(t.app, 'jipiao1', fixture.account('jipiao1').password))!;
      const clerk2 = sessionCookieFrom(await signIn(t.app, 'jipiao2', fixture.account('jipiao2').password))!;
      const id = fixture.electionId!;
      const post = (cookie: string, path: string, form: Record<string, string> = {}) => postForm(t.app, `/admin/elections/${id}${path}`, form, { Cookie: cookie });
      const page = async () => (await t.app.request(`/admin/elections/${id}/paper`, { headers: { Cookie: mishu } })).text();

      await post(mishu, '/open');
      const refused = await post(mishu, '/paper/issue', { codes: 'D001, D002 D020' });
      expect(refused.status).toBe(422);
      expect(await refused.text()).toContain('无法领取纸质选票（未签到、已投票或不在本次表决的名册上）：D020');
      expect((await post(mishu, '/paper/issue', { codes: 'D001, D002' })).headers.get('location')).toBe(`/admin/elections/${id}/paper?done=issued`);
      expect((await t.app.request(`/admin/elections/${id}/paper/ballot`, { headers: { Cookie: mishu } })).status).toBe(200);
      await post(mishu, '/close');
      await post(mishu, '/paper/returned', { returned: '2' });
      const ballot = (c01: string) => Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`choice.c${String(i + 1).padStart(2, '0')}`, i === 0 ? c01 : 'N']));
      await post(clerk1, '/paper/entries', { seq: '1', ...ballot('F'), invalid: '' });
      await post(clerk2, '/paper/entries', { seq: '1', ...ballot('A'), invalid: '' });
      await post(clerk1, '/paper/entries', { seq: '2', ...ballot('N'), invalid: 'unreadable' });
      await post(clerk2, '/paper/entries', { seq: '2', ...ballot('N'), invalid: 'unreadable' });
      expect((await post(clerk1, '/paper/entries', { seq: '3', ...ballot('N'), invalid: '' })).headers.get('location')).toContain('error=beyond-issued');
      const mismatch = await page();
      expect(mismatch).toContain('两次录入不一致');
      expect(mismatch).toContain('1:赞成');
      expect(mismatch).toContain('1:反对');
      expect((await post(mishu, '/paper/commit')).headers.get('location')).toContain('error=incomplete');
      await post(clerk2, '/paper/entries', { seq: '1', ...ballot('F'), invalid: '' });
      expect((await post(mishu, '/paper/commit')).headers.get('location')).toBe(`/admin/elections/${id}/paper?done=committed`);
      const box = await database.db.selectFrom('ballots').select(['marks', 'invalid']).$narrowType<{ marks: string }>().where('election_id', '=', id).where('channel', '=', 'paper').execute();
      expect(box.map((b) => [b.marks[0], b.invalid]).sort()).toEqual([['F', null], ['N', 'unreadable']]);
    } finally {
      await database.close();
    }
  });
});
