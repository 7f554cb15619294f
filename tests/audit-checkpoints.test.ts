import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChainLink } from '../src/audit/chain.ts';
import { auditAnchor } from '../src/audit/checkpoint-store.ts';
import { startCheckpointer } from '../src/audit/checkpointer.ts';
import { CHECKPOINT_LIST_FORMAT, type Checkpoint, checkCheckpoints } from '../src/audit/checkpoints.ts';
import { readAuditChain } from '../src/audit/store.ts';
import { castBallot } from '../src/ballots/store.ts';
import { closeDueElections } from '../src/elections/scheduler.ts';
import { createElection, openElection, scheduleClose } from '../src/elections/store.ts';
import { recordAttendance } from '../src/meetings/store.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { createLogger } from '../src/platform/log.ts';
import { beijingTime } from '../src/platform/time.ts';
import { testApp } from './support/app.ts';
import { postForm } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture, type Fixture, scrutineersFor } from './support/fixtures.ts';
import { wellFormedXml, xmlText } from './support/xml.ts';

const SECRET = 'test-signing-key-secret-0123456789abcdef';

describe.each(testEngines())('audit checkpoints on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let f: Fixture;
  let fingerprint: string;

  const chain = async () => {
    const links: ChainLink[] = [];
    for await (const l of readAuditChain(database.db)) links.push(l);
    return links;
  };
  const stored = async () => database.db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute();
  const json = async (path = '/audit/checkpoints.json') => (await t.app.request(path)).json() as Promise<{ format: string; checkpoints: Checkpoint[]; next?: string }>;

  beforeAll(async () => {
    database = await engine.open();
    t = testApp(database, { SIGNING_KEY_SECRET: SECRET });
    f = await buildFixture(database, t.clock, {
      deputies: 3, candidates: 2, election: { marking: 'approval', seats: 1 },
      accounts: [{ username: 'mishu', roles: ['secretariat'] }, { username: 'jianpiao-yi', roles: ['scrutineer', 'deputy'], deputyCode: 'D001' }, { username: 'jianpiao-er', roles: ['scrutineer', 'deputy'], deputyCode: 'D002' }],
    });
    const key = await t.app.request('/.well-known/minsheng-signing-key');
    fingerprint = /fingerprint \(of the DER public key\): ([0-9a-f]{64})/.exec(await key.text())![1]!;
  });
  afterAll(() => database.close());

  it('signs a checkpoint at every transition (open, close, seal, each certification, publish), covering the transition\'s own audit entry', async () => {
    const id = f.electionId!;
    const mishu = await f.account('mishu').cookie();
    const post = async (cookie: string, step: string, form: Record<string, string> = {}) => {
      const res = await postForm(t.app, `/admin/elections/${id}/${step}`, form, { Cookie: cookie });
      expect(res.status, step).toBe(303);
      expect(res.headers.get('location'), step).toMatch(/done=/);
    };
    const steps: [string, () => Promise<void>][] = [
      ['open', () => post(mishu, 'open')],
      ['close', async () => {
        for (const [i, marks] of ['FN', 'NF'].entries()) expect((await castBallot(database.db, t.clock, { electionId: id, deputyId: f.deputies[i]!.id, marks })).status).toBe('cast');
        await post(mishu, 'close');
      }],
      ['seal', () => post(mishu, 'seal')],
      ['certify', async () => post(await f.account('jianpiao-yi').cookie(), 'certify', { digest: await digest() })],
      ['certify', async () => post(await f.account('jianpiao-er').cookie(), 'certify', { digest: await digest() })],
      ['publish', () => post(mishu, 'publish')],
    ];
    const digest = async () => (await database.db.selectFrom('election_records').select('digest').where('election_id', '=', id).executeTakeFirstOrThrow()).digest;

    expect(await stored()).toEqual([]);
    for (const [n, [step, run]] of steps.entries()) {
      t.clock.advance(60_000);
      await run();
      const links = await chain();
      const head = links.at(-1)!;
      expect(head.action, step).toBe(`election.${step}`);
      const rows = await stored();
      expect(rows, step).toHaveLength(n + 1);
      expect(rows.at(-1), step).toMatchObject({ seq: n + 1, last_id: head.id, head: head.hash, length: links.length, key_fingerprint: fingerprint });
      expect(rows.at(-1)!.at.getTime()).toBe(t.clock.now().getTime());
    }
    const check = checkCheckpoints(await chain(), (await json()).checkpoints, { key: fingerprint });
    expect(check.problems).toEqual([]);
    expect(check.checkpoints).toHaveLength(steps.length);
  });

  it('signs one when the scheduler closes a vote too', async () => {
    const e = await createElection(database.db, f.acting, {
      meetingId: f.meetingId, kind: 'selection', title: '定时结束', marking: 'approval', seats: 1, passBase: 'valid-ballots',
      options: f.candidates.map((c, i) => ({ key: `c0${i + 1}`, title: c.name, candidateId: c.id })),
      scrutineers: await scrutineersFor(database.db, f.meetingId),
    });
    await openElection(database.db, f.acting, e.id);
    await scheduleClose(database.db, f.acting, e.id, new Date(t.clock.now().getTime() + 60_000));
    t.clock.advance(120_000);
    const before = (await stored()).length;
    expect(await closeDueElections(database.db, t.clock, auditAnchor(t.config))).toEqual([e.id]);
    const head = (await chain()).at(-1)!;
    expect(head).toMatchObject({ action: 'election.close', subject: `election:${e.id}`, actorName: 'system' });
    expect((await stored()).slice(before)).toMatchObject([{ seq: before + 1, last_id: head.id, head: head.hash }]);
  });

  it('signs hourly only while the chain grows, stamped with the clock\'s time', async () => {
    const logs: string[] = [];
    const anchor = auditAnchor(t.config);
    const count = async () => (await stored()).length;
    // Whatever the steps above left unanchored is anchored at start.
    const initial = await count();
    const first = startCheckpointer(database.db, t.clock, anchor, createLogger('info', (l) => logs.push(l)), 40);
    await expect.poll(async () => (await chain()).at(-1)!.id === (await stored()).at(-1)?.last_id, { timeout: 5000 }).toBe(true);
    const settled = await count();
    await new Promise((r) => setTimeout(r, 300));
    expect(await count()).toBe(settled);

    t.clock.advance(60 * 60 * 1000);
    // Any audited step grows the chain (a check-in: undoing one is refused once a vote has closed).
    await recordAttendance(database.db, f.acting, f.meetingId, [f.deputies[2]!.id], true);
    await expect.poll(count, { timeout: 5000 }).toBe(settled + 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await count()).toBe(settled + 1);
    await first.stop();
    const row = (await stored()).at(-1)!;
    expect(row.at.getTime()).toBe(t.clock.now().getTime());
    expect(JSON.parse(row.body)).toMatchObject({ seq: settled + 1, at: beijingTime(t.clock.now()) });
    expect(logs.filter((l) => l.includes('"audit checkpoint"'))).toHaveLength(settled - initial + 1);
  });

  it('still takes a step when no key opens under the configuration, saying in the log why no checkpoint was signed', async () => {
    const keyless = testApp(database);
    const e = await createElection(database.db, f.acting, {
      meetingId: f.meetingId, kind: 'selection', title: '无密钥', marking: 'approval', seats: 1, passBase: 'valid-ballots',
      options: f.candidates.map((c, i) => ({ key: `c0${i + 1}`, title: c.name, candidateId: c.id })),
      scrutineers: await scrutineersFor(database.db, f.meetingId),
    });
    await recordAttendance(database.db, f.acting, f.meetingId, f.deputies.map((d) => d.id), true);
    const before = (await stored()).length;
    const res = await postForm(keyless.app, `/admin/elections/${e.id}/open`, {}, { Cookie: await f.account('mishu').cookie() });
    expect(res.headers.get('location')).toBe(`/admin/elections/${e.id}?done=opened`);
    expect((await stored()).length).toBe(before);
    expect(keyless.logs).toEqual(expect.arrayContaining([expect.objectContaining({ level: 'warn', msg: 'audit checkpoint not signed: no signing key' })]));
  });

  it('GET /audit/checkpoints.json: every checkpoint, signed, as open data anyone may read, and nothing of the entries', async () => {
    const res = await t.app.request('/audit/checkpoints.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const text = await res.text();
    const body = JSON.parse(text) as { format: string; checkpoints: Checkpoint[]; next?: string };
    expect(body.format).toBe(CHECKPOINT_LIST_FORMAT);
    expect(body.next).toBeUndefined();
    expect(body.checkpoints.map((c) => c.seq)).toEqual((await stored()).map((r) => r.seq));
    expect(checkCheckpoints(await chain(), body.checkpoints, { key: fingerprint }).problems).toEqual([]);
    for (const secret of ['election.open', 'mishu', 'jianpiao-yi', '定时结束']) expect(text).not.toContain(secret);
    expect(Object.keys(body.checkpoints[0]!).sort()).toEqual(['at', 'format', 'head', 'keyFingerprint', 'lastId', 'length', 'seq', 'signature']);
    // Signed in, the same list is never stored by a cache.
    const signedIn = await t.app.request('/audit/checkpoints.json', { headers: { Cookie: await f.account('jianpiao-yi').cookie() } });
    expect(signedIn.headers.get('cache-control')).toBe('no-store');
  });

  it('pages with after and limit, naming the next page, and refuses anything else with 400', async () => {
    const page = await json('/audit/checkpoints.json?after=1&limit=2');
    expect(page.checkpoints.map((c) => c.seq)).toEqual([2, 3]);
    expect(page.next).toBe('http://localhost:3000/audit/checkpoints.json?after=3&limit=2');
    const all = (await stored()).length;
    expect((await json(`/audit/checkpoints.json?after=${all - 1}&limit=5`))).toMatchObject({ checkpoints: [{ seq: all }] });
    expect((await json(`/audit/checkpoints.json?after=${all}`)).checkpoints).toEqual([]);
    for (const q of ['after=-1', 'after=x', 'after=1.5', 'limit=0', 'limit=1001', 'limit=', 'after=99999999999']) {
      const res = await t.app.request(`/audit/checkpoints.json?${q}`);
      expect(res.status, q).toBe(400);
      expect(await res.json(), q).toEqual({ error: expect.stringContaining('limit'), status: 400 });
    }
  });

  it('GET /audit/checkpoints.atom: a well-formed Atom feed, newest first, each entry\'s content the signed checkpoint', async () => {
    const res = await t.app.request('/audit/checkpoints.atom', { headers: { 'Accept-Language': 'en' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=UTF-8');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const xml = await res.text();
    const { root, elements } = wellFormedXml(xml);
    expect(root).toBe('feed');
    const list = (await json()).checkpoints;
    const entries = elements.filter((e) => e.name === 'entry');
    expect(entries).toHaveLength(list.length);
    const contents = elements.filter((e) => e.name === 'content').map((e) => JSON.parse(xmlText(e.text)) as Checkpoint);
    expect(contents).toEqual([...list].reverse());
    const updated = elements.filter((e) => e.name === 'updated').map((e) => e.text);
    expect(updated[0]).toBe(list.at(-1)!.at);
    expect(elements.filter((e) => e.name === 'id').map((e) => e.text).slice(1)).toEqual([...list].reverse().map((c) => `tag:localhost,2026:minsheng/audit-checkpoints/${c.seq}`));
  });

  it('links the feed from every page', async () => {
    const page = await (await t.app.request('/')).text();
    expect(page).toContain('<link rel="alternate" type="application/atom+xml" href="/audit/checkpoints.atom" title="审计检查点"/>');
    expect(page).toContain('<a href="/audit/checkpoints.json" type="application/json">JSON</a>');
  });
});
