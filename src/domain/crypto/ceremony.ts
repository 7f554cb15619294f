/**
 * The key ceremony (docs/key-ceremony.md), as pure functions over its published messages: the
 * trustee-side steps a trustee's browser runs with its own secrets, the checks the server runs on
 * what it stores, and `ceremonyStatus`, which says from the stored messages alone what is missing,
 * who is at fault, or that the ceremony is complete with the election key and every public share.
 *
 * Phases: (1) every trustee publishes an exchange key (transport.ts); (2) every trustee deals
 * (threshold.ts), signs its dealing with its exchange key and sends one envelope to every trustee,
 * itself included; (3) every trustee opens its n envelopes and either complains about the first bad
 * one (the ceremony stops and names whoever the complaint shows at fault) or confirms the election
 * key's fingerprint with a proof of its key share. Complete = n valid confirmations, no complaint.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { electionKeyFingerprint, exchangeKeysFingerprint, FINGERPRINT_PATTERN } from './fingerprint.ts';
import { G, Point, decodePoint, defaultRng, encodePoint, mulSecret, type Rng } from './group.ts';
import {
  proveKnowledge, simpleProofFromJson, simpleProofToJson, verifyKnowledge, type SimpleProof, type SimpleProofJson,
} from './proofs.ts';
import { deal, jointPublicKey, publicShare, receiveShares, verifyDealing, verifyShare, type Dealing } from './threshold.ts';
import {
  complaintFromJson, complaintToJson, envelopeFromJson, envelopeToJson, exchangeKeyFromJson, exchangeKeyToJson, judgeComplaint,
  makeComplaint, makeExchangeKey, openShare, sealShare, verifyEnvelopeSignature, verifyExchangeKey,
  type ComplaintJson, type Envelope, type EnvelopeJson, type ExchangeKey, type ExchangeKeyJson,
} from './transport.ts';

// ---------------------------------------------------------------- context id

const NONCE = /^[0-9a-f]{32}$/;

/**
 * A ceremony's context id: `minsheng/election/<electionId>/<32 lower-case hex>`, 128 random bits
 * drawn when the ceremony starts (the record's crypto.contextId). A restarted ceremony draws a new one,
 * so no message of a failed ceremony verifies in the next.
 */
export function newContextId(electionId: string, rng: Rng = defaultRng): string {
  if (!/^[^/\s]+$/.test(electionId)) throw new RangeError('an election id has no "/" or spaces');
  return `minsheng/election/${electionId}/${bytesToHex(rng(16).slice(0, 16))}`;
}

/** The election id inside a context id, or undefined when it is not one. */
export function electionIdOf(contextId: string): string | undefined {
  const m = /^minsheng\/election\/([^/\s]+)\/([0-9a-f]{32})$/.exec(contextId);
  return m ? m[1] : undefined;
}

// ---------------------------------------------------------------- dealings on the wire

/** The label of a dealer's signature over its whole dealing: JSON ["dealing-signature", d, hex C_0, …, hex C_{k−1}]. */
export function dealingSignatureLabel(dealer: number, commitments: readonly Point[]): string {
  return JSON.stringify(['dealing-signature', dealer, ...commitments.map(encodePoint)]);
}

/**
 * A dealer's published dealing: threshold.ts's Dealing (the record keeps commitments and proof) and
 * the dealer's signature with its exchange key over all the commitments, so that the relay cannot
 * change a commitment the constant-term proof does not cover.
 */
export interface SignedDealing {
  dealing: Dealing;
  signature: SimpleProof;
}

/** Wire form: `{ "dealer": d, "commitments": [point × k], "proof": {c, s}, "signature": {c, s} }`. */
export interface SignedDealingJson {
  dealer: number;
  commitments: string[];
  proof: SimpleProofJson;
  signature: SimpleProofJson;
}

export function signedDealingToJson(s: SignedDealing): SignedDealingJson {
  return {
    dealer: s.dealing.dealer, commitments: s.dealing.commitments.map(encodePoint),
    proof: simpleProofToJson(s.dealing.proof), signature: simpleProofToJson(s.signature),
  };
}

