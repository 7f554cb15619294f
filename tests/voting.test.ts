import { sql } from 'kysely';
import { scrutineersFor } from './support/fixtures.ts';
import { dictionary } from '../src/platform/i18n/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../src/platform/db/index.ts';
import { DEMO_PASSWORD } from '../src/demo/seed.ts';
import { TRACKER_PATTERN } from '../src/domain/record/format.ts';
import { trackerMac } from '../src/ballots/tracker.ts';
import { trackerKey } from '../src/keys/installation.ts';
import { testApp } from './support/app.ts';
import { postForm, sessionCookieFrom, signIn } from './support/auth.ts';
import { testEngines } from './support/databases.ts';

const CHOICES_OK = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`choice.c${String(i + 1).padStart(2, '0')}`, i < 10 ? 'F' : i === 10 ? 'A' : 'N']));

describe.each(testEngines())('voting through the pages on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let electionId: number;
  let secretariat: string;
  beforeAll(async () => {
    database = await engine.openDemo();
    t = testApp(database);
    electionId = (await database.db.selectFrom('elections').select('id').where('title', '=', '2024年民生实事项目票决').executeTakeFirstOrThrow()).id;
    secretariat = sessionCookieFrom(await signIn(t.app, 'mishu', DEMO_PASSWORD))!;
  });
  afterAll(async () => { await database.close(); });

  const get = (path: string, cookie?: string, headers: Record<string, string> = {}) => t.app.request(path, { headers: { ...(cookie ? { Cookie: cookie } : {}), ...headers } });
  const deputy = async (username = 'd001') => sessionCookieFrom(await signIn(t.app, username, DEMO_PASSWORD))!;
  const counts = async () => (await sql<{ ballots: number; marked: number }>`
    select (select count(*) from ballots where election_id = ${electionId}) as ballots,
           (select count(*) from roll where election_id = ${electionId} and channel is not null) as marked`.execute(database.db)).rows[0]!;

  it('refuses to open without a two-thirds quorum, then opens with it and freezes 应到', async () => {
    const meeting = await database.db.selectFrom('elections').select('meeting_id').where('id', '=', electionId).executeTakeFirstOrThrow();
    const absent = (await database.db.selectFrom('deputies').select('id').orderBy('code').limit(100).execute()).map((d) => String(d.id));
    // Undoing check-ins is confirmed first.
    await postForm(t.app, `/admin/meetings/${meeting.meeting_id}/attendance`, { deputies: absent.join(','), present: '0' }, { Cookie: secretariat });
    const form = new URLSearchParams([...absent.map((id) => ['deputy', id]), ['present', '0']]);
    const refused = await postForm(t.app, `/admin/elections/${electionId}/open`, {}, { Cookie: secretariat });
    expect(refused.headers.get('location')).toBe(`/admin/elections/${electionId}?error=quorum`);
    expect(await (await get(refused.headers.get('location')!, secretariat)).text()).toContain('不足全体代表的三分之二');
    form.set('present', '1');
    await t.app.request(`/admin/meetings/${meeting.meeting_id}/attendance`, { method: 'POST', body: form, headers: { Cookie: secretariat, 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost:3000' } });
    const opened = await postForm(t.app, `/admin/elections/${electionId}/open`, {}, { Cookie: secretariat });
    expect(opened.headers.get('location')).toBe(`/admin/elections/${electionId}?done=opened`);
    const e = await database.db.selectFrom('elections').select(['state', 'deputies_total']).where('id', '=', electionId).executeTakeFirstOrThrow();
    expect(e).toEqual({ state: 'open', deputies_total: 240 });
    const again = await postForm(t.app, `/admin/elections/${electionId}/open`, {}, { Cookie: secretariat });
    expect(again.headers.get('location')).toBe(`/admin/elections/${electionId}?error=wrong-state`);
    const page = await (await t.app.request(again.headers.get('location')!, { headers: { Cookie: secretariat } })).text();
    expect(page).toContain(dictionary('zh-CN')['election.stateConflict']);
  });

  it('shows a deputy the open vote and a ballot that is never cached', async () => {
    const cookie = await deputy();
    const list = await (await get('/vote', cookie)).text();
    expect(list).toContain(`href="/elections/${electionId}/ballot"`);
    const res = await get(`/elections/${electionId}/ballot`, cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html.match(/type="radio"/g)).toHaveLength(36);
    expect(html).toContain('“赞成”最多选 10 项');
    expect(html).toContain('城乡供水一体化提升');
  });

  it('refuses more 赞成 than seats with a clear message and casts nothing', async () => {
    const cookie = await deputy();
    const tooMany = { ...CHOICES_OK, 'choice.c11': 'F' };
    const res = await postForm(t.app, `/elections/${electionId}/ballot/review`, tooMany, { Cookie: cookie });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('您选了 11 项“赞成”，最多只能选 10 项');
    const cast = await postForm(t.app, `/elections/${electionId}/ballot`, tooMany, { Cookie: cookie });
    expect(cast.status).toBe(422);
    expect(await counts()).toEqual({ ballots: 0, marked: 0 });
  });

  it.each([
    ['a missing mark', (() => { const c: Record<string, string> = { ...CHOICES_OK }; delete c['choice.c05']; return c; })(), 422, '尚未选择'],
    ['a letter outside the marking', { ...CHOICES_OK, 'choice.c05': 'S' }, 422, '的选择无效'],
    ['an unknown option', { ...CHOICES_OK, 'choice.c99': 'F' }, 422, '不属于本次表决'],
    ['an extra field', { ...CHOICES_OK, deputyId: '7' }, 400, '请求有误'],
  ])('refuses %s with a translated message and changes nothing', async (_what, form, status, message) => {
    const cookie = await deputy();
    for (const path of [`/elections/${electionId}/ballot/review`, `/elections/${electionId}/ballot`]) {
      const res = await postForm(t.app, path, form, { Cookie: cookie });
      expect(res.status, path).toBe(status);
      expect(await res.text(), path).toContain(message);
    }
    expect(await counts()).toEqual({ ballots: 0, marked: 0 });
  });

  it('reviews, casts, shows the receipt with the tracker and marks, and signs the deputy out of the shared tablet', async () => {
    const cookie = await deputy();
    const review = await postForm(t.app, `/elections/${electionId}/ballot/review`, CHOICES_OK, { Cookie: cookie });
    expect(review.status).toBe(200);
    const html = await review.text();
    const tracker = /name="tracker" value="([^"]+)"/.exec(html)![1]!;
    const trackerMac = /name="trackerMac" value="([^"]+)"/.exec(html)![1]!;
    expect(tracker).toMatch(TRACKER_PATTERN);
    expect(html).toContain('请核对您的选票');
    expect(await counts()).toEqual({ ballots: 0, marked: 0 });

    const cast = await postForm(t.app, `/elections/${electionId}/ballot`, { ...CHOICES_OK, tracker, trackerMac }, { Cookie: cookie });
    expect(cast.status).toBe(200);
    expect(cast.headers.get('cache-control')).toBe('no-store');
    const receipt = await cast.text();
    expect(receipt).toContain(tracker);
    expect(receipt).toContain('您的选票已投出');
    expect(receipt).toContain('本设备已自动退出您的登录');
    expect(cast.headers.getSetCookie().join()).toContain('minsheng_session=;');
    expect((await get('/vote', cookie)).status).toBe(303);
    expect(await counts()).toEqual({ ballots: 1, marked: 1 });
    const stored = await database.db.selectFrom('ballots').select(['tracker', 'marks', 'channel']).where('election_id', '=', electionId).executeTakeFirstOrThrow();
    expect(stored).toEqual({ tracker, marks: 'FFFFFFFFFFAN', channel: 'electronic' });

    // The same ballot again (back button, double tap) shows the same receipt; another is refused.
    const again = await deputy();
    const resubmit = await postForm(t.app, `/elections/${electionId}/ballot`, { ...CHOICES_OK, tracker, trackerMac }, { Cookie: again });
    expect(resubmit.status).toBe(200);
    expect(await resubmit.text()).toContain(tracker);
    const second = await deputy();
    const other = await postForm(t.app, `/elections/${electionId}/ballot`, { ...CHOICES_OK, 'choice.c01': 'A' }, { Cookie: second });
    expect(other.status).toBe(409);
    expect(await other.text()).toContain('您已经投过票');
    expect(await counts()).toEqual({ ballots: 1, marked: 1 });
  });

  it('casts only with a tracker the review page issued to this deputy for this vote: a chosen, foreign or tampered one is refused and records nothing (issue 13)', async () => {
    const cookie = await deputy('d002');
    const deputyId = (await database.db.selectFrom('users').select('deputy_id').where('username', '=', 'd002').executeTakeFirstOrThrow()).deputy_id!;
    const review = await (await postForm(t.app, `/elections/${electionId}/ballot/review`, CHOICES_OK, { Cookie: cookie })).text();
    const issued = { tracker: /name="tracker" value="([^"]+)"/.exec(review)![1]!, trackerMac: /name="trackerMac" value="([^"]+)"/.exec(review)![1]! };
    const key = trackerKey(t.config);
    const flip = (s: string) => s.slice(0, 5) + (s[5] === 'A' ? 'B' : 'A') + s.slice(6);
    const before = await counts();
    for (const [what, fields] of [
      ['chosen by the deputy', { tracker: '0000-0000-0000-0001' }],
      ['chosen, with the MAC of another tracker', { tracker: '0000-0000-0000-0001', trackerMac: issued.trackerMac }],
      ['issued without its MAC', { tracker: issued.tracker }],
      ['with a tampered MAC', { tracker: issued.tracker, trackerMac: flip(issued.trackerMac) }],
      ['with a tampered tracker', { tracker: flip(issued.tracker), trackerMac: issued.trackerMac }],
      ['issued for another election', { tracker: issued.tracker, trackerMac: trackerMac(key, electionId + 1, deputyId, issued.tracker) }],
      ['issued to another deputy', { tracker: issued.tracker, trackerMac: trackerMac(key, electionId, deputyId + 1, issued.tracker) }],
    ] as const) {
      const res = await postForm(t.app, `/elections/${electionId}/ballot`, { ...CHOICES_OK, ...fields }, { Cookie: cookie });
      expect(res.status, what).toBe(422);
      expect(await res.text(), what).toContain('不是由本系统为您生成的确认页提交的');
      expect(await counts(), what).toEqual(before);
    }
    const en = await postForm(t.app, `/elections/${electionId}/ballot`, { ...CHOICES_OK, tracker: '0000-0000-0000-0001' }, { Cookie: cookie, 'Accept-Language': 'en' });
    expect(en.status).toBe(422);
    expect(await counts()).toEqual(before);
  });

  it('answers htmx steps with fragments that swap in place', async () => {
    const cookie = await deputy('d002');
    const res = await postForm(t.app, `/elections/${electionId}/ballot/review`, CHOICES_OK, { Cookie: cookie, 'HX-Request': 'true' });
    const html = await res.text();
    expect(html.startsWith('<div id="ballot-area"')).toBe(true);
    expect(html).not.toContain('<html');
  });

  it('tells an absent deputy to check in first', async () => {
    // The demo marks every 20th deputy absent: D240 among them.
    const { createUser } = await import('../src/users/store.ts');
    const d = await database.db.selectFrom('deputies').select('id').where('code', '=', 'D240').executeTakeFirstOrThrow();
    await createUser(database.db, { clock: t.clock, actor: { userId: null, name: 'test' } }, { username: 'd240', displayName: 'D240', password: DEMO_PASSWORD, roles: ['deputy'], deputyId: d.id });
    const res = await get(`/elections/${electionId}/ballot`, await deputy('d240'));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('您尚未签到');
  });

  it('shows live turnout to the secretariat and scrutineers from the roll alone', async () => {
    const res = await get(`/admin/elections/${electionId}/turnout`, secretariat, { 'HX-Request': 'true' });
    const html = await res.text();
    expect(html).toContain('data-hx-trigger="every 15s"');
    expect(html).toMatch(/已投票<\/dt><dd>1<\/dd>/);
    const present = (await database.db.selectFrom('attendance').select((eb) => eb.fn.countAll<number>().as('n')).where('present', '=', true).executeTakeFirstOrThrow()).n;
    expect(present).toBeGreaterThan(160);
    expect(html).toContain(`实到</dt><dd>${present}</dd>`);
    expect(html).toContain(`已签到尚未投票：${present - 1} 人`);
    const scrutineer = sessionCookieFrom(await signIn(t.app, 'jianpiao1', DEMO_PASSWORD))!;
    expect((await get(`/elections/${electionId}/display`, scrutineer)).status).toBe(200);
  });

  it('refuses ballots once voting is closed', async () => {
    const closed = await postForm(t.app, `/admin/elections/${electionId}/close`, {}, { Cookie: secretariat });
    expect(closed.headers.get('location')).toBe(`/admin/elections/${electionId}?done=closed`);
    const res = await postForm(t.app, `/elections/${electionId}/ballot`, CHOICES_OK, { Cookie: await deputy('d002') });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('不在投票时间内');
    expect(await counts()).toEqual({ ballots: 1, marked: 1 });
  });
});

