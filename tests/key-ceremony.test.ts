import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBallotMode } from '../src/ceremonies/store.ts';
import {
  dealForCeremony, decodePoint, envelopeToJson, provePossession as makePossessionProof, receiveForCeremony,
  sealShare, simpleProofToJson, startTrustee, type EnvelopeJson, type ExchangeKeyJson, type SignedDealingJson,
} from '../src/domain/crypto/index.ts';
import { createElection, nameScrutineers } from '../src/elections/store.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { testApp } from './support/app.ts';
import { postForm, postOnce } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture, type Fixture } from './support/fixtures.ts';

/**
 * The key ceremony through HTTP (docs/key-ceremony.md): three trustees, each simulated in Node with
 * the protocol's own functions, post their messages as form fields the way their browsers do; the
 * server checks, stores and judges them; the election opens only after a complete ceremony and a
 * proof of possession by every trustee.
 */
describe.each(testEngines())('key ceremony over HTTP on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let f: Fixture;
  let mishu: string;
  const cookies: string[] = [];
  const TRUSTEES = ['jp1', 'jp2', 'jp3'];

  const base = () => `/scrutiny/elections/${f.electionId}/ceremony`;
  const post = (who: string, path: string, fields: Record<string, string>) => postOnce(t.app, path, fields, { Cookie: who });
  const publish = (i: number, kind: string, message: unknown) => post(cookies[i - 1]!, `${base()}/messages`, { kind, message: JSON.stringify(message) });
  async function messages(i: number) {
    const res = await t.app.request(`${base()}/messages.json`, { headers: { Cookie: cookies[i - 1]! } });
    expect(res.status).toBe(200);
    return await res.json() as {
      contextId: string; k: number; n: number; index: number; exchangeKeys: ExchangeKeyJson[]; dealings: SignedDealingJson[]; envelopes: EnvelopeJson[];
      status: { state: string; faults?: { kind: string; trustee: number | null; reason: string }[]; fingerprint?: string; exchangeFingerprint?: string };
    };
  }
  const auditOf = async (action: string) => database.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', action).orderBy('id').execute();
  const adminPage = async () => (await t.app.request(`/admin/elections/${f.electionId}`, { headers: { Cookie: mishu } })).text();

  /** Runs the exchange and the dealing for every trustee; `tamper` may change what trustee `dealer` sends to `recipient`. */
  async function exchangeAndDeal(tamper?: { dealer: number; recipient: number }) {
    const secrets: bigint[] = [];
    const params = await messages(1);
    const p = { contextId: params.contextId, k: params.k, n: params.n };
    for (let i = 1; i <= 3; i++) {
      const { exchangeSecret, message } = startTrustee(p, i);
      secrets.push(exchangeSecret);
      const res = await publish(i, 'exchange-key', message);
      expect(res.status, await res.clone().text()).toBe(200);
    }
    for (let i = 1; i <= 3; i++) {
      const { exchangeKeys } = await messages(i);
      const dealt = await dealForCeremony(p, i, secrets[i - 1]!, exchangeKeys);
      expect((await publish(i, 'dealing', dealt.dealing)).status).toBe(200);
      for (const e of dealt.envelopes) {
        let sent = e;
        if (tamper && tamper.dealer === i && tamper.recipient === e.recipient) {
          // A dealer that sends a share that does not fit its commitments, properly sealed and signed by itself.
          const recipientKey = exchangeKeys.find((k) => k.trustee === e.recipient)!;
          sent = envelopeToJson(await sealShare(p.contextId, i, secrets[i - 1]!, e.recipient, decodePoint(recipientKey.key), 12345n));
        }
        expect((await publish(i, 'envelope', sent)).status).toBe(200);
      }
    }
    return { p, secrets };
  }

  beforeAll(async () => {
    database = await engine.open();
    t = testApp(database, { SIGNING_KEY_SECRET: 'ceremony-test-signing-secret-0123456789abcdef' });
    f = await buildFixture(database, t.clock, {
      deputies: 9, candidates: 3, present: 9, election: { seats: 2, scrutineers: ['D001', 'D002', 'D003'] },
      accounts: [
        { username: 'mishu', roles: ['secretariat'] },
        { username: 'jp1', roles: ['scrutineer', 'deputy'], deputyCode: 'D001' },
        { username: 'jp2', roles: ['scrutineer', 'deputy'], deputyCode: 'D002' },
        { username: 'jp3', roles: ['scrutineer', 'deputy'], deputyCode: 'D003' },
        { username: 'jp9', roles: ['scrutineer', 'deputy'], deputyCode: 'D009' },
      ],
    });
    mishu = await f.account('mishu').cookie();
    for (const u of TRUSTEES) cookies.push(await f.account(u).cookie());
  });
  afterAll(() => database.close());

  it('refuses to start a ceremony for a vote in plaintext mode, translated', async () => {
    const res = await post(mishu, `/admin/elections/${f.electionId}/ceremony/start`, {});
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/admin/elections/${f.electionId}?error=not-encrypted&ceremony=1`);
    const page = await (await t.app.request(res.headers.get('location')!, { headers: { Cookie: mishu } })).text();
    expect(page).toContain('本次表决不使用加密选票，无需密钥仪式。');
  });

  it('refuses a threshold above the named scrutineers, then sets encrypted mode with k = 2', async () => {
    await expect(setBallotMode(database.db, f.acting, f.electionId!, { mode: 'encrypted', threshold: 4 })).rejects.toThrow(/threshold/);
    await setBallotMode(database.db, f.acting, f.electionId!, { mode: 'encrypted', threshold: 2 });
    expect(await adminPage()).toContain('尚未开始');
  });

  it('runs a ceremony in which one dealer sends a bad share: the complaint fails it and names the dealer', async () => {
    // Starting is asked first: the page names the trustees in order and k, and nothing starts until confirmed.
    const asked = await post(mishu, `/admin/elections/${f.electionId}/ceremony/start`, {});
    expect(asked.status).toBe(200);
    const question = await asked.text();
    expect(question).toContain('开始密钥仪式？');
    expect(question).toMatch(/1号 [^（]+（D001）、2号 [^（]+（D002）、3号 [^（]+（D003）/);
    expect(question).toContain('解密需要其中2人共同完成');
    expect(await adminPage()).toContain('尚未开始');
    const start = await postForm(t.app, `/admin/elections/${f.electionId}/ceremony/start`, {}, { Cookie: mishu });
    expect(start.headers.get('location')).toBe(`/admin/elections/${f.electionId}?done=ceremony-started`);
    // The names of the scrutineers are fixed from now on.
    await expect(nameScrutineers(database.db, f.acting, f.electionId!, ['D001', 'D002', 'D004'])).rejects.toThrow(/ceremony-started/);

    const { p, secrets } = await exchangeAndDeal({ dealer: 2, recipient: 3 });
    const m3 = await messages(3);
    expect(m3.envelopes).toHaveLength(3);
    const outcome = await receiveForCeremony(p, 3, secrets[2]!, m3.exchangeKeys, m3.dealings, m3.envelopes);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.dealer).toBe(2);
    expect((await publish(3, 'complaint', outcome.complaint)).status).toBe(200);
    const after = await messages(1);
    expect(after.status.state).toBe('failed');
    expect(after.status.faults).toEqual([expect.objectContaining({ kind: 'share', trustee: 2 })]);
    const page = await adminPage();
    expect(page).toContain('已失败');
    expect(page).toContain('第 2 位 代表2：发出的份额有误');
    // A failed ceremony takes no more messages.
    const late = await publish(1, 'confirmation', { trustee: 1, fingerprint: '0000-0000-0000-0000-0000-0000-0000', exchangeFingerprint: '0000-0000-0000-0000-0000-0000-0000', proof: { c: '00', s: '00' } });
    expect(late.status).toBe(422);
    expect(await late.json()).toMatchObject({ ok: false, error: 'not-running', message: '密钥仪式不在进行中，不再接收消息。' });
    expect((await auditOf('ceremony.failed'))[0]!.details).toMatchObject({ faults: [expect.objectContaining({ trustee: 2, kind: 'share' })] });
  });

  it('restarts with a new context id, completes with three confirmations, and opens only after every proof of possession', async () => {
    const before = (await messages(1)).contextId;
    const askedAgain = await (await post(mishu, `/admin/elections/${f.electionId}/ceremony/restart`, {})).text();
    expect(askedAgain).toContain('失败的仪式中的全部消息作废');
    const restart = await postForm(t.app, `/admin/elections/${f.electionId}/ceremony/restart`, {}, { Cookie: mishu });
    expect(restart.headers.get('location')).toBe(`/admin/elections/${f.electionId}?done=ceremony-restarted`);
    const { p, secrets } = await exchangeAndDeal();
    expect(p.contextId).not.toBe(before);

    // Refusals, each translated and writing nothing: a second exchange key, a message in another trustee's name, an unsigned envelope, JSON that is not JSON.
    const again = startTrustee(p, 1);
    expect(await (await publish(1, 'exchange-key', again.message)).json()).toMatchObject({ error: 'duplicate', message: '这条消息已经发布过，不能再发一次。' });
    const inTheirName = startTrustee(p, 2);
    expect(await (await publish(1, 'exchange-key', inTheirName.message)).json()).toMatchObject({ error: 'not-yours' });
    const m1 = await messages(1);
    const forged = { ...m1.envelopes.find((e) => e.recipient === 1)!, recipient: 1, dealer: 1 } as EnvelopeJson;
    forged.ciphertext = forged.ciphertext.replace(/^./, (ch) => (ch === '0' ? '1' : '0'));
    const forgedRes = await publish(1, 'envelope', forged);
    expect(forgedRes.status).toBe(422);
    expect((await forgedRes.json() as { error: string }).error).toMatch(/unsigned|duplicate/);
    const notJson = await post(cookies[0]!, `${base()}/messages`, { kind: 'dealing', message: '{not json' });
    expect(notJson.status).toBe(422);
    expect((await post(cookies[0]!, `${base()}/messages`, { kind: 'nonsense', message: '{}' })).status).toBe(422);

    // Opening is refused before the ceremony completes.
    const early = await postForm(t.app, `/admin/elections/${f.electionId}/open`, {}, { Cookie: mishu });
    expect(early.headers.get('location')).toBe(`/admin/elections/${f.electionId}?error=ceremony-incomplete`);

    const shares: bigint[] = [];
    let fingerprint = '';
    for (let i = 1; i <= 3; i++) {
      const m = await messages(i);
      const outcome = await receiveForCeremony(p, i, secrets[i - 1]!, m.exchangeKeys, m.dealings, m.envelopes);
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) return;
      shares.push(outcome.secretShare);
      fingerprint = outcome.fingerprint;
      expect((await publish(i, 'confirmation', outcome.confirmation)).status).toBe(200);
    }
    const done = await messages(2);
    expect(done.status.state).toBe('complete');
    expect(done.status.fingerprint).toBe(fingerprint);
    const page = await adminPage();
    expect(page).toContain(fingerprint);
    expect(page).toContain(done.status.exchangeFingerprint!);
    expect(page).toContain('大声核对这两个指纹');
    // The fingerprints stand under their own heading; the ceremony id wraps on a phone.
    expect(page).toContain('<h3>核对指纹（大声读出）</h3>');
    expect(page).toMatch(/<code class="digest">[^<]+<\/code>/);

    // Opening waits for every trustee's proof of possession.
    const noProof = await postForm(t.app, `/admin/elections/${f.electionId}/open`, {}, { Cookie: mishu });
    expect(noProof.headers.get('location')).toBe(`/admin/elections/${f.electionId}?error=possession-missing&missing=1%E3%80%812%E3%80%813`);
    for (let i = 1; i <= 3; i++) {
      const issued = await (await post(cookies[i - 1]!, `${base()}/possession/nonce`, {})).json() as { nonce: string; index: number };
      expect(issued.nonce).toMatch(/^[0-9a-f]{32}$/);
      expect(issued.index).toBe(i);
      // A proof for a nonce the server did not issue, and a proof with another share: refused.
      const invented = 'ab'.repeat(16);
      expect((await (await post(cookies[i - 1]!, `${base()}/possession`, { nonce: invented, proof: JSON.stringify(simpleProofToJson(makePossessionProof(p.contextId, i, shares[i - 1]!, invented))) })).json() as { error: string }).error).toBe('nonce-unknown');
      const wrong = simpleProofToJson(makePossessionProof(p.contextId, i, shares[i % 3]!, issued.nonce));
      expect((await (await post(cookies[i - 1]!, `${base()}/possession`, { nonce: issued.nonce, proof: JSON.stringify(wrong) })).json() as { error: string }).error).toBe('proof-fails');
      const proof = JSON.stringify(simpleProofToJson(makePossessionProof(p.contextId, i, shares[i - 1]!, issued.nonce)));
      expect((await post(cookies[i - 1]!, `${base()}/possession`, { nonce: issued.nonce, proof })).status).toBe(200);
      // Single use.
      expect((await (await post(cookies[i - 1]!, `${base()}/possession`, { nonce: issued.nonce, proof })).json() as { error: string }).error).toBe('nonce-used');
      if (i === 2) {
        const partial = await postForm(t.app, `/admin/elections/${f.electionId}/open`, {}, { Cookie: mishu });
        expect(partial.headers.get('location')).toContain('error=possession-missing&missing=3');
      }
    }
    const open = await postForm(t.app, `/admin/elections/${f.electionId}/open`, {}, { Cookie: mishu });
    expect(open.headers.get('location')).toBe(`/admin/elections/${f.electionId}?done=opened`);
  });

  it('refuses other people: an unnamed scrutineer, the secretariat, and a trustee of another election', async () => {
    const jp9 = await f.account('jp9').cookie();
    expect((await t.app.request(`${base()}/messages.json`, { headers: { Cookie: jp9 } })).status).toBe(403);
    expect((await t.app.request(base(), { headers: { Cookie: jp9 } })).status).toBe(403);
    expect((await post(jp9, `${base()}/possession/nonce`, {})).status).toBe(403);
    expect((await post(mishu, `${base()}/messages`, { kind: 'exchange-key', message: '{}' })).status).toBe(403);
    // A trustee of this election is no trustee of another one.
    const other = await createElection(database.db, f.acting, {
      meetingId: f.meetingId, kind: 'selection', title: '另一项票决', marking: 'approval', seats: 1, passBase: 'valid-ballots', note: '测试',
      options: f.candidates.map((c, i) => ({ key: `c0${i + 1}`, title: c.name, candidateId: c.id })), scrutineers: [f.deputyId('D008'), f.deputyId('D009')],
    });
    await setBallotMode(database.db, f.acting, other.id, { mode: 'encrypted', threshold: 2 });
    expect((await postForm(t.app, `/admin/elections/${other.id}/ceremony/start`, {}, { Cookie: mishu })).headers.get('location')).toContain('done=ceremony-started');
    expect((await t.app.request(`/scrutiny/elections/${other.id}/ceremony/messages.json`, { headers: { Cookie: cookies[0]! } })).status).toBe(403);
    expect((await post(cookies[0]!, `/scrutiny/elections/${other.id}/ceremony/messages`, { kind: 'exchange-key', message: '{}' })).status).toBe(403);
    expect((await t.app.request(`/scrutiny/elections/${other.id}/ceremony/messages.json`, { headers: { Cookie: jp9 } })).status).toBe(200);
    // Its trustee finds the ceremony on the scrutiny list, and the page loads its module (no inline script) and explains, without JavaScript, that the steps need it.
    const list = await (await t.app.request('/scrutiny', { headers: { Cookie: jp9 } })).text();
    expect(list).toContain(`href="/scrutiny/elections/${other.id}/ceremony"`);
    const page = await (await t.app.request(`/scrutiny/elections/${other.id}/ceremony`, { headers: { Cookie: jp9 } })).text();
    expect(page).toContain('您是第 2 位受托人（共 2 位，门限 2）。');
    expect(page).toMatch(/<noscript><p class="notice notice--warn">受托人的每一步都在您的浏览器中计算/);
    const script = /<script type="module" src="(\/assets\/ceremony\.js\?v=[0-9a-f]{12})"><\/script>/.exec(page);
    expect(script).not.toBeNull();
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const module = await t.app.request(script![1]!);
    expect(module.status).toBe(200);
    expect(module.headers.get('content-type')).toContain('javascript');
    expect(await module.text()).toContain('ceremony-trustee');
  });

  it('audits every message by kind and trustee, never its content, and keeps the messages write-once', async () => {
    const entries = await auditOf('ceremony.message');
    // Two ceremonies: 3 keys, 3 dealings, 9 envelopes and a complaint; then 3 keys, 3 dealings, 9 envelopes and 3 confirmations.
    expect(entries).toHaveLength(16 + 18);
    for (const e of entries) {
      expect(Object.keys(e.details).sort()).toEqual(expect.arrayContaining(['contextId', 'kind', 'trustee']));
      const text = JSON.stringify(e.details);
      expect(text).not.toMatch(/ciphertext|proof|commitments|"key"|"dh"/);
    }
    expect(await auditOf('ceremony.complete')).toHaveLength(1);
    expect(await auditOf('ceremony.possession')).toHaveLength(3);
    await expect(database.db.updateTable('ceremony_messages').set({ trustee: 2 }).execute()).rejects.toThrow(/write-once/);
    await expect(database.db.deleteFrom('ceremony_messages').execute()).rejects.toThrow(/write-once/);
  });
});