/** Parses a dealing's wire form; throws a RangeError on a bad shape or encoding. */
export function signedDealingFromJson(j: unknown): SignedDealing {
  const o = (typeof j === 'object' && j !== null ? j : {}) as Record<string, unknown>;
  if (!Number.isSafeInteger(o.dealer) || (o.dealer as number) < 1) throw new RangeError('dealer is an index ≥ 1');
  if (!Array.isArray(o.commitments)) throw new RangeError('commitments is an array of points');
  return {
    dealing: { dealer: o.dealer as number, commitments: o.commitments.map((c) => decodePoint(c as string)), proof: simpleProofFromJson(o.proof) },
    signature: simpleProofFromJson(o.signature),
  };
}

/**
 * Checks a signed dealing. First the signature by E_d: without it the dealing is not d's (whoever
 * relayed it changed it: `{ ok: false, signed: false }`); then, for a dealing d did sign, k
 * commitments and the constant-term proof (`{ ok: false, signed: true }`: d is at fault).
 */
export function verifySignedDealing(contextId: string, k: number, s: SignedDealing, dealerKey: Point): { ok: true } | { ok: false; signed: boolean; reason: string } {
  if (!verifyKnowledge(contextId, dealingSignatureLabel(s.dealing.dealer, s.dealing.commitments), dealerKey, s.signature)) {
    return { ok: false, signed: false, reason: `the dealing said to be trustee ${s.dealing.dealer}'s is not signed by trustee ${s.dealing.dealer}` };
  }
  const ok = verifyDealing(contextId, k, s.dealing);
  return ok === true ? { ok: true } : { ok: false, signed: true, reason: ok };
}

// ---------------------------------------------------------------- confirmations

/** The label of trustee i's confirmation: JSON ["confirm", i, election-key fingerprint, exchange-keys fingerprint]. */
export function confirmationLabel(trustee: number, fingerprint: string, exchangeFingerprint: string): string {
  return JSON.stringify(['confirm', trustee, fingerprint, exchangeFingerprint]);
}

/**
 * Trustee i confirms the fingerprints its browser computed, with a Schnorr proof of its key share x_i
 * for Y_i: only a trustee whose share matches the public commitments can make it.
 */
export interface Confirmation {
  trustee: number;
  fingerprint: string;
  exchangeFingerprint: string;
  proof: SimpleProof;
}

/** Wire form: `{ "trustee": i, "fingerprint": "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX", "exchangeFingerprint": "…", "proof": {c, s} }`. */
export interface ConfirmationJson {
  trustee: number;
  fingerprint: string;
  exchangeFingerprint: string;
  proof: SimpleProofJson;
}

export function confirmationToJson(c: Confirmation): ConfirmationJson {
  return { trustee: c.trustee, fingerprint: c.fingerprint, exchangeFingerprint: c.exchangeFingerprint, proof: simpleProofToJson(c.proof) };
}

/** Parses a confirmation's wire form; throws a RangeError on a bad shape or encoding. */
export function confirmationFromJson(j: unknown): Confirmation {
  const o = (typeof j === 'object' && j !== null ? j : {}) as Record<string, unknown>;
  if (!Number.isSafeInteger(o.trustee) || (o.trustee as number) < 1) throw new RangeError('trustee is an index ≥ 1');
  for (const f of [o.fingerprint, o.exchangeFingerprint]) {
    if (typeof f !== 'string' || !FINGERPRINT_PATTERN.test(f)) throw new RangeError('a fingerprint is XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX');
  }
  return { trustee: o.trustee as number, fingerprint: o.fingerprint as string, exchangeFingerprint: o.exchangeFingerprint as string, proof: simpleProofFromJson(o.proof) };
}

// ---------------------------------------------------------------- proof of possession

/** The label of a possession proof: JSON ["possession", index, nonce] (record format v2). */
export function possessionLabel(trustee: number, nonce: string): string {
  return JSON.stringify(['possession', trustee, nonce]);
}

function checkNonce(nonce: string): void {
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) throw new RangeError('a nonce is 32 lower-case hex digits');
}

/**
 * Before opening, trustee i reloads its file and proves it still holds x_i: a Schnorr proof for
 * Y_i = g^(x_i) with label ["possession", i, nonce], the nonce issued by the server (32 lower-case hex).
 */
