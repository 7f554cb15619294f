import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElection, openElection } from '../src/elections/store.ts';
import { addCandidate } from '../src/meetings/store.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { testApp } from './support/app.ts';
import { confirmationFields, postForm, postOnce } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture, type Fixture } from './support/fixtures.ts';

/**
 * Meetings and votes (issue 11, item 7): a meeting is public only once the secretariat publishes
 * it; drafts stay off public pages and can be deleted; a step outside the meeting's days is flagged.
 */
describe.each(testEngines())('meeting publication and drafts on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let f: Fixture;
  let mishu: string;
  let meetingId: number;
  let candidateId: number;

  const get = (path: string, cookie?: string) => t.app.request(path, cookie ? { headers: { Cookie: cookie } } : {});
  const actions = async (action: string) => database.db.selectFrom('audit_log').select(['subject', 'details']).where('action', '=', action).execute();

  beforeAll(async () => {
    database = await engine.open();
    t = testApp(database);
    f = await buildFixture(database, t.clock, { deputies: 6, candidates: 3, election: {}, accounts: [{ username: 'mishu', roles: ['secretariat'] }] });
    mishu = await f.account('mishu').cookie();
    const created = await postForm(t.app, '/admin/meetings', {
      termId: String(f.termId), title: '测试届人民代表大会第二次会议', sessionOrdinal: '2', year: '2025', startsOn: '2025-01-10', endsOn: '2025-01-12',
    }, { Cookie: mishu });
    expect(created.status).toBe(303);
    meetingId = Number(/\/admin\/meetings\/(\d+)/.exec(created.headers.get('location')!)![1]);
    candidateId = (await addCandidate(database.db, f.acting, meetingId, {
      name: '尚在录入的项目', category: 'health', description: '说明', targets: ['目标'], totalInvestmentYuan: null, deadline: '2025-12-31',
      leadDepartment: '测试局', coDepartments: [], leadOfficial: '副县长 测试',
    })).id;
  });
  afterAll(() => database.close());

  it('keeps a new meeting and its candidates off every public page until it is published', async () => {
    expect(await (await get('/')).text()).not.toContain('测试届人民代表大会第二次会议');
    expect((await get(`/meetings/${meetingId}`)).status).toBe(404);
    expect((await get(`/candidates/${candidateId}`)).status).toBe(404);
    const api = await (await get('/api/meetings')).json() as { id: string }[];
    expect(api.map((m) => m.id)).not.toContain(String(meetingId));
    expect(api.map((m) => m.id)).toContain(String(f.meetingId));
    const admin = await (await get(`/admin/meetings/${meetingId}`, mishu)).text();
    expect(admin).toContain('未公开');
    expect(admin).toContain(`action="/admin/meetings/${meetingId}/publish"`);
  });

  it('refuses to open a vote of an unpublished meeting', async () => {
    const e = await createElection(database.db, f.acting, {
      meetingId, kind: 'selection', title: '未公开会议的票决', marking: 'approval', seats: 1, passBase: 'valid-ballots',
      options: [{ key: 'c01', title: '甲' }, { key: 'c02', title: '乙' }], scrutineers: [f.deputyId('D001'), f.deputyId('D002')],
    });
    expect((await postForm(t.app, `/admin/elections/${e.id}/open`, {}, { Cookie: mishu })).headers.get('location')).toBe(`/admin/elections/${e.id}?error=meeting-unpublished`);
    expect(await (await get(`/admin/elections/${e.id}?error=meeting-unpublished`, mishu)).text()).toContain('会议尚未公开，不能开启投票');
    await expect(openElection(database.db, f.acting, e.id)).rejects.toMatchObject({ reason: 'meeting-unpublished' });
  });

  it('publishes on a confirmed request only, audited, and then shows it to everyone', async () => {
    const asked = await postOnce(t.app, `/admin/meetings/${meetingId}/publish`, {}, { Cookie: mishu });
    expect(asked.status).toBe(200);
    const html = await asked.text();
    expect(html).toContain('会议及其 1 个候选项目将在首页、会议页面和开放数据中向社会公开');
    expect((await get(`/meetings/${meetingId}`)).status).toBe(404);
    const done = await postOnce(t.app, `/admin/meetings/${meetingId}/publish`, confirmationFields(html)!, { Cookie: mishu });
    expect(done.headers.get('location')).toBe(`/admin/meetings/${meetingId}?done=published`);
    expect((await get(`/meetings/${meetingId}`)).status).toBe(200);
    expect((await get(`/candidates/${candidateId}`)).status).toBe(200);
    expect(await (await get('/')).text()).toContain('测试届人民代表大会第二次会议');
    expect((await actions('meeting.publish')).map((a) => a.subject)).toEqual([`meeting:${meetingId}`]);
  });

  it('keeps drafts off the public meeting page, and deletes one on a confirmed request, audited', async () => {
    const id = f.electionId!;
    expect(await (await get(`/meetings/${f.meetingId}`)).text()).not.toContain('测试票决');
    const asked = await postOnce(t.app, `/admin/elections/${id}/delete`, {}, { Cookie: mishu });
    expect(asked.status).toBe(200);
    const html = await asked.text();
    expect(html).toContain('将删除尚未开启的表决“测试票决”');
    expect(await database.db.selectFrom('elections').select('id').where('id', '=', id).execute()).toHaveLength(1);
    const done = await postOnce(t.app, `/admin/elections/${id}/delete`, confirmationFields(html)!, { Cookie: mishu });
    expect(done.headers.get('location')).toBe(`/admin/meetings/${f.meetingId}?done=electionDeleted`);
    expect(await database.db.selectFrom('elections').select('id').where('id', '=', id).execute()).toEqual([]);
    expect((await actions('election.delete'))[0]).toMatchObject({ subject: `election:${id}`, details: { title: '测试票决' } });
  });

  it('never deletes a vote that has opened', async () => {
    const id = await createAndOpen();
    expect((await postForm(t.app, `/admin/elections/${id}/delete`, {}, { Cookie: mishu })).headers.get('location')).toBe(`/admin/elections/${id}?error=not-draft`);
    expect(await database.db.selectFrom('elections').select('state').where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ state: 'open' });
  });

  it('warns, when closing, that today is not one of the meeting\'s days', async () => {
    const id = (await database.db.selectFrom('elections').select('id').where('state', '=', 'open').executeTakeFirstOrThrow()).id;
    const inside = await (await postOnce(t.app, `/admin/elections/${id}/close`, {}, { Cookie: mishu })).text();
    expect(inside).not.toContain('不在本次会议的会期');
    t.clock.set('2026-11-30T02:00:00Z');
    mishu = await f.account('mishu').cookie(); // the earlier session ended with the years
    const outside = await (await postOnce(t.app, `/admin/elections/${id}/close`, {}, { Cookie: mishu })).text();
    expect(outside).toContain('注意：今天（2026年11月30日）不在本次会议的会期（2024年1月15日 – 2024年1月18日）之内');
    // A confirmation given while the warning was not shown no longer holds.
    expect((await postOnce(t.app, `/admin/elections/${id}/close`, confirmationFields(inside)!, { Cookie: mishu })).status).toBe(200);
  });

  async function createAndOpen(): Promise<number> {
    const e = await createElection(database.db, f.acting, {
      meetingId: f.meetingId, kind: 'selection', title: '开启后的票决', marking: 'approval', seats: 1, passBase: 'valid-ballots',
      options: [{ key: 'c01', title: '甲' }, { key: 'c02', title: '乙' }], scrutineers: [f.deputyId('D001'), f.deputyId('D002')],
    });
    await openElection(database.db, f.acting, e.id);
    return e.id;
  }
});
