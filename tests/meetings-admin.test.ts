import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../src/platform/db/index.ts';
import { DEMO_PASSWORD } from '../src/demo/seed.ts';
import { testApp } from './support/app.ts';
import { postForm, postOnce, sessionCookieFrom, signIn } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { openTrackedDemo } from './support/tracking.ts';

const CANDIDATE = {
  name: '城区口袋公园建设', category: 'environment', description: '利用边角地建设口袋公园。', targets: '新建口袋公园10个\n新增绿地2公顷',
  investmentWan: '1500.5', deadline: '2024-12-31', leadDepartment: '综合行政执法局', leadOfficial: '副县长 方敏',
};
/** The candidate form as posted: its fields, and one `coDepartments` per department ticked (from the list of departments). */
const candidateForm = (over: Record<string, string> = {}): [string, string][] =>
  [...Object.entries({ ...CANDIDATE, ...over }), ['coDepartments', '住房和城乡建设局'], ['coDepartments', '水利局']];

describe.each(testEngines())('meetings and candidates (secretariat) on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let mishu: string;
  beforeAll(async () => {
    database = await engine.openDemo();
    t = testApp(database);
    mishu = sessionCookieFrom(await signIn(t.app, 'mishu', DEMO_PASSWORD))!;
  });
  afterAll(async () => { await database.close(); });

  const post = (path: string, form: Record<string, string>) => postForm(t.app, path, form, { Cookie: mishu });
  const get = (path: string) => t.app.request(path, { headers: { Cookie: mishu } });
  const postCandidate = (path: string, over: Record<string, string> = {}) => postOnce(t.app, path, candidateForm(over), { Cookie: mishu });

  it('sets up a meeting, or shows every problem beside its field and keeps what was typed', async () => {
    const termId = String((await database.db.selectFrom('terms').select('id').executeTakeFirstOrThrow()).id);
    const bad = await post('/admin/meetings', { termId, title: '', sessionOrdinal: 'x', year: '1999', startsOn: '2025-01-20', endsOn: '2025-01-10' });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    for (const m of ['此项必填', '请输入整数', '年度不在有效范围内']) expect(html).toContain(m);
    expect(html).toContain('value="2025-01-20"');
    const ok = await post('/admin/meetings', { termId, title: '龙游县第十四届人民代表大会第四次会议', sessionOrdinal: '4', year: '2025', startsOn: '2025-01-10', endsOn: '2025-01-13', sharedTablets: '1' });
    expect(ok.status).toBe(303);
    const page = await (await get(ok.headers.get('location')!)).text();
    expect(page).toContain('会议已设立');
    const dup = await post('/admin/meetings', { termId, title: '龙游县第十四届人民代表大会第四次会议', sessionOrdinal: '5', year: '2025', startsOn: '2025-01-10', endsOn: '2025-01-13' });
    expect(dup.status).toBe(422);
    expect(await dup.text()).toContain('已存在同名记录');
  });

  it('adds a candidate with every field, and refuses a bad one without writing anything', async () => {
    const meeting = await database.db.selectFrom('meetings').select('id').where('session_ordinal', '=', 4).executeTakeFirstOrThrow();
    const bad = await postCandidate(`/admin/meetings/${meeting.id}/candidates`, { name: '', investmentWan: '-5', deadline: '2024-02-30', category: 'nonsense' });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    for (const m of ['此项必填', '请选择有效的项目类别', '请输入有效日期']) expect(html).toContain(m);
    expect(await database.db.selectFrom('candidates').select('id').where('meeting_id', '=', meeting.id).execute()).toEqual([]);
    const ok = await postCandidate(`/admin/meetings/${meeting.id}/candidates`);
    expect(ok.status).toBe(303);
    const c = await database.db.selectFrom('candidates').selectAll().where('meeting_id', '=', meeting.id).executeTakeFirstOrThrow();
    expect(c).toMatchObject({ name: '城区口袋公园建设', ballot_order: 1, total_investment_yuan: 15_005_000, targets: ['新建口袋公园10个', '新增绿地2公顷'], deadline: '2024-12-31' });
    // Public once the meeting is published (confirmed), not before.
    expect((await t.app.request(`/candidates/${c.id}`)).status).toBe(404);
    expect((await post(`/admin/meetings/${meeting.id}/publish`, {})).headers.get('location')).toBe(`/admin/meetings/${meeting.id}?done=published`);
    const detail = await (await t.app.request(`/candidates/${c.id}`)).text();
    expect(detail).toContain('住房和城乡建设局、水利局');
  });

  it('corrects a candidate while every vote listing it is in draft, and freezes it once one opens', async () => {
    const meeting = await database.db.selectFrom('meetings').select('id').where('year', '=', 2024).executeTakeFirstOrThrow();
    const c = await database.db.selectFrom('candidates').select('id').where('meeting_id', '=', meeting.id).orderBy('ballot_order').executeTakeFirstOrThrow();
    const form = await (await get(`/admin/candidates/${c.id}`)).text();
    expect(form).toContain('value="城乡供水一体化提升"');
    const fixed = await postCandidate(`/admin/candidates/${c.id}`, { name: '城乡供水一体化提升工程' });
    expect(fixed.status).toBe(303);
    const option = await database.db.selectFrom('election_options').select('title').where('candidate_id', '=', c.id).executeTakeFirstOrThrow();
    expect(option.title).toBe('城乡供水一体化提升工程');
    const election = await database.db.selectFrom('elections').select('id').where('meeting_id', '=', meeting.id).executeTakeFirstOrThrow();
    await post(`/admin/elections/${election.id}/open`, {});
    expect((await postCandidate(`/admin/candidates/${c.id}`, { name: '改名' })).status).toBe(409);
    expect(await (await get(`/admin/candidates/${c.id}`)).text()).toContain('候选项目已锁定');
    expect((await postCandidate(`/admin/meetings/${meeting.id}/candidates`)).status).toBe(409);
    const audit = await database.db.selectFrom('audit_log').select('action').where('subject', '=', `candidate:${c.id}`).execute();
    expect(audit.map((a) => a.action)).toEqual(['candidate.create', 'candidate.update']);
  });
});