export function provePossession(contextId: string, trustee: number, secretShare: bigint, nonce: string, rng: Rng = defaultRng): SimpleProof {
  checkNonce(nonce);
  return proveKnowledge(contextId, possessionLabel(trustee, nonce), secretShare, rng);
}

/** Checks a possession proof against Y_i (false also for a malformed nonce). */
export function verifyPossession(contextId: string, trustee: number, publicShareOfTrustee: Point, nonce: string, proof: SimpleProof): boolean {
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) return false;
  return verifyKnowledge(contextId, possessionLabel(trustee, nonce), publicShareOfTrustee, proof);
}

// ---------------------------------------------------------------- parameters

export interface CeremonyParameters {
  contextId: string;
  /** Threshold, 2 ≤ k ≤ n. */
  k: number;
  /** Number of trustees. */
  n: number;
}

/** Throws a RangeError unless 2 ≤ k ≤ n and the context id has its form. */
export function checkParameters(p: CeremonyParameters): void {
  if (!Number.isSafeInteger(p.k) || !Number.isSafeInteger(p.n) || p.k < 2 || p.n < p.k) throw new RangeError('need 2 ≤ k ≤ n');
  if (electionIdOf(p.contextId) === undefined) throw new RangeError('not a ceremony context id');
}

/**
 * The exchange keys as a trustee's browser or the server checks them: exactly one valid key per
 * trustee 1 … n, in index order. Throws a RangeError naming the first problem.
 */
export function checkedExchangeKeys(p: CeremonyParameters, published: readonly ExchangeKeyJson[]): ExchangeKey[] {
  const byTrustee = new Map<number, ExchangeKey>();
  for (const j of published) {
    const key = exchangeKeyFromJson(j);
    if (key.trustee > p.n) throw new RangeError(`trustee ${key.trustee} is not one of 1 … ${p.n}`);
    if (byTrustee.has(key.trustee)) throw new RangeError(`trustee ${key.trustee} published two exchange keys`);
    if (!verifyExchangeKey(p.contextId, key)) throw new RangeError(`trustee ${key.trustee}'s exchange key proof fails`);
    byTrustee.set(key.trustee, key);
  }
  const out: ExchangeKey[] = [];
  for (let i = 1; i <= p.n; i++) {
    const key = byTrustee.get(i);
    if (!key) throw new RangeError(`trustee ${i} has no exchange key`);
    out.push(key);
  }
  return out;
}

// ---------------------------------------------------------------- trustee side (the browser)

/** Step 1 (trustee i): a fresh exchange key pair; publish `message`, keep `exchangeSecret` (trustee file). */
export function startTrustee(p: CeremonyParameters, trustee: number, rng: Rng = defaultRng): { exchangeSecret: bigint; message: ExchangeKeyJson } {
  checkParameters(p);
  if (!Number.isSafeInteger(trustee) || trustee < 1 || trustee > p.n) throw new RangeError(`trustee must be 1 … ${p.n}`);
  const { secret, published } = makeExchangeKey(p.contextId, trustee, rng);
  return { exchangeSecret: secret, message: exchangeKeyToJson(published) };
}

/**
 * Step 2 (trustee d, once all n exchange keys are published): checks them, deals a random polynomial
 * and seals one envelope per trustee (itself included). Returns the messages to publish and the
 * exchange-keys fingerprint to read aloud. The polynomial is forgotten: d's own share comes back
 * in its own envelope.
 */
