import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkChain } from '../src/audit/chain.ts';
import { readAuditChain } from '../src/audit/store.ts';
import { fixedClock } from '../src/platform/time.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { mulberry32 } from '../src/demo/deputies.ts';
import { DEMO_2023_TITLE, demoMarks } from '../src/demo/history.ts';
import { DEMO_2024_TITLE, DEMO_ACCOUNTS, DEMO_PASSWORD, hasData, resetDatabase, seedDemo } from '../src/demo/seed.ts';
import { DEMO_THRESHOLD, demoTrusteePassphrase } from '../src/demo/ceremony.ts';
import { currentCeremony, possessionProved } from '../src/ceremonies/store.ts';
import { combineRaw, decodePoint, encodePoint, G, mulSecret, openTrusteeFile } from '../src/domain/crypto/index.ts';
import { DEMO_RATING_TITLE } from '../src/demo/tracking.ts';
import { keyFingerprint } from '../src/domain/record/digest.ts';
import type { ElectionRecord } from '../src/domain/record/format.ts';
import { expectedFingerprint, verifyRecord } from '../src/domain/record/verify.ts';
import { verifyPassword } from '../src/users/password.ts';
import { testApp } from './support/app.ts';
import { postForm, sessionCookieFrom, signIn } from './support/auth.ts';
import { testEngines } from './support/databases.ts';

const SECRET = 'demo-test-signing-key-secret-0123456789';

interface MeetingListing { id: string; title: string; year: number; elections: { id: string; kind: string; title: string; state: string }[] }

