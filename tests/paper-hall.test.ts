import { describe, expect, it } from 'vitest';
import { fixedClock } from '../src/platform/time.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture } from './support/fixtures.ts';

/** The void form's reason, as the page offers it (the textarea's content, entities decoded). */
const voidReason = (html: string) => /<textarea id="f-reason"[^>]*>([^<]*)<\/textarea>/.exec(html)?.[1]?.replaceAll('&quot;', '"').replaceAll('&amp;', '&');
/** A field's value as re-rendered. */
const fieldValue = (html: string, name: string) => new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1];

/**
 * The day in the hall (issue 11): a miscount of the paper ballots returned is asked again, never
 * voids the vote by itself; codes are typed as people type them.
 */
describe.each(testEngines())('paper ballots in the hall on $name', (engine) => {
  async function setUp(database: DbHandle) {
    const { testApp } = await import('./support/app.ts');
    const { postForm, sessionCookieFrom, signIn } = await import('./support/auth.ts');
    // Twenty deputies, D020 absent; a draft vote; a secretariat.
    const fixture = await buildFixture(database, fixedClock('2024-01-10T00:00:00Z'), {
      deputies: 20, present: 19, candidates: 3, election: { seats: 2, passBase: 'all-deputies' },
      accounts: [{ username: 'mishu', roles: ['secretariat'] }],
    });
    const t = testApp(database);
    const mishu = sessionCookieFrom(await signIn(t.app, 'mishu', fixture.account('mishu').password))!;
    const id = fixture.electionId!;
    const post = (path: string, form: Record<string, string> = {}, headers: Record<string, string> = {}) =>
      postForm(t.app, `/admin/elections/${id}${path}`, form, { Cookie: mishu, ...headers });
    const get = (path: string, headers: Record<string, string> = {}) => t.app.request(path, { headers: { Cookie: mishu, ...headers } });
    const paperChannel = async () => Object.fromEntries((await database.db.selectFrom('roll as r').innerJoin('deputies as d', 'd.id', 'r.deputy_id')
      .select(['d.code', 'r.channel']).where('r.election_id', '=', id).execute()).map((r) => [r.code, r.channel]));
    const english = { Cookie: `${mishu}; lang=en` };
    return { fixture, t, id, post, get, paperChannel, english };
  }

  it('asks again (422, both figures, nothing saved) when more come back than were issued; the void form then offers the reason', async () => {
    const database = await engine.open();
    try {
      const { id, post, get } = await setUp(database);
      await post('/open');
      expect((await post('/paper/issue', { codes: 'D003 D005' })).headers.get('location')).toBe(`/admin/elections/${id}/paper?done=issued`);
      await post('/close');

      const res = await post('/paper/returned', { returned: '3' });
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain('收回 3 张，多于发出的 2 张。请重新清点；如确实多收，可由秘书处作废本次表决。');
      expect(fieldValue(html, 'returned')).toBe('3');
      expect(html).toContain(`href="/admin/elections/${id}/scrutiny?void=paper-exceeds&amp;returned=3#void"`);

      // Nothing saved: still closed, no figure, no void and no audit entry of either.
      const e = await database.db.selectFrom('elections').select(['state', 'paper_returned', 'void_reason']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(e).toEqual({ state: 'closed', paper_returned: null, void_reason: null });
      const audit = (await database.db.selectFrom('audit_log').select('action').where('subject', '=', `election:${id}`).execute()).map((a) => a.action);
      expect(audit).not.toContain('election.void');
      expect(audit).not.toContain('paper.returned');

      // The scrutiny page's void form, reached from that link, offers the legal reason in the reader's language.
      const zh = await (await get(`/admin/elections/${id}/scrutiny?void=paper-exceeds&returned=3`)).text();
      expect(voidReason(zh)).toBe('收回的选票多于发出的选票（收回 3 张，发出 2 张），本次表决无效。');
      expect(zh).toMatch(/<details class="admin-form" id="void" open/);
      // A figure that does not exceed the ballots issued offers nothing; nor does the page unasked.
      expect(voidReason(await (await get(`/admin/elections/${id}/scrutiny?void=paper-exceeds&returned=2`)).text())).toBe('');
      expect(voidReason(await (await get(`/admin/elections/${id}/scrutiny`)).text())).toBe('');
      expect((await database.db.selectFrom('elections').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state).toBe('closed');

      // Counted again: two. Saved, and the turnout panel shows what was recorded.
      expect((await post('/paper/returned', { returned: '2' })).headers.get('location')).toBe(`/admin/elections/${id}/paper?done=returned`);
      const panel = await (await get(`/admin/elections/${id}/turnout`)).text();
      expect(panel).toMatch(/已收纸质票<\/dt><dd>2<\/dd>/);
    } finally {
      await database.close();
    }
  });

  it('offers the void reason in English too, and voiding stays the secretariat\'s own step with that reason', async () => {
    const database = await engine.open();
    try {
      const { id, post, get, english } = await setUp(database);
      await post('/open');
      await post('/paper/issue', { codes: 'D003 D005' });
      await post('/close');
      const page = await (await get(`/admin/elections/${id}/scrutiny?void=paper-exceeds&returned=3`, english)).text();
      expect(voidReason(page)).toBe('More ballots were returned than were issued (3 returned, 2 issued): this vote is void.');
      const refused = await post('/paper/returned', { returned: '3' }, english);
      expect(refused.status).toBe(422);
      const enPaper = await refused.text();
      expect(enPaper).toContain('3 paper ballots counted back, more than the 2 handed out.');

      // The secretariat voids with the offered reason, on purpose.
      const reason = voidReason(await (await get(`/admin/elections/${id}/scrutiny?void=paper-exceeds&returned=3`)).text())!;
      expect((await post('/void', { reason })).headers.get('location')).toBe(`/admin/elections/${id}/scrutiny?done=voided`);
      const e = await database.db.selectFrom('elections').select(['state', 'void_reason']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(e).toEqual({ state: 'void', void_reason: '收回的选票多于发出的选票（收回 3 张，发出 2 张），本次表决无效。' });
    } finally {
      await database.close();
    }
  });

  it('hands out paper to codes typed with full-width commas, 、, semicolons, ideographic spaces, in any case', async () => {
    const database = await engine.open();
    try {
      const { id, post, paperChannel } = await setUp(database);
      await post('/open');
      for (const codes of ['D003，D005', 'D006、D007', 'd008', ' D009\u3000d010；D011\nD012 ']) {
        const res = await post('/paper/issue', { codes });
        expect(res.status, codes).toBe(303);
        expect(res.headers.get('location'), codes).toBe(`/admin/elections/${id}/paper?done=issued`);
      }
      const roll = await paperChannel();
      expect(['D003', 'D005', 'D006', 'D007', 'D008', 'D009', 'D010', 'D011', 'D012'].map((c) => roll[c])).toEqual(Array(9).fill('paper'));
      expect((await database.db.selectFrom('elections').select('paper_issued').where('id', '=', id).executeTakeFirstOrThrow()).paper_issued).toBe(9);
      const audit = await database.db.selectFrom('audit_log').select('details').where('action', '=', 'paper.issue').where('subject', '=', `election:${id}`).execute();
      // The audit names the deputies as the roster spells them.
      expect(audit.map((a) => (a.details as { deputies: string[] }).deputies)).toContainEqual(['D008']);
    } finally {
      await database.close();
    }
  });

  it('refuses a list with an unknown code, naming it, and hands out nothing', async () => {
    const database = await engine.open();
    try {
      const { id, post, paperChannel, english } = await setUp(database);
      await post('/open');
      const res = await post('/paper/issue', { codes: 'D001，X999' });
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain('没有编号为 X999 的代表。');
      expect(fieldValue(html, 'codes')).toBe('D001，X999');
      expect(await (await post('/paper/issue', { codes: 'd001 x999' }, english)).text()).toContain('There is no deputy with the code x999.');
      expect(await (await post('/paper/issue', { codes: 'D001 D0@1' })).text()).toContain('“D0@1”不是代表编号：代表编号只能包含');
      const absent = await post('/paper/issue', { codes: 'D001 d020' });
      expect(absent.status).toBe(422);
      expect(await absent.text()).toContain('D020');
      expect(Object.values(await paperChannel()).filter((c) => c === 'paper')).toEqual([]);
      expect((await database.db.selectFrom('elections').select('paper_issued').where('id', '=', id).executeTakeFirstOrThrow()).paper_issued).toBe(0);
      expect(await database.db.selectFrom('audit_log').select('id').where('action', '=', 'paper.issue').execute()).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('names scrutineers typed in any case and separators, and names an unknown code', async () => {
    const database = await engine.open();
    try {
      const { id, post } = await setUp(database);
      expect((await post('/scrutineers', { scrutineers: 'd011，D012；d013' })).status).toBe(303);
      const named = await database.db.selectFrom('election_scrutineers as s').innerJoin('deputies as d', 'd.id', 's.deputy_id')
        .select('d.code').where('s.election_id', '=', id).orderBy('s.position').execute();
      expect(named.map((n) => n.code)).toEqual(['D011', 'D012', 'D013']);
      const res = await post('/scrutineers', { scrutineers: 'D011、X999' });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain('没有编号为 X999 的本届代表');
    } finally {
      await database.close();
    }
  });

  it('finds a deputy on the attendance sheet by code in any case', async () => {
    const database = await engine.open();
    try {
      const { fixture, get } = await setUp(database);
      const html = await (await get(`/admin/meetings/${fixture.meetingId}/attendance?q=d007`)).text();
      expect(html).toContain('D007');
      expect(html).not.toContain('D008');
    } finally {
      await database.close();
    }
  });
});
