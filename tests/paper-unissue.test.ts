import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castBallot } from '../src/ballots/store.ts';
import { closeElection } from '../src/elections/store.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { testApp } from './support/app.ts';
import { postForm, postOnce } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture, type Fixture } from './support/fixtures.ts';

/**
 * A mistaken paper hand-out can be undone (issue 11, item 5): confirmed, audited, while the vote is
 * open; the deputy may then vote on a tablet. Refused for a deputy holding no paper ballot, naming
 * the code, and once the vote has closed.
 */
describe.each(testEngines())('undoing a paper ballot hand-out on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let f: Fixture;
  let mishu: string;

  const roll = async (code: string) => (await database.db.selectFrom('roll').select(['channel', 'issued_at'])
    .where('election_id', '=', f.electionId!).where('deputy_id', '=', f.deputyId(code)).executeTakeFirstOrThrow());
  const issued = async () => (await database.db.selectFrom('elections').select('paper_issued').where('id', '=', f.electionId!).executeTakeFirstOrThrow()).paper_issued;
  const path = () => `/admin/elections/${f.electionId}/paper`;

  beforeAll(async () => {
    database = await engine.open();
    t = testApp(database);
    f = await buildFixture(database, t.clock, { deputies: 8, candidates: 3, election: { open: true }, accounts: [{ username: 'mishu', roles: ['secretariat'] }] });
    mishu = await f.account('mishu').cookie();
    expect((await postForm(t.app, `${path()}/issue`, { codes: 'D003 D005' }, { Cookie: mishu })).headers.get('location')).toBe(`${path()}?done=issued`);
  });
  afterAll(() => database.close());

  it('lists the holders with an undo button, asks first, and changes nothing until confirmed', async () => {
    const page = await (await t.app.request(path(), { headers: { Cookie: mishu } })).text();
    expect(page).toContain('已领取纸质选票的代表');
    expect(page).toContain('撤销 D003 的领取登记');
    const asked = await postOnce(t.app, `${path()}/unissue`, { code: 'd003' }, { Cookie: mishu });
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('D003 代表3 的纸质选票领取登记将被撤销');
    expect((await roll('D003')).channel).toBe('paper');
    expect(await issued()).toBe(2);
  });

  it('undoes it when confirmed: the roll row is free again, the count follows, audited; the deputy then votes on a tablet', async () => {
    expect((await postForm(t.app, `${path()}/unissue`, { code: 'd003' }, { Cookie: mishu })).headers.get('location')).toBe(`${path()}?done=unissued`);
    expect(await roll('D003')).toEqual({ channel: null, issued_at: null });
    expect(await issued()).toBe(1);
    const audit = await database.db.selectFrom('audit_log').select('details').where('action', '=', 'paper.unissue').execute();
    expect(audit.map((a) => a.details)).toEqual([{ deputy: 'D003' }]);
    expect((await castBallot(database.db, t.clock, { electionId: f.electionId!, deputyId: f.deputyId('D003'), marks: 'FNN' })).status).toBe('cast');
  });

  it('refuses a deputy holding no paper ballot, naming the code, and any undo once voting has closed', async () => {
    const res = await postForm(t.app, `${path()}/unissue`, { code: 'D004' }, { Cookie: mishu });
    expect(res.headers.get('location')).toBe(`${path()}?error=not-issued&codes=D004`);
    expect(await (await t.app.request(res.headers.get('location')!, { headers: { Cookie: mishu } })).text()).toContain('D004 没有领取本次表决的纸质选票');
    expect((await postForm(t.app, `${path()}/unissue`, { code: 'X999' }, { Cookie: mishu })).headers.get('location')).toBe(`${path()}?error=unknown-codes&codes=X999`);
    await closeElection(database.db, f.acting, f.electionId!);
    expect((await postForm(t.app, `${path()}/unissue`, { code: 'D005' }, { Cookie: mishu })).headers.get('location')).toBe(`${path()}?error=wrong-state`);
    expect((await roll('D005')).channel).toBe('paper');
  });
});
