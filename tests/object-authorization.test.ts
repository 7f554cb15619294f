import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, SESSION_COOKIE } from '../src/auth/sessions.ts';
import { castBallot } from '../src/ballots/store.ts';
import { certifyElection, sealElection } from '../src/counting/store.ts';
import { closeElection, createElection, openElection } from '../src/elections/store.ts';
import { createMeeting, recordAttendance } from '../src/meetings/store.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { createTerm, upsertDeputies } from '../src/terms/store.ts';
import { createUser } from '../src/users/store.ts';
import { testApp } from './support/app.ts';
import { postForm } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture, type Fixture, scrutineersFor } from './support/fixtures.ts';

/**
 * Beside the route × role table (tests/authorization.test.ts): checks on the objects a request
 * names. A role that may reach a route may still not act on every object behind it.
 */
describe.each(testEngines())('object-level authorization on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let f: Fixture;
  let outsider: { deputyId: number; cookie: string };

  beforeAll(async () => {
    database = await engine.open();
    t = testApp(database);
    f = await buildFixture(database, t.clock, {
      deputies: 4, candidates: 3, standingCommittee: 1,
      accounts: [
        { username: 'd001', roles: ['deputy'], deputyCode: 'D001' },
        { username: 'd002', roles: ['deputy'], deputyCode: 'D002' },
        { username: 'jianpiao', roles: ['scrutineer', 'deputy'], deputyCode: 'D003', displayName: '监票人甲' },
        { username: 'mishu', roles: ['secretariat'] },
      ],
      // D003 and D001 are named; D004's scrutineer account (below) is not.
      election: { open: true, scrutineers: ['D003', 'D001'] },
    });
    await createUser(database.db, f.acting, {
      username: 'jianpiao-other', displayName: '监票人乙', password: 'fixture password 2024', roles: ['scrutineer', 'deputy'], deputyId: f.deputyId('D004'),
    });
    // A deputy of another term, with an account of their own.
    const other = await createTerm(database.db, f.acting, { name: '另一届人民代表大会', ordinal: 2, startsOn: '2027-01-01', endsOn: '2031-12-31' });
    await upsertDeputies(database.db, f.acting, other.id, [{ code: 'X001', name: '外届代表', delegation: '外届代表团' }]);
    const x = await database.db.selectFrom('deputies').select('id').where('term_id', '=', other.id).executeTakeFirstOrThrow();
    const xm = await createMeeting(database.db, f.acting, { termId: other.id, title: '另一届第一次会议', sessionOrdinal: 1, year: 2027, startsOn: '2027-01-10', endsOn: '2027-01-12' });
    await recordAttendance(database.db, f.acting, xm.id, [x.id], true);
    const user = await createUser(database.db, f.acting, { username: 'x001', displayName: '外届代表', password: 'fixture password 2024', roles: ['deputy'], deputyId: x.id });
    const { token } = await createSession(database.db, t.clock, user.id, 'test');
    outsider = { deputyId: x.id, cookie: `${SESSION_COOKIE}=${token}` };
  });
  afterAll(() => database.close());

  it('refuses a deputy of another term the ballot of this term\'s vote, and its casting', async () => {
    const page = await t.app.request(`/elections/${f.electionId}/ballot`, { headers: { Cookie: outsider.cookie } });
    expect(page.status).toBe(403);
    const cast = await postForm(t.app, `/elections/${f.electionId}/ballot`, { 'choice.c01': 'F', 'choice.c02': 'N', 'choice.c03': 'N' }, { Cookie: outsider.cookie });
    expect(cast.status).toBe(403);
    expect(await castBallot(database.db, t.clock, { electionId: f.electionId!, deputyId: outsider.deputyId, marks: 'FNN' })).toEqual({ status: 'refused', reason: 'not-eligible' });
    expect(await database.db.selectFrom('ballots').select('tracker').where('election_id', '=', f.electionId!).execute()).toEqual([]);
  });

  it('refuses a deputy outside a rating\'s electorate (the standing committee) its ballot', async () => {
    const rating = await createElection(database.db, f.acting, {
      meetingId: f.meetingId, kind: 'satisfaction', title: '测评', marking: 'satisfaction', seats: null, passBase: 'valid-ballots',
      electorate: 'standing-committee', options: [{ key: 'c01', title: '项目' }], scrutineers: await scrutineersFor(database.db, f.meetingId),
    });
    await openElection(database.db, f.acting, rating.id);
    const cookie = await f.account('d002').cookie();
    expect((await t.app.request(`/elections/${rating.id}/ballot`, { headers: { Cookie: cookie } })).status).toBe(403);
    expect((await t.app.request(`/elections/${rating.id}/ballot`, { headers: { Cookie: await f.account('d001').cookie() } })).status).toBe(200);
  });

  it('lets a scrutineer certify a count once, and a session be ended only by its own person', async () => {
    expect((await castBallot(database.db, t.clock, { electionId: f.electionId!, deputyId: f.deputyId('D001'), marks: 'FNA' })).status).toBe('cast');
    await closeElection(database.db, f.acting, f.electionId!);
    const { digest } = await sealElection(database.db, f.acting, f.electionId!);
    const scrutineer = await f.account('jianpiao').cookie();
    // A scrutineer account whose deputy is not named for this vote cannot certify it, by HTTP or otherwise.
    const other = await database.db.selectFrom('users').select('id').where('username', '=', 'jianpiao-other').executeTakeFirstOrThrow();
    const { token } = await createSession(database.db, t.clock, other.id, 'test');
    const unnamed = await postForm(t.app, `/admin/elections/${f.electionId}/certify`, { digest }, { Cookie: `${SESSION_COOKIE}=${token}` });
    expect(unnamed.headers.get('location')).toBe(`/admin/elections/${f.electionId}/scrutiny?error=not-named`);
    expect(await (await t.app.request(`/admin/elections/${f.electionId}/scrutiny`, { headers: { Cookie: `${SESSION_COOKIE}=${token}` } })).text()).toContain('您不是本次表决的监票人');
    await expect(certifyElection(database.db, f.acting, f.electionId!, { userId: other.id, name: '监票人乙' }, digest)).rejects.toMatchObject({ reason: 'not-named' });
    const first = await postForm(t.app, `/admin/elections/${f.electionId}/certify`, { digest }, { Cookie: scrutineer });
    expect(first.headers.get('location')).toBe(`/admin/elections/${f.electionId}/scrutiny?done=certified`);
    const again = await postForm(t.app, `/admin/elections/${f.electionId}/certify`, { digest }, { Cookie: scrutineer });
    expect(again.headers.get('location')).toBe(`/admin/elections/${f.electionId}/scrutiny?error=already-certified`);
    await expect(certifyElection(database.db, f.acting, f.electionId!, { userId: f.account('jianpiao').id, name: '另一个名字' }, digest)).rejects.toMatchObject({ reason: 'already-certified' });
    // Another person's session id, posted to one's own "sign out this device", ends nothing.
    const victim = await database.db.selectFrom('sessions').select('id').where('user_id', '=', f.account('jianpiao').id).executeTakeFirstOrThrow();
    await postForm(t.app, `/account/sessions/${victim.id}/revoke`, {}, { Cookie: await f.account('d002').cookie() });
    expect(await database.db.selectFrom('sessions').select('id').where('id', '=', victim.id).execute()).toHaveLength(1);
  });

  it('lets the secretariat change nothing of a sealed result: no second seal, no re-run, no runoff, no publication before two certifications, no candidate edit', async () => {
    // The count of the previous test is sealed and has one certification.
    const id = f.electionId!;
    const record = async () => database.db.selectFrom('election_records').select(['digest', 'body', 'certifications']).where('election_id', '=', id).executeTakeFirstOrThrow();
    const before = await record();
    const mishu = await f.account('mishu').cookie();
    const step = async (path: string, fields: Record<string, string> = {}) =>
      (await postForm(t.app, `/admin/elections/${id}/${path}`, fields, { Cookie: mishu })).headers.get('location');
    expect(await step('seal')).toBe(`/admin/elections/${id}/scrutiny?error=wrong-state`);
    expect(await step('publish')).toBe(`/admin/elections/${id}/scrutiny?error=wrong-state`);
    expect(await step('rerun')).toBe(`/admin/elections/${id}/scrutiny?error=wrong-state`);
    expect(await step('runoff', { title: '再次投票' })).toBe(`/admin/elections/${id}/scrutiny?error=wrong-state`);
    expect((await postForm(t.app, `/admin/elections/${id}/certify`, { digest: before.digest }, { Cookie: mishu })).status).toBe(403);
    expect(await step('scrutineers', { scrutineers: 'D002 D004' })).toBe(`/admin/elections/${id}?error=wrong-state`);
    const edit = await postForm(t.app, `/admin/candidates/${f.candidates[0]!.id}`, {
      name: '改名', category: 'health', description: '说明', targets: '目标', investmentWan: '1', deadline: '2024-12-31',
      leadDepartment: '测试局', coDepartments: '', leadOfficial: '副县长 测试',
    }, { Cookie: mishu });
    expect(edit.status).toBe(409);
    expect(await record()).toEqual(before);
  });
});