describe.each(testEngines())('demo data on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  const clock = fixedClock('2024-01-10T00:00:00Z');
  beforeAll(async () => {
    database = await engine.open();
    // The app and the seed share one signing configuration, as in the server.
    t = testApp(database, { SIGNING_KEY_SECRET: SECRET });
    expect(await hasData(database.db)).toBe(false);
    expect(await seedDemo(database.db, clock, { signing: t.config })).toBe(true);
  }, 180_000);
  afterAll(async () => { await database.close(); });

  const count = async (table: string) =>
    (await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(database.db)).rows[0]!.n;
  const meetings = async () => (await (await t.app.request('/api/meetings')).json()) as MeetingListing[];
  const election2023 = async () => {
    const m = (await meetings()).find((x) => x.year === 2023)!;
    return m.elections.find((e) => e.title === DEMO_2023_TITLE)!;
  };
  const record2023 = async () => {
    const res = await t.app.request(`/elections/${(await election2023()).id}/record.json`);
    expect(res.status).toBe(200);
    return JSON.parse(await res.text()) as ElectionRecord;
  };

  it('holds the term, its 240 deputies (29 on the standing committee) and two meetings of 12 candidates', async () => {
    expect(await count('terms')).toBe(1);
    expect(await count('deputies')).toBe(240);
    const sc = await database.db.selectFrom('deputies').select((eb) => eb.fn.countAll<number>().as('n')).where('standing_committee', '=', true).executeTakeFirstOrThrow();
    expect(sc.n).toBe(29);
    const meetings = await database.db.selectFrom('meetings').select(['year', 'title']).orderBy('year').execute();
    expect(meetings.map((m) => m.year)).toEqual([2023, 2024]);
    const perMeeting = await database.db.selectFrom('candidates').select(['meeting_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('meeting_id').execute();
    expect(perMeeting.map((r) => r.n)).toEqual([12, 12]);
    const names = await database.db.selectFrom('deputies').select('name').execute();
    expect(new Set(names.map((n) => n.name)).size).toBe(240);
  });

  it('has a staff account for every role, with hashed passwords', async () => {
    const roles = await database.db.selectFrom('user_roles').select('role').distinct().execute();
    expect(roles.map((r) => r.role).sort()).toEqual(['clerk', 'department', 'deputy', 'scrutineer', 'secretariat']);
    const users = await database.db.selectFrom('users').selectAll().execute();
    expect(users.map((u) => u.username).sort()).toEqual(DEMO_ACCOUNTS.map((a) => a.username).sort());
    for (const u of users) {
      expect(u.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(u.password_hash).not.toContain(DEMO_PASSWORD);
    }
    expect(await verifyPassword(users[0]!.password_hash, DEMO_PASSWORD)).toBe(true);
    const scrutineer = users.find((u) => u.username === 'jianpiao1')!;
    expect(scrutineer.deputy_id).not.toBeNull();
    expect(users.find((u) => u.username === 'jiaoyu')!.department_id).not.toBeNull();
  });

  it('was created through the audited service functions', async () => {
    const entries = [];
    for await (const e of readAuditChain(database.db)) entries.push(e);
    expect(checkChain(entries)).toBeUndefined();
    const actions = entries.map((e) => e.action);
    expect(actions.filter((a) => a === 'candidate.create')).toHaveLength(24);
    expect(actions).toContain('roster.import');
    expect(actions.filter((a) => a === 'meeting.create')).toHaveLength(2);
    expect(actions.filter((a) => a === 'user.create')).toHaveLength(DEMO_ACCOUNTS.length);
    expect(JSON.stringify(entries)).not.toContain(DEMO_PASSWORD);
    // The 2023 vote went the whole way, and the 2024 meeting's 测评 too: three elections made (the
    // 2024 selection stays a draft), two opened and published.
    expect(actions.filter((a) => a === 'election.create')).toHaveLength(3);
    for (const a of ['election.open', 'election.close', 'election.seal', 'election.publish']) {
      expect(actions.filter((x) => x === a), a).toHaveLength(2);
    }
    for (const a of ['paper.issue', 'paper.returned', 'paper.commit']) expect(actions.filter((x) => x === a), a).toHaveLength(1);
    // The key ceremonies of the 2024 selection and of the 测评: encrypted mode set, started, completed,
    // three proofs of possession each; the 测评 decrypted by two trustees, whose second partial combined them.
    for (const [a, n] of [
      ['election.ballot-mode', 2], ['ceremony.start', 2], ['ceremony.message', 36], ['ceremony.complete', 2], ['ceremony.possession', 6],
      ['election.partial-decryption', 2], ['election.decrypt', 1],
    ] as const) {
      expect(actions.filter((x) => x === a), a).toHaveLength(n);
    }
    expect(actions.filter((a) => a === 'paper.key')).toHaveLength(6);
    expect(actions.filter((a) => a === 'election.certify')).toHaveLength(4);
    // The year of tracking in between (tests/demo-tracking.test.ts looks at it closely).
    for (const a of ['plan.approve', 'report.approve', 'note.file', 'opinion.accept']) expect(actions, a).toContain(a);
    // 2023 first, then the 2024 meeting at its January 2024 times, the rectification last: the log reads in time order.
    const times = entries.map((e) => e.at);
    expect(times).toEqual([...times].sort());
    expect(times[0]!.startsWith('2023-01-03T01:00:00')).toBe(true);
    expect(entries.find((e) => e.action === 'meeting.create' && e.at.startsWith('2024'))!.at).toBe('2024-01-10T01:00:00.000Z');
    expect(times.at(-1)).toBe('2024-03-08T07:00:00.000Z');
  });

  it('has the 2023 vote published and the 2024 vote in draft, as /api/meetings lists them', async () => {
    const list = await meetings();
    expect(list.map((m) => [m.year, m.elections.map((e) => [e.title, e.state])])).toEqual([
      [2024, [['2024年民生实事项目票决', 'draft'], [DEMO_RATING_TITLE, 'published']]],
      [2023, [[DEMO_2023_TITLE, 'published']]],
    ]);
  });

  it('serves the 2023 record, which verifies against the fingerprint at /.well-known', async () => {
    const wellKnown = await t.app.request('/.well-known/minsheng-signing-key');
    expect(wellKnown.status).toBe(200);
    const fingerprint = expectedFingerprint(await wellKnown.text());
    const record = await record2023();
    const v = verifyRecord(record, { key: fingerprint });
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.fingerprint).toBe(fingerprint);
    expect(keyFingerprint(Buffer.from(record.signature.publicKey, 'base64'))).toBe(fingerprint);
    expect(verifyRecord(record, { key: 'f'.repeat(64) }).ok).toBe(false);
  });

  it('records the session at its 2023 times, certified by the two demo scrutineers', async () => {
    const { election, certifications } = await record2023();
    expect(election).toMatchObject({
      title: DEMO_2023_TITLE, kind: 'selection', openedAt: '2023-01-11T09:30:00+08:00', closedAt: '2023-01-11T10:00:00+08:00',
      meeting: { title: '龙游县第十四届人民代表大会第二次会议', year: 2023 },
      rules: { marking: 'for-against-abstain', seats: 10, passBase: 'all-deputies', deputiesTotal: 240 },
    });
    expect(election.options).toHaveLength(12);
    expect(certifications.map((c) => [c.name, c.at])).toEqual([
      ['监票人甲（演示）', '2023-01-11T10:18:00+08:00'], ['监票人乙（演示）', '2023-01-11T10:19:00+08:00'],
    ]);
  });

  it('holds one ballot per deputy marked on the roll: 231 of 240 present, 228 electronic, 3 on paper', async () => {
    const record = await record2023();
    const id = Number((await election2023()).id);
    const voted = await database.db.selectFrom('roll').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('election_id', '=', id).where('channel', 'is not', null).executeTakeFirstOrThrow();
    expect(record.ballots).toHaveLength(voted.n);
    expect(record.roll).toEqual({ eligible: 240, present: 231, electronic: 228, paperIssued: 3, paperReturned: 3 });
    expect(await database.db.selectFrom('sealed_ballots').select('tracker').where('election_id', '=', id).execute()).toHaveLength(231);
    expect(await database.db.selectFrom('ballots').select('id').where('election_id', '=', id).execute()).toEqual([]);
    // The 2024 meeting's attendance is its own: 228 of 240.
    const present2024 = await database.db.selectFrom('attendance as a').innerJoin('meetings as m', 'm.id', 'a.meeting_id')
      .select((eb) => eb.fn.countAll<number>().as('n')).where('m.year', '=', 2024).where('a.present', '=', true).executeTakeFirstOrThrow();
    expect(present2024.n).toBe(228);
  });

  it('chooses ten of the twelve with distinct 赞成 counts, no tie and no shortfall', async () => {
    const { result } = await record2023();
    expect(result).toMatchObject({ valid: 230, invalid: 1, quorum: true });
    expect(result.tie).toBeUndefined();
    expect(result.shortfall).toBeUndefined();
    const selected = result.options.filter((o) => o.selected);
    expect(selected).toHaveLength(10);
    expect(result.options.filter((o) => !o.passed)).toHaveLength(2);
    const forCounts = selected.map((o) => o.counts.F!);
    expect(new Set(forCounts).size).toBe(10);
    // Comfortably above half of all 240 deputies, and the two not chosen well below it.
    expect(Math.min(...forCounts)).toBeGreaterThan(150);
    for (const o of result.options.filter((x) => !x.selected)) expect(o.counts.F!).toBeLessThan(100);
    expect(selected.map((o) => o.rank).sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Deputies also voted against and abstained.
    expect(result.options.reduce((n, o) => n + o.counts.A!, 0)).toBeGreaterThan(0);
    expect(result.options.reduce((n, o) => n + o.counts.N!, 0)).toBeGreaterThan(0);
  });

  it('shows scrutineers the sealed 2023 count on its scrutiny page', async () => {
    const id = (await election2023()).id;
    const cookie = sessionCookieFrom(await signIn(t.app, 'jianpiao1', DEMO_PASSWORD))!;
    const res = await t.app.request(`/admin/elections/${id}/scrutiny`, { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('计票结果');
    expect(page).toContain((await record2023()).digest);
    expect(page).not.toContain(`action="/admin/elections/${id}/certify"`);
  });

  const selection2024 = async () => database.db.selectFrom('elections').selectAll().where('title', '=', DEMO_2024_TITLE).executeTakeFirstOrThrow();

  it('holds the 2024 selection in encrypted mode, k = 2 of its three scrutineers, its key ceremony complete and every possession proved', async () => {
    const e = await selection2024();
    expect({ mode: e.ballot_mode, k: e.trustee_threshold, state: e.state }).toEqual({ mode: 'encrypted', k: DEMO_THRESHOLD, state: 'draft' });
    const named = await database.db.selectFrom('election_scrutineers as s').innerJoin('deputies as d', 'd.id', 's.deputy_id')
      .select('d.code').where('s.election_id', '=', e.id).orderBy('s.position').execute();
    expect(named.map((n) => n.code)).toEqual(['D011', 'D012', 'D013']);
    const c = await currentCeremony(database.db, e.id);
    expect({ state: c?.state, k: c?.k, n: c?.n }).toEqual({ state: 'complete', k: 2, n: 3 });
    expect([...await possessionProved(database.db, c!)].sort()).toEqual([1, 2, 3]);
    // Every message went through the store's checks, as a browser's would: 3 exchange keys, 3 dealings, 9 envelopes (one to each trustee, itself included), 3 confirmations.
    const kinds = await database.db.selectFrom('ceremony_messages').select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).where('ceremony_id', '=', c!.id).groupBy('kind').orderBy('kind').execute();
    expect(kinds.map((k) => [k.kind, Number(k.n)])).toEqual([['confirmation', 3], ['dealing', 3], ['envelope', 9], ['exchange-key', 3]]);
    // The secretariat's page: every step before opening done.
    const mishu = sessionCookieFrom(await signIn(t.app, 'mishu', DEMO_PASSWORD))!;
    const page = await (await t.app.request(`/admin/elections/${e.id}`, { headers: { Cookie: mishu } })).text();
    expect(page).toContain('各步均已完成，可以开启投票。');
    expect(page).toContain(c!.result!.fingerprint);
  });

  it('publishes the trustee files, linked from the banner: each opens with its published passphrase and holds the ceremony\'s share', async () => {
    const e = await selection2024();
    const c = (await currentCeremony(database.db, e.id))!;
    const home = await (await t.app.request('/')).text();
    expect(home).toContain('<a href="/demo/trustee-files">演示的受托人文件和口令</a>仅因为这是演示才公开；真实表决绝不能这样做。');
    const page = await (await t.app.request('/demo/trustee-files')).text();
    expect(page).toContain('这些文件和口令公开，只因为这是演示');
    const rows = await database.db.selectFrom('demo_trustee_files').selectAll().where('election_id', '=', e.id).orderBy('trustee').execute();
    expect(rows.map((r) => [r.trustee, r.username])).toEqual([[1, 'jianpiao1'], [2, 'jianpiao2'], [3, 'jianpiao3']]);
    const shares: { index: number; d: ReturnType<typeof mulSecret> }[] = [];
    for (const r of rows) {
      expect(r.passphrase).toBe(demoTrusteePassphrase(r.trustee));
      expect(page).toContain(`<code class="passphrase">${r.passphrase}</code>`);
      expect(page).toContain(`<code>${r.username}</code>`);
      const res = await t.app.request(`/demo/trustee-files/${r.id}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="minsheng-trustee-${e.id}-${r.trustee}-final.json"`);
      const text = await res.text();
      await expect(openTrusteeFile(text, 'not-the-passphrase-at-all')).rejects.toMatchObject({ code: 'passphrase' });
      const { header, content } = await openTrusteeFile(text, r.passphrase);
      expect(header).toMatchObject({ contextId: c.contextId, electionId: String(e.id), index: r.trustee, publicKey: c.result!.publicKey });
      expect(header.publicShare).toBe(c.result!.trustees[r.trustee - 1]!.publicShare);
      expect(mulSecret(G, content.secretShare!).equals(decodePoint(c.result!.trustees[r.trustee - 1]!.publicShare))).toBe(true);
      shares.push({ index: r.trustee, d: mulSecret(G, content.secretShare!) });
    }
    // Any two of the three shares make the election key; one does not.
    expect(encodePoint(combineRaw([shares[0]!, shares[2]!]))).toBe(c.result!.publicKey);
    expect(encodePoint(combineRaw([shares[1]!, shares[2]!]))).toBe(c.result!.publicKey);
    expect(encodePoint(combineRaw([shares[1]!]))).not.toBe(c.result!.publicKey);
    expect((await t.app.request('/demo/trustee-files/99999')).status).toBe(404);
  });

  it('has no trustee files page outside the demo: 404, and no link in the banner', async () => {
    const off = testApp(database, { DEMO: '0', SIGNING_KEY_SECRET: SECRET });
    const id = (await database.db.selectFrom('demo_trustee_files').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
    expect((await off.app.request('/demo/trustee-files')).status).toBe(404);
    expect((await off.app.request(`/demo/trustee-files/${id}`)).status).toBe(404);
    expect(await (await off.app.request('/')).text()).not.toContain('/demo/trustee-files');
  });

  it('leaves the 2024 vote ready to open, with the quorum met', async () => {
    const e = (await meetings()).find((m) => m.year === 2024)!.elections[0]!;
    const mishu = sessionCookieFrom(await signIn(t.app, 'mishu', DEMO_PASSWORD))!;
    const res = await postForm(t.app, `/admin/elections/${e.id}/open`, {}, { Cookie: mishu });
    expect(res.headers.get('location')).toBe(`/admin/elections/${e.id}?done=opened`);
    const opened = await database.db.selectFrom('elections').select(['state', 'deputies_total']).where('id', '=', Number(e.id)).executeTakeFirstOrThrow();
    expect(opened).toEqual({ state: 'open', deputies_total: 240 });
  });

  // Seeding the whole demo again (its encrypted 测评 included) takes a while on the shared machines.
  it('does not seed twice, and rebuilds from scratch after a reset: the same counts, but deputies cast in a new secret order', { timeout: 180_000 }, async () => {
    expect(await seedDemo(database.db, clock, { signing: t.config })).toBe(false);
    expect(await count('meetings')).toBe(2);
    const first = Number((await election2023()).id);
    const castOrder = async () => (await database.db.selectFrom('roll as r').innerJoin('deputies as d', 'd.id', 'r.deputy_id')
      .select('d.code').where('r.channel', '=', 'electronic').where('r.election_id', '=', first).orderBy('r.voted_at').orderBy('d.code').execute()).map((x) => x.code);
    const before = { order: await castOrder(), result: (await record2023()).result };
    expect(before.order).toHaveLength(228);
    await resetDatabase(database.db);
    expect(await hasData(database.db)).toBe(false);
    expect(await count('audit_log')).toBe(0);
    expect(await count('signing_keys')).toBe(0);
    expect(await seedDemo(database.db, clock, { signing: t.config })).toBe(true);
    expect(await count('candidates')).toBe(24);
    expect(await count('sealed_ballots')).toBe(231 + 28);
    // The marks' multiset comes from a fixed seed; who cast which (and when) is drawn at seeding time,
    // so that not even the source code links a demo deputy to a ballot.
    expect((await record2023()).result).toEqual(before.result);
    const after = await castOrder();
    expect([...after].sort()).toEqual([...before.order].sort());
    expect(after).not.toEqual(before.order);
  });

  it('seeds once when two start-ups seed at the same time, with one signing key', { timeout: 180_000 }, async () => {
    await resetDatabase(database.db);
    const results = await Promise.all([seedDemo(database.db, clock, { signing: t.config }), seedDemo(database.db, clock, { signing: t.config })]);
    expect(results.sort()).toEqual([false, true]);
    expect(await count('terms')).toBe(1);
    expect(await count('meetings')).toBe(2);
    expect(await count('elections')).toBe(3);
    expect(await count('users')).toBe(DEMO_ACCOUNTS.length);
    expect(await count('sealed_ballots')).toBe(231 + 28);
    expect(await count('signing_keys')).toBe(1);
    expect(verifyRecord(await record2023()).problems).toEqual([]);
    const entries = [];
    for await (const e of readAuditChain(database.db)) entries.push(e);
    expect(checkChain(entries)).toBeUndefined();
  });

  it('can leave out the 2023 vote, and then needs no signing key', async () => {
    await resetDatabase(database.db);
    expect(await seedDemo(database.db, clock, { history: false })).toBe(true);
    expect(await count('elections')).toBe(1);
    expect(await count('signing_keys')).toBe(0);
    expect((await meetings()).find((m) => m.year === 2023)!.elections).toEqual([]);
  });
});

describe('the demo\'s invented 2023 marks', () => {
  it('never hold more 赞成 than seats, use only F, A and N, and are the same for the same seed', () => {
    const popularity = [0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.93, 0.92, 0.91, 0.9, 0.2, 0.1];
    const marks = demoMarks(popularity, 500, 10, mulberry32(7));
    expect(marks).toHaveLength(500);
    for (const m of marks) {
      expect(m).toMatch(/^[FAN]{12}$/);
      expect([...m].filter((x) => x === 'F').length).toBeLessThanOrEqual(10);
    }
    expect(demoMarks(popularity, 500, 10, mulberry32(7))).toEqual(marks);
  });
});

describe.each(testEngines())('the audit log page on $name', (engine) => {
  it('shows entries newest first with the chain intact, filters by action, and reports a forged entry', async () => {
    const database = await engine.openDemo();
    try {
      const t = testApp(database);
      const cookie = sessionCookieFrom(await signIn(t.app, 'jianpiao1', DEMO_PASSWORD))!;
      const page = await (await t.app.request('/admin/audit?action=candidate.', { headers: { Cookie: cookie } })).text();
      expect(page).toContain('哈希链完整');
      expect(page.match(/<code>candidate\.create<\/code>/g)).toHaveLength(24);
      expect(page).not.toContain('<code>roster.import</code>');
      // Forge an entry (UPDATE and DELETE are refused by the trigger, so append a false one).
      await sql`insert into audit_log (at, actor_user_id, actor_name, action, subject, details, prev_hash, hash)
        values (now(), null, 'intruder', 'election.publish', 'election:1', '{}', 'sha256:bogus', 'sha256:forged')`.execute(database.db);
      const broken = await (await t.app.request('/admin/audit', { headers: { Cookie: cookie } })).text();
      expect(broken).toContain('哈希链在第');
      expect(broken).toContain('prev-mismatch');
    } finally {
      await database.close();
    }
  });
});
