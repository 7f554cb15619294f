import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedOpinions } from '../src/supervision/store.ts';
import { testEngines } from './support/databases.ts';
import { accountIn, cookieOf, from, getAs, postAs, postOnceAs, projectsLedBy } from './support/supervision.ts';
import { openTrackedDemo, type TrackedDemo } from './support/tracking.ts';

describe.each(testEngines())('citizens\' opinions (群众意见) on $name', (engine) => {
  let demo: TrackedDemo;
  let education: number;
  let other: number;
  let secretariat: string;
  let jiaoyu: string;
  const opinions = () => demo.database.db.selectFrom('citizen_opinions').selectAll().orderBy('id').execute();
  /** A citizen sends an opinion from an address (the app reads the socket's address, as behind no proxy). */
  const send = (projectId: number, body: string, address: string, extra: Record<string, string> = {}) =>
    postOnceAs(demo, `/projects/${projectId}/opinions`, { body, website: '', ...extra }, undefined, from(address));

  beforeAll(async () => {
    demo = await openTrackedDemo(engine);
    education = (await projectsLedBy(demo, '教育局'))[0]!;
    other = (await projectsLedBy(demo, '卫生健康局'))[0]!;
    [secretariat, jiaoyu] = await Promise.all([cookieOf(demo, 'mishu'), cookieOf(demo, 'jiaoyu')]);
  });
  afterAll(async () => { await demo.database.close(); });

  it('offers anyone the form, without an account, saying not to include personal data, with a honeypot hidden from people and screen readers', async () => {
    const res = await getAs(demo, `/projects/${education}/opinions/new`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('请不要填写姓名、电话');
    expect(html).toMatch(/<div class="visually-hidden" aria-hidden="true"><label for="f-website">[^<]*<\/label><input id="f-website" name="website" type="text" tabindex="-1" autocomplete="off" value=""\/?><\/div>/);
  });

  it('stores an opinion pending, never public until the secretariat accepts it', async () => {
    const res = await send(education, '希望幼儿园延长托管时间。', '203.0.113.10');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/projects/${education}/opinions/new?done=sent`);
    expect(await (await getAs(demo, res.headers.get('location')!)).text()).toContain('意见已收到');
    const [stored] = await opinions();
    expect(stored).toMatchObject({ project_id: education, body: '希望幼儿园延长托管时间。', state: 'pending', reply: null });
    expect(await acceptedOpinions(demo.database.db, education)).toEqual([]);
    // Nor does the department see it before.
    expect(await (await getAs(demo, '/workspace/notes', jiaoyu)).text()).not.toContain('希望幼儿园延长托管时间');
    expect(await (await getAs(demo, '/admin/tracking/opinions', secretariat)).text()).toContain('希望幼儿园延长托管时间');
  });

  it('answers a filled honeypot like a success and stores nothing', async () => {
    const before = await opinions();
    const res = await send(education, '买药请加微信', '198.51.100.7', { website: 'http://spam.example' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/projects/${education}/opinions/new?done=sent`);
    expect(await opinions()).toEqual(before);
  });

  it('refuses an empty or too long opinion with the form again (422)', async () => {
    const empty = await send(education, '  ', '198.51.100.8');
    expect(empty.status).toBe(422);
    const long = await send(education, '长'.repeat(2001), '198.51.100.8');
    expect(long.status).toBe(422);
    expect(await long.text()).toContain('长'.repeat(50));
  });

  it('limits one address to twenty opinions in a ten-minute window (429, Retry-After, translated), without locking out another address', async () => {
    const address = '192.0.2.44';
    for (let i = 1; i <= 20; i++) expect((await send(other, `意见${i}`, address)).status).toBe(303);
    const before = await opinions();
    const limited = await send(other, '第二十一条', address);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(600);
    expect(await limited.text()).toContain('提交的意见太多了');
    expect(await opinions()).toEqual(before);
    // Another address (another household of the town) is not held back.
    expect((await send(other, '另一位群众的意见', '192.0.2.45')).status).toBe(303);
    // Ten minutes later the first address may write again.
    demo.t.clock.advance(10 * 60_000 + 1000);
    expect((await send(other, '十分钟后', address)).status).toBe(303);
    demo.t.clock.set('2024-01-15T01:00:00Z');
  });

  it('counts an IPv6 /64 as one address, and an IPv4-mapped address as its IPv4 address', async () => {
    demo.t.clock.set('2024-01-15T01:20:00Z');
    for (let i = 1; i <= 20; i++) expect((await send(other, `IPv6 意见${i}`, `2001:db8:77:1::${i.toString(16)}`)).status).toBe(303);
    expect((await send(other, '换一个地址', '2001:db8:77:1:ffff:1:2:3')).status).toBe(429);
    expect((await send(other, '另一个 /64', '2001:db8:77:2::1')).status).toBe(303);
    for (let i = 1; i <= 20; i++) expect((await send(other, `IPv4 意见${i}`, '198.51.100.99')).status).toBe(303);
    expect((await send(other, '映射地址', '::ffff:198.51.100.99')).status).toBe(429);
    demo.t.clock.set('2024-01-15T01:00:00Z');
  });

  it('never locks a project for everyone: forty addresses sending five each leave it open to the next citizen', async () => {
    demo.t.clock.set('2024-01-15T01:40:00Z');
    const fresh = demo.projects.find((p) => p.id !== education && p.id !== other)!.id;
    for (let a = 1; a <= 41; a++) {
      for (let i = 1; i <= 5; i++) expect((await send(fresh, `刷屏${a}-${i}`, `203.0.113.${a}`)).status).toBe(303);
    }
    expect((await send(fresh, '一位群众的正常意见', '198.51.100.200')).status).toBe(303);
    // The secretariat rejects the flood at once, after a confirmation, audited.
    const pending = (await opinions()).filter((o) => o.project_id === fresh && o.state === 'pending').length;
    expect(pending).toBe(206);
    const ask = await postOnceAs(demo, `/admin/tracking/projects/${fresh}/opinions/reject-pending`, {}, secretariat);
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain('206');
    expect((await opinions()).filter((o) => o.project_id === fresh && o.state === 'pending')).toHaveLength(206);
    const done = await postAs(demo, `/admin/tracking/projects/${fresh}/opinions/reject-pending`, { confirm: '1', 'fact.pending': '206' }, secretariat);
    expect(done.headers.get('location')).toBe('/admin/tracking/opinions?done=rejectedPending');
    expect((await opinions()).filter((o) => o.project_id === fresh && o.state === 'pending')).toEqual([]);
    const audit = await demo.database.db.selectFrom('audit_log').select(['action', 'details']).where('subject', '=', `project:${fresh}`).where('action', '=', 'opinion.rejectPending').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.details)).toContain('"count":206');
    demo.t.clock.set('2024-01-15T01:00:00Z');
  });

  it('stores no address in clear: only a keyed hash with a count per ten-minute window, no exact time and no id to match the opinion with', async () => {
    const dump = JSON.stringify([await opinions(), await demo.database.db.selectFrom('opinion_attempts').selectAll().execute()]);
    for (const address of ['203.0.113.10', '192.0.2.44', '192.0.2.45']) expect(dump).not.toContain(address);
    const attempts = await demo.database.db.selectFrom('opinion_attempts').selectAll().execute();
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.every((a) => /^[0-9a-f]{64}$/.test(a.address_hash))).toBe(true);
    expect(attempts.every((a) => a.window_start.getTime() % 600_000 === 0 && a.count >= 1)).toBe(true);
    const columnsOf = async (table: string) => (await demo.database.db.selectFrom('information_schema.columns' as never).select('column_name' as never)
      .where('table_name' as never, '=', table as never).execute() as { column_name: string }[]).map((c) => c.column_name).sort();
    expect(await columnsOf('opinion_attempts')).toEqual(['address_hash', 'count', 'window_start']);
    expect((await columnsOf('citizen_opinions')).filter((c) => /address|ip|hash|email|phone|name/.test(c))).toEqual([]);
    // Windows that have passed go with the next opinion.
    demo.t.clock.set('2024-01-15T02:00:00Z');
    expect((await send(education, '下一个窗口', '198.51.100.201')).status).toBe(303);
    const left = await demo.database.db.selectFrom('opinion_attempts').selectAll().execute();
    expect(left).toHaveLength(1);
    expect(left[0]!.window_start.toISOString()).toBe('2024-01-15T02:00:00.000Z');
    demo.t.clock.set('2024-01-15T01:00:00Z');
  });

  it('publishes an accepted opinion, lets the lead department reply once, and keeps a rejected one out', async () => {
    const [first] = await opinions();
    const accepted = await postAs(demo, `/admin/tracking/opinions/${first!.id}/accept`, { confirm: '1', 'fact.pending': '1' }, secretariat);
    expect(accepted.headers.get('location')).toBe('/admin/tracking/opinions?done=accepted');
    expect((await postAs(demo, `/admin/tracking/opinions/${first!.id}/reject`, {}, secretariat)).headers.get('location')).toBe('/admin/tracking/opinions?error=decided');
    const rejectedOne = (await opinions()).find((o) => o.project_id === other)!;
    await postAs(demo, `/admin/tracking/opinions/${rejectedOne.id}/reject`, {}, secretariat);
    expect((await acceptedOpinions(demo.database.db, other)).map((o) => o.id)).not.toContain(rejectedOne.id);
    expect(await acceptedOpinions(demo.database.db, education)).toMatchObject([{ id: first!.id, body: '希望幼儿园延长托管时间。', reply: null }]);
    expect((await postAs(demo, `/admin/tracking/opinions/${first!.id}/accept`, { confirm: '1', 'fact.pending': '1' }, jiaoyu)).status).toBe(403);

    // Only the lead department replies, and only to an accepted opinion.
    const health = await cookieOf(demo, await accountIn(demo, ['department'], { department: '卫生健康局' }));
    expect((await postAs(demo, `/workspace/opinions/${first!.id}/reply`, { reply: '不是我们的项目' }, health)).status).toBe(403);
    expect((await postAs(demo, `/workspace/opinions/${rejectedOne.id}/reply`, { reply: '答复未采纳的意见' }, health)).headers.get('location')).toBe('/workspace/notes?error=not-accepted');
    expect(await (await getAs(demo, '/workspace/notes', jiaoyu)).text()).toContain('希望幼儿园延长托管时间');
    const done = await postAs(demo, `/workspace/opinions/${first!.id}/reply`, { reply: '已协调部分幼儿园试行延时托管。' }, jiaoyu);
    expect(done.headers.get('location')).toBe('/workspace/notes?done=opinionReplied');
    expect((await postAs(demo, `/workspace/opinions/${first!.id}/reply`, { reply: '再答复' }, jiaoyu)).headers.get('location')).toBe('/workspace/notes?error=replied');
    expect(await acceptedOpinions(demo.database.db, education)).toMatchObject([{ id: first!.id, reply: '已协调部分幼儿园试行延时托管。' }]);
    const actions = await demo.database.db.selectFrom('audit_log').select('action').where('subject', '=', `opinion:${first!.id}`).orderBy('id').execute();
    expect(actions.map((a) => a.action)).toEqual(['opinion.accept', 'opinion.reply']);
  });

  it('asks before accepting, showing the whole text and a warning when it looks like personal data', async () => {
    const body = '我家孩子在城南小学，请联系我138-1234-5678或 zhang@example.com';
    expect((await send(education, body, '198.51.100.50')).status).toBe(303);
    const o = (await opinions()).find((x) => x.body === body)!;
    const ask = await postOnceAs(demo, `/admin/tracking/opinions/${o.id}/accept`, {}, secretariat);
    expect(ask.status).toBe(200);
    const html = await ask.text();
    expect(html).toContain('138-1234-5678');
    expect(html).toContain('看起来含有个人信息（手机号码、电子邮箱）');
    expect(html).toContain('name="fact.pending" value="1"');
    expect((await opinions()).find((x) => x.id === o.id)!.state).toBe('pending');
    const plain = '希望学校门口增设护学岗。';
    expect((await send(education, plain, '198.51.100.51')).status).toBe(303);
    const p = (await opinions()).find((x) => x.body === plain)!;
    const plainAsk = await (await postOnceAs(demo, `/admin/tracking/opinions/${p.id}/accept`, {}, secretariat)).text();
    expect(plainAsk).toContain(plain);
    expect(plainAsk).not.toContain('个人信息');
    await postOnceAs(demo, `/admin/tracking/opinions/${o.id}/reject`, {}, secretariat);
  });

  it('lets the secretariat withdraw an accepted opinion, confirmed and audited: its reply goes and it leaves the page, the API and the feed', async () => {
    const body = '建议公开学位分配结果PUBLIC-THEN-WITHDRAWN';
    expect((await send(education, body, '198.51.100.60')).status).toBe(303);
    const o = (await opinions()).find((x) => x.body === body)!;
    expect((await postAs(demo, `/admin/tracking/opinions/${o.id}/accept`, {}, secretariat)).headers.get('location')).toBe('/admin/tracking/opinions?done=accepted');
    await postAs(demo, `/workspace/opinions/${o.id}/reply`, { reply: '已公开分配结果REPLY-THEN-WITHDRAWN' }, jiaoyu);
    const surfaces = async () => Promise.all([`/projects/${education}`, `/api/projects/${education}`, `/projects/${education}/feed.xml`, '/feed.xml']
      .map(async (path) => (await getAs(demo, path)).text()));
    expect((await surfaces()).slice(0, 2).every((t) => t.includes(body))).toBe(true);
    // Only the date is public, never the time.
    const api = JSON.parse((await surfaces())[1]!) as { opinions: Record<string, unknown>[] };
    expect(api.opinions.find((x) => x.body === body)).toMatchObject({ submittedOn: '2024-01-15' });
    expect(JSON.stringify(api.opinions)).not.toMatch(/submittedAt/);
    expect((await getAs(demo, '/admin/tracking/opinions', secretariat)).status).toBe(200);
    const ask = await postOnceAs(demo, `/admin/tracking/opinions/${o.id}/withdraw`, {}, secretariat);
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain('答复将一并删除');
    const done = await postAs(demo, `/admin/tracking/opinions/${o.id}/withdraw`, {}, secretariat);
    expect(done.headers.get('location')).toBe('/admin/tracking/opinions?done=withdrawn');
    expect((await opinions()).find((x) => x.id === o.id)).toMatchObject({ state: 'rejected', reply: null, replied_at: null });
    for (const text of await surfaces()) {
      expect(text).not.toContain('PUBLIC-THEN-WITHDRAWN');
      expect(text).not.toContain('REPLY-THEN-WITHDRAWN');
    }
    expect((await postAs(demo, `/admin/tracking/opinions/${o.id}/withdraw`, {}, secretariat)).headers.get('location')).toBe('/admin/tracking/opinions?error=not-accepted');
    expect((await postAs(demo, `/admin/tracking/opinions/${o.id}/withdraw`, {}, jiaoyu)).status).toBe(403);
    const actions = await demo.database.db.selectFrom('audit_log').select('action').where('subject', '=', `opinion:${o.id}`).orderBy('id').execute();
    expect(actions.map((a) => a.action)).toEqual(['opinion.accept', 'opinion.reply', 'opinion.withdraw']);
  });

  it('deletes rejected opinions thirty days after the decision, on the next submission or when the secretariat opens the console', async () => {
    const rejected = async () => (await opinions()).filter((o) => o.state === 'rejected');
    const before = await rejected();
    expect(before.length).toBeGreaterThan(0);
    demo.t.clock.set('2024-02-13T01:00:00Z');
    expect((await send(education, '二十九天后', '198.51.100.70')).status).toBe(303);
    expect(await rejected()).toHaveLength(before.length);
    demo.t.clock.set('2024-02-15T01:00:00Z');
    const mishu = await cookieOf(demo, 'mishu');
    expect((await getAs(demo, '/admin/tracking', mishu)).status).toBe(200);
    expect(await rejected()).toEqual([]);
    expect((await opinions()).some((o) => o.state === 'accepted')).toBe(true);
  });
});
