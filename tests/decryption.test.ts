import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBallotMode, currentCeremony } from '../src/ceremonies/store.ts';
import { recordSummary } from '../src/counting/store.ts';
import { nobleChecker } from '../src/domain/crypto/checker.ts';
import { ciphertextFromJson, discreteLog, type CiphertextJson } from '../src/domain/crypto/elgamal.ts';
import { decodePoint } from '../src/domain/crypto/group.ts';
import { sodiumChecker } from '../src/domain/crypto/sodium-checker.ts';
import { combinePartials } from '../src/domain/crypto/threshold.ts';
import type { ElectionRecordV2 } from '../src/domain/record/format-v2.ts';
import { verifyRecordV2 } from '../src/domain/record/verify-v2.ts';
import { tally } from '../src/domain/tally.ts';
import { LETTERS } from '../src/domain/vocabulary.ts';
import { createElection } from '../src/elections/store.ts';
import { commitPaper, issuePaper, keyPaperBallot, recordReturned } from '../src/paper/store.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { testApp } from './support/app.ts';
import { postForm, postOnce } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { castEncryptedForTest, partialForTest, runCeremonyForTest, spoilForTest, type EncryptionTarget } from './support/encrypted-box.ts';
import { buildFixture, type Fixture } from './support/fixtures.ts';
import { runTs } from './support/server-process.ts';

/**
 * An encrypted vote from the box onward, through the app's HTTP routes (docs/decryption.md): a key
 * ceremony of three trustees (k = 2) run with the protocol's own functions, encrypted ballots cast
 * (test support: the casting routes are another part of the work), paper ballots keyed by two
 * clerks, the seal into `decrypting` with the aggregate fixed, partial decryptions posted as the
 * trustees' browsers post them, refused when wrong, combined at k into a v2 record that verifies,
 * then certified, published and served as record.json; and a vote voided below k and held again.
 */
