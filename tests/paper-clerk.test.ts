import { describe, expect, it } from 'vitest';
import { fixedClock } from '../src/platform/time.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture } from './support/fixtures.ts';

/** A field's value as rendered. */
const fieldValue = (html: string, name: string) => new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1];

/**
 * Paper double entry by clerks (计票人), issue 11 item 6: clerks key, two different clerks per
 * sheet; the secretariat and scrutineers no longer key, scrutineers see every entry; a re-entry
 * shows its change, is confirmed and audited; issuing and committing are confirmed first.
 */
describe.each(testEngines())('paper double entry by clerks on $name', (engine) => {
  async function setUp(database: DbHandle) {
    const { testApp } = await import('./support/app.ts');
    const { postForm, postOnce, confirmationFields, sessionCookieFrom, signIn } = await import('./support/auth.ts');
    // Twenty deputies, D020 absent; a draft vote over three candidates; the secretariat, three clerks, a scrutineer.
    const fixture = await buildFixture(database, fixedClock('2024-01-10T00:00:00Z'), {
      deputies: 20, present: 19, candidates: 3, election: { seats: 2, passBase: 'all-deputies' },
      accounts: [
        { username: 'mishu', roles: ['secretariat'] },
        { username: 'jipiao1', roles: ['clerk'], displayName: '计票人甲' },
        { username: 'jipiao2', roles: ['clerk'], displayName: '计票人乙' },
        { username: 'jipiao3', roles: ['clerk'], displayName: '计票人丙' },
        { username: 'jianpiao1', roles: ['scrutineer', 'deputy'], deputyCode: 'D011' },
      ],
    });
    const t = testApp(database);
    const id = fixture.electionId!;
    // Signed in once each, as people are in the hall.
    const cookies = new Map<string, string>();
    for (const who of ['mishu', 'jipiao1', 'jipiao2', 'jipiao3', 'jianpiao1']) cookies.set(who, sessionCookieFrom(await signIn(t.app, who, fixture.account(who).password))!);
    const cookie = async (who: string) => cookies.get(who)!;
    const post = async (who: string, path: string, form: Record<string, string> = {}) => postForm(t.app, `/admin/elections/${id}${path}`, form, { Cookie: await cookie(who) });
    const once = async (who: string, path: string, form: Record<string, string> | [string, string][] = {}, lang = '') =>
      postOnce(t.app, `/admin/elections/${id}${path}`, form, { Cookie: `${await cookie(who)}${lang}` });
    const page = async (who: string) => (await t.app.request(`/admin/elections/${id}/paper`, { headers: { Cookie: await cookie(who) } })).text();
    const sheet = (c01: string, invalid = '') => ({ 'choice.c01': c01, 'choice.c02': 'N', 'choice.c03': 'F', invalid });
    const entries = async () => (await database.db.selectFrom('paper_entries as p').innerJoin('users as u', 'u.id', 'p.clerk_user_id')
      .select(['u.username', 'p.seq', 'p.marks', 'p.invalid']).where('p.election_id', '=', id).orderBy('p.seq').orderBy('u.username').execute());
    const audit = async (action: string) => database.db.selectFrom('audit_log').select(['actor_name', 'details']).where('action', '=', action)
      .where('subject', '=', `election:${id}`).orderBy('id').execute();
    /** Open, hand out paper to D001–D003, close, count three back. */
    async function toKeying() {
      await post('mishu', '/open');
      expect((await post('mishu', '/paper/issue', { codes: 'D001 D002 D003' })).headers.get('location')).toBe(`/admin/elections/${id}/paper?done=issued`);
      await post('mishu', '/close');
      expect((await post('mishu', '/paper/returned', { returned: '3' })).status).toBe(303);
    }
    return { fixture, t, id, post, once, page, sheet, entries, audit, toKeying, confirmationFields, cookie };
  }

  it('two different clerks key each sheet; the secretariat and a scrutineer cannot key, a scrutineer sees both entries', async () => {
    const database = await engine.open();
    try {
      const { t, id, post, page, sheet, entries, toKeying, cookie } = await setUp(database);
      await toKeying();

      // Before anyone keyed: nothing waits for a second clerk; the form offers sheet 1.
      const first = await page('jipiao1');
      expect(first).not.toContain('尚待第二');
      expect(first).toContain('尚无人录入：第 1、2、3 张');
      expect(fieldValue(first, 'seq')).toBe('1');

      expect((await post('jipiao1', '/paper/entries', { seq: '1', ...sheet('F') })).headers.get('location')).toBe(`/admin/elections/${id}/paper?done=keyed`);
      expect((await post('jipiao1', '/paper/entries', { seq: '3', ...sheet('A') })).status).toBe(303);
      const next = await page('jipiao1');
      expect(next).toContain('尚待第二位计票人录入：第 1、3 张');
      expect(next).toContain('尚无人录入：第 2 张');
      // The next sheet this clerk has not keyed, within those returned.
      expect(fieldValue(next, 'seq')).toBe('2');
      // Another clerk starts from the first sheet they have not keyed.
      expect(fieldValue(await page('jipiao2'), 'seq')).toBe('1');

      // The same clerk keying sheet 1 again is still one entry: it waits for a second clerk, and the box refuses.
      await post('jipiao1', '/paper/entries', { seq: '1', ...sheet('F') });
      expect((await entries()).filter((e) => e.seq === 1)).toHaveLength(1);
      expect(await page('jipiao1')).toContain('尚待第二位计票人录入：第 1、3 张');

      // The secretariat and a scrutineer no longer key.
      expect((await post('mishu', '/paper/entries', { seq: '2', ...sheet('F') })).status).toBe(403);
      expect((await post('jianpiao1', '/paper/entries', { seq: '2', ...sheet('F') })).status).toBe(403);
      expect((await entries()).filter((e) => e.seq === 2)).toEqual([]);

      // A second clerk keys sheet 1 differently: a mismatch; a third clerk may not key the sheet.
      await post('jipiao2', '/paper/entries', { seq: '1', ...sheet('A') });
      expect((await post('jipiao3', '/paper/entries', { seq: '1', ...sheet('F') })).headers.get('location')).toBe(`/admin/elections/${id}/paper?error=keyed-twice`);
      expect((await entries()).filter((e) => e.seq === 1).map((e) => e.username)).toEqual(['jipiao1', 'jipiao2']);

      // The mismatch table marks the differing item in text, not only colour.
      const clerkPage = await page('jipiao1');
      expect(clerkPage).toContain('两次录入不一致');
      expect(clerkPage).toContain('<mark class="keying__differs">1:赞成<span class="keying__flag">（不一致）</span></mark>');
      expect(clerkPage).toContain('<mark class="keying__differs">1:反对<span class="keying__flag">（不一致）</span></mark>');
      expect(clerkPage).not.toContain('<mark class="keying__differs">3:');
      // A clerk's page does not show the other clerk's entries of sheets not yet in dispute.
      expect(clerkPage).not.toContain('全部录入（只读）');

      // A scrutineer sees every entry, both per sheet, read-only: no keying form, no commit.
      const watch = await page('jianpiao1');
      expect(watch).toContain('全部录入（只读）');
      expect(watch).toContain('计票人甲');
      expect(watch).toContain('计票人乙');
      expect(watch).toContain('不一致：第 1 项');
      expect(watch).toContain('待第二位计票人录入');
      expect(watch).not.toContain(`action="/admin/elections/${id}/paper/entries"`);
      expect(watch).not.toContain(`action="/admin/elections/${id}/paper/commit"`);
      // The scrutineer reaches it from the vote's scrutiny page.
      const scrutiny = await (await t.app.request(`/admin/elections/${id}/scrutiny`, { headers: { Cookie: await cookie('jianpiao1') } })).text();
      expect(scrutiny).toContain(`<a href="/admin/elections/${id}/paper">查看纸质选票的全部录入</a>`);
      // Nor does the secretariat key any more.
      expect(await page('mishu')).not.toContain(`action="/admin/elections/${id}/paper/entries"`);

      // Resolved and completed by the two clerks, the secretariat commits.
      await post('jipiao2', '/paper/entries', { seq: '1', ...sheet('F') });
      for (const seq of ['2', '3']) await post('jipiao2', '/paper/entries', { seq, ...sheet('A') });
      await post('jipiao1', '/paper/entries', { seq: '2', ...sheet('A') });
      const done = await page('jipiao1');
      expect(fieldValue(done, 'seq')).toBe('');
      expect(done).toContain('您已录入收回的全部 3 张');
      expect((await post('mishu', '/paper/commit')).headers.get('location')).toBe(`/admin/elections/${id}/paper?done=committed`);
      expect(await database.db.selectFrom('ballots').select('marks').where('election_id', '=', id).execute()).toHaveLength(3);
    } finally {
      await database.close();
    }
  });

  it('shows a clerk\'s change to their own entry before and after, asks to confirm it, and audits it', async () => {
    const database = await engine.open();
    try {
      const { id, post, once, sheet, entries, audit, toKeying, confirmationFields } = await setUp(database);
      await toKeying();
      await post('jipiao1', '/paper/entries', { seq: '1', ...sheet('F') });

      // Keying sheet 1 again, differently: the change is shown, nothing is overwritten yet.
      const asked = await once('jipiao1', '/paper/entries', { seq: '1', ...sheet('A', 'unreadable') });
      expect(asked.status).toBe(200);
      const html = await asked.text();
      expect(html).toContain('修改第 1 张的录入？');
      expect(html).toContain('您此前录入：1:赞成 2:弃权 3:赞成');
      expect(html).toContain('现在改为：1:反对 2:弃权 3:赞成 · 无法辨认（废票）');
      expect(html).toContain('第 1 项：赞成 → 反对');
      expect(html).toContain('作废原因：— → 无法辨认（废票）');
      expect((await entries()).map((e) => [e.seq, e.marks, e.invalid])).toEqual([[1, 'FNF', null]]);
      expect(await audit('paper.rekey')).toEqual([]);
      const en = await (await once('jipiao1', '/paper/entries', { seq: '1', ...sheet('A') }, '; lang=en')).text();
      expect(en).toContain('Change your entry of sheet 1?');
      expect(en).toContain('item 1: For → Against');

      // Confirmed: overwritten, and the audit keeps both.
      const confirm = confirmationFields(html)!;
      const res = await once('jipiao1', '/paper/entries', confirm);
      expect(res.headers.get('location')).toBe(`/admin/elections/${id}/paper?done=rekeyed`);
      expect((await entries()).map((e) => [e.seq, e.marks, e.invalid])).toEqual([[1, 'ANF', 'unreadable']]);
      const [rekey, ...more] = await audit('paper.rekey');
      expect(more).toEqual([]);
      expect(rekey!.actor_name).toBe('jipiao1');
      expect(rekey!.details).toEqual({ seq: 1, before: { marks: 'FNF', invalid: null }, after: { marks: 'ANF', invalid: 'unreadable' } });

      // The same confirmation again, now stale (the entry it replaced is gone): asked again, nothing written.
      const stale = await once('jipiao1', '/paper/entries', confirm.map(([k, v]) => [k, k === 'invalid' ? '' : v] as [string, string]));
      expect(stale.status).toBe(200);
      expect(await stale.text()).toContain('情况已有变化，下面是最新的情况。');
      expect((await entries()).map((e) => e.marks)).toEqual(['ANF']);
    } finally {
      await database.close();
    }
  });

  it('hands out and commits only once confirmed: without the confirmation nothing changes', async () => {
    const database = await engine.open();
    try {
      const { fixture, id, post, once, sheet, audit, confirmationFields } = await setUp(database);
      await post('mishu', '/open');
      const channel = async (code: string) => (await database.db.selectFrom('roll').select('channel').where('election_id', '=', id)
        .where('deputy_id', '=', fixture.deputyId(code)).executeTakeFirstOrThrow()).channel;
      const issued = async () => (await database.db.selectFrom('elections').select(['paper_issued', 'paper_committed_at']).where('id', '=', id).executeTakeFirstOrThrow());

      const ask = await once('mishu', '/paper/issue', { codes: 'd003' });
      expect(ask.status).toBe(200);
      const html = await ask.text();
      expect(html).toContain('1 位代表领取纸质选票：D003。');
      expect(html).toContain('D003 此后不能再电子投票');
      expect(confirmationFields(html)).toContainEqual(['fact.codes', 'D003']);
      expect(await (await once('mishu', '/paper/issue', { codes: 'D003' }, '; lang=en')).text()).toContain('D003 will no longer be able to vote electronically');
      expect(await channel('D003')).toBeNull();
      expect((await issued()).paper_issued).toBe(0);
      expect(await audit('paper.issue')).toEqual([]);
      // A bad list is refused at once, with no confirmation to give.
      expect((await once('mishu', '/paper/issue', { codes: 'D003 D020' })).status).toBe(422);
      // Confirmed for figures that no longer hold (another deputy named): asked again, nothing issued.
      const changed = await once('mishu', '/paper/issue', confirmationFields(html)!.map(([k, v]) => [k, k === 'codes' ? 'D003 D004' : v] as [string, string]));
      expect(changed.status).toBe(200);
      expect(await changed.text()).toContain('D003、D004');
      expect(await channel('D003')).toBeNull();
      // Confirmed: handed out.
      expect((await once('mishu', '/paper/issue', confirmationFields(html)!)).headers.get('location')).toBe(`/admin/elections/${id}/paper?done=issued`);
      expect(await channel('D003')).toBe('paper');

      await post('mishu', '/close');
      await post('mishu', '/paper/returned', { returned: '1' });
      for (const clerk of ['jipiao1', 'jipiao2']) await post(clerk, '/paper/entries', { seq: '1', ...sheet('F') });

      const commit = await once('mishu', '/paper/commit');
      expect(commit.status).toBe(200);
      const commitHtml = await commit.text();
      expect(commitHtml).toContain('1 张经两人录入且一致的纸质选票将计入票箱（收回 1 张）');
      expect(await database.db.selectFrom('ballots').select('id').where('election_id', '=', id).execute()).toEqual([]);
      expect((await issued()).paper_committed_at).toBeNull();
      // Confirming other figures than the ones that hold: asked again, nothing in the box.
      const other = await once('mishu', '/paper/commit', confirmationFields(commitHtml)!.map(([k, v]) => [k, k === 'fact.ballots' ? '2' : v] as [string, string]));
      expect(other.status).toBe(200);
      expect(await database.db.selectFrom('ballots').select('id').where('election_id', '=', id).execute()).toEqual([]);
      expect((await once('mishu', '/paper/commit', confirmationFields(commitHtml)!)).headers.get('location')).toBe(`/admin/elections/${id}/paper?done=committed`);
      expect(await database.db.selectFrom('ballots').select('id').where('election_id', '=', id).execute()).toHaveLength(1);
    } finally {
      await database.close();
    }
  });

  it('never puts the clerk role beside the secretariat or scrutineer role, in the form or the database; a clerk lands on the keying list', async () => {
    const database = await engine.open();
    try {
      const { fixture, t, cookie } = await setUp(database);
      const { postOnce, signIn } = await import('./support/auth.ts');
      const mishu = await cookie('mishu');
      const clerk = fixture.account('jipiao1');
      const scrutineer = fixture.account('jianpiao1');
      const roles = async (userId: number) => (await database.db.selectFrom('user_roles').select('role').where('user_id', '=', userId).orderBy('role').execute()).map((r) => r.role);

      const both = await postOnce(t.app, `/admin/users/${clerk.id}/roles`, [['roles', 'secretariat'], ['roles', 'clerk']], { Cookie: mishu });
      expect(both.status).toBe(422);
      expect(await both.text()).toContain('“计票人”与“大会秘书处”身份不能由同一账户兼任');
      const withScrutineer = await postOnce(t.app, `/admin/users/${scrutineer.id}/roles`, [['roles', 'scrutineer'], ['roles', 'deputy'], ['roles', 'clerk'], ['deputyCode', 'D011']], { Cookie: `${mishu}; lang=en` });
      expect(withScrutineer.status).toBe(422);
      expect(await withScrutineer.text()).toContain('One account cannot hold both the Clerk and the Scrutineer role.');
      expect(await roles(clerk.id)).toEqual(['clerk']);
      expect(await roles(scrutineer.id)).toEqual(['deputy', 'scrutineer']);

      // The database refuses the same, whatever code writes the roles, in either order.
      await expect(database.db.insertInto('user_roles').values({ user_id: clerk.id, role: 'secretariat' }).execute()).rejects.toThrow(/clerk role is never held/);
      await expect(database.db.insertInto('user_roles').values({ user_id: scrutineer.id, role: 'clerk' }).execute()).rejects.toThrow(/clerk role is never held/);
      await expect(database.db.insertInto('user_roles').values({ user_id: fixture.account('mishu').id, role: 'clerk' }).execute()).rejects.toThrow(/clerk role is never held/);
      expect(await roles(clerk.id)).toEqual(['clerk']);

      // Signed in, a clerk lands on the list of votes whose paper ballots wait to be keyed.
      const signedIn = await signIn(t.app, 'jipiao1', clerk.password);
      expect(signedIn.headers.get('location')).toBe('/paper');
    } finally {
      await database.close();
    }
  });
});