export async function dealForCeremony(
  p: CeremonyParameters, dealer: number, exchangeSecret: bigint, exchangeKeys: readonly ExchangeKeyJson[], rng: Rng = defaultRng,
): Promise<{ dealing: SignedDealingJson; envelopes: EnvelopeJson[]; exchangeFingerprint: string }> {
  checkParameters(p);
  const keys = checkedExchangeKeys(p, exchangeKeys);
  if (!keys[dealer - 1]?.key.equals(mulSecret(G, exchangeSecret))) throw new RangeError(`the published exchange key of trustee ${dealer} is not this browser's`);
  const { dealing, shares } = deal(p.contextId, dealer, p.k, p.n, rng);
  const signature = proveKnowledge(p.contextId, dealingSignatureLabel(dealer, dealing.commitments), exchangeSecret, rng);
  const envelopes: EnvelopeJson[] = [];
  for (const key of keys) {
    envelopes.push(envelopeToJson(await sealShare(p.contextId, dealer, exchangeSecret, key.trustee, key.key, shares[key.trustee - 1]!, rng)));
  }
  return { dealing: signedDealingToJson({ dealing, signature }), envelopes, exchangeFingerprint: exchangeKeysFingerprint(p.contextId, keys.map((k) => k.key)) };
}

/** What trustee i's browser concludes from the dealings and its envelopes. */
export type ReceiveOutcome =
  | {
    ok: true;
    /** x_i: goes into the trustee file, never to the server. */
    secretShare: bigint;
    publicShare: string;
    publicKey: string;
    /** The election-key fingerprint to compare aloud. */
    fingerprint: string;
    exchangeFingerprint: string;
    /** To publish. */
    confirmation: ConfirmationJson;
  }
  | {
    ok: false;
    dealer: number;
    reason: string;
    /** To publish when the fault is in an envelope (a complaint anyone can judge); absent when the dealing itself is bad, which anyone sees. */
    complaint?: ComplaintJson;
  };

/**
 * Step 3 (trustee i, once all n dealings and i's n envelopes are published): checks every dealing
 * and its signature, opens every envelope addressed to i, checks each share against its dealer's
 * commitments, and either confirms (with a proof of x_i) or complains about the first bad dealer.
 * An envelope whose signature fails was not made by its dealer: that throws (the relay is at
 * fault and the browser says so; it is no ground for a complaint).
 */
export async function receiveForCeremony(
  p: CeremonyParameters, trustee: number, exchangeSecret: bigint, exchangeKeys: readonly ExchangeKeyJson[],
  dealings: readonly SignedDealingJson[], envelopesForMe: readonly EnvelopeJson[], rng: Rng = defaultRng,
): Promise<ReceiveOutcome> {
  checkParameters(p);
  const keys = checkedExchangeKeys(p, exchangeKeys);
  if (!keys[trustee - 1]?.key.equals(mulSecret(G, exchangeSecret))) throw new RangeError(`the published exchange key of trustee ${trustee} is not this browser's`);
  const signed = new Map<number, SignedDealing>();
  for (const j of dealings) {
    const s = signedDealingFromJson(j);
    const d = s.dealing.dealer;
    const ok = keys[d - 1] ? verifySignedDealing(p.contextId, p.k, s, keys[d - 1]!.key) : { ok: false, signed: false, reason: `a dealing by trustee ${d}, not one of 1 … ${p.n}` };
    if (!ok.ok && !ok.signed) throw new RangeError(`${ok.reason}: the relay changed it`);
    if (!ok.ok) return { ok: false, dealer: d, reason: ok.reason };
    if (signed.has(d)) return { ok: false, dealer: d, reason: `trustee ${d} dealt twice` };
    signed.set(d, s);
  }
  const envelopes = new Map<number, Envelope>();
  for (const j of envelopesForMe) {
    const e = envelopeFromJson(j);
    if (e.recipient !== trustee) throw new RangeError(`an envelope for trustee ${e.recipient} was given to trustee ${trustee}`);
    const dealerKey = keys[e.dealer - 1]?.key;
    if (!dealerKey || !verifyEnvelopeSignature(p.contextId, e, dealerKey)) throw new RangeError(`the envelope said to be from trustee ${e.dealer} is not signed by trustee ${e.dealer}: the relay changed it`);
    if (envelopes.has(e.dealer)) throw new RangeError(`two envelopes from trustee ${e.dealer}`);
    envelopes.set(e.dealer, e);
  }
  const shares = new Map<number, bigint>();
  for (let d = 1; d <= p.n; d++) {
    const s = signed.get(d);
    if (!s) return { ok: false, dealer: d, reason: `trustee ${d} has not dealt` };
    const e = envelopes.get(d);
    if (!e) return { ok: false, dealer: d, reason: `no envelope from trustee ${d}` };
    const opened = await openShare(p.contextId, e, exchangeSecret);
    if (!opened.ok || !verifyShare(s.dealing, trustee, opened.share)) {
      const reason = !opened.ok ? `trustee ${d}'s envelope does not open` : `trustee ${d}'s share does not match its commitments`;
      return { ok: false, dealer: d, reason, complaint: complaintToJson(makeComplaint(p.contextId, e, exchangeSecret, rng)) };
    }
    shares.set(d, opened.share);
  }
  const all = [...signed.values()].map((s) => s.dealing);
  const received = receiveShares(p.contextId, p.k, p.n, trustee, all, shares);
  if (!received.ok) return { ok: false, dealer: received.dealer, reason: received.reason };
  const y = jointPublicKey(all, p.n);
  const fingerprint = electionKeyFingerprint(p.contextId, y);
  const exchangeFingerprint = exchangeKeysFingerprint(p.contextId, keys.map((k) => k.key));
  const proof = proveKnowledge(p.contextId, confirmationLabel(trustee, fingerprint, exchangeFingerprint), received.secretShare, rng);
  return {
    ok: true, secretShare: received.secretShare, publicShare: encodePoint(mulSecret(G, received.secretShare)), publicKey: encodePoint(y),
    fingerprint, exchangeFingerprint, confirmation: confirmationToJson({ trustee, fingerprint, exchangeFingerprint, proof }),
  };
}

