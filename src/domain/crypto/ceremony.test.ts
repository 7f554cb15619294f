import { describe, expect, it } from 'vitest';
import {
  ceremonyStatus, confirmationLabel, dealForCeremony, dealingSignatureLabel, signedDealingToJson, electionIdOf, newContextId, provePossession, receiveForCeremony,
  signedDealingFromJson, startTrustee, verifyPossession, type CeremonyMessages, type CeremonyParameters, type ConfirmationJson,
  type SignedDealingJson,
} from './ceremony.ts';
import { encrypt, discreteLog, sum } from './elgamal.ts';
import { electionKeyFingerprint, FINGERPRINT_PATTERN } from './fingerprint.ts';
import { G, decodePoint, encodePoint, mod, mulSecret, randomScalar } from './group.ts';
import { proveDecryption, proveKnowledge, simpleProofToJson, verifyDecryption } from './proofs.ts';
import { seededRng } from './test-fixtures.ts';
import { combinePartials, combineRaw, jointPublicKey, publicShare } from './threshold.ts';
import {
  envelopeFromJson, envelopeLabel, envelopeToJson, exchangeKeyFromJson, makeComplaint, makeExchangeKey, exchangeKeyToJson, sealShare,
  complaintToJson, type EnvelopeJson, type ExchangeKeyJson,
} from './transport.ts';
import { openTrusteeFile, sealTrusteeFile, TrusteeFileError } from './trustee-file.ts';

const rng = seededRng('ceremony');

/** One trustee's browser: its own secrets, never shared with the others or the "server". */
interface Browser {
  index: number;
  exchangeSecret: bigint;
  passphrase: string;
}

/** The published messages (what the server stores) and every trustee's browser state. */
interface Run {
  p: CeremonyParameters;
  browsers: Browser[];
  messages: { exchangeKeys: ExchangeKeyJson[]; dealings: SignedDealingJson[]; envelopes: EnvelopeJson[]; complaints: unknown[]; confirmations: ConfirmationJson[] };
}

function start(k: number, n: number): Run {
  const p = { contextId: newContextId('42', rng), k, n };
  const browsers: Browser[] = [];
  const exchangeKeys: ExchangeKeyJson[] = [];
  for (let i = 1; i <= n; i++) {
    const t = startTrustee(p, i, rng);
    browsers.push({ index: i, exchangeSecret: t.exchangeSecret, passphrase: `trustee ${i} passphrase 正确马电池` });
    exchangeKeys.push(t.message);
  }
  return { p, browsers, messages: { exchangeKeys, dealings: [], envelopes: [], complaints: [], confirmations: [] } };
}

async function dealAll(run: Run): Promise<string[]> {
  const fingerprints: string[] = [];
  for (const b of run.browsers) {
    const out = await dealForCeremony(run.p, b.index, b.exchangeSecret, run.messages.exchangeKeys, rng);
    run.messages.dealings.push(out.dealing);
    run.messages.envelopes.push(...out.envelopes);
    fingerprints.push(out.exchangeFingerprint);
  }
  return fingerprints;
}

function envelopesFor(run: Run, i: number): EnvelopeJson[] {
  return run.messages.envelopes.filter((e) => e.recipient === i);
}

async function receiveAll(run: Run) {
  const outcomes = [];
  for (const b of run.browsers) {
    const out = await receiveForCeremony(run.p, b.index, b.exchangeSecret, run.messages.exchangeKeys, run.messages.dealings, envelopesFor(run, b.index), rng);
    if (out.ok) run.messages.confirmations.push(out.confirmation);
    else if (out.complaint) run.messages.complaints.push(out.complaint);
    outcomes.push(out);
  }
  return outcomes;
}

function subsets<T>(xs: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  if (xs.length < size) return [];
  const [head, ...rest] = xs;
  return [...subsets(rest, size - 1).map((s) => [head!, ...s]), ...subsets(rest, size)];
}

const NONCE = '0123456789abcdef0123456789abcdef';