describe.each(testEngines())('satisfaction ratings on $name', (engine) => {
  it('rates last year\'s projects by the standing committee only, with the four satisfaction marks', async () => {
    // Last year's vote published: its chosen candidates are the tracked projects a 测评 rates.
    const demo = await openTrackedDemo(engine);
    const { database, t } = demo;
    try {
      const mishu = sessionCookieFrom(await signIn(t.app, 'mishu', DEMO_PASSWORD))!;
      const meeting = await database.db.selectFrom('meetings').select('id').where('year', '=', 2024).executeTakeFirstOrThrow();
      const old = demo.projects.slice(0, 3).map((p) => ({ id: p.candidateId }));
      const form = new URLSearchParams([['title', '2023年民生实事项目满意度测评'], ['electorate', 'standing-committee'], ['passBase', 'valid-ballots'], ['ballotMode', 'plaintext'], ...old.map((c) => ['project', String(c.id)])]);
      const post = (path: string, body: URLSearchParams) => t.app.request(path, { method: 'POST', body, headers: { Cookie: mishu, 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost:3000' } });
      const none = await post(`/admin/meetings/${meeting.id}/ratings`, new URLSearchParams([['title', 'x'], ['electorate', 'all-deputies'], ['passBase', 'valid-ballots']]));
      expect(none.status).toBe(422);
      expect(await none.text()).toContain('请至少选择一个项目');
      // The form's default is encrypted mode with k = 2, as for a selection; a bad k is refused.
      const encrypted = await post(`/admin/meetings/${meeting.id}/ratings`, new URLSearchParams([...form].filter(([k]) => k !== 'ballotMode')));
      expect(encrypted.status).toBe(303);
      const encryptedId = Number(/\/admin\/elections\/(\d+)/.exec(encrypted.headers.get('location')!)![1]);
      expect(await database.db.selectFrom('elections').select(['ballot_mode', 'trustee_threshold']).where('id', '=', encryptedId).executeTakeFirstOrThrow())
        .toEqual({ ballot_mode: 'encrypted', trustee_threshold: 2 });
      expect((await post(`/admin/meetings/${meeting.id}/ratings`, new URLSearchParams([...[...form].filter(([k]) => k !== 'ballotMode'), ['ballotMode', 'encrypted'], ['threshold', '1']]))).status).toBe(422);
      expect((await postForm(t.app, `/admin/elections/${encryptedId}/delete`, {}, { Cookie: mishu })).status).toBe(303);
      const created = await post(`/admin/meetings/${meeting.id}/ratings`, form);
      expect(created.status).toBe(303);
      const id = Number(/\/admin\/elections\/(\d+)/.exec(created.headers.get('location')!)![1]);
      // Not before its scrutineers are named; then it opens.
      expect((await postForm(t.app, `/admin/elections/${id}/open`, {}, { Cookie: mishu })).headers.get('location')).toBe(`/admin/elections/${id}?error=no-scrutineers`);
      expect((await postForm(t.app, `/admin/elections/${id}/scrutineers`, { scrutineers: 'D011 D012' }, { Cookie: mishu })).headers.get('location')).toBe(`/admin/elections/${id}?done=scrutineers`);
      expect((await postForm(t.app, `/admin/elections/${id}/open`, {}, { Cookie: mishu })).headers.get('location')).toBe(`/admin/elections/${id}?done=opened`);
      const e = await database.db.selectFrom('elections').select(['kind', 'marking', 'seats', 'deputies_total', 'electorate']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(e).toEqual({ kind: 'satisfaction', marking: 'satisfaction', seats: null, deputies_total: 29, electorate: 'standing-committee' });

      const scrutineer = sessionCookieFrom(await signIn(t.app, 'jianpiao1', DEMO_PASSWORD))!;
      const ballot = await (await t.app.request(`/elections/${id}/ballot`, { headers: { Cookie: scrutineer } })).text();
      expect(ballot.match(/type="radio"/g)).toHaveLength(12);
      expect(ballot).toContain('基本满意');
      const cast = await postForm(t.app, `/elections/${id}/ballot`, { 'choice.c01': 'S', 'choice.c02': 'B', 'choice.c03': 'U' }, { Cookie: scrutineer });
      expect(cast.status).toBe(200);
      const stored = await database.db.selectFrom('ballots').select('marks').where('election_id', '=', id).executeTakeFirstOrThrow();
      expect(stored.marks).toBe('SBU');

      const { createUser } = await import('../src/users/store.ts');
      const d = await database.db.selectFrom('deputies').select('id').where('code', '=', 'D100').executeTakeFirstOrThrow();
      await createUser(database.db, { clock: t.clock, actor: { userId: null, name: 'test' } }, { username: 'd100', displayName: 'D100', password: DEMO_PASSWORD, roles: ['deputy'], deputyId: d.id });
      const outsider = sessionCookieFrom(await signIn(t.app, 'd100', DEMO_PASSWORD))!;
      const refused = await t.app.request(`/elections/${id}/ballot`, { headers: { Cookie: outsider } });
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('您不在本次表决的代表名单中');
    } finally {
      await database.close();
    }
  });
});