describe.each(testEngines())('decryption by k of n trustees on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let f: Fixture;
  let id: number;
  let mishu: string;
  const trustees: string[] = [];
  let ceremony: Awaited<ReturnType<typeof runCeremonyForTest>>;
  let target: EncryptionTarget;
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-decryption-'));

  // Eight electronic ballots and two paper ones (one unreadable), over three options with two seats.
  const ELECTRONIC = ['FFA', 'FAN', 'NFF', 'FFN', 'AAA', 'FNF', 'NNN', 'FFA'];
  const PAPER = [{ marks: 'FFN', invalid: null }, { marks: 'FAF', invalid: 'unreadable' as const }];

  const base = () => `/scrutiny/elections/${id}/decryption`;
  const get = (cookie: string, path: string) => t.app.request(path, { headers: { Cookie: cookie } });
  const postPartial = (cookie: string, partial: unknown) => postOnce(t.app, base(), { partial: typeof partial === 'string' ? partial : JSON.stringify(partial) }, { Cookie: cookie });
  const stateOf = async (electionId = id) => (await database.db.selectFrom('elections').select('state').where('id', '=', electionId).executeTakeFirstOrThrow()).state;
  const storedAggregate = async (electionId = id) => JSON.parse((await database.db.selectFrom('encrypted_tallies').select('aggregate').where('election_id', '=', electionId).executeTakeFirstOrThrow()).aggregate) as CiphertextJson[][];
  const partialOf = (i: number, aggregate: CiphertextJson[][], share = ceremony.shares[i - 1]!) =>
    partialForTest({ publicKey: ceremony.publicKey, contextId: ceremony.contextId, marking: 'for-against-abstain' }, i, share, aggregate);

  beforeAll(async () => {
    database = await engine.open();
    t = testApp(database, { SIGNING_KEY_SECRET: 'decryption-test-signing-secret-0123456789abcdef' });
    f = await buildFixture(database, t.clock, {
      deputies: 12, candidates: 3, election: { seats: 2, scrutineers: ['D001', 'D002', 'D003'] },
      accounts: [
        { username: 'mishu', roles: ['secretariat'] },
        { username: 'jp1', roles: ['scrutineer', 'deputy'], deputyCode: 'D001' },
        { username: 'jp2', roles: ['scrutineer', 'deputy'], deputyCode: 'D002' },
        { username: 'jp3', roles: ['scrutineer', 'deputy'], deputyCode: 'D003' },
        { username: 'jp9', roles: ['scrutineer', 'deputy'], deputyCode: 'D009' },
        { username: 'clerk1', roles: ['clerk'] },
        { username: 'clerk2', roles: ['clerk'] },
      ],
    });
    id = f.electionId!;
    mishu = await f.account('mishu').cookie();
    for (const u of ['jp1', 'jp2', 'jp3']) trustees.push(await f.account(u).cookie());
    await setBallotMode(database.db, f.acting, id, { mode: 'encrypted', threshold: 2 });
    ceremony = await runCeremonyForTest(database.db, t.clock, id, ['jp1', 'jp2', 'jp3'].map((u) => ({ userId: f.account(u).id, name: u })));
    expect((await postForm(t.app, `/admin/elections/${id}/open`, {}, { Cookie: mishu })).headers.get('location')).toBe(`/admin/elections/${id}?done=opened`);
    target = { electionId: id, publicKey: ceremony.publicKey, contextId: ceremony.contextId, spec: { marking: 'for-against-abstain', optionKeys: ['c01', 'c02', 'c03'], seats: 2 } };
    for (const [i, marks] of ELECTRONIC.entries()) await castEncryptedForTest(database.db, t.clock, target, f.deputyId(`D00${i + 1}`), marks);
    await spoilForTest(database.db, target, 'FAN');
    // Two paper ballots: handed out, the vote closed, both keyed by two clerks and committed.
    await issuePaper(database.db, f.acting, id, ['D010', 'D011']);
    expect((await postForm(t.app, `/admin/elections/${id}/close`, {}, { Cookie: mishu })).status).toBe(303);
    await recordReturned(database.db, f.acting, id, PAPER.length);
    for (const clerk of ['clerk1', 'clerk2']) {
      const as = { clock: t.clock, actor: { userId: f.account(clerk).id, name: clerk, roles: ['clerk' as const] } };
      for (const [i, b] of PAPER.entries()) await keyPaperBallot(database.db, as, id, { seq: i + 1, marks: b.marks, invalid: b.invalid });
    }
    await commitPaper(database.db, f.acting, id);
  }, 120_000);
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seals the encrypted vote into decrypting: the aggregate of the cast ballots fixed, no record yet', async () => {
    // The secretariat is told before and when asked that the seal only fixes the encrypted sum.
    expect(await (await get(mishu, `/admin/elections/${id}/scrutiny`)).text()).toContain('本次表决使用加密选票：封存时只固定电子选票的加密总和');
    expect(await (await postOnce(t.app, `/admin/elections/${id}/seal`, {}, { Cookie: mishu })).text()).toContain('之后需要 2 位受托人各自解密总数');
    const res = await postForm(t.app, `/admin/elections/${id}/seal`, {}, { Cookie: mishu });
    expect(res.headers.get('location')).toBe(`/admin/elections/${id}/scrutiny?done=decrypting`);
    expect(await stateOf()).toBe('decrypting');
    const tallyRow = await database.db.selectFrom('encrypted_tallies').selectAll().where('election_id', '=', id).executeTakeFirstOrThrow();
    expect(tallyRow.ballots).toBe(ELECTRONIC.length);
    expect(tallyRow.ceremony_id).toBe((await currentCeremony(database.db, id))!.id);
    // The aggregate is the product of exactly the sealed electronic ballots (each checked again here).
    const check = nobleChecker(ceremony.publicKey, target.spec, ceremony.contextId);
    const sealed = await database.db.selectFrom('sealed_ballots').select(['nonce', 'ballot', 'marks']).where('election_id', '=', id).execute();
    expect(sealed.filter((b) => b.ballot !== null)).toHaveLength(ELECTRONIC.length);
    expect(sealed.filter((b) => b.marks !== null)).toHaveLength(PAPER.length);
    for (const b of sealed.filter((x) => x.ballot !== null)) expect(check.add(b.nonce!, JSON.parse(b.ballot!))).toBe(true);
    expect(await storedAggregate()).toEqual(check.aggregate());
    expect(await database.db.selectFrom('election_records').select('election_id').where('election_id', '=', id).execute()).toEqual([]);
    const audit = await database.db.selectFrom('audit_log').select('details').where('action', '=', 'election.seal').where('subject', '=', `election:${id}`).executeTakeFirstOrThrow();
    expect(audit.details).toEqual({ ballots: 8, paper: 2, aggregate: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });

    // The scrutiny page: progress, the trustee's link, and for the secretariat the void reason explained and prefilled.
    const page = await (await get(mishu, `/admin/elections/${id}/scrutiny?done=decrypting`)).text();
    expect(page).toContain('已封存，加密总和已固定。现在需要受托人解密总数。');
    expect(page).toContain('已有 0 位受托人完成解密，需要 2 位（共 3 位）。');
    expect(page).toContain('如果能解密的受托人少于 2 位');
    expect(page).toContain('能解密的受托人少于 2 位（已解密 0 位），无法解密总数。</textarea>');
    expect(page).not.toContain('重新合成结果');
    const mine = await (await get(trustees[0]!, `/admin/elections/${id}/scrutiny`)).text();
    expect(mine).toContain(`href="/scrutiny/elections/${id}/decryption"`);
    // While decrypting, no result is public and the other pages still answer.
    expect((await t.app.request(`/elections/${id}/result`)).status).toBe(404);
    expect((await t.app.request(`/elections/${id}/record.json`)).status).toBe(404);
    expect((await t.app.request(`/api/elections/${id}`)).status).toBe(200);
    expect((await get(mishu, `/elections/${id}/display`)).status).toBe(200);
    expect((await get(mishu, `/admin/elections/${id}`)).status).toBe(200);
    expect((await get(trustees[0]!, '/scrutiny')).status).toBe(200);
  });

  it('shows a trustee the decryption page and its data, and refuses anyone else', async () => {
    const page = await (await get(trustees[0]!, base())).text();
    expect(page).toContain('已有 0 位受托人完成解密，需要 2 位（共 3 位）。');
    expect(page).toContain('您是第 1 位受托人。投票名册记录以电子方式投票 8 人，封存的电子选票应正是 8 张。');
    expect(page).toMatch(/<script type="module" src="\/assets\/decryption\.js\?v=[0-9a-f]{12}"><\/script>/);
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const module = await t.app.request(/src="(\/assets\/decryption\.js\?v=[0-9a-f]{12})"/.exec(page)![1]!);
    expect(module.status).toBe(200);
    expect(await module.text()).toContain('decryption-trustee');

    const data = await (await get(trustees[0]!, `${base()}.json`)).json() as { index: number; contextId: string; threshold: number; publicKey: string; trustees: { index: number; publicShare: string }[]; ballots: unknown[]; aggregate: unknown; spec: unknown };
    expect(data).toMatchObject({ index: 1, contextId: ceremony.contextId, threshold: 2, publicKey: ceremony.publicKey, spec: target.spec });
    expect(data.trustees.map((x) => x.publicShare)).toEqual(ceremony.publicShares);
    expect(data.ballots).toHaveLength(8);
    expect(data.aggregate).toEqual(await storedAggregate());

    const jp9 = await f.account('jp9').cookie();
    expect((await get(jp9, base())).status).toBe(403);
    expect((await get(jp9, `${base()}.json`)).status).toBe(403);
    expect((await get(mishu, base())).status).toBe(403);
    const refused = await postPartial(jp9, partialOf(1, await storedAggregate()));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ ok: false, error: 'not-trustee', message: '您不是本次表决的受托人。' });
  });

  it('refuses a wrong share, a bad proof, a share in another trustee\'s name and malformed input, each with its message, storing nothing', async () => {
    const aggregate = await storedAggregate();
    const refusal = async (cookie: string, partial: unknown) => {
      const res = await postPartial(cookie, partial);
      expect(res.status).toBe(422);
      return await res.json() as { ok: boolean; error: string; message: string };
    };
    // Trustee 1 decrypting with trustee 2's share: the proofs do not hold for trustee 1's public share.
    const wrongShare = partialOf(1, aggregate, ceremony.shares[1]!);
    wrongShare.trustee = 1;
    expect(await refusal(trustees[0]!, wrongShare)).toEqual({
      ok: false, error: 'proof-fails', message: '第 1 项“F”的解密证明不成立：部分解密没有保存。请确认使用的是本次表决自己的受托人文件。',
    });
    // A valid partial with one proof changed (option 3, letter N).
    const badProof = partialOf(1, aggregate);
    const s = badProof.shares[2]![2]!.proof.s;
    badProof.shares[2]![2]!.proof.s = (s[0] === '0' ? '1' : '0') + s.slice(1);
    expect((await refusal(trustees[0]!, badProof)).message).toContain('第 3 项“N”的解密证明不成立');
    // A correct partial of trustee 2, posted by trustee 1.
    expect(await refusal(trustees[0]!, partialOf(2, aggregate))).toMatchObject({ error: 'not-yours', message: '只能以自己的名义提交部分解密。' });
    for (const bad of ['{not json', '[]', JSON.stringify({ trustee: 1, shares: aggregate.slice(1).map((row) => row.map(() => ({ d: '00', proof: { c: '00', s: '00' } }))) }),
      JSON.stringify({ ...partialOf(1, aggregate), extra: 1 }), '']) {
      expect(await refusal(trustees[0]!, bad)).toMatchObject({ error: 'malformed', message: '提交的部分解密格式不对。' });
    }
    expect(await refusal(trustees[0]!, 'x'.repeat(60_001))).toMatchObject({ error: 'too-large' });
    expect(await database.db.selectFrom('decryption_partials').select('trustee').where('election_id', '=', id).execute()).toEqual([]);
  });

  it('with k − 1 partials the vote stays decrypting; a second partial from the same trustee is refused', async () => {
    const aggregate = await storedAggregate();
    const res = await postPartial(trustees[1]!, partialOf(2, aggregate));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, trustee: 2, partials: 1, k: 2, combined: false });
    expect(await stateOf()).toBe('decrypting');
    const again = await postPartial(trustees[1]!, partialOf(2, aggregate));
    expect(await again.json()).toMatchObject({ ok: false, error: 'duplicate', message: '您的部分解密已经提交过，不能再提交一次。' });
    // The secretariat cannot combine one partial either.
    const retry = await postForm(t.app, `/admin/elections/${id}/decrypt`, {}, { Cookie: mishu });
    expect(retry.headers.get('location')).toBe(`/admin/elections/${id}/scrutiny?error=too-few-partials`);
    expect(await (await get(mishu, retry.headers.get('location')!)).text()).toContain('提交部分解密的受托人还不够，不能合成结果。');
    expect(await stateOf()).toBe('decrypting');
    // Audited with the trustee, never a share; and write-once.
    const audit = await database.db.selectFrom('audit_log').select('details').where('action', '=', 'election.partial-decryption').execute();
    expect(audit.map((a) => a.details)).toEqual([{ contextId: ceremony.contextId, trustee: 2 }]);
    await expect(database.db.updateTable('decryption_partials').set({ shares: '[]' }).execute()).rejects.toThrow(/write-once/);
    const page = await (await get(trustees[1]!, base())).text();
    expect(page).toContain('您的部分解密已提交并通过核验。');
    expect(page).toMatch(/第 2 位 jp2\S* <span class="chip chip--ok">已解密<\/span>|第 2 位 [^<]+ <span class="chip chip--ok">已解密<\/span>/);
  });

  it('any k of the n trustees give the same totals: the counts of the marks cast', async () => {
    const json = await storedAggregate();
    const aggregate = json.map((row) => row.map(ciphertextFromJson));
    const partials = [1, 2, 3].map((i) => partialOf(i, json));
    const letters = LETTERS['for-against-abstain'];
    const expected = target.spec.optionKeys.map((_, o) => Object.fromEntries(letters.map((l) => [l, ELECTRONIC.filter((m) => m[o] === l).length])));
    for (const pair of [[1, 2], [1, 3], [2, 3]]) {
      const totals = target.spec.optionKeys.map((_, o) => Object.fromEntries(letters.map((l, li) => [l,
        discreteLog(combinePartials(aggregate[o]![li]!, pair.map((i) => ({ index: i, d: decodePoint(partials[i - 1]!.shares[o]![li]!.d) })), 2), 8)])));
      expect(totals, `trustees ${pair.join(' and ')}`).toEqual(expected);
    }
    // One share alone decrypts nothing: k − 1 = 1 partial does not give the totals.
    const alone = discreteLog(combinePartials(aggregate[0]![0]!, [{ index: 1, d: decodePoint(partials[0]!.shares[0]![0]!.d) }], 1), 8);
    expect(alone).toBeUndefined();
  });

  it('the k-th partial combines them: a v2 record that verifies and whose result is the plaintext count of the same marks', async () => {
    const res = await postPartial(trustees[2]!, partialOf(3, await storedAggregate()));
    expect(await res.json()).toEqual({ ok: true, trustee: 3, partials: 2, k: 2, combined: true });
    expect(await stateOf()).toBe('tallied');
    const row = await database.db.selectFrom('election_records').select(['body', 'digest']).where('election_id', '=', id).executeTakeFirstOrThrow();
    const body = JSON.parse(row.body) as Omit<ElectionRecordV2, 'digest' | 'certifications' | 'signature'>;
    expect(body.format).toBe('minsheng-election-record/2');
    expect(body.ballots).toHaveLength(8);
    expect(body.spoiled).toHaveLength(1);
    expect(body.spoiled[0]!.marks).toBe('FAN');
    expect(body.decryption.partials.map((p) => p.trustee)).toEqual([2, 3]);
    expect(body.paper).toEqual({ valid: 1, invalid: { 'too-many-for': 0, unreadable: 1, other: 0 }, counts: [{ F: 1, A: 0, N: 0 }, { F: 1, A: 0, N: 0 }, { F: 0, A: 0, N: 1 }] });
    expect(body.roll).toMatchObject({ electronic: 8, paperIssued: 2, paperReturned: 2 });
    expect(body.crypto.trustees.map((x) => x.name)).toHaveLength(3);
    expect(body.audit.head).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The same marks, counted in plaintext by the v1 rules, give the same result.
    const plain = tally({
      kind: 'selection', rules: body.election.rules, optionIds: target.spec.optionKeys, present: body.roll.present, eligible: body.roll.eligible,
      ballots: [...ELECTRONIC.map((marks) => ({ marks })), { marks: 'FFN' }, { marks: 'FAF', invalid: 'unreadable' as const }],
    });
    expect(body.result).toEqual(plain);
    const verified = verifyRecordV2({ ...body, digest: row.digest, certifications: [], signature: null }, { checker: await sodiumChecker() });
    expect(verified.problems.filter((p) => p.code !== 'signature' && p.code !== 'key')).toEqual([]);
    const audit = await database.db.selectFrom('audit_log').select('details').where('action', '=', 'election.decrypt').executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ digest: row.digest, partials: [2, 3], ballots: 8, paper: 2 });
    // A late partial is refused: the vote is no longer decrypting.
    const late = await postPartial(trustees[0]!, partialOf(1, await storedAggregate()));
    expect(await late.json()).toMatchObject({ error: 'wrong-state', message: '本次表决不在解密阶段，不再接收部分解密。' });
    const summary = (await recordSummary(database.db, id))!;
    expect(summary.ballotCount).toBe(8);
    expect(summary.body.result).toEqual(plain);
  });

  it('is certified, published and served as a v2 record.json that npm run verify accepts with the signing key', { timeout: 240_000 }, async () => {
    const summary = (await recordSummary(database.db, id))!;
    for (const cookie of trustees.slice(0, 2)) {
      const res = await postForm(t.app, `/admin/elections/${id}/certify`, { digest: summary.digest }, { Cookie: cookie });
      expect(res.headers.get('location')).toContain('done=certified');
    }
    expect((await postForm(t.app, `/admin/elections/${id}/publish`, {}, { Cookie: mishu })).headers.get('location')).toContain('done=published');
    const served = await t.app.request(`/elections/${id}/record.json`);
    expect(served.status).toBe(200);
    const text = await served.text();
    const record = JSON.parse(text) as ElectionRecordV2;
    expect(record.format).toBe('minsheng-election-record/2');
    expect(record.signature).toMatchObject({ alg: 'ed25519' });
    expect(verifyRecordV2(record, { checker: await sodiumChecker() }).ok).toBe(true);
    // Public pages read the record as for version 1.
    const result = await (await t.app.request(`/elections/${id}/result`)).text();
    expect(result).toContain(f.candidates[0]!.name);
    expect((await get(mishu, `/elections/${id}/display`)).status).toBe(200);
    expect((await t.app.request(`/elections/${id}/result.csv`)).status).toBe(200);

    const key = /SHA-256 fingerprint \(of the DER public key\): ([0-9a-f]{64})/.exec(await (await t.app.request('/.well-known/minsheng-signing-key')).text())![1]!;
    writeFileSync(join(dir, 'record.json'), text);
    const ok = await runTs('scripts/verify.ts', {}, [join(dir, 'record.json'), '--key', key], 180_000);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('electronic ballots 8: every tracker and proof checked');
    expect(ok.stdout).toContain('OK: the recount matches, the digest, certifications and signature verify.');
  });

  it('voids a vote fewer than k trustees can decrypt, with that reason, and holds it again in encrypted mode with a new ceremony', async () => {
    const other = (await createElection(database.db, f.acting, {
      meetingId: f.meetingId, kind: 'selection', title: '第二次票决', marking: 'for-against-abstain', seats: 2, passBase: 'valid-ballots', note: '测试',
      options: f.candidates.map((c, i) => ({ key: `c0${i + 1}`, title: c.name, candidateId: c.id })), scrutineers: ['D001', 'D002', 'D003'].map((c) => f.deputyId(c)),
    })).id;
    await setBallotMode(database.db, f.acting, other, { mode: 'encrypted', threshold: 2 });
    const c2 = await runCeremonyForTest(database.db, t.clock, other, ['jp1', 'jp2', 'jp3'].map((u) => ({ userId: f.account(u).id, name: u })));
    expect((await postForm(t.app, `/admin/elections/${other}/open`, {}, { Cookie: mishu })).headers.get('location')).toContain('done=opened');
    const t2: EncryptionTarget = { electionId: other, publicKey: c2.publicKey, contextId: c2.contextId, spec: target.spec };
    await castEncryptedForTest(database.db, t.clock, t2, f.deputyId('D004'), 'FAN');
    await castEncryptedForTest(database.db, t.clock, t2, f.deputyId('D005'), 'NNN');
    expect((await postForm(t.app, `/admin/elections/${other}/close`, {}, { Cookie: mishu })).status).toBe(303);
    expect((await postForm(t.app, `/admin/elections/${other}/seal`, {}, { Cookie: mishu })).headers.get('location')).toContain('done=decrypting');
    const agg = await storedAggregate(other);
    const one = partialForTest({ publicKey: c2.publicKey, contextId: c2.contextId, marking: 'for-against-abstain' }, 1, c2.shares[0]!, agg);
    expect((await postOnce(t.app, `/scrutiny/elections/${other}/decryption`, { partial: JSON.stringify(one) }, { Cookie: trustees[0]! })).status).toBe(200);
    // A file of the first vote does not decrypt the second (another key, another context id).
    const foreign = partialForTest({ publicKey: c2.publicKey, contextId: c2.contextId, marking: 'for-against-abstain' }, 2, ceremony.shares[1]!, agg);
    expect((await (await postOnce(t.app, `/scrutiny/elections/${other}/decryption`, { partial: JSON.stringify(foreign) }, { Cookie: trustees[1]! })).json() as { error: string }).error).toBe('proof-fails');

    const page = await (await get(mishu, `/admin/elections/${other}/scrutiny`)).text();
    const reason = /<textarea id="f-reason"[^>]*>([^<]*)<\/textarea>/.exec(page)![1]!;
    expect(reason).toBe('能解密的受托人少于 2 位（已解密 1 位），无法解密总数。');
    expect((await postForm(t.app, `/admin/elections/${other}/void`, { reason }, { Cookie: mishu })).headers.get('location')).toContain('done=voided');
    expect(await stateOf(other)).toBe('void');
    expect((await database.db.selectFrom('elections').select('void_reason').where('id', '=', other).executeTakeFirstOrThrow()).void_reason).toBe(reason);
    const late = await postOnce(t.app, `/scrutiny/elections/${other}/decryption`, { partial: JSON.stringify(partialForTest({ publicKey: c2.publicKey, contextId: c2.contextId, marking: 'for-against-abstain' }, 2, c2.shares[1]!, agg)) }, { Cookie: trustees[1]! });
    expect((await late.json() as { error: string }).error).toBe('wrong-state');

    const rerun = await postForm(t.app, `/admin/elections/${other}/rerun`, {}, { Cookie: mishu });
    const rerunId = Number(/\/admin\/elections\/(\d+)\?done=rerun/.exec(rerun.headers.get('location') ?? '')![1]);
    const e = await database.db.selectFrom('elections').select(['state', 'ballot_mode', 'trustee_threshold', 'rerun_of']).where('id', '=', rerunId).executeTakeFirstOrThrow();
    expect(e).toEqual({ state: 'draft', ballot_mode: 'encrypted', trustee_threshold: 2, rerun_of: other });
    expect(await currentCeremony(database.db, rerunId)).toBeUndefined();
    expect((await postForm(t.app, `/admin/elections/${rerunId}/open`, {}, { Cookie: mishu })).headers.get('location')).toBe(`/admin/elections/${rerunId}?error=ceremony-incomplete`);
  });

  it('a combination interrupted after k partials were stored is retried from the scrutiny page', async () => {
    const third = (await createElection(database.db, f.acting, {
      meetingId: f.meetingId, kind: 'selection', title: '第三次票决', marking: 'for-against-abstain', seats: 2, passBase: 'valid-ballots', note: '测试',
      options: f.candidates.map((c, i) => ({ key: `c0${i + 1}`, title: c.name, candidateId: c.id })), scrutineers: ['D001', 'D002', 'D003'].map((c) => f.deputyId(c)),
    })).id;
    await setBallotMode(database.db, f.acting, third, { mode: 'encrypted', threshold: 2 });
    const c3 = await runCeremonyForTest(database.db, t.clock, third, ['jp1', 'jp2', 'jp3'].map((u) => ({ userId: f.account(u).id, name: u })));
    expect((await postForm(t.app, `/admin/elections/${third}/open`, {}, { Cookie: mishu })).headers.get('location')).toContain('done=opened');
    await castEncryptedForTest(database.db, t.clock, { electionId: third, publicKey: c3.publicKey, contextId: c3.contextId, spec: target.spec }, f.deputyId('D006'), 'FFA');
    expect((await postForm(t.app, `/admin/elections/${third}/close`, {}, { Cookie: mishu })).status).toBe(303);
    expect((await postForm(t.app, `/admin/elections/${third}/seal`, {}, { Cookie: mishu })).headers.get('location')).toContain('done=decrypting');
    // Two partials stored, as if the server stopped between storing the second and combining them.
    const agg = await storedAggregate(third);
    for (const i of [1, 3]) {
      const p = partialForTest({ publicKey: c3.publicKey, contextId: c3.contextId, marking: 'for-against-abstain' }, i, c3.shares[i - 1]!, agg);
      await database.db.insertInto('decryption_partials').values({ election_id: third, trustee: i, shares: JSON.stringify(p.shares), received_at: t.clock.now() }).execute();
    }
    const page = await (await get(mishu, `/admin/elections/${third}/scrutiny`)).text();
    expect(page).toContain('已有 2 位受托人完成解密，需要 2 位（共 3 位）。');
    expect(page).toContain('重新合成结果');
    const asked = await postOnce(t.app, `/admin/elections/${third}/decrypt`, {}, { Cookie: mishu });
    expect(await asked.text()).toContain('将合成 2 位受托人的部分解密');
    expect(await stateOf(third)).toBe('decrypting');
    const retry = await postForm(t.app, `/admin/elections/${third}/decrypt`, {}, { Cookie: mishu });
    expect(retry.headers.get('location')).toBe(`/admin/elections/${third}/scrutiny?done=decrypted`);
    expect(await stateOf(third)).toBe('tallied');
    expect((await recordSummary(database.db, third))!.body.result.options.map((o) => o.counts)).toEqual([{ F: 1, A: 0, N: 0 }, { F: 1, A: 0, N: 0 }, { F: 0, A: 1, N: 0 }]);
  });
});
