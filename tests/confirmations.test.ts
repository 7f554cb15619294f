import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castBallot } from '../src/ballots/store.ts';
import { closeElection, createElection, openElection } from '../src/elections/store.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { testApp } from './support/app.ts';
import { confirmationFields, postOnce } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture, type Fixture } from './support/fixtures.ts';

/**
 * Irreversible steps are confirmed (issue 11, item 2): a POST without the confirmation never acts
 * and never errors, but answers 200 with a page saying what follows, whose form carries the
 * figures shown; if they changed meanwhile the page is shown again; only the confirming POST acts.
 */
describe.each(testEngines())('confirmation of irreversible steps on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let f: Fixture;
  let mishu: string;
  let jianpiao1: string;

  const state = async () => (await database.db.selectFrom('elections').select('state').where('id', '=', f.electionId!).executeTakeFirstOrThrow()).state;
  const auditCount = async () => Number((await database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  /** Posts without confirming: the page, and proof that nothing changed. */
  async function asked(path: string, cookie: string, fields: Record<string, string> = {}) {
    const [stateBefore, auditBefore] = [await state(), await auditCount()];
    const res = await postOnce(t.app, path, fields, { Cookie: cookie });
    expect(res.status, path).toBe(200);
    const html = await res.text();
    expect(await state()).toBe(stateBefore);
    expect(await auditCount()).toBe(auditBefore);
    const form = confirmationFields(html);
    expect(form, path).toBeDefined();
    expect(html).toContain(`action="${path}"`);
    return { html, form: form! };
  }

  beforeAll(async () => {
    database = await engine.open();
    t = testApp(database, { SIGNING_KEY_SECRET: 'confirmations-test-signing-secret-0123456789' });
    f = await buildFixture(database, t.clock, {
      deputies: 9, candidates: 3, present: 8, election: { seats: 2 },
      accounts: [
        { username: 'mishu', roles: ['secretariat'] },
        { username: 'jianpiao1', roles: ['scrutineer', 'deputy'], deputyCode: 'D001' },
        { username: 'jianpiao2', roles: ['scrutineer', 'deputy'], deputyCode: 'D002' },
      ],
    });
    mishu = await f.account('mishu').cookie();
    jianpiao1 = await f.account('jianpiao1').cookie();
  });
  afterAll(() => database.close());

  it('asks before opening, stating 应到, 实到 and the scrutineers, and opens on the confirming post', async () => {
    const path = `/admin/elections/${f.electionId}/open`;
    const { html, form } = await asked(path, mishu);
    expect(html).toContain('开启投票？');
    expect(html).toContain('应到 9 人，实到 8 人。');
    expect(html).toContain('监票人：代表1、代表2');
    expect(form).toEqual(expect.arrayContaining([['confirm', '1'], ['fact.state', 'draft'], ['fact.present', '8']]));
    const res = await postOnce(t.app, path, form, { Cookie: mishu });
    expect(res.headers.get('location')).toBe(`/admin/elections/${f.electionId}?done=opened`);
    expect(await state()).toBe('open');
  });

  it('asks before closing with the turnout, and asks again, acting on nothing, when the turnout changed meanwhile', async () => {
    const path = `/admin/elections/${f.electionId}/close`;
    const { html, form } = await asked(path, mishu);
    expect(html).toContain('已投票 0 人；已签到尚未投票 8 人；已发出纸质选票 0 张。');
    // A deputy votes while the secretariat reads the page: the confirmation no longer matches.
    expect((await castBallot(database.db, t.clock, { electionId: f.electionId!, deputyId: f.deputyId('D003'), marks: 'FFN' })).status).toBe('cast');
    const again = await postOnce(t.app, path, form, { Cookie: mishu });
    expect(again.status).toBe(200);
    const html2 = await again.text();
    expect(html2).toContain('情况已有变化');
    expect(html2).toContain('已投票 1 人；已签到尚未投票 7 人');
    expect(await state()).toBe('open');
    // A forged confirmation (right fields, other figures) is no confirmation either.
    expect((await postOnce(t.app, path, { confirm: '1', 'fact.state': 'open', 'fact.voted': '99', 'fact.waiting': '0', 'fact.paper': '0' }, { Cookie: mishu })).status).toBe(200);
    expect(await state()).toBe('open');
    const res = await postOnce(t.app, path, confirmationFields(html2)!, { Cookie: mishu });
    expect(res.headers.get('location')).toBe(`/admin/elections/${f.electionId}?done=closed`);
    expect(await state()).toBe('closed');
  });

  it('asks before sealing, certifying and publishing, in English too, each acting only when confirmed', async () => {
    const id = f.electionId!;
    const seal = await asked(`/admin/elections/${id}/seal`, mishu);
    expect(seal.html).toContain('电子选票 1 张，收回纸质选票 0 张。');
    const en = await (await postOnce(t.app, `/admin/elections/${id}/seal`, {}, { Cookie: `${mishu}; lang=en` })).text();
    expect(en).toContain('Seal and count?');
    expect(en).toContain('1 electronic ballots, 0 paper ballots returned.');
    await postOnce(t.app, `/admin/elections/${id}/seal`, seal.form, { Cookie: mishu });
    expect(await state()).toBe('tallied');

    const { digest } = await database.db.selectFrom('election_records').select('digest').where('election_id', '=', id).executeTakeFirstOrThrow();
    const certify = await asked(`/admin/elections/${id}/certify`, jianpiao1, { digest });
    expect(certify.html).toContain(digest);
    expect(certify.form).toEqual(expect.arrayContaining([['digest', digest]]));
    expect((await postOnce(t.app, `/admin/elections/${id}/certify`, certify.form, { Cookie: jianpiao1 })).headers.get('location')).toBe(`/admin/elections/${id}/scrutiny?done=certified`);
    const jianpiao2 = await f.account('jianpiao2').cookie();
    const second = await asked(`/admin/elections/${id}/certify`, jianpiao2, { digest });
    await postOnce(t.app, `/admin/elections/${id}/certify`, second.form, { Cookie: jianpiao2 });
    expect(await state()).toBe('certified');

    const publish = await asked(`/admin/elections/${id}/publish`, mishu);
    expect(publish.html).toContain(`已有 2 位监票人确认记录摘要 ${digest}。`);
    await postOnce(t.app, `/admin/elections/${id}/publish`, publish.form, { Cookie: mishu });
    expect(await state()).toBe('published');
  });

  it('refuses a void without a reason at once, and asks before a void with one', async () => {
    const v = await createElection(database.db, f.acting, {
      meetingId: f.meetingId, kind: 'selection', title: '待作废', marking: 'approval', seats: 1, passBase: 'valid-ballots',
      options: [{ key: 'c01', title: '甲' }, { key: 'c02', title: '乙' }], scrutineers: [f.deputyId('D001'), f.deputyId('D002')],
    });
    await openElection(database.db, f.acting, v.id);
    await closeElection(database.db, f.acting, v.id);
    const path = `/admin/elections/${v.id}/void`;
    expect((await postOnce(t.app, path, { reason: ' ' }, { Cookie: mishu })).headers.get('location')).toBe(`/admin/elections/${v.id}/scrutiny?error=reason-required`);
    const res = await postOnce(t.app, path, { reason: '会场秩序混乱' }, { Cookie: mishu });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('理由：会场秩序混乱');
    expect(html).toContain('作废不能撤销');
    const form = confirmationFields(html)!;
    expect(form).toEqual(expect.arrayContaining([['reason', '会场秩序混乱']]));
    expect((await database.db.selectFrom('elections').select('state').where('id', '=', v.id).executeTakeFirstOrThrow()).state).toBe('closed');
    await postOnce(t.app, path, form, { Cookie: mishu });
    expect((await database.db.selectFrom('elections').select(['state', 'void_reason']).where('id', '=', v.id).executeTakeFirstOrThrow()))
      .toEqual({ state: 'void', void_reason: '会场秩序混乱' });
    // Holding it again is asked too.
    const rerun = await postOnce(t.app, `/admin/elections/${v.id}/rerun`, {}, { Cookie: mishu });
    expect(rerun.status).toBe(200);
    expect(await rerun.text()).toContain('重新投票？');
    expect(await database.db.selectFrom('elections').select('id').where('rerun_of', '=', v.id).execute()).toEqual([]);
  });
});
