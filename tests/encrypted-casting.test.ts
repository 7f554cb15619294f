import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueBallotNonce } from '../src/ballots/nonce.ts';
import {
  checkSpoiledBallot, decodePoint, encodeScalar, encryptBallotWithRandomness, newContextId, Point, verifyBallot, type BallotSpec, type EncryptedBallot,
} from '../src/domain/crypto/index.ts';
import { checkSpoiled } from '../views/assets/check-ballot.ts';
import { encryptedTracker } from '../src/domain/record/format-v2.ts';
import { trackerKey } from '../src/keys/installation.ts';
import { issuePaper } from '../src/paper/store.ts';
import { closeElection } from '../src/elections/store.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { testApp } from './support/app.ts';
import { postOnce } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { openEncrypted } from './support/encrypted-election.ts';
import { buildFixture, type Fixture } from './support/fixtures.ts';

/** What a ballot page of an encrypted election hands its module, read back from the HTML. */
interface PageData { publicKey: string; contextId: string; spec: BallotSpec; nonce: string; nonceMac: string; fingerprint: string }

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const attr = (html: string, name: string) => {
  const m = new RegExp(`${name}="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no ${name} in the page`);
  return unescape(m[1]!);
};
const hidden = (html: string, name: string) => attr(html, `name="${name}" value`);

function pageData(html: string): PageData {
  return {
    publicKey: attr(html, 'data-public-key'), contextId: attr(html, 'data-context-id'), spec: JSON.parse(attr(html, 'data-spec')) as BallotSpec,
    nonce: attr(html, 'data-nonce'), nonceMac: hidden(html, 'nonceMac'), fingerprint: /data-election-fingerprint[^>]*>([^<]+)</.exec(html)![1]!,
  };
}

/** Every leaf string of a stored encrypted ballot is lower-case hex: no mark letter anywhere. */
function leaves(x: unknown): string[] {
  if (typeof x === 'string') return [x];
  if (Array.isArray(x)) return x.flatMap(leaves);
  if (typeof x === 'object' && x !== null) return Object.values(x).flatMap(leaves);
  return [String(x)];
}

/** An Rng that yields these scalars first (as randomScalar reads 64 little-endian bytes), then fresh randomness. */
function replaying(scalars: string[]) {
  const queue = [...scalars];
  return (n: number) => {
    const next = queue.shift();
    if (next === undefined || n !== 64) return crypto.getRandomValues(new Uint8Array(n));
    const out = new Uint8Array(64);
    out.set(Buffer.from(next, 'hex'));
    return out;
  };
}