describe.each(testEngines())('live turnout over SSE on $name', (engine) => {
  it('pushes the turnout panel as an event stream and ends it when the server shuts down', async () => {
    const database = await engine.openDemo();
    try {
      const t = testApp(database);
      const mishu = sessionCookieFrom(await signIn(t.app, 'mishu', DEMO_PASSWORD))!;
      const id = (await database.db.selectFrom('elections').select('id').executeTakeFirstOrThrow()).id;
      await postForm(t.app, `/admin/elections/${id}/open`, {}, { Cookie: mishu });
      const page = await (await t.app.request(`/admin/elections/${id}`, { headers: { Cookie: mishu } })).text();
      expect(page).toContain(`data-hx-sse:connect="/admin/elections/${id}/turnout/stream"`);
      const res = await t.app.request(`/admin/elections/${id}/turnout/stream`, { headers: { Cookie: mishu } });
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = res.body!.getReader();
      const { value } = await reader.read();
      const first = new TextDecoder().decode(value);
      expect(first).toMatch(/^data: <div id="turnout"/);
      expect(first).toContain('已投票');
      t.shutdown.begin();
      for (;;) {
        const { done } = await reader.read();
        if (done) break;
      }
    } finally {
      await database.close();
    }
  });
});

describe.each(testEngines())('public tracking before publication on $name', (engine) => {
  it('says only "recorded" for a cast ballot\'s tracker, in any typing, and lists the vote in the API', async () => {
    const database = await engine.openDemo();
    try {
      const t = testApp(database);
      const mishu = sessionCookieFrom(await signIn(t.app, 'mishu', DEMO_PASSWORD))!;
      const id = (await database.db.selectFrom('elections').select('id').executeTakeFirstOrThrow()).id;
      await postForm(t.app, `/admin/elections/${id}/open`, {}, { Cookie: mishu });
      const d = sessionCookieFrom(await signIn(t.app, 'd001', DEMO_PASSWORD))!;
      // A tracker with the MAC the server would have issued with it to d001 (issue 13: only issued trackers are cast).
      const d001 = (await database.db.selectFrom('users').select('deputy_id').where('username', '=', 'd001').executeTakeFirstOrThrow()).deputy_id!;
      const mac = trackerMac(trackerKey(t.config), id, d001, '0YEX-SJ9J-KHG9-6RE5');
      const receipt = await (await postForm(t.app, `/elections/${id}/ballot`, { ...CHOICES_OK, tracker: '0YEX-SJ9J-KHG9-6RE5', trackerMac: mac }, { Cookie: d })).text();
      expect(receipt).toContain('0YEX-SJ9J-KHG9-6RE5');
      const api = await t.app.request('/api/trackers/0yexsj9jkhg96re5');
      expect(api.status).toBe(200);
      const body = await api.json() as Record<string, unknown>;
      expect(body).toEqual({ tracker: '0YEX-SJ9J-KHG9-6RE5', status: 'recorded', election: { id: String(id), title: '2024年民生实事项目票决', state: 'open' } });
      expect(JSON.stringify(body)).not.toContain('FFFF');
      const page = await (await t.app.request('/verify?tracker=0yex-sj9j-khg9-6re5')).text();
      expect(page).toContain('已记录在票箱中');
      expect(page).not.toContain('赞成</td>');
      expect((await t.app.request('/verify?tracker=ZZZZ-ZZZZ-ZZZZ-ZZZZ')).status).toBe(404);
      expect((await t.app.request('/api/trackers/nonsense')).status).toBe(404);
      const meetings = await (await t.app.request('/api/meetings')).json() as { elections: { id: string; state: string }[] }[];
      expect(meetings[0]!.elections).toEqual([{ id: String(id), kind: 'selection', title: '2024年民生实事项目票决', state: 'open' }]);
      const election = await (await t.app.request(`/api/elections/${id}`)).json() as { options: unknown[]; rules: Record<string, unknown> };
      expect(election.rules).toEqual({ marking: 'for-against-abstain', seats: 10, passBase: 'all-deputies', deputiesTotal: 240 });
      expect(election.options).toHaveLength(12);
    } finally {
      await database.close();
    }
  });
});