describe.each([[2, 3], [3, 5]])('a full key ceremony, k = %i of n = %i', (k, n) => {
  // Several hundred group operations and a dozen PBKDF2 runs: seconds on a busy machine.
  it('runs every trustee with its own secrets to one election key that k can use and k − 1 cannot', { timeout: 120_000 }, async () => {
    const run = start(k, n);
    expect(electionIdOf(run.p.contextId)).toBe('42');

    // (1) exchange keys: the ceremony waits for each in turn.
    const partial: CeremonyMessages = { ...run.messages, exchangeKeys: run.messages.exchangeKeys.slice(1) };
    expect(await ceremonyStatus(run.p, partial)).toEqual({ state: 'waiting', phase: 'exchange', missing: [{ trustee: 1, what: 'exchange-key' }] });

    // (2) dealing: every browser sees the same exchange-keys fingerprint as the server.
    const exchangeFingerprints = await dealAll(run);
    const afterDealing = await ceremonyStatus(run.p, run.messages);
    expect(afterDealing).toMatchObject({ state: 'waiting', phase: 'confirmation' });
    expect(afterDealing.state === 'waiting' && afterDealing.missing.map((m) => m.trustee)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(new Set(exchangeFingerprints)).toEqual(new Set([afterDealing.state === 'waiting' ? afterDealing.exchangeFingerprint : '']));
    const lastDealerMissing = await ceremonyStatus(run.p, { ...run.messages, envelopes: run.messages.envelopes.filter((e) => !(e.dealer === n && e.recipient === 1)) });
    expect(lastDealerMissing).toMatchObject({ state: 'waiting', phase: 'dealing', missing: [{ trustee: n, what: 'envelope', recipient: 1 }] });

    // (3) every trustee opens its envelopes and confirms the same fingerprint.
    const outcomes = await receiveAll(run);
    const secretShares = outcomes.map((o) => (o.ok ? o.secretShare : -1n));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const status = await ceremonyStatus(run.p, run.messages);
    if (status.state !== 'complete') throw new Error(JSON.stringify(status));
    const dealings = run.messages.dealings.map((d) => signedDealingFromJson(d).dealing);
    const y = jointPublicKey(dealings);
    expect(status.publicKey).toBe(encodePoint(y));
    expect(status.fingerprint).toBe(electionKeyFingerprint(run.p.contextId, y));
    expect(status.fingerprint).toMatch(FINGERPRINT_PATTERN);
    for (const o of outcomes) if (o.ok) expect([o.fingerprint, o.publicKey]).toEqual([status.fingerprint, status.publicKey]);
    expect(status.trustees.map((t) => t.index)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    status.trustees.forEach((t, i) => {
      expect(t.publicShare).toBe(encodePoint(mulSecret(G, secretShares[i]!)));
      expect(t.publicShare).toBe(encodePoint(publicShare(dealings, i + 1)));
      expect(t.dealing.commitments).toEqual(run.messages.dealings[i]!.commitments);
    });

    // Each trustee keeps a passphrase-protected file; it opens with its passphrase and no other.
    const files = await Promise.all(run.browsers.map((b, i) => sealTrusteeFile(
      { contextId: run.p.contextId, electionId: '42', index: b.index, publicShare: status.trustees[i]!.publicShare, publicKey: status.publicKey },
      { secretShare: secretShares[i]! }, b.passphrase, rng,
    )));
    const reloaded: bigint[] = [];
    for (const [i, f] of files.entries()) {
      const opened = await openTrusteeFile(JSON.stringify(f), run.browsers[i]!.passphrase);
      expect(opened.header).toMatchObject({ index: i + 1, publicKey: status.publicKey });
      reloaded.push(opened.content.secretShare!);
    }
    expect(reloaded).toEqual(secretShares);
    await expect(openTrusteeFile(files[0], run.browsers[1]!.passphrase)).rejects.toMatchObject({ code: 'passphrase' });
    await expect(openTrusteeFile(files[1], run.browsers[0]!.passphrase)).rejects.toBeInstanceOf(TrusteeFileError);

    // Before opening, each proves possession of its reloaded share against its public share.
    for (const [i, x] of reloaded.entries()) {
      const proof = provePossession(run.p.contextId, i + 1, x, NONCE, rng);
      expect(verifyPossession(run.p.contextId, i + 1, decodePoint(status.trustees[i]!.publicShare), NONCE, proof)).toBe(true);
    }

    // An encrypted total (three ballots' worth of one letter) decrypts with any k, not with k − 1.
    const ctx = { publicKey: y, contextId: run.p.contextId };
    const total = sum([encrypt(y, 1, randomScalar(rng)), encrypt(y, 0, randomScalar(rng)), encrypt(y, 1, randomScalar(rng)), encrypt(y, 1, randomScalar(rng))]);
    const label = JSON.stringify(['total', 0, 'F']);
    const partials = reloaded.map((x, i) => {
      const { d, proof } = proveDecryption(ctx, label, total, x, rng);
      expect(verifyDecryption(ctx, label, total, decodePoint(status.trustees[i]!.publicShare), d, proof)).toBe(true);
      return { index: i + 1, d };
    });
    for (const group of subsets(partials, k)) expect(discreteLog(combinePartials(total, group, k), 10)).toBe(3);
    for (const group of subsets(partials, k - 1)) {
      expect(() => combinePartials(total, group, k)).toThrow(RangeError);
      expect(discreteLog(total.b.subtract(combineRaw(group)), 1000)).toBeUndefined();
    }
  });
});

describe('faults in a ceremony (k = 2 of n = 3)', { timeout: 60_000 }, () => {
  /** A ceremony through dealing, with trustee 2 (the dealer under test) able to send anything. */
  async function dealt() {
    const run = start(2, 3);
    await dealAll(run);
    return run;
  }

  /** Dealer d replaces its envelope for j with one it signs itself (a dishonest dealer). */
  async function replaceEnvelope(run: Run, d: number, j: number, share: bigint) {
    const key = exchangeKeyFromJson(run.messages.exchangeKeys[j - 1]).key;
    const e = await sealShare(run.p.contextId, d, run.browsers[d - 1]!.exchangeSecret, j, key, share, rng);
    run.messages.envelopes = run.messages.envelopes.map((x) => (x.dealer === d && x.recipient === j ? envelopeToJson(e) : x));
  }

  it('a dealer sending a bad share: the recipient complains and the ceremony stops naming that dealer', async () => {
    const run = await dealt();
    await replaceEnvelope(run, 2, 3, 12345n);
    const outcomes = await receiveAll(run);
    expect(outcomes[2]).toMatchObject({ ok: false, dealer: 2 });
    expect(outcomes[0]!.ok && outcomes[1]!.ok).toBe(true);
    const status = await ceremonyStatus(run.p, run.messages);
    expect(status).toMatchObject({ state: 'failed', faults: [{ kind: 'share', trustee: 2 }] });
    expect(status.state === 'failed' && status.faults).toHaveLength(1);
    expect(status.state === 'failed' && status.faults[0]!.reason).toMatch(/trustee 2's share for trustee 3 does not match/);
  });

  it('a dealer sending an envelope that does not decrypt is named too', async () => {
    const run = await dealt();
    const genuine = envelopeFromJson(run.messages.envelopes.find((e) => e.dealer === 1 && e.recipient === 2));
    const garbage = new Uint8Array(48).fill(7);
    const signature = proveKnowledge(run.p.contextId, envelopeLabel(1, 2, genuine.ephemeral, genuine.iv, garbage), run.browsers[0]!.exchangeSecret, rng);
    run.messages.envelopes = run.messages.envelopes.map((x) => (x.dealer === 1 && x.recipient === 2 ? envelopeToJson({ ...genuine, ciphertext: garbage, signature }) : x));
    const outcomes = await receiveAll(run);
    expect(outcomes[1]).toMatchObject({ ok: false, dealer: 1, reason: "trustee 1's envelope does not open" });
    expect(await ceremonyStatus(run.p, run.messages)).toMatchObject({ state: 'failed', faults: [{ kind: 'share', trustee: 1, reason: "trustee 1's envelope for trustee 2 does not decrypt" }] });
  });

  it('a false complaint about a valid share names the complainer', async () => {
    const run = await dealt();
    await receiveAll(run);
    const envelope = envelopeFromJson(envelopesFor(run, 3).find((e) => e.dealer === 1));
    run.messages.complaints.push(complaintToJson(makeComplaint(run.p.contextId, envelope, run.browsers[2]!.exchangeSecret, rng)));
    const status = await ceremonyStatus(run.p, run.messages);
    expect(status).toMatchObject({ state: 'failed', faults: [{ kind: 'complaint', trustee: 3 }] });
    expect(status.state === 'failed' && status.faults[0]!.reason).toBe("trustee 3 complained about a valid share from trustee 1");
  });

  it('a complaint revealing a key the complainer cannot prove names the complainer, not the dealer', async () => {
    const run = await dealt();
    await replaceEnvelope(run, 2, 3, 999n);
    const envelope = envelopeFromJson(envelopesFor(run, 3).find((e) => e.dealer === 2));
    // Trustee 1 pretends to be trustee 3 complaining, with its own secret.
    const forged = makeComplaint(run.p.contextId, envelope, run.browsers[0]!.exchangeSecret, rng);
    run.messages.complaints.push(complaintToJson(forged));
    expect(await ceremonyStatus(run.p, run.messages)).toMatchObject({ state: 'failed', faults: [{ kind: 'complaint', trustee: 3, reason: expect.stringMatching(/cannot prove/) }] });
  });

  it('a relay substituting an envelope is detected by the recipient and by the state machine', async () => {
    const run = await dealt();
    // The relay re-encrypts a share of its choosing to trustee 3 and signs with a key of its own.
    const relay = makeExchangeKey(run.p.contextId, 1, rng);
    const e3 = exchangeKeyFromJson(run.messages.exchangeKeys[2]).key;
    const forged = await sealShare(run.p.contextId, 1, relay.secret, 3, e3, 5n, rng);
    run.messages.envelopes = run.messages.envelopes.map((x) => (x.dealer === 1 && x.recipient === 3 ? envelopeToJson(forged) : x));
    await expect(receiveForCeremony(run.p, 3, run.browsers[2]!.exchangeSecret, run.messages.exchangeKeys, run.messages.dealings, envelopesFor(run, 3), rng))
      .rejects.toThrow(/not signed by trustee 1: the relay changed it/);
    expect(await ceremonyStatus(run.p, run.messages)).toMatchObject({ state: 'failed', faults: [{ kind: 'relay', trustee: null }] });

    // One flipped bit of a genuine envelope is caught the same way.
    const again = await dealt();
    again.messages.envelopes = again.messages.envelopes.map((x) => (x.dealer === 2 && x.recipient === 1 ? { ...x, ciphertext: (x.ciphertext[0] === '0' ? '1' : '0') + x.ciphertext.slice(1) } : x));
    await expect(receiveForCeremony(again.p, 1, again.browsers[0]!.exchangeSecret, again.messages.exchangeKeys, again.messages.dealings, envelopesFor(again, 1), rng)).rejects.toThrow(/relay/);
    expect(await ceremonyStatus(again.p, again.messages)).toMatchObject({ state: 'failed', faults: [{ kind: 'relay', trustee: null }] });
  });

  it('a relay changing a commitment the constant-term proof does not cover is caught by the dealing signature', async () => {
    const run = await dealt();
    run.messages.dealings = run.messages.dealings.map((d) => (d.dealer === 2 ? { ...d, commitments: [d.commitments[0]!, encodePoint(mulSecret(G, 77n))] } : d));
    await expect(receiveForCeremony(run.p, 1, run.browsers[0]!.exchangeSecret, run.messages.exchangeKeys, run.messages.dealings, envelopesFor(run, 1), rng)).rejects.toThrow(/relay/);
    expect(await ceremonyStatus(run.p, run.messages)).toMatchObject({ state: 'failed', faults: [{ kind: 'relay', trustee: null }] });
  });

  it('a dealing its dealer signed but with too few commitments names the dealer', async () => {
    const run = await dealt();
    const d2 = signedDealingFromJson(run.messages.dealings[1]).dealing;
    const short = d2.commitments.slice(0, 1);
    const signature = proveKnowledge(run.p.contextId, dealingSignatureLabel(2, short), run.browsers[1]!.exchangeSecret, rng);
    run.messages.dealings[1] = signedDealingToJson({ dealing: { ...d2, commitments: short }, signature });
    expect(await receiveForCeremony(run.p, 1, run.browsers[0]!.exchangeSecret, run.messages.exchangeKeys, run.messages.dealings, envelopesFor(run, 1), rng))
      .toMatchObject({ ok: false, dealer: 2, reason: 'dealer 2: 1 commitments for k = 2' });
    expect(await ceremonyStatus(run.p, run.messages)).toMatchObject({ state: 'failed', faults: [{ kind: 'dealing', trustee: 2 }] });
  });

  it('a relay showing one trustee a substituted exchange key gives that trustee another fingerprint', async () => {
    const run = start(2, 3);
    const fake = exchangeKeyToJson(makeExchangeKey(run.p.contextId, 2, rng).published);
    const seenBy1 = run.messages.exchangeKeys.map((k) => (k.trustee === 2 ? fake : k));
    const honest = await dealForCeremony(run.p, 3, run.browsers[2]!.exchangeSecret, run.messages.exchangeKeys, rng);
    const fooled = await dealForCeremony(run.p, 1, run.browsers[0]!.exchangeSecret, seenBy1, rng);
    expect(fooled.exchangeFingerprint).not.toBe(honest.exchangeFingerprint);
  });

  it('a confirmation of another fingerprint, or without the key share, stops the ceremony and names the trustee', async () => {
    const run = await dealt();
    await receiveAll(run);
    const good = await ceremonyStatus(run.p, run.messages);
    expect(good.state).toBe('complete');
    const other = 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345';
    const wrongPrint = run.messages.confirmations.map((c) => (c.trustee === 2 ? { ...c, fingerprint: other } : c));
    expect(await ceremonyStatus(run.p, { ...run.messages, confirmations: wrongPrint })).toMatchObject({ state: 'failed', faults: [{ kind: 'confirmation', trustee: 2 }] });
    const c1 = run.messages.confirmations[0]!;
    const unproven = { ...c1, proof: simpleProofToJson(proveKnowledge(run.p.contextId, confirmationLabel(1, c1.fingerprint, c1.exchangeFingerprint), 4242n, rng)) };
    expect(await ceremonyStatus(run.p, { ...run.messages, confirmations: [unproven, ...run.messages.confirmations.slice(1)] }))
      .toMatchObject({ state: 'failed', faults: [{ kind: 'confirmation', trustee: 1, reason: expect.stringMatching(/does not prove/) }] });
  });

  it('messages of another ceremony do not verify in this one', async () => {
    const run = await dealt();
    const other = { ...run.p, contextId: newContextId('42', rng) };
    expect(await ceremonyStatus(other, run.messages)).toMatchObject({ state: 'failed', faults: [{ kind: 'exchange', trustee: 1 }, { kind: 'exchange', trustee: 2 }, { kind: 'exchange', trustee: 3 }] });
  });

  it('refuses parameters outside 2 ≤ k ≤ n and malformed context ids', async () => {
    const empty = { exchangeKeys: [], dealings: [], envelopes: [], complaints: [], confirmations: [] };
    const contextId = newContextId('7', rng);
    await expect(ceremonyStatus({ contextId, k: 1, n: 3 }, empty)).rejects.toThrow(RangeError);
    await expect(ceremonyStatus({ contextId, k: 4, n: 3 }, empty)).rejects.toThrow(RangeError);
    await expect(ceremonyStatus({ contextId: 'election-7', k: 2, n: 3 }, empty)).rejects.toThrow(RangeError);
    expect(() => newContextId('a/b', rng)).toThrow(RangeError);
    expect(contextId).toMatch(/^minsheng\/election\/7\/[0-9a-f]{32}$/);
  });
});

describe('proof of possession', () => {
  const contextId = newContextId('9', rng);
  const x = randomScalar(rng);
  const y = mulSecret(G, x);
  const proof = provePossession(contextId, 2, x, NONCE, rng);

  it('accepts the trustee with its share, its index and the server\'s nonce', () => {
    expect(verifyPossession(contextId, 2, y, NONCE, proof)).toBe(true);
  });

  it('rejects a wrong nonce, a wrong index, a wrong share, another ceremony or a malformed nonce', () => {
    expect(verifyPossession(contextId, 2, y, 'f'.repeat(32), proof)).toBe(false);
    expect(verifyPossession(contextId, 3, y, NONCE, proof)).toBe(false);
    expect(verifyPossession(contextId, 2, y, NONCE, provePossession(contextId, 2, mod(x + 1n), NONCE, rng))).toBe(false);
    expect(verifyPossession(newContextId('9', rng), 2, y, NONCE, proof)).toBe(false);
    expect(verifyPossession(contextId, 2, y, NONCE.toUpperCase(), proof)).toBe(false);
    expect(() => provePossession(contextId, 2, x, 'abc', rng)).toThrow(RangeError);
  });
});