// ---------------------------------------------------------------- the state machine (the server, or anyone)

/** Everything published so far. */
export interface CeremonyMessages {
  exchangeKeys: readonly unknown[];
  dealings: readonly unknown[];
  envelopes: readonly unknown[];
  complaints: readonly unknown[];
  confirmations: readonly unknown[];
}

/**
 * A fault the published messages prove. `trustee` is the trustee at fault, or null when the
 * messages show tampering in transit (an envelope its dealer did not sign: the relay is at fault).
 */
export interface Fault {
  kind: 'exchange' | 'dealing' | 'share' | 'complaint' | 'confirmation' | 'relay';
  trustee: number | null;
  reason: string;
}

/** What is still missing: `what` is the message trustee `trustee` still has to publish. */
export interface Missing {
  trustee: number;
  what: 'exchange-key' | 'dealing' | 'envelope' | 'confirmation';
  /** For an envelope: to whom. */
  recipient?: number;
}

/** The record's crypto.trustees entries a complete ceremony yields (possession comes before opening). */
export interface CeremonyTrustee {
  index: number;
  dealing: { commitments: string[]; proof: SimpleProofJson };
  publicShare: string;
}

export type CeremonyStatus =
  | { state: 'failed'; faults: Fault[] }
  | { state: 'waiting'; phase: 'exchange' | 'dealing' | 'confirmation'; missing: Missing[]; exchangeFingerprint?: string }
  | { state: 'complete'; publicKey: string; fingerprint: string; exchangeFingerprint: string; trustees: CeremonyTrustee[] };

