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

  it('limits one address to five opinions in ten minutes (429, Retry-After, translated), without locking out another address', async () => {
    const address = '192.0.2.44';
    for (let i = 1; i <= 5; i++) expect((await send(other, `意见${i}`, address)).status).toBe(303);
    const before = await opinions();
    const limited = await send(other, '第六条', address);
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

  it('stores no address in clear: only a keyed hash, never linked to the opinion', async () => {
    const dump = JSON.stringify([await opinions(), await demo.database.db.selectFrom('opinion_attempts').selectAll().execute()]);
    for (const address of ['203.0.113.10', '192.0.2.44', '192.0.2.45']) expect(dump).not.toContain(address);
    const attempts = await demo.database.db.selectFrom('opinion_attempts').selectAll().execute();
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.every((a) => /^[0-9a-f]{64}$/.test(a.address_hash))).toBe(true);
    const columns = await demo.database.db.selectFrom('information_schema.columns' as never).select('column_name' as never)
      .where('table_name' as never, '=', 'citizen_opinions' as never).execute() as { column_name: string }[];
    expect(columns.map((c) => c.column_name).filter((c) => /address|ip|hash|email|phone|name/.test(c))).toEqual([]);
  });

  it('publishes an accepted opinion, lets the lead department reply once, and keeps a rejected one out', async () => {
    const [first] = await opinions();
    const accepted = await postAs(demo, `/admin/tracking/opinions/${first!.id}/accept`, {}, secretariat);
    expect(accepted.headers.get('location')).toBe('/admin/tracking/opinions?done=accepted');
    expect((await postAs(demo, `/admin/tracking/opinions/${first!.id}/reject`, {}, secretariat)).headers.get('location')).toBe('/admin/tracking/opinions?error=decided');
    const rejectedOne = (await opinions()).find((o) => o.project_id === other)!;
    await postAs(demo, `/admin/tracking/opinions/${rejectedOne.id}/reject`, {}, secretariat);
    expect((await acceptedOpinions(demo.database.db, other)).map((o) => o.id)).not.toContain(rejectedOne.id);
    expect(await acceptedOpinions(demo.database.db, education)).toMatchObject([{ id: first!.id, body: '希望幼儿园延长托管时间。', reply: null }]);
    expect((await postAs(demo, `/admin/tracking/opinions/${first!.id}/accept`, {}, jiaoyu)).status).toBe(403);

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
});
