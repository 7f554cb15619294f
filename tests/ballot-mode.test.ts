import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCeremony } from '../src/ceremonies/store.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { testApp } from './support/app.ts';
import { postForm } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture, type Fixture } from './support/fixtures.ts';

/**
 * Choosing the ballot mode (docs/using.md): the form that sets up a vote offers encrypted ballots
 * first (and a form that names no mode gets them), plaintext with its limit said, and k; a draft's
 * page changes them through setBallotMode and its refusals; an encrypted draft's page lists the
 * steps before it can open, and opening too early says why and what to do.
 */
describe.each(testEngines())('ballot mode on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let f: Fixture;
  let mishu: string;

  const create = (fields: [string, string][]) => {
    const body = new URLSearchParams([['title', `票决 ${fields.length}`], ['marking', 'approval'], ['seats', '2'], ['passBase', 'valid-ballots'],
      ...f.candidates.map((c): [string, string] => ['include', String(c.id)]), ...fields]);
    return t.app.request(`/admin/meetings/${f.meetingId}/elections`, {
      method: 'POST', body, headers: { Cookie: mishu, 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost:3000' },
    });
  };
  const createdId = (res: Response) => Number(/^\/admin\/elections\/(\d+)\?done=election$/.exec(res.headers.get('location') ?? '')![1]);
  const election = (id: number) => database.db.selectFrom('elections').select(['ballot_mode', 'trustee_threshold', 'state']).where('id', '=', id).executeTakeFirstOrThrow();
  const page = async (path: string, lang?: 'en') => (await t.app.request(path, { headers: { Cookie: lang ? `${mishu}; lang=en` : mishu } })).text();
  const post = (path: string, fields: Record<string, string>) => postForm(t.app, path, fields, { Cookie: mishu });

  beforeAll(async () => {
    database = await engine.open();
    t = testApp(database);
    f = await buildFixture(database, t.clock, {
      deputies: 9, candidates: 3, present: 9,
      accounts: [{ username: 'mishu', roles: ['secretariat'] }, { username: 'jp1', roles: ['scrutineer', 'deputy'], deputyCode: 'D001' }],
    });
    mishu = await f.account('mishu').cookie();
  });
  afterAll(() => database.close());

  it('offers encrypted ballots first on the form, plaintext with its limit, and k', async () => {
    const html = await page(`/admin/meetings/${f.meetingId}`);
    expect(html).toMatch(/<input type="radio" name="ballotMode" value="encrypted" checked=""/);
    expect(html).toMatch(/<input type="radio" name="ballotMode" value="plaintext" aria-describedby/);
    expect(html).toContain('能读取数据库的人（例如服务器管理员）可以把选票与代表对应起来');
    expect(html).toMatch(/<input id="bm-threshold" name="threshold" type="number" value="2"/);
  });

  it('creates a vote in encrypted mode (k = 2) from a form that names no mode, in plaintext when asked, audited', async () => {
    const plain = await create([['ballotMode', 'plaintext'], ['threshold', '7']]);
    expect(plain.status).toBe(303);
    expect(await election(createdId(plain))).toMatchObject({ ballot_mode: 'plaintext', trustee_threshold: null });
    const unnamed = await create([['note', '第二次']]);
    expect(unnamed.status).toBe(303);
    expect(await election(createdId(unnamed))).toMatchObject({ ballot_mode: 'encrypted', trustee_threshold: 2 });
    const three = await create([['note', '第三次'], ['ballotMode', 'encrypted'], ['threshold', '3']]);
    expect(await election(createdId(three))).toMatchObject({ ballot_mode: 'encrypted', trustee_threshold: 3 });
    const audit = await database.db.selectFrom('audit_log').select('details').where('action', '=', 'election.create').where('subject', '=', `election:${createdId(three)}`).executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ ballotMode: 'encrypted', threshold: 3 });
  });

  it('refuses a k outside 2 … 99 and an unknown mode on the form, translated, creating nothing', async () => {
    const before = (await database.db.selectFrom('elections').select('id').execute()).length;
    for (const k of ['1', '100', '二']) {
      const res = await create([['note', '再次'], ['ballotMode', 'encrypted'], ['threshold', k]]);
      expect(res.status, k).toBe(422);
      expect(await res.text()).toContain('<p id="bm-threshold-error" class="field__error">解密门限须是 2 到 99 之间的整数。</p>');
    }
    const odd = await create([['note', '再次'], ['ballotMode', 'secret']]);
    expect(odd.status).toBe(422);
    expect(await odd.text()).toContain('<p id="bm-mode-error" class="field__error">输入有误。</p>');
    expect((await database.db.selectFrom('elections').select('id').execute()).length).toBe(before);
  });

  it('changes a draft\'s mode through setBallotMode: k above the named scrutineers refused, then set; the steps say what comes next', async () => {
    const id = createdId(await create([['note', '改模式'], ['ballotMode', 'plaintext']]));
    expect(await page(`/admin/elections/${id}`)).toContain('本次表决使用明文投票：投票期间，能读取数据库的人可以把选票与代表对应起来。');
    // Two scrutineers named: k = 3 is refused with the rules' own reason, translated; nothing changes.
    expect((await post(`/admin/elections/${id}/scrutineers`, { scrutineers: 'D001 D002' })).status).toBe(303);
    const refused = await post(`/admin/elections/${id}/ballot-mode`, { ballotMode: 'encrypted', threshold: '3' });
    expect(refused.headers.get('location')).toBe(`/admin/elections/${id}?error=threshold&ceremony=1`);
    expect(await page(refused.headers.get('location')!)).toContain('门限须至少为 2，且不超过已确定的监票人数。');
    expect(await election(id)).toMatchObject({ ballot_mode: 'plaintext' });
    const bad = await post(`/admin/elections/${id}/ballot-mode`, { ballotMode: 'secret' });
    expect(await page(bad.headers.get('location')!)).toContain('投票模式只能是加密投票或明文投票。');

    const set = await post(`/admin/elections/${id}/ballot-mode`, { ballotMode: 'encrypted', threshold: '2' });
    expect(set.headers.get('location')).toBe(`/admin/elections/${id}?done=ballot-mode`);
    expect(await election(id)).toMatchObject({ ballot_mode: 'encrypted', trustee_threshold: 2 });
    expect((await database.db.selectFrom('audit_log').select('details').where('action', '=', 'election.ballot-mode').where('subject', '=', `election:${id}`).execute())
      .map((a) => a.details)).toEqual([{ mode: 'encrypted', threshold: 2 }]);
    const html = await page(`/admin/elections/${id}`);
    expect(html).toContain('<h2 id="encrypted-steps-title">开启加密表决前的步骤</h2>');
    // Two named for k = 2: enough (three advised); the next step is starting the ceremony.
    expect(html).toMatch(/<li class="steps__next" aria-current="step"><span class="chip">下一步<\/span> 开始密钥仪式/);
    expect(html).toContain('现有 2 位');
    expect(await page(`/admin/elections/${id}`, 'en')).toContain('Before an encrypted vote opens');

    // Opening now is refused, saying why and what to do.
    const early = await post(`/admin/elections/${id}/open`, {});
    expect(early.headers.get('location')).toBe(`/admin/elections/${id}?error=ceremony-incomplete`);
    expect(await page(early.headers.get('location')!)).toContain('加密表决须在密钥仪式完成后才能开启。请按本页“开启加密表决前的步骤”操作');

    // Once a ceremony has started, the mode is fixed (setBallotMode's refusal), and the form is gone.
    await startCeremony(database.db, f.acting, id);
    const late = await post(`/admin/elections/${id}/ballot-mode`, { ballotMode: 'plaintext' });
    expect(late.headers.get('location')).toBe(`/admin/elections/${id}?error=already-started&ceremony=1`);
    expect(await election(id)).toMatchObject({ ballot_mode: 'encrypted' });
    const after = await page(`/admin/elections/${id}`);
    expect(after).not.toContain(`action="/admin/elections/${id}/ballot-mode"`);
    expect(after).toMatch(/<li class="steps__next" aria-current="step"><span class="chip">下一步<\/span> 每位受托人用自己的账号登录/);
  });

  it('refuses a change for a vote that opened', async () => {
    const id = createdId(await create([['note', '已开启'], ['ballotMode', 'plaintext']]));
    await post(`/admin/elections/${id}/scrutineers`, { scrutineers: 'D001 D002' });
    expect((await post(`/admin/elections/${id}/open`, {})).headers.get('location')).toBe(`/admin/elections/${id}?done=opened`);
    const res = await post(`/admin/elections/${id}/ballot-mode`, { ballotMode: 'encrypted', threshold: '2' });
    expect(res.headers.get('location')).toBe(`/admin/elections/${id}?error=not-draft&ceremony=1`);
    expect(await election(id)).toMatchObject({ ballot_mode: 'plaintext', state: 'open' });
  });
});
