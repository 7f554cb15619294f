import { describe, expect, it } from 'vitest';
import { castBallot } from '../src/ballots/store.ts';
import { closeElection } from '../src/elections/store.ts';
import { recordAttendance } from '../src/meetings/store.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { fixedClock } from '../src/platform/time.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture } from './support/fixtures.ts';

const clock = fixedClock('2024-01-15T02:00:00Z');

/** The deputies' codes the sheet lists, in page order. */
const codesOn = (html: string) => [...html.matchAll(/<td class="attendance-code">([^<]*)<\/td>/g)].map((m) => m[1]!);
/** The delegations' headings, in page order. */
const delegationsOn = (html: string) => [...html.matchAll(/<summary><h2>([^<]*)<\/h2>/g)].map((m) => m[1]!);

/**
 * Attendance for a county's deputies (issue 11, item 5): search by part of a code in any case, by
 * name or delegation; 未到 only; one section per delegation with its counts and bulk buttons; and
 * a check-in undone (a mistake, or a deputy who left), confirmed and audited, unless the deputy voted in a vote still open.
 */
describe.each(testEngines())('attendance (签到) on $name', (engine) => {
  async function setUp(database: DbHandle, options: { open?: boolean } = {}) {
    const { testApp } = await import('./support/app.ts');
    const { postForm, postOnce, sessionCookieFrom, signIn } = await import('./support/auth.ts');
    // Thirty deputies in three delegations (D001 龙洲, D002 东华, D003 湖镇, …), D021–D030 absent.
    const fixture = await buildFixture(database, clock, {
      deputies: 30, present: 20, candidates: 3, election: { seats: 2, open: options.open ?? false },
      accounts: [{ username: 'mishu', roles: ['secretariat'] }],
    });
    const t = testApp(database);
    const mishu = sessionCookieFrom(await signIn(t.app, 'mishu', fixture.account('mishu').password))!;
    const base = `/admin/meetings/${fixture.meetingId}/attendance`;
    const get = async (query = '', headers: Record<string, string> = {}) => {
      const res = await t.app.request(`${base}${query}`, { headers: { Cookie: mishu, ...headers } });
      expect(res.status).toBe(200);
      return res.text();
    };
    const confirmed = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) => postForm(t.app, path, form, { Cookie: mishu, ...headers });
    const once = (path: string, form: Record<string, string> | [string, string][]) => postOnce(t.app, path, form, { Cookie: mishu });
    const present = async () => Object.fromEntries((await database.db.selectFrom('attendance as a').innerJoin('deputies as d', 'd.id', 'a.deputy_id')
      .select(['d.code', 'a.present']).where('a.meeting_id', '=', fixture.meetingId).execute()).map((r) => [r.code, r.present]));
    const audit = (action: string) => database.db.selectFrom('audit_log').select(['details', 'actor_name']).where('action', '=', action).orderBy('id').execute();
    const id = (code: string) => String(fixture.deputyId(code));
    return { fixture, base, get, confirmed, once, present, audit, id };
  }

  it('finds deputies by part of a code in any case, by name and by delegation; shows 未到 only or present only', async () => {
    const database = await engine.open();
    try {
      const { get } = await setUp(database);
      expect(codesOn(await get('?q=D001'))).toEqual(['D001']);
      expect(codesOn(await get('?q=d001'))).toEqual(['D001']);
      expect(codesOn(await get('?q=001'))).toEqual(['D001']);
      // 'd00' in three delegations, each listed under its own heading.
      const d00 = await get('?q=d00');
      expect(codesOn(d00).sort()).toEqual(['D001', 'D002', 'D003', 'D004', 'D005', 'D006', 'D007', 'D008', 'D009']);
      expect(delegationsOn(d00)).toEqual(['东华街道代表团', '湖镇镇代表团', '龙洲街道代表团']);
      expect(codesOn(await get('?q=%E4%BB%A3%E8%A1%A817'))).toEqual(['D017']); // 代表17
      expect(codesOn(await get(`?q=${encodeURIComponent('湖镇')}`))).toEqual(['D003', 'D006', 'D009', 'D012', 'D015', 'D018', 'D021', 'D024', 'D027', 'D030']);
      expect(codesOn(await get(`?delegation=${encodeURIComponent('东华街道代表团')}&q=d02`))).toEqual(['D020', 'D023', 'D026', 'D029']);
      const absent = await get('?show=absent');
      expect(codesOn(absent).sort()).toEqual(['D021', 'D022', 'D023', 'D024', 'D025', 'D026', 'D027', 'D028', 'D029', 'D030']);
      // Each delegation's own counts, over all its deputies, and the page's overall counts.
      expect(absent).toContain('实到 7 / 应到 10');
      expect(absent).toMatch(/<dt>应到<\/dt><dd>30<\/dd>/);
      expect(absent).toMatch(/<dt>实到<\/dt><dd>20<\/dd>/);
      expect(codesOn(await get('?show=present&q=d02'))).toEqual(['D020']);
      expect(await get('?q=X999')).toContain('没有符合条件的代表');
      // The whole sheet: three delegations in Chinese collation order, not by code point.
      const all = await get();
      expect(delegationsOn(all)).toEqual(['东华街道代表团', '湖镇镇代表团', '龙洲街道代表团']);
      expect(codesOn(all)).toHaveLength(30);
    } finally {
      await database.close();
    }
  });

  it('marks a whole delegation present, and absent after confirmation, each audited with the delegation', async () => {
    const database = await engine.open();
    try {
      const { base, confirmed, once, present, audit } = await setUp(database);
      const delegation = '湖镇镇代表团';
      const res = await confirmed(`${base}/delegation`, { delegation, present: '1', back: 'show=absent' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toContain('show=absent');
      const now = await present();
      for (const code of ['D021', 'D024', 'D027', 'D030']) expect(now[code]).toBe(true);
      expect(now.D022 ?? false).toBe(false);
      expect((await audit('attendance.present')).at(-1)).toEqual({ details: { deputies: 10, delegation }, actor_name: 'mishu' });
      // 本团全部未到: asked first, nothing changed until confirmed.
      const asked = await once(`${base}/delegation`, { delegation, present: '0' });
      expect(asked.status).toBe(200);
      const page = await asked.text();
      expect(page).toContain('撤销签到？');
      expect(page).toContain('D003 代表3');
      expect(page).toContain('实到由 24 人变为 14 人');
      expect((await present()).D003).toBe(true);
      expect(await audit('attendance.absent')).toEqual([]);
      expect((await confirmed(`${base}/delegation`, { delegation, present: '0' })).status).toBe(303);
      expect((await present()).D003).toBe(false);
      expect((await audit('attendance.absent')).map((a) => a.details)).toEqual([{
        deputies: 10, delegation, codes: ['D003', 'D006', 'D009', 'D012', 'D015', 'D018', 'D021', 'D024', 'D027', 'D030'],
      }]);
      // An unknown delegation is a stale form: 400, not a 500.
      expect((await once(`${base}/delegation`, { delegation: '不存在代表团', present: '1' })).status).toBe(400);
    } finally {
      await database.close();
    }
  });

  it('undoes a mistaken check-in only once confirmed: a POST without confirmation changes nothing; audited with the deputy', async () => {
    const database = await engine.open();
    try {
      const { base, confirmed, once, present, audit, id } = await setUp(database);
      const asked = await once(base, { deputy: id('D005'), present: '0', back: 'q=d005' });
      expect(asked.status).toBe(200);
      const html = await asked.text();
      expect(html).toContain('将撤销以下 1 名代表的签到：D005 代表5');
      expect(html).toContain('实到由 20 人变为 19 人');
      expect((await present()).D005).toBe(true);
      expect(await audit('attendance.absent')).toEqual([]);
      const done = await confirmed(base, { deputy: id('D005'), present: '0', back: 'q=d005', open: '东华街道代表团' });
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toMatch(/\?q=d005&open=.*&undone=1#g-/);
      expect((await present()).D005).toBe(false);
      expect((await audit('attendance.absent')).map((a) => a.details)).toEqual([{ deputies: 1, codes: ['D005'] }]);
      // Checked in again with one tap.
      expect((await once(base, { deputy: id('D005'), present: '1' })).status).toBe(303);
      expect((await present()).D005).toBe(true);
      // Marking absent someone already absent needs no confirmation.
      expect((await once(base, { deputy: id('D025'), present: '0' })).status).toBe(303);
      // A confirmation whose figures changed meanwhile is asked again.
      const stale = await once(base, [['deputies', id('D006')], ['present', '0'], ['confirm', '1'], ['fact.undo', id('D006')], ['fact.present', '25']]);
      expect(stale.status).toBe(200);
      expect((await present()).D006).toBe(true);
      // Bad ids: 400.
      expect((await once(base, { deputy: 'x', present: '0' })).status).toBe(400);
    } finally {
      await database.close();
    }
  });

  it('refuses to undo a check-in once the deputy voted, naming them, in both languages; others still can be', async () => {
    const database = await engine.open();
    try {
      const { fixture, base, confirmed, once, present, audit, id, get } = await setUp(database, { open: true });
      expect((await castBallot(database.db, clock, { electionId: fixture.electionId!, deputyId: fixture.deputyId('D004'), marks: 'FFA' })).status).toBe('cast');
      for (const res of [await once(base, { deputy: id('D004'), present: '0' }), await confirmed(base, { deputies: `${id('D004')},${id('D007')}`, present: '0' })]) {
        expect(res.status).toBe(409);
        expect(await res.text()).toContain('D004 代表4 已在本次会议正在进行的表决中投票，签到不能撤销。');
      }
      const english = await confirmed(base, { deputy: id('D004'), present: '0' }, { Cookie: `${(await fixture.account('mishu').cookie())}; lang=en` });
      expect(english.status).toBe(409);
      expect(await english.text()).toContain('D004 代表4 already voted in an open vote of this meeting');
      // The whole delegation includes D004: refused too.
      expect((await confirmed(`${base}/delegation`, { delegation: '龙洲街道代表团', present: '0' })).status).toBe(409);
      expect((await present()).D004).toBe(true);
      expect((await present()).D007).toBe(true);
      expect(await audit('attendance.absent')).toEqual([]);
      // The page shows D004's check-in as counted, with no undo button; D007 can still be undone.
      const page = await get('?q=d00');
      expect(page).toMatch(/D004<\/td><th scope="row">代表4<\/th><td>.*?已计入，不可撤销/);
      expect((await confirmed(base, { deputy: id('D007'), present: '0' })).status).toBe(303);
      expect((await present()).D007).toBe(false);
    } finally {
      await database.close();
    }
  });

  it('once a vote closed, keeps its 实到 as it stood at the close, and records who left before the next vote', async () => {
    const database = await engine.open();
    try {
      const { fixture, base, confirmed, present, audit, id, get } = await setUp(database, { open: true });
      await closeElection(database.db, fixture.acting, fixture.electionId!);
      const closedAt = await database.db.selectFrom('elections').select('present_at_close').where('id', '=', fixture.electionId!).executeTakeFirstOrThrow();
      expect(closedAt.present_at_close).toBe(20);
      // D008 left after the vote (a 测评, say) and before the meeting's next one: recorded, asked first and audited.
      expect(await get('?q=D008')).not.toContain('已计入，不可撤销');
      expect((await confirmed(base, { deputy: id('D008'), present: '0' })).status).toBe(303);
      expect((await present()).D008).toBe(false);
      expect((await audit('attendance.absent')).map((a) => a.details)).toEqual([{ deputies: 1, codes: ['D008'] }]);
      // The closed vote's 实到 does not move.
      expect((await database.db.selectFrom('elections').select('present_at_close').where('id', '=', fixture.electionId!).executeTakeFirstOrThrow()).present_at_close).toBe(20);
    } finally {
      await database.close();
    }
  });

  it('lets no cast slip between the check of an undo and its write: the cast finds the deputy absent, or the undo finds the vote', async () => {
    const database = await engine.open();
    try {
      const { fixture, present } = await setUp(database, { open: true });
      const deputies = ['D011', 'D012', 'D013', 'D014', 'D015', 'D016'].map((c) => fixture.deputyId(c));
      const outcomes = await Promise.all(deputies.flatMap((deputyId) => [
        castBallot(database.db, clock, { electionId: fixture.electionId!, deputyId, marks: 'FFN' }).then((r) => ({ deputyId, cast: r.status === 'cast' })),
        recordAttendance(database.db, fixture.acting, fixture.meetingId, [deputyId], false).then(() => ({ deputyId, undone: true }), () => ({ deputyId, undone: false })),
      ]));
      const now = await present();
      for (const deputyId of deputies) {
        const cast = outcomes.some((o) => o.deputyId === deputyId && 'cast' in o && o.cast);
        const undone = outcomes.some((o) => o.deputyId === deputyId && 'undone' in o && o.undone);
        const code = fixture.deputies.find((d) => d.id === deputyId)!.code;
        // Never both: a deputy who voted stays present; one marked absent has not voted.
        expect(cast && undone, code).toBe(false);
        expect(now[code], code).toBe(!undone);
      }
    } finally {
      await database.close();
    }
  });
});