function parse<T>(x: unknown, f: (x: unknown) => T): T | string {
  try {
    return f(x);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function sortFaults(faults: Fault[]): Fault[] {
  return faults.sort((a, b) => (a.trustee ?? 0) - (b.trustee ?? 0) || a.reason.localeCompare(b.reason));
}

/**
 * The ceremony's state from its published messages alone (the server stores them and calls this;
 * anyone can re-run it). Checks every message: a malformed or unproven message, a dealer that
 * equivocates, a complaint (judged: the dealer or the complainer is named) or a confirmation of
 * another fingerprint ends the ceremony as `failed` with every fault found; a new ceremony (new
 * context id) is then needed. Otherwise says what is missing, or returns the election key, its
 * fingerprint and every trustee's dealing and public share.
 */
export async function ceremonyStatus(p: CeremonyParameters, m: CeremonyMessages): Promise<CeremonyStatus> {
  checkParameters(p);
  const { contextId, k, n } = p;
  const faults: Fault[] = [];
  const inRange = (i: number) => i >= 1 && i <= n;

  // (1) exchange keys
  const keys = new Map<number, ExchangeKey>();
  for (const raw of m.exchangeKeys) {
    const key = parse(raw, exchangeKeyFromJson);
    if (typeof key === 'string') {
      faults.push({ kind: 'exchange', trustee: trusteeOf(raw, 'trustee'), reason: `an exchange key is malformed: ${key}` });
    } else if (!inRange(key.trustee)) {
      faults.push({ kind: 'exchange', trustee: null, reason: `an exchange key for trustee ${key.trustee}, not one of 1 … ${n}` });
    } else if (keys.has(key.trustee)) {
      faults.push({ kind: 'exchange', trustee: key.trustee, reason: `trustee ${key.trustee} published two exchange keys` });
    } else if (!verifyExchangeKey(contextId, key)) {
      faults.push({ kind: 'exchange', trustee: key.trustee, reason: `trustee ${key.trustee}'s exchange key proof fails` });
    } else {
      keys.set(key.trustee, key);
    }
  }
  if (faults.length > 0) return { state: 'failed', faults: sortFaults(faults) };
  const missingKeys: Missing[] = [];
  for (let i = 1; i <= n; i++) if (!keys.has(i)) missingKeys.push({ trustee: i, what: 'exchange-key' });
  if (missingKeys.length > 0) return { state: 'waiting', phase: 'exchange', missing: missingKeys };
  const keyOf = (i: number) => keys.get(i)!.key;
  const exchangeFingerprint = exchangeKeysFingerprint(contextId, Array.from({ length: n }, (_, i) => keyOf(i + 1)));

  // (2) dealings and envelopes
  const dealings = new Map<number, Dealing>();
  for (const raw of m.dealings) {
    const s = parse(raw, signedDealingFromJson);
    if (typeof s === 'string') {
      faults.push({ kind: 'dealing', trustee: trusteeOf(raw, 'dealer'), reason: `a dealing is malformed: ${s}` });
      continue;
    }
    const d = s.dealing.dealer;
    if (!inRange(d)) {
      faults.push({ kind: 'dealing', trustee: null, reason: `a dealing by trustee ${d}, not one of 1 … ${n}` });
    } else {
      const ok = verifySignedDealing(contextId, k, s, keyOf(d));
      if (!ok.ok) faults.push(ok.signed ? { kind: 'dealing', trustee: d, reason: ok.reason } : { kind: 'relay', trustee: null, reason: ok.reason });
      else if (dealings.has(d)) faults.push({ kind: 'dealing', trustee: d, reason: `trustee ${d} dealt twice` });
      else dealings.set(d, s.dealing);
    }
  }
  const envelopes = new Map<string, Envelope>();
  for (const raw of m.envelopes) {
    const e = parse(raw, envelopeFromJson);
    if (typeof e === 'string') {
      faults.push({ kind: 'relay', trustee: null, reason: `an envelope is malformed: ${e}` });
    } else if (!inRange(e.dealer) || !inRange(e.recipient)) {
      faults.push({ kind: 'relay', trustee: null, reason: `an envelope from ${e.dealer} to ${e.recipient}, not among trustees 1 … ${n}` });
    } else if (!verifyEnvelopeSignature(contextId, e, keyOf(e.dealer))) {
      faults.push({ kind: 'relay', trustee: null, reason: `the envelope said to be from trustee ${e.dealer} to trustee ${e.recipient} is not signed by trustee ${e.dealer}` });
    } else if (envelopes.has(`${e.dealer}/${e.recipient}`)) {
      faults.push({ kind: 'dealing', trustee: e.dealer, reason: `trustee ${e.dealer} sent trustee ${e.recipient} two envelopes` });
    } else {
      envelopes.set(`${e.dealer}/${e.recipient}`, e);
    }
  }

  // complaints, judged as soon as what they refer to is published
  for (const raw of m.complaints) {
    const c = parse(raw, complaintFromJson);
    if (typeof c === 'string') {
      faults.push({ kind: 'complaint', trustee: trusteeOf(raw, 'complainer'), reason: `a complaint is malformed: ${c}` });
      continue;
    }
    if (!inRange(c.complainer) || !inRange(c.dealer)) {
      faults.push({ kind: 'complaint', trustee: inRange(c.complainer) ? c.complainer : null, reason: `a complaint names a trustee not among 1 … ${n}` });
      continue;
    }
    const dealing = dealings.get(c.dealer);
    const envelope = envelopes.get(`${c.dealer}/${c.complainer}`);
    if (!dealing || !envelope) {
      faults.push({ kind: 'complaint', trustee: c.complainer, reason: `trustee ${c.complainer} complains about trustee ${c.dealer}'s share before it was published` });
      continue;
    }
    const verdict = await judgeComplaint(contextId, dealing, envelope, keyOf(c.dealer), keyOf(c.complainer), c);
    faults.push({ kind: verdict.at === 'dealer' ? 'share' : 'complaint', trustee: verdict.trustee, reason: verdict.reason });
  }
  if (faults.length > 0) return { state: 'failed', faults: sortFaults(faults) };

  const missingDealt: Missing[] = [];
  for (let d = 1; d <= n; d++) {
    if (!dealings.has(d)) missingDealt.push({ trustee: d, what: 'dealing' });
    for (let j = 1; j <= n; j++) if (!envelopes.has(`${d}/${j}`)) missingDealt.push({ trustee: d, what: 'envelope', recipient: j });
  }
  if (missingDealt.length > 0) return { state: 'waiting', phase: 'dealing', missing: missingDealt, exchangeFingerprint };

  // (3) confirmations
  const all = Array.from({ length: n }, (_, i) => dealings.get(i + 1)!);
  const y = jointPublicKey(all, n);
  const fingerprint = electionKeyFingerprint(contextId, y);
  const shares = all.map((_, i) => publicShare(all, i + 1, n));
  const confirmed = new Set<number>();
  for (const raw of m.confirmations) {
    const c = parse(raw, confirmationFromJson);
    if (typeof c === 'string') {
      faults.push({ kind: 'confirmation', trustee: trusteeOf(raw, 'trustee'), reason: `a confirmation is malformed: ${c}` });
    } else if (!inRange(c.trustee)) {
      faults.push({ kind: 'confirmation', trustee: null, reason: `a confirmation by trustee ${c.trustee}, not one of 1 … ${n}` });
    } else if (confirmed.has(c.trustee)) {
      faults.push({ kind: 'confirmation', trustee: c.trustee, reason: `trustee ${c.trustee} confirmed twice` });
    } else if (c.fingerprint !== fingerprint || c.exchangeFingerprint !== exchangeFingerprint) {
      faults.push({
        kind: 'confirmation', trustee: c.trustee,
        reason: `trustee ${c.trustee} saw fingerprints ${c.fingerprint} / ${c.exchangeFingerprint}, the published messages give ${fingerprint} / ${exchangeFingerprint}`,
      });
    } else if (!verifyKnowledge(contextId, confirmationLabel(c.trustee, c.fingerprint, c.exchangeFingerprint), shares[c.trustee - 1]!, c.proof)) {
      faults.push({ kind: 'confirmation', trustee: c.trustee, reason: `trustee ${c.trustee}'s confirmation does not prove its key share` });
    } else {
      confirmed.add(c.trustee);
    }
  }
  if (faults.length > 0) return { state: 'failed', faults: sortFaults(faults) };
  const missingConfirmations: Missing[] = [];
  for (let i = 1; i <= n; i++) if (!confirmed.has(i)) missingConfirmations.push({ trustee: i, what: 'confirmation' });
  if (missingConfirmations.length > 0) return { state: 'waiting', phase: 'confirmation', missing: missingConfirmations, exchangeFingerprint };

  return {
    state: 'complete', publicKey: encodePoint(y), fingerprint, exchangeFingerprint,
    trustees: all.map((d, i) => ({
      index: i + 1,
      dealing: { commitments: d.commitments.map(encodePoint), proof: simpleProofToJson(d.proof) },
      publicShare: encodePoint(shares[i]!),
    })),
  };
}

/** The index a malformed message names in `field`, if it names a plausible one. */
function trusteeOf(raw: unknown, field: string): number | null {
  const v = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[field] : undefined;
  return Number.isSafeInteger(v) && (v as number) >= 1 ? (v as number) : null;
}