describe.each(testEngines())('meeting settings, self check-in and ballot set-up on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let mishu: string;
  let meetingId: number;
  beforeAll(async () => {
    database = await engine.openDemo();
    t = testApp(database);
    mishu = sessionCookieFrom(await signIn(t.app, 'mishu', DEMO_PASSWORD))!;
    meetingId = (await database.db.selectFrom('meetings').select('id').where('year', '=', 2024).executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => { await database.close(); });

  it('lets a deputy check in by themselves only when the meeting allows it, and audits it', async () => {
    const { createUser } = await import('../src/users/store.ts');
    const d = await database.db.selectFrom('deputies').select('id').where('code', '=', 'D040').executeTakeFirstOrThrow();
    await createUser(database.db, { clock: t.clock, actor: { userId: null, name: 'test' } }, { username: 'd040', displayName: 'D040', password: DEMO_PASSWORD, roles: ['deputy'], deputyId: d.id });
    const cookie = sessionCookieFrom(await signIn(t.app, 'd040', DEMO_PASSWORD))!;
    const present = async () => (await database.db.selectFrom('attendance').select('present').where('meeting_id', '=', meetingId).where('deputy_id', '=', d.id).executeTakeFirst())?.present ?? false;
    expect(await present()).toBe(false);
    expect((await postForm(t.app, `/meetings/${meetingId}/check-in`, {}, { Cookie: cookie })).headers.get('location')).toBe('/vote?done=checkin-refused');
    expect(await present()).toBe(false);
    await postForm(t.app, `/admin/meetings/${meetingId}/settings`, { sharedTablets: '1', selfCheckIn: '1' }, { Cookie: mishu });
    const vote = await (await t.app.request('/vote', { headers: { Cookie: cookie } })).text();
    expect(vote).toContain(`action="/meetings/${meetingId}/check-in"`);
    expect((await postForm(t.app, `/meetings/${meetingId}/check-in`, {}, { Cookie: cookie })).headers.get('location')).toBe('/vote?done=checkin');
    expect(await present()).toBe(true);
    const audit = await database.db.selectFrom('audit_log').select(['action', 'actor_name']).where('action', 'in', ['attendance.self', 'meeting.settings']).execute();
    expect(audit).toEqual(expect.arrayContaining([{ action: 'meeting.settings', actor_name: 'mishu' }, { action: 'attendance.self', actor_name: 'd040' }]));
    expect(await (await t.app.request('/vote', { headers: { Cookie: cookie } })).text()).not.toContain('check-in"');
  });

  it('sets up a ballot with chosen candidates in a chosen order, refusing bad set-ups with translated messages', async () => {
    const candidates = await database.db.selectFrom('candidates').select(['id', 'name', 'ballot_order']).where('meeting_id', '=', meetingId).orderBy('ballot_order').execute();
    const [a, b, c2, d] = candidates;
    const form = new URLSearchParams([
      ['title', '补充票决'], ['marking', 'approval'], ['seats', '2'], ['passBase', 'valid-ballots'],
      ['include', String(a!.id)], ['include', String(c2!.id)], ['include', String(d!.id)],
      [`order.${a!.id}`, '3'], [`order.${c2!.id}`, '1'], [`order.${d!.id}`, '2'], [`order.${b!.id}`, '1'],
    ]);
    const post = (f: URLSearchParams) => t.app.request(`/admin/meetings/${meetingId}/elections`, { method: 'POST', body: f, headers: { Cookie: mishu, 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost:3000' } });
    // The meeting already holds a selection: a further one says why, or is refused with the reason asked for.
    const unexplained = await post(form);
    expect(unexplained.status).toBe(422);
    expect(await unexplained.text()).toMatch(/<p id="f-note-error" class="field__error">本次会议已有票决，另行票决须写明理由/);
    form.set('note', '补充两个项目');
    const res = await post(form);
    expect(res.status).toBe(303);
    expect((await database.db.selectFrom('elections').select('note').where('title', '=', '补充票决').executeTakeFirstOrThrow()).note).toBe('补充两个项目');
    const id = Number(/\/admin\/elections\/(\d+)/.exec(res.headers.get('location')!)![1]);
    const options = await database.db.selectFrom('election_options').select(['key', 'title']).where('election_id', '=', id).orderBy('position').execute();
    expect(options).toEqual([{ key: 'c01', title: c2!.name }, { key: 'c02', title: d!.name }, { key: 'c03', title: a!.name }]);

    const tooMany = new URLSearchParams(form);
    tooMany.set('seats', '3');
    const refused = await post(tooMany);
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('应选数必须少于候选项目数');
    const foreign = new URLSearchParams(form);
    foreign.append('include', '99999');
    expect((await post(foreign)).status).toBe(400);
  });

  it('refuses a ballot for another meeting\'s election that is not open, changing nothing', async () => {
    const old = await database.db.selectFrom('meetings').select('id').where('year', '=', 2023).executeTakeFirstOrThrow();
    const { createElection } = await import('../src/elections/store.ts');
    const e = await createElection(database.db, { clock: t.clock, actor: { userId: null, name: 'test' } }, {
      meetingId: old.id, kind: 'selection', title: '2023', marking: 'approval', seats: 1, passBase: 'valid-ballots', options: [{ key: 'c01', title: 'a' }, { key: 'c02', title: 'b' }],
      scrutineers: await scrutineersFor(database.db, old.id),
    });
    const cookie = sessionCookieFrom(await signIn(t.app, 'd001', DEMO_PASSWORD))!;
    const res = await postForm(t.app, `/elections/${e.id}/ballot`, { 'choice.c01': 'F' }, { Cookie: cookie });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('不在投票时间内');
    expect(await database.db.selectFrom('ballots').select('id').where('election_id', '=', e.id).execute()).toEqual([]);
  });
});
