import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, type Acting } from '../src/platform/acting.ts';
import { castBallot } from '../src/ballots/store.ts';
import { fixedClock } from '../src/platform/time.ts';
import { publishedRecord, recordSummary, sealElection } from '../src/counting/store.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { closeElection, createElection, openElection } from '../src/elections/store.ts';
import { verifyRecord } from '../src/domain/record/verify.ts';
import { testApp } from './support/app.ts';
import { postForm, sessionCookieFrom, signIn } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture, FIXTURE_PASSWORD, scrutineersFor } from './support/fixtures.ts';

const SECRET = 'test-signing-key-secret-0123456789abcdef';
// 13 ballots for 2 of 4 seats, passing on valid ballots (> 6.5): 甲 10, 乙 8, 丙 8, 丁 0 → 甲 chosen, 乙/丙 tied for the last seat.
const TIED = [...Array(5).fill('FFNN'), ...Array(5).fill('FNFN'), ...Array(3).fill('NFFN')];

describe.each(testEngines())('runoffs and re-runs on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let acting: Acting;
  let mishu: string;
  let jianpiao1: string;
  let jianpiao2: string;
  let meetingId: number;
  let selectionId: number;
  let deputies: number[];

  beforeAll(async () => {
    database = await engine.open();
    // Sixteen deputies, fifteen of them checked in; four candidates; the secretariat and two scrutineers.
    const fixture = await buildFixture(database, fixedClock('2024-01-10T00:00:00Z'), {
      deputies: 16, present: 15, candidates: 4,
      accounts: [
        { username: 'mishu', roles: ['secretariat'] },
        { username: 'jianpiao1', roles: ['scrutineer', 'deputy'], deputyCode: 'D011' },
        { username: 'jianpiao2', roles: ['scrutineer', 'deputy'], deputyCode: 'D012' },
      ],
    });
    t = testApp(database, { SIGNING_KEY_SECRET: SECRET });
    acting = { clock: t.clock, actor: SYSTEM_ACTOR };
    mishu = sessionCookieFrom(await signIn(t.app, 'mishu', FIXTURE_PASSWORD))!;
    jianpiao1 = sessionCookieFrom(await signIn(t.app, 'jianpiao1', FIXTURE_PASSWORD))!;
    jianpiao2 = sessionCookieFrom(await signIn(t.app, 'jianpiao2', FIXTURE_PASSWORD))!;
    meetingId = fixture.meetingId;
    const candidates = await database.db.selectFrom('candidates').select(['id', 'name']).where('meeting_id', '=', meetingId).orderBy('ballot_order').limit(4).execute();
    const e = await createElection(database.db, acting, {
      meetingId, kind: 'selection', title: '测试票决', marking: 'for-against-abstain', seats: 2, passBase: 'valid-ballots',
      options: candidates.map((c, i) => ({ key: `c0${i + 1}`, title: c.name, candidateId: c.id })),
      scrutineers: await scrutineersFor(database.db, meetingId),
    });
    selectionId = e.id;
    // Present deputies (one of the sixteen is absent).
    deputies = (await database.db.selectFrom('attendance').select('deputy_id').where('meeting_id', '=', meetingId).where('present', '=', true)
      .orderBy('deputy_id').execute()).map((r) => r.deputy_id);
  });
  afterAll(async () => {
    await database.close();
  });

  const get = (path: string, cookie?: string) => t.app.request(path, { headers: cookie ? { Cookie: cookie } : {} });
  const post = (cookie: string, id: number, path: string, form: Record<string, string> = {}) => postForm(t.app, `/admin/elections/${id}${path}`, form, { Cookie: cookie });
  const location = (res: Response) => res.headers.get('location');

  /** Opens, casts the given ballots (one deputy each, from `from` on), closes and seals. */
  async function runVote(id: number, ballots: string[], from = 0) {
    await openElection(database.db, acting, id);
    for (const [i, marks] of ballots.entries()) {
      expect((await castBallot(database.db, t.clock, { electionId: id, deputyId: deputies[from + i]!, marks })).status).toBe('cast');
    }
    await closeElection(database.db, acting, id);
    await sealElection(database.db, acting, id);
  }
  const certifyByBoth = async (id: number) => {
    const { digest } = (await recordSummary(database.db, id))!;
    for (const cookie of [jianpiao1, jianpiao2]) expect(location(await post(cookie, id, '/certify', { digest }))).toContain('done=certified');
  };

  describe('POST /admin/elections/:id/runoff', () => {
    it('is refused until the tied count is published (the presidium announces the tie first)', async () => {
      await runVote(selectionId, TIED);
      const summary = await recordSummary(database.db, selectionId);
      expect(summary!.body.result.tie).toEqual({ options: ['c02', 'c03'], seats: 1 });
      expect(location(await post(mishu, selectionId, '/runoff', { title: '测试票决（再次投票）' }))).toBe(`/admin/elections/${selectionId}/scrutiny?error=wrong-state`);
      await certifyByBoth(selectionId);
      expect(location(await post(mishu, selectionId, '/runoff', { title: '测试票决（再次投票）' }))).toBe(`/admin/elections/${selectionId}/scrutiny?error=wrong-state`);
      const page = await (await get(`/admin/elections/${selectionId}/scrutiny`, mishu)).text();
      expect(page).toContain('计票结果公布（同票随之公布）后');
      expect(page).not.toContain(`action="/admin/elections/${selectionId}/runoff"`);
      expect(await database.db.selectFrom('elections').select('id').where('runoff_of', '=', selectionId).execute()).toEqual([]);
    });

    it('offers the runoff form with a default name once the count is published', async () => {
      expect(location(await post(mishu, selectionId, '/publish'))).toContain('done=published');
      const page = await (await get(`/admin/elections/${selectionId}/scrutiny`, mishu)).text();
      expect(page).toContain(`action="/admin/elections/${selectionId}/runoff"`);
      expect(page).toContain('value="测试票决（再次投票）"');
      expect(page).toContain('剩余的 1 个名额');
      // Scrutineers see where it stands but cannot create it.
      const theirs = await (await get(`/admin/elections/${selectionId}/scrutiny`, jianpiao1)).text();
      expect(theirs).not.toContain(`action="/admin/elections/${selectionId}/runoff"`);
      expect(theirs).toContain('尚未创建再次投票');
    });

    it('is for the secretariat only', async () => {
      expect((await post(jianpiao1, selectionId, '/runoff', { title: 'x' })).status).toBe(403);
    });

    it('refuses an empty or overlong name, creating nothing', async () => {
      expect(location(await post(mishu, selectionId, '/runoff', { title: '  ' }))).toBe(`/admin/elections/${selectionId}/scrutiny?error=title-invalid`);
      expect(location(await post(mishu, selectionId, '/runoff', { title: '长'.repeat(201) }))).toBe(`/admin/elections/${selectionId}/scrutiny?error=title-invalid`);
      const page = await (await get(`/admin/elections/${selectionId}/scrutiny?error=title-invalid`, mishu)).text();
      expect(page).toContain('请填写再次投票的名称（最多 200 字）');
      expect(await database.db.selectFrom('elections').select('id').where('runoff_of', '=', selectionId).execute()).toEqual([]);
    });

    it('creates a draft runoff among the tied options only, for the seats left, with the same rules, and audits it', async () => {
      const res = await post(mishu, selectionId, '/runoff', { title: '测试票决（再次投票）' });
      expect(res.status).toBe(303);
      const runoff = await database.db.selectFrom('elections').selectAll().where('runoff_of', '=', selectionId).executeTakeFirstOrThrow();
      expect(location(res)).toBe(`/admin/elections/${runoff.id}?done=runoff`);
      expect(runoff).toMatchObject({ kind: 'runoff', state: 'draft', title: '测试票决（再次投票）', seats: 1, marking: 'for-against-abstain', pass_base: 'valid-ballots', meeting_id: meetingId });
      const [options, original] = await Promise.all([
        database.db.selectFrom('election_options').select(['key', 'title', 'candidate_id']).where('election_id', '=', runoff.id).orderBy('position').execute(),
        database.db.selectFrom('election_options').select(['key', 'title', 'candidate_id']).where('election_id', '=', selectionId).orderBy('position').execute(),
      ]);
      expect(options).toEqual([original[1], original[2]]);
      const audit = await database.db.selectFrom('audit_log').select(['action', 'details']).where('subject', '=', `election:${runoff.id}`).execute();
      expect(audit).toEqual([expect.objectContaining({ action: 'election.create', details: expect.objectContaining({ kind: 'runoff', runoffOf: selectionId, options: ['c02', 'c03'] }) })]);

      const adminPage = await (await get(location(res)!, mishu)).text();
      expect(adminPage).toContain('再次投票已创建');
      expect(adminPage).toContain(`href="/admin/elections/${selectionId}"`);
      const scrutiny = await (await get(`/admin/elections/${selectionId}/scrutiny`, mishu)).text();
      expect(scrutiny).toContain(`href="/admin/elections/${runoff.id}"`);
      expect(scrutiny).not.toContain(`action="/admin/elections/${selectionId}/runoff"`);
    });

    it('refuses a second runoff of the same count', async () => {
      const res = await post(mishu, selectionId, '/runoff', { title: '又一次' });
      expect(location(res)).toBe(`/admin/elections/${selectionId}/scrutiny?error=runoff-exists`);
      expect(await database.db.selectFrom('elections').select('id').where('runoff_of', '=', selectionId).execute()).toHaveLength(1);
    });

    it('keeps one live runoff per count: a void runoff is held again, or replaced by a new one, never both', async () => {
      const live = async () => database.db.selectFrom('elections').select(['id', 'state']).where('runoff_of', '=', selectionId).where('state', '!=', 'void').execute();
      const voidIt = async (id: number) => {
        await openElection(database.db, acting, id);
        await closeElection(database.db, acting, id);
        expect(location(await post(mishu, id, '/void', { reason: '表决器故障' }))).toContain('done=voided');
      };
      // A new runoff after the first was voided; the void one can then no longer be held again.
      const [first] = await live();
      await voidIt(first!.id);
      expect(location(await post(mishu, selectionId, '/runoff', { title: '第二次' }))).toMatch(/^\/admin\/elections\/\d+\?done=runoff$/);
      expect(location(await post(mishu, first!.id, '/rerun'))).toBe(`/admin/elections/${first!.id}/scrutiny?error=runoff-exists`);
      // The other way round: the void runoff held again; then no new runoff.
      const [second] = await live();
      await voidIt(second!.id);
      expect(location(await post(mishu, second!.id, '/rerun'))).toMatch(/^\/admin\/elections\/\d+\?done=rerun$/);
      expect(location(await post(mishu, selectionId, '/runoff', { title: '第四次' }))).toBe(`/admin/elections/${selectionId}/scrutiny?error=runoff-exists`);
      const now = await live();
      expect(now).toHaveLength(1);
      const held = await database.db.selectFrom('elections').select(['kind', 'runoff_of', 'rerun_of', 'seats']).where('id', '=', now[0]!.id).executeTakeFirstOrThrow();
      expect(held).toEqual({ kind: 'runoff', runoff_of: selectionId, rerun_of: second!.id, seats: 1 });
      // The database refuses a second live runoff even if the code did not.
      await expect(database.db.updateTable('elections').set({ state: 'draft' }).where('id', '=', second!.id).execute()).rejects.toThrow(/elections_one_live_runoff|unique/);
    });

    it('runs like any vote: the deputies decide the tie, and its record names the count it resolves', async () => {
      const runoff = await database.db.selectFrom('elections').select('id').where('runoff_of', '=', selectionId).where('state', '!=', 'void').executeTakeFirstOrThrow();
      // A ballot with F on both tied options exceeds the one seat: an electronic ballot refuses it.
      await openElection(database.db, acting, runoff.id);
      expect((await castBallot(database.db, t.clock, { electionId: runoff.id, deputyId: deputies[0]!, marks: 'FF' })).status).toBe('refused');
      for (const [i, marks] of ['FA', 'FA', 'AF', 'FN', 'NF', 'FA'].entries()) {
        expect((await castBallot(database.db, t.clock, { electionId: runoff.id, deputyId: deputies[i]!, marks })).status).toBe('cast');
      }
      await closeElection(database.db, acting, runoff.id);
      await sealElection(database.db, acting, runoff.id);
      await certifyByBoth(runoff.id);
      // The hall display, open on the projector before publication, switches to the result by itself.
      const display = await (await get(`/elections/${runoff.id}/display`, mishu)).text();
      expect(display).toContain(`data-hx-sse:connect="/elections/${runoff.id}/display/stream"`);
      expect(display).toContain('已确认');
      const stream = await t.app.request(`/elections/${runoff.id}/display/stream`, { headers: { Cookie: mishu } });
      const reader = stream.body!.getReader();
      const event = async () => new TextDecoder().decode((await reader.read()).value);
      const before = await event();
      expect(before).toMatch(/^data: <p class="hall__state">/);
      expect(before).not.toContain('入选项目');
      expect(location(await post(mishu, runoff.id, '/publish'))).toContain('done=published');
      const after = await event();
      expect(after).toContain('已公布');
      expect(after).toContain('入选项目');
      expect(after).toMatch(/<ol class="hall__chosen"><li><span>[^<]+<\/span> <span class="hall__votes">赞成 4 票<\/span><\/li><\/ol>/);
      expect(after).toContain('未入选');
      await reader.cancel();
      const record = (await publishedRecord(database.db, runoff.id))!;
      expect(record.election).toMatchObject({ kind: 'runoff', runoffOf: String(selectionId), rules: { seats: 1 } });
      expect(record.election.options.map((o) => o.id)).toEqual(['c02', 'c03']);
      expect(record.result.options.map((o) => [o.id, o.counts.F, o.selected])).toEqual([['c02', 4, true], ['c03', 2, false]]);
      expect(verifyRecord(record).problems).toEqual([]);
      // No tie in the runoff: nothing more to re-run.
      expect(location(await post(mishu, runoff.id, '/runoff', { title: '再一次' }))).toBe(`/admin/elections/${runoff.id}/scrutiny?error=no-tie`);
      const page = await (await get(`/admin/elections/${runoff.id}/scrutiny`, jianpiao1)).text();
      expect(page).toContain('本次为再次投票，解决同票');
    });

    it('is refused for a satisfaction rating', async () => {
      const rating = await createElection(database.db, acting, {
        meetingId, kind: 'satisfaction', title: '测评', marking: 'satisfaction', seats: null, passBase: 'valid-ballots', options: [{ key: 'c01', title: '项目' }],
      });
      expect(location(await post(mishu, rating.id, '/runoff', { title: 'x' }))).toBe(`/admin/elections/${rating.id}/scrutiny?error=wrong-state`);
    });
  });

  describe('POST /admin/elections/:id/rerun', () => {
    let voidId: number;
    beforeAll(async () => {
      const options = await database.db.selectFrom('election_options').select(['key', 'title', 'candidate_id as candidateId']).where('election_id', '=', selectionId).orderBy('position').execute();
      const e = await createElection(database.db, acting, {
        meetingId, kind: 'selection', title: '被宣布无效的票决', marking: 'approval', seats: 2, passBase: 'present', options,
        scrutineers: await scrutineersFor(database.db, meetingId),
      });
      voidId = e.id;
      await openElection(database.db, acting, voidId);
      await castBallot(database.db, t.clock, { electionId: voidId, deputyId: deputies[0]!, marks: 'FNNN' });
      await closeElection(database.db, acting, voidId);
    });

    it('is refused unless the vote was declared void', async () => {
      expect(location(await post(mishu, voidId, '/rerun'))).toBe(`/admin/elections/${voidId}/scrutiny?error=wrong-state`);
      expect(await database.db.selectFrom('elections').select('id').where('rerun_of', '=', voidId).execute()).toEqual([]);
    });

    it('is for the secretariat only', async () => {
      expect((await post(jianpiao1, voidId, '/rerun')).status).toBe(403);
    });

    it('holds a void vote again: a new draft with the same options and rules, naming the void one, audited', async () => {
      expect(location(await post(mishu, voidId, '/void', { reason: '表决器故障' }))).toContain('done=voided');
      const before = await (await get(`/admin/elections/${voidId}`, mishu)).text();
      expect(before).toContain('表决器故障');
      expect(before).toContain(`action="/admin/elections/${voidId}/rerun"`);

      const res = await post(mishu, voidId, '/rerun');
      const rerun = await database.db.selectFrom('elections').selectAll().where('rerun_of', '=', voidId).executeTakeFirstOrThrow();
      expect(location(res)).toBe(`/admin/elections/${rerun.id}?done=rerun`);
      expect(rerun).toMatchObject({ kind: 'selection', state: 'draft', title: '被宣布无效的票决', marking: 'approval', seats: 2, pass_base: 'present', meeting_id: meetingId, runoff_of: null });
      const optionsOf = (id: number) => database.db.selectFrom('election_options').select(['position', 'key', 'title', 'candidate_id']).where('election_id', '=', id).orderBy('position').execute();
      expect(await optionsOf(rerun.id)).toEqual(await optionsOf(voidId));
      const audit = await database.db.selectFrom('audit_log').select(['action', 'details']).where('subject', '=', `election:${rerun.id}`).execute();
      expect(audit).toEqual([expect.objectContaining({ action: 'election.create', details: expect.objectContaining({ rerunOf: voidId }) })]);

      const page = await (await get(location(res)!, mishu)).text();
      expect(page).toContain('重新票决已创建');
      expect(page).toContain(`href="/admin/elections/${voidId}"`);
      expect(page).toContain('（表决器故障）');
      const after = await (await get(`/admin/elections/${voidId}/scrutiny`, jianpiao1)).text();
      expect(after).toContain('已重新票决');
      expect(after).toContain(`href="/admin/elections/${rerun.id}/scrutiny"`);
      expect(after).not.toContain(`action="/admin/elections/${voidId}/rerun"`);
    });

    it('holds it again only once', async () => {
      expect(location(await post(mishu, voidId, '/rerun'))).toBe(`/admin/elections/${voidId}/scrutiny?error=rerun-exists`);
      expect(await database.db.selectFrom('elections').select('id').where('rerun_of', '=', voidId).execute()).toHaveLength(1);
    });
  });
});
