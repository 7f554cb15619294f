import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certifyElection, sealElection, voidElection, rerunElection } from '../src/counting/store.ts';
import { closeElection, createElection, electionScrutineers, openElection } from '../src/elections/store.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { verifyPassword } from '../src/users/password.ts';
import { APPROVAL_USABLE_MS } from '../src/users/rules.ts';
import { testApp } from './support/app.ts';
import { makeUser, postForm } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture, type Fixture } from './support/fixtures.ts';

/**
 * Separation of duties (issue 10, defect 2): the secretariat cannot certify a result alone. The
 * scrutineer role sits only on a deputy's own account and never beside the secretariat's; each vote
 * names its scrutineers before it opens, publicly, and only they certify it; a credential step on a
 * deputy the vote protects waits for a named scrutineer's confirmation.
 */
describe.each(testEngines())('separation of duties on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let f: Fixture;
  let mishu: string;

  const location = (res: Response) => res.headers.get('location');
  const post = async (path: string, fields: Record<string, string>, who: string) => postForm(t.app, path, fields, { Cookie: await f.account(who).cookie() });
  const get = async (path: string, who?: string) => t.app.request(path, who ? { headers: { Cookie: await f.account(who).cookie() } } : {});
  const audit = async (action: string) => database.db.selectFrom('audit_log').select(['action', 'subject', 'details', 'actor_name']).where('action', '=', action).orderBy('id').execute();
  const hashOf = async (username: string) => (await database.db.selectFrom('users').select('password_hash').where('username', '=', username).executeTakeFirstOrThrow()).password_hash;

  beforeAll(async () => {
    database = await engine.open();
    t = testApp(database);
    f = await buildFixture(database, t.clock, {
      deputies: 8, candidates: 3,
      accounts: [
        { username: 'mishu', roles: ['secretariat'] },
        { username: 'jianpiao1', roles: ['scrutineer', 'deputy'], deputyCode: 'D001', displayName: '监票人甲' },
        { username: 'jianpiao2', roles: ['scrutineer', 'deputy'], deputyCode: 'D002', displayName: '监票人乙' },
        // A scrutineer account whose deputy is not named for the vote.
        { username: 'jianpiao3', roles: ['scrutineer', 'deputy'], deputyCode: 'D006', displayName: '监票人丙' },
        { username: 'd003', roles: ['deputy'], deputyCode: 'D003' },
        { username: 'd004', roles: ['deputy'], deputyCode: 'D004' },
      ],
      election: { scrutineers: [] },
    });
    mishu = 'mishu';
  });
  afterAll(() => database.close());

  describe('naming the scrutineers', () => {
    it('refuses to open a vote before two are named, and refuses bad lists with a message by the field', async () => {
      const id = f.electionId!;
      expect(location(await post(`/admin/elections/${id}/open`, {}, mishu))).toBe(`/admin/elections/${id}?error=no-scrutineers`);
      expect(await (await get(`/admin/elections/${id}?error=no-scrutineers`, mishu)).text()).toContain('尚未确定至少 2 位监票人，不能开启投票');
      for (const [typed, message] of [
        ['D001', '至少需要 2 位监票人'], ['D001 d001', '同一位代表不能重复列为监票人'], ['D001 X999', '没有编号为 X999 的本届代表'],
        ['D001 <b>', '“&lt;b&gt;”不是代表编号：代表编号只能包含'], ['', '至少需要 2 位监票人'],
      ]) {
        const res = await post(`/admin/elections/${id}/scrutineers`, { scrutineers: typed! }, mishu);
        expect(res.status, typed).toBe(422);
        const html = await res.text();
        expect(html).toMatch(new RegExp(`<p id="f-scrutineers-error" class="field__error">${message}`));
        expect(html).not.toContain('<b>');
      }
      expect(await electionScrutineers(database.db, id)).toEqual([]);
    });

    it('names them in order (codes in any case, separated by spaces, commas or 、), audited, and shows them to everyone', async () => {
      const id = f.electionId!;
      expect(location(await post(`/admin/elections/${id}/scrutineers`, { scrutineers: 'd002、D001, ' }, mishu))).toBe(`/admin/elections/${id}?done=scrutineers`);
      expect((await electionScrutineers(database.db, id)).map((s) => s.code)).toEqual(['D002', 'D001']);
      expect((await audit('election.scrutineers')).at(-1)!.details).toEqual({ scrutineers: ['D002', 'D001'] });
      // The API names them before the vote opens (the meeting page, which lists no drafts, from the opening on).
      expect((await (await get(`/api/elections/${id}`)).json()).scrutineers).toEqual([
        { name: '代表2', delegation: expect.any(String) }, { name: '代表1', delegation: expect.any(String) },
      ]);
      expect(location(await post(`/admin/elections/${id}/scrutineers`, { scrutineers: 'D001 D002' }, mishu))).toBe(`/admin/elections/${id}?done=scrutineers`);
    });

    it('fixes the list once the vote opens: the page no longer offers it, the route refuses, the database refuses', async () => {
      const id = f.electionId!;
      expect(location(await post(`/admin/elections/${id}/open`, {}, mishu))).toBe(`/admin/elections/${id}?done=opened`);
      const page = await (await get(`/admin/elections/${id}`, mishu)).text();
      expect(page).toContain('投票开启后，监票人名单不再改变');
      expect(page).not.toContain(`action="/admin/elections/${id}/scrutineers"`);
      expect(location(await post(`/admin/elections/${id}/scrutineers`, { scrutineers: 'D003 D004' }, mishu))).toBe(`/admin/elections/${id}?error=wrong-state`);
      await expect(database.db.insertInto('election_scrutineers').values({ election_id: id, deputy_id: f.deputyId('D006'), position: 3 }).execute())
        .rejects.toThrow(/fixed once it has opened/);
      await expect(database.db.deleteFrom('election_scrutineers').where('election_id', '=', id).execute()).rejects.toThrow(/fixed once it has opened/);
      expect((await electionScrutineers(database.db, id)).map((s) => s.code)).toEqual(['D001', 'D002']);
      // The public meeting page and the hall display name them, before anyone has voted.
      expect(await (await get(`/meetings/${f.meetingId}`)).text()).toContain('监票人：代表1、代表2');
      expect(await (await get(`/elections/${id}/display`, mishu)).text()).toContain('监票人：代表1、代表2');
    });
  });

  describe('credentials of a protected deputy', () => {
    it('turns a password reset during the vote into a request: nothing changes until a named scrutineer confirms', async () => {
      const before = await hashOf('d003');
      const res = await post(`/admin/users/${f.account('d003').id}/reset`, {}, mishu);
      expect(res.status).toBe(202);
      expect(await res.text()).toContain('此操作须经该表决的一位监票人确认');
      expect(await hashOf('d003')).toBe(before);
      expect(await verifyPassword(before, f.account('d003').password)).toBe(true);
      const [request] = await audit('credentials.request');
      expect(request).toMatchObject({ actor_name: 'mishu', details: { step: 'reset', deputy: 'D003', elections: [f.electionId], protected: true } });
      // Asking again keeps the one request.
      expect((await post(`/admin/users/${f.account('d003').id}/reset`, {}, mishu)).status).toBe(202);
      expect(await audit('credentials.request')).toHaveLength(1);
    });

    it('lets only a named scrutineer of that vote decide it, never the secretariat or another scrutineer', async () => {
      const [row] = await database.db.selectFrom('credential_approvals').select('id').execute();
      // The secretariat holds no scrutineer role: the route is closed to it.
      expect((await post(`/scrutiny/approvals/${row!.id}/confirm`, {}, mishu)).status).toBe(403);
      // A scrutineer not named for this vote is refused.
      expect(location(await post(`/scrutiny/approvals/${row!.id}/confirm`, {}, 'jianpiao3'))).toBe('/scrutiny?error=not-yours');
      expect(await (await get('/scrutiny?error=not-yours', 'jianpiao3')).text()).toContain('只有相关表决的监票人可以处理此请求');
      // A named scrutineer sees it, with buttons, on the scrutiny list and the vote's scrutiny page.
      const list = await (await get('/scrutiny', 'jianpiao1')).text();
      expect(list).toContain('等待监票人确认');
      expect(list).toContain(`action="/scrutiny/approvals/${row!.id}/confirm"`);
      expect(await (await get('/scrutiny', 'jianpiao3')).text()).not.toContain(`action="/scrutiny/approvals/${row!.id}/confirm"`);
      expect(location(await post(`/scrutiny/approvals/${row!.id}/confirm`, {}, 'jianpiao1'))).toBe('/scrutiny?done=approval-confirmed');
      expect((await audit('credentials.confirm')).at(-1)!.details).toMatchObject({ step: 'reset', deputy: 'D003', protected: true });
      expect(location(await post(`/scrutiny/approvals/${row!.id}/decline`, {}, 'jianpiao2'))).toBe('/scrutiny?error=decided');
    });

    it('then resets once: the slip, the confirmation used and named in the audit entry; the next reset asks again', async () => {
      const res = await post(`/admin/users/${f.account('d003').id}/reset`, {}, mishu);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('d003');
      const entry = (await audit('user.reset')).at(-1)!;
      expect(entry.details).toMatchObject({ username: 'd003', protected: true, approval: expect.any(Number) });
      const scrutiny = await (await get(`/admin/elections/${f.electionId}/scrutiny`, mishu)).text();
      expect(scrutiny).toContain('已执行');
      expect((await post(`/admin/users/${f.account('d003').id}/reset`, {}, mishu)).status).toBe(202);
    });

    it('lets a confirmation lapse after its time, and a declined request allow nothing', async () => {
      const [, second] = await database.db.selectFrom('credential_approvals').select('id').orderBy('id').execute();
      expect(location(await post(`/scrutiny/approvals/${second!.id}/confirm`, {}, 'jianpiao2'))).toBe('/scrutiny?done=approval-confirmed');
      t.clock.advance(APPROVAL_USABLE_MS + 1000);
      const before = await hashOf('d003');
      expect((await post(`/admin/users/${f.account('d003').id}/reset`, {}, mishu)).status).toBe(202);
      expect(await hashOf('d003')).toBe(before);
      const third = (await database.db.selectFrom('credential_approvals').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
      expect(location(await post(`/scrutiny/approvals/${third}/decline`, {}, 'jianpiao2'))).toBe('/scrutiny?done=approval-declined');
      expect((await post(`/admin/users/${f.account('d003').id}/reset`, {}, mishu)).status).toBe(202);
      expect(await hashOf('d003')).toBe(before);
    });

    it('never lets a named scrutineer decide a step on their own credentials', async () => {
      expect((await post(`/admin/users/${f.account('jianpiao1').id}/reset`, {}, mishu)).status).toBe(202);
      const own = (await database.db.selectFrom('credential_approvals').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
      expect(location(await post(`/scrutiny/approvals/${own}/confirm`, {}, 'jianpiao1'))).toBe('/scrutiny?error=not-yours');
      expect(location(await post(`/scrutiny/approvals/${own}/confirm`, {}, 'jianpiao2'))).toBe('/scrutiny?done=approval-confirmed');
    });

    it('holds back a first account for a deputy on the roll, and a re-link to or from one, until confirmed', async () => {
      // D005 has no account and is on the open roll: the roster's slips skip them and say why.
      const slips = await post(`/admin/terms/${f.termId}/credentials`, {}, mishu);
      expect(slips.status).toBe(200);
      const html = await slips.text();
      expect(html).toContain('其账户须经监票人确认后才能发放：D005、D007、D008');
      expect(await database.db.selectFrom('users').select('id').where('deputy_id', '=', f.deputyId('D005')).execute()).toEqual([]);
      // A staff account linked to D005 the same.
      const staff = await post('/admin/users', { username: 'wang', displayName: '王', roles: 'deputy', deputyCode: 'D005' }, mishu);
      expect(staff.status).toBe(202);
      expect(await database.db.selectFrom('users').select('id').where('username', '=', 'wang').execute()).toEqual([]);
      // Moving d004's account to D005 touches two protected deputies.
      const relink = await post(`/admin/users/${f.account('d004').id}/roles`, { roles: 'deputy', deputyCode: 'D005' }, mishu);
      expect(relink.status).toBe(202);
      expect((await database.db.selectFrom('users').select('deputy_id').where('username', '=', 'd004').executeTakeFirstOrThrow()).deputy_id).toBe(f.deputyId('D004'));
      const steps = (await audit('credentials.request')).map((e) => (e.details as { step: string; deputy: string }));
      expect(steps.map((s) => `${s.step} ${s.deputy}`)).toEqual(expect.arrayContaining(['issue D005', 'issue D007', 'issue D008', 'link D004']));
    });

    it('needs no confirmation once the vote is published or for a deputy it does not protect', async () => {
      // A deputy of a term no vote is open for: a plain reset.
      const other = await makeUser(database, t.clock, ['scrutineer']);
      expect((await post(`/admin/users/${other.user.id}/reset`, {}, mishu)).status).toBe(200);
    });
  });

  describe('certifying', () => {
    it('takes the two named scrutineers: the secretariat cannot certify, nor a scrutineer not named', async () => {
      const id = f.electionId!;
      await closeElection(database.db, f.acting, id);
      const { digest } = await sealElection(database.db, f.acting, id);
      expect((await post(`/admin/elections/${id}/certify`, { digest }, mishu)).status).toBe(403);
      expect(location(await post(`/admin/elections/${id}/certify`, { digest }, 'jianpiao3'))).toBe(`/admin/elections/${id}/scrutiny?error=not-named`);
      expect(location(await post(`/admin/elections/${id}/certify`, { digest }, 'jianpiao1'))).toBe(`/admin/elections/${id}/scrutiny?done=certified`);
      expect(location(await post(`/admin/elections/${id}/certify`, { digest }, 'jianpiao2'))).toBe(`/admin/elections/${id}/scrutiny?done=certified`);
      expect((await database.db.selectFrom('elections').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state).toBe('certified');
    });

    it('carries the named scrutineers over to a re-run of a void vote', async () => {
      const e = await createElection(database.db, f.acting, {
        meetingId: f.meetingId, kind: 'selection', title: '将被宣布无效', marking: 'approval', seats: 1, passBase: 'valid-ballots',
        options: [{ key: 'c01', title: '甲' }, { key: 'c02', title: '乙' }], scrutineers: [f.deputyId('D004'), f.deputyId('D003')],
      });
      await openElection(database.db, f.acting, e.id);
      await closeElection(database.db, f.acting, e.id);
      await voidElection(database.db, f.acting, e.id, '测试');
      const rerun = await rerunElection(database.db, f.acting, e.id);
      expect((await electionScrutineers(database.db, rerun.id)).map((s) => s.code)).toEqual(['D004', 'D003']);
      await expect(certifyElection(database.db, f.acting, rerun.id, { userId: f.account('jianpiao1').id, name: 'x' }, 'x')).rejects.toMatchObject({ reason: 'wrong-state' });
    });
  });
});