describe.each(testEngines())('encrypted casting over HTTP on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let f: Fixture;
  let electionId: number;
  let key: Awaited<ReturnType<typeof openEncrypted>>;
  const cookie: Record<string, string> = {};
  const id = (code: string) => f.deputyId(code);

  const page = (who: string) => t.app.request(`/elections/${electionId}/ballot`, { headers: { Cookie: cookie[who]! } });
  const post = (who: string, path: string, fields: Record<string, string>) => postOnce(t.app, path, fields, { Cookie: cookie[who]! });
  // The meeting shares its tablets: a cast signs the deputy out, so each cast gets a session of its own.
  const cast = async (who: string, fields: Record<string, string>) => postOnce(t.app, `/elections/${electionId}/ballot`, fields, { Cookie: await f.account(who).cookie() });
  async function opened(who: string) {
    const res = await page(who);
    expect(res.status).toBe(200);
    return pageData(await res.text());
  }
  function encrypt(d: PageData, marks: string, rng?: (n: number) => Uint8Array) {
    return encryptBallotWithRandomness(decodePoint(d.publicKey), d.spec, d.contextId, d.nonce, marks, rng);
  }
  const castFields = (d: PageData, ballot: unknown) => ({ nonce: d.nonce, nonceMac: d.nonceMac, ballot: JSON.stringify(ballot) });
  const trackerOf = (html: string) => /<p class="tracker"[^>]*>([0-9A-Z-]{19})<\/p>/.exec(html)?.[1];
  const rollOf = async (code: string) => (await database.db.selectFrom('roll').select('channel').where('election_id', '=', electionId).where('deputy_id', '=', id(code)).executeTakeFirstOrThrow()).channel;

  beforeAll(async () => {
    database = await engine.open();
    t = testApp(database, { SIGNING_KEY_SECRET: 'encrypted-casting-test-signing-secret-0123456789' });
    f = await buildFixture(database, t.clock, {
      deputies: 12, candidates: 3, present: 11, election: { seats: 2, scrutineers: ['D001', 'D002', 'D003'] },
      accounts: [
        { username: 'jp1', roles: ['scrutineer', 'deputy'], deputyCode: 'D001' },
        { username: 'jp2', roles: ['scrutineer', 'deputy'], deputyCode: 'D002' },
        { username: 'jp3', roles: ['scrutineer', 'deputy'], deputyCode: 'D003' },
        ...[4, 5, 6, 7, 8, 9, 10, 11, 12].map((n) => ({ username: `d${n}`, roles: ['deputy' as const], deputyCode: `D${String(n).padStart(3, '0')}` })),
      ],
    });
    electionId = f.electionId!;
    key = await openEncrypted(database.db, f.acting, electionId, ['jp1', 'jp2', 'jp3'].map((u) => f.account(u)));
    for (const u of ['jp1', 'jp2', 'jp3', 'd4', 'd5', 'd6', 'd7', 'd8', 'd9', 'd10', 'd11', 'd12']) cookie[u] = await f.account(u).cookie();
  }, 120_000);
  afterAll(() => database.close());

  it('serves a ballot page that carries the key, the context id, the spec and a fresh nonce with its MAC, and loads its module (no inline script)', async () => {
    const res = await page('d4');
    const html = await res.text();
    const d = pageData(html);
    expect(d.publicKey).toBe(key.publicKey);
    expect(d.contextId).toBe(key.contextId);
    expect(d.fingerprint).toBe(key.fingerprint);
    expect(d.spec).toEqual({ marking: 'for-against-abstain', optionKeys: ['c01', 'c02', 'c03'], seats: 2 });
    expect(d.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(d.nonceMac).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((await opened('d4')).nonce).not.toBe(d.nonce);
    expect(html).toContain('本次表决使用加密选票');
    expect(html).toMatch(/<noscript><p class="notice notice--warn">本设备的浏览器未启用 JavaScript/);
    expect(html).not.toContain('data-hx-post');
    const script = /<script type="module" src="(\/assets\/ballot-page\.js\?v=[0-9a-f]{12})"><\/script>/.exec(html);
    expect(script).not.toBeNull();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const module = await t.app.request(script![1]!);
    expect(module.status).toBe(200);
    expect(await module.text()).toContain('encrypted-review');
  });

  it('casts an encrypted ballot: the receipt shows the tracker computed before casting, the box holds ciphertexts and no marks; a resubmission answers the same', async () => {
    const d = await opened('d4');
    const { ballot } = encrypt(d, 'FAN');
    const expected = encryptedTracker(d.contextId, d.nonce, ballot.ciphertexts);
    const res = await cast('d4', castFields(d, ballot));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(trackerOf(html)).toBe(expected);
    expect(html).toContain('您的选票已加密记录');
    expect(html).not.toContain('review-table');
    const rows = await database.db.selectFrom('ballots').selectAll().where('election_id', '=', electionId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ tracker: expected, marks: null, nonce: d.nonce, channel: 'electronic', invalid: null });
    expect(JSON.parse(rows[0]!.ballot!)).toEqual(ballot);
    expect(rows[0]!.ballot).toBe(JSON.stringify({ ciphertexts: ballot.ciphertexts, proofs: { letters: ballot.proofs.letters, options: ballot.proofs.options, seats: ballot.proofs.seats } }));
    expect(await database.db.selectFrom('ciphertext_components').select('a').where('election_id', '=', electionId).execute()).toHaveLength(9);
    expect(await rollOf('D004')).toBe('electronic');

    const again = await cast('d4', castFields(d, ballot));
    expect(again.status).toBe(200);
    expect(trackerOf(await again.text())).toBe(expected);
    expect(await database.db.selectFrom('ballots').select('tracker').where('election_id', '=', electionId).execute()).toHaveLength(1);
    // The tracker is public: /api/trackers says recorded, encrypted, never marks.
    const lookup = await (await t.app.request(`/api/trackers/${expected}`)).json() as Record<string, unknown>;
    expect(lookup).toMatchObject({ tracker: expected, status: 'recorded', encrypted: true });
    expect(lookup).not.toHaveProperty('marks');
    const verify = await (await t.app.request(`/verify?tracker=${expected}`)).text();
    expect(verify).toContain('这是一张加密选票');
    expect(verify).toContain(`追踪码 ${expected} 对应的选票已记录在票箱中。`);
  });

  it('refuses a second vote: a second page of the same deputy, a fresh nonce, is refused as already voted', async () => {
    const d = await opened('d5');
    const second = await opened('d5');
    expect((await cast('d5', castFields(d, encrypt(d, 'NNN').ballot))).status).toBe(200);
    const twice = await cast('d5', castFields(second, encrypt(second, 'FFN').ballot));
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain('您已经投过票');
    cookie['d5'] = await f.account('d5').cookie();
    expect((await page('d5')).status).toBe(409);
  });

  it('refuses a nonce without its MAC, a MAC of another deputy, and any other field (the marks among them)', async () => {
    const d = await opened('d6');
    const { ballot } = encrypt(d, 'AAF');
    const bad = await cast('d6', { ...castFields(d, ballot), nonceMac: 'A'.repeat(22) });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('这张选票不是由本系统为您打开的选票页提交的');
    // A nonce and MAC issued to d7, cast by d6 (a coercer who is a deputy too).
    const theirs = await opened('d7');
    const stolen = await cast('d6', castFields(theirs, encrypt(theirs, 'AAF').ballot));
    expect(stolen.status).toBe(422);
    // The JavaScript cast posts nonce, nonceMac and ballot only: a marks field is a tampered form.
    expect((await cast('d6', { ...castFields(d, ballot), 'choice.c01': 'F' })).status).toBe(400);
    expect(await rollOf('D006')).toBeNull();
  });

  it('refuses a ballot with a changed byte, one that is not JSON, and one with more 赞成 than seats (its proofs cannot pass)', async () => {
    const d = await opened('d6');
    const { ballot } = encrypt(d, 'FNA');
    const changed = structuredClone(ballot);
    const s = changed.proofs.letters[1]![2]!.s[0]!;
    changed.proofs.letters[1]![2]!.s[0] = (s[0] === '0' ? '1' : '0') + s.slice(1);
    const res = await cast('d6', castFields(d, changed));
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('这张加密选票未通过检查');
    const ct = structuredClone(ballot);
    ct.ciphertexts[0]![0] = ballot.ciphertexts[1]![0]!;
    expect((await cast('d6', castFields(d, ct))).status).toBe(422);
    expect((await cast('d6', { nonce: d.nonce, nonceMac: d.nonceMac, ballot: '{"ciphertexts":' })).status).toBe(422);
    // Three 赞成 for two seats: proved for a three-seat spec, so the seats proof of this vote fails.
    const three = encryptBallotWithRandomness(decodePoint(d.publicKey), { ...d.spec, seats: 3 }, d.contextId, d.nonce, 'FFF').ballot;
    expect(verifyBallot(decodePoint(d.publicKey), d.spec, d.contextId, d.nonce, three)).toMatch(/proof fails/);
    expect((await cast('d6', castFields(d, three))).status).toBe(422);
    expect(await rollOf('D006')).toBeNull();
  });

  it('checks the encryption (Benaloh): asks in the page first, publishes the ballot with marks and randomness, leaves the roll alone; the deputy then votes', async () => {
    // The page asks before anything is sent: the check form is hidden behind its question and posts confirm=1.
    const pageHtml = await (await page('d6')).text();
    const spoilForm = /<form[^>]*data-spoil-form[^>]*>([\s\S]*?)<\/form>/.exec(pageHtml)!;
    expect(spoilForm[0]).toMatch(/<form[^>]*\shidden(=""|[\s>])/);
    expect(spoilForm[1]).toContain('<input type="hidden" name="confirm" value="1"/>');
    expect(spoilForm[1]).toContain('检查这张选票的加密？');
    expect(spoilForm[1]).toContain('永不计入结果');
    expect(pageHtml).toMatch(/<button type="button"[^>]*data-spoil-ask/);

    const d = await opened('d6');
    const { ballot, randomness } = encrypt(d, 'FAN');
    const fields = { ...castFields(d, ballot), marks: 'FAN', randomness: JSON.stringify(randomness) };
    // A post of the marks without confirm=1 (a check started, then cancelled, or an old form): refused
    // at once, its marks and randomness neither echoed nor kept.
    const unconfirmed = await post('d6', `/elections/${electionId}/ballot/spoil`, fields);
    expect(unconfirmed.status).toBe(422);
    const refusedHtml = await unconfirmed.text();
    expect(refusedHtml).toContain('检查加密须先在选票页上确认');
    expect(refusedHtml).not.toContain('FAN');
    expect(refusedHtml).not.toContain(randomness[0]![0]!);
    expect(refusedHtml).not.toContain('name="marks"');
    expect(await database.db.selectFrom('spoiled_ballots').select('tracker').execute()).toHaveLength(0);
    const en = await postOnce(t.app, `/elections/${electionId}/ballot/spoil`, { ...fields, confirm: '0' }, { Cookie: `${cookie['d6']!}; lang=en` });
    expect(en.status).toBe(422);
    expect(await en.text()).toContain('must be confirmed on the ballot page first');
    expect(await database.db.selectFrom('spoiled_ballots').select('tracker').execute()).toHaveLength(0);
    // A nonce of another deputy is refused.
    const theirs = await opened('d7');
    expect((await post('d6', `/elections/${electionId}/ballot/spoil`, { ...fields, nonce: theirs.nonce, nonceMac: theirs.nonceMac, confirm: '1' })).status).toBe(422);
    // Marks the randomness does not open to: refused.
    const lie = await post('d6', `/elections/${electionId}/ballot/spoil`, { ...fields, marks: 'NAN', confirm: '1' });
    expect(lie.status).toBe(422);
    expect(await lie.text()).toContain('所给的选择和随机数与这张加密选票不符');

    const done = await post('d6', `/elections/${electionId}/ballot/spoil`, { ...fields, confirm: '1' });
    expect(done.status).toBe(200);
    const html = await done.text();
    const tracker = encryptedTracker(d.contextId, d.nonce, ballot.ciphertexts);
    expect(trackerOf(html)).toBe(tracker);
    expect(html).toContain('npm run verify');
    expect(html).toContain(`href="/check?tracker=${tracker}"`);
    expect(html).toContain(`href="/elections/${electionId}/ballot"`);
    expect(await rollOf('D006')).toBeNull();
    // Posted again: the same answer, one row.
    expect(trackerOf(await (await post('d6', `/elections/${electionId}/ballot/spoil`, { ...fields, confirm: '1' })).text())).toBe(tracker);
    expect(await database.db.selectFrom('spoiled_ballots').select('tracker').execute()).toHaveLength(1);
    // Its nonce cannot be cast any more.
    const reuse = await cast('d6', castFields(d, encrypt(d, 'NNN').ballot));
    expect(reuse.status).toBe(409);
    expect(await reuse.text()).toContain('这张选票页已经用过');

    // The lookup gives everything the check page needs, and it checks.
    const lookup = await (await t.app.request(`/api/trackers/${tracker}`)).json() as {
      status: string; check: { publicKey: string; contextId: string; spec: BallotSpec; nonce: string; tracker: string; marks: string; randomness: string[][] } & EncryptedBallot;
    };
    expect(lookup.status).toBe('spoiled');
    // The access log keeps the tracker out: the lookup's path is logged with it replaced.
    const logged = t.logs.filter((l) => l['msg'] === 'request' && String(l['path']).startsWith('/api/trackers'));
    expect(logged.at(-1)).toMatchObject({ method: 'GET', path: '/api/trackers/…', status: 200 });
    expect(JSON.stringify(t.logs)).not.toContain(tracker);
    const c = lookup.check;
    expect(c).toMatchObject({ publicKey: key.publicKey, contextId: key.contextId, nonce: d.nonce, tracker, marks: 'FAN', randomness });
    const k = decodePoint(c.publicKey);
    expect(checkSpoiledBallot(k, c.spec, c, c.marks, c.randomness)).toBe(true);
    expect(checkSpoiledBallot(k, c.spec, c, 'NAF', c.randomness)).not.toBe(true);
    expect(verifyBallot(k, c.spec, c.contextId, c.nonce, { ciphertexts: c.ciphertexts, proofs: c.proofs })).toBe(true);
    expect(encryptedTracker(c.contextId, c.nonce, c.ciphertexts)).toBe(tracker);
    const verify = await (await t.app.request(`/verify?tracker=${tracker}`)).text();
    expect(verify).toContain('已被投票人检查加密，不计入结果');
    expect(verify).toContain(`href="/check?tracker=${tracker}"`);

    // Then the deputy votes on a fresh page.
    cookie['d6'] = await f.account('d6').cookie();
    const fresh = await opened('d6');
    expect(fresh.nonce).not.toBe(d.nonce);
    expect((await cast('d6', castFields(fresh, encrypt(fresh, 'NFA').ballot))).status).toBe(200);
    expect(await rollOf('D006')).toBe('electronic');

    // A copy of the spoiled ballot's ciphertexts, proved anew by someone else under their own nonce (the randomness is public): refused.
    const e = await opened('d8');
    const copy = encrypt(e, 'FAN', replaying(randomness.flat()));
    expect(copy.ballot.ciphertexts).toEqual(ballot.ciphertexts);
    const copied = await cast('d8', castFields(e, copy.ballot));
    expect(copied.status).toBe(409);
    expect(await copied.text()).toContain('复制了已投出或已检查过的选票');
    expect(await rollOf('D008')).toBeNull();
  });

  it('refuses a deputy who received a paper ballot, and one who is not checked in', async () => {
    const d = await opened('d9');
    await issuePaper(database.db, f.acting, electionId, ['D009']);
    const paper = await cast('d9', castFields(d, encrypt(d, 'NNN').ballot));
    expect(paper.status).toBe(409);
    expect(await paper.text()).toContain('您已领取纸质选票');
    // D012 is not checked in: the page says so, and a nonce issued for them all the same is refused.
    expect((await page('d12')).status).toBe(403);
    const issued = issueBallotNonce(trackerKey(t.config), electionId, id('D012'));
    const d12 = { ...d, nonce: issued.nonce, nonceMac: issued.mac };
    const absent = await cast('d12', castFields(d12, encrypt(d12, 'NNN').ballot));
    expect(absent.status).toBe(403);
    expect(await absent.text()).toContain('您尚未签到');
    const spoilAbsent = await post('d12', `/elections/${electionId}/ballot/spoil`, { ...castFields(d12, encrypt(d12, 'NNN').ballot), marks: 'NNN', randomness: '[]', confirm: '1' });
    expect(spoilAbsent.status).toBe(422);
  });

  it('without JavaScript: the server encrypts, says it is weaker, shows the tracker, and the cast form carries no marks', async () => {
    const res = await post('d10', `/elections/${electionId}/ballot/review`, { 'choice.c01': 'F', 'choice.c02': 'N', 'choice.c03': 'A' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('服务器在加密时短暂看到了您的选择');
    const castForm = new RegExp(`<form method="post" action="/elections/${electionId}/ballot">([\\s\\S]*?)</form>`).exec(html)![1]!;
    expect(castForm).not.toContain('choice.');
    const fields = Object.fromEntries([...castForm.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"\/?>/g)].map((m) => [m[1]!, unescape(m[2]!)]));
    expect(Object.keys(fields).sort()).toEqual(['ballot', 'nonce', 'nonceMac']);
    // The server encrypted (its randomness discarded): there is nothing for the deputy to check, so no check action.
    expect(html).not.toContain('/ballot/spoil');
    expect(html).not.toContain('data-spoil');
    const shown = trackerOf(html)!;
    expect(shown).toBe(encryptedTracker(key.contextId, fields['nonce']!, (JSON.parse(fields['ballot']!) as EncryptedBallot).ciphertexts));
    const done = await cast('d10', fields);
    expect(done.status).toBe(200);
    expect(trackerOf(await done.text())).toBe(shown);
    // Invalid choices are refused as in plaintext mode, with the same messages.
    const over = await post('d11', `/elections/${electionId}/ballot/review`, { 'choice.c01': 'F', 'choice.c02': 'F', 'choice.c03': 'F' });
    expect(over.status).toBe(422);
    const again = await over.text();
    expect(again).toContain('赞成');
    // The ballot comes back as an encrypted ballot, choices kept, with a fresh nonce for the browser.
    expect(pageData(again).nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(again).toContain('本次表决使用加密选票');
  });

  it('speaks English on the encrypted ballot page and its refusals', async () => {
    const html = await (await t.app.request(`/elections/${electionId}/ballot`, { headers: { Cookie: `${await f.account('d11').cookie()}; lang=en` } })).text();
    expect(html).toContain('This vote uses encrypted ballots');
    expect(html).toContain('Cast the encrypted ballot');
    expect(html).toContain('Check the encryption');
    const refused = await postOnce(t.app, `/elections/${electionId}/ballot`, { nonce: 'ab'.repeat(16), nonceMac: 'x'.repeat(22), ballot: '{}' }, { Cookie: `${await f.account('d11').cookie()}; lang=en` });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('was not sent from a ballot page this system opened for you');
  });

  it('leaves no plaintext marks in the database, and the probes of issue 13 link deputies only to ciphertexts', async () => {
    const ballots = await database.db.selectFrom('ballots').selectAll().where('election_id', '=', electionId).execute();
    expect(ballots.length).toBe(4);
    for (const b of ballots) {
      expect(b.marks).toBeNull();
      expect(leaves(JSON.parse(b.ballot!)).every((x) => /^[0-9a-f]+$/.test(x))).toBe(true);
    }
    // No entry of the audit log is about a cast, and no roll row holds anything like marks.
    const audit = await sql<{ text: string }>`select a::text as text from audit_log a`.execute(database.db);
    expect(audit.rows.some((r) => /ballot\.cast|"marks"|FAN|NFA/.test(r.text))).toBe(false);
    const roll = await sql<{ text: string }>`select r::text as text from roll r where election_id = ${electionId}`.execute(database.db);
    expect(roll.rows.every((r) => !/FAN|NFA|NNN|FNA/.test(r.text))).toBe(true);

    const byXmin = await sql<{ deputy_id: number; marks: string | null; ballot: string | null }>`
      select r.deputy_id, b.marks, b.ballot from ballots b join roll r on r.xmin = b.xmin and r.election_id = b.election_id where b.election_id = ${electionId}`.execute(database.db);
    expect(byXmin.rows.length).toBeGreaterThan(0);
    for (const row of byXmin.rows) {
      expect(row.marks).toBeNull();
      expect(row.ballot).toMatch(/^\{"ciphertexts":/);
    }
    const byOrder = await sql<{ n: number; marks: string | null; ballot: string | null }>`
      select row_number() over (order by ctid) as n, marks, ballot from ballots where election_id = ${electionId}`.execute(database.db);
    expect(byOrder.rows).toHaveLength(4);
    expect(byOrder.rows.every((r) => r.marks === null && r.ballot !== null)).toBe(true);
  });

  it('after the seal a cast ballot is still recorded, and once published it says counted, never with marks', async () => {
    const tracker = (await database.db.selectFrom('ballots').select('tracker').where('election_id', '=', electionId).executeTakeFirstOrThrow()).tracker;
    await closeElection(database.db, f.acting, electionId);
    // The seal itself (the box into sealed_ballots), as the seal step runs it; decryption is not this test's.
    await sql`select minsheng_seal_ballots(${electionId})`.execute(database.db);
    expect(await (await t.app.request(`/api/trackers/${tracker}`)).json()).toMatchObject({ status: 'recorded', encrypted: true });
    await sql`update elections set state = 'published' where id = ${electionId}`.execute(database.db);
    const counted = await (await t.app.request(`/api/trackers/${tracker}`)).json() as Record<string, unknown>;
    expect(counted).toMatchObject({ tracker, status: 'counted', encrypted: true });
    expect(counted).not.toHaveProperty('marks');
    const verify = await (await t.app.request(`/verify?tracker=${tracker}`)).text();
    expect(verify).toContain(`追踪码 ${tracker} 对应的加密选票已计入公布的结果。`);
  });

  it('serves the static check page and its module', async () => {
    const html = await (await t.app.request('/check?tracker=ABCD-EFGH-JKMN-PQRS')).text();
    expect(html).toContain('检查加密选票');
    expect(html).toContain('value="ABCD-EFGH-JKMN-PQRS"');
    const src = /<script type="module" src="(\/assets\/check-ballot\.js\?v=[0-9a-f]{12})"><\/script>/.exec(html)![1]!;
    expect((await t.app.request(src)).status).toBe(200);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const en = await (await t.app.request('/check', { headers: { Cookie: 'lang=en' } })).text();
    expect(en).toContain('Check an encrypted ballot');
    expect(en).toContain('Save as (web page, complete)');
  });

});

describe('the check of a spoiled ballot, as the check page runs it', () => {
  it('accepts an honest ballot and names each mismatch', () => {
    const contextId = newContextId('7');
    const publicKey = Point.BASE.multiply(12345n);
    const spec: BallotSpec = { marking: 'for-against-abstain', optionKeys: ['c01', 'c02'], seats: 1 };
    const nonce = 'ab'.repeat(16);
    const { ballot, randomness } = encryptBallotWithRandomness(publicKey, spec, contextId, nonce, 'FA');
    const base = { publicKey: publicKey.toHex(), contextId, spec, nonce, tracker: encryptedTracker(contextId, nonce, ballot.ciphertexts), marks: 'FA', randomness, ...ballot };
    expect(checkSpoiled(base).failures).toEqual([]);
    expect(checkSpoiled({ ...base, marks: 'AF' }).failures).toEqual(['failOpen']);
    expect(checkSpoiled({ ...base, tracker: '0000-0000-0000-0000' }).failures).toEqual(['failTracker']);
    expect(checkSpoiled({ ...base, nonce: 'cd'.repeat(16) }).failures).toEqual(['failProof', 'failTracker']);
    expect(checkSpoiled({ ...base, randomness: randomness.map((row) => row.map(() => encodeScalar(7n))) }).failures).toEqual(['failOpen']);
  });
});
