/**
 * The key ceremony's private channel (docs/key-ceremony.md): each trustee's browser has an exchange
 * key pair (e_i, E_i = g^(e_i)); dealer d sends the share f_d(j) to trustee j in an envelope only
 * j can open, signed by d so that the server relaying it cannot substitute one; a recipient whose
 * envelope does not open or whose share fails Feldman's check complains by revealing the envelope's
 * Diffie–Hellman value with a proof, and anyone can then decide who is at fault.
 *
 * Envelope: r random, R = g^r, K = HKDF-SHA512(ikm = E_j^r, salt = UTF-8(SHARE_KEY_DOMAIN),
 * info = UTF-8(JSON [SHARE_KEY_DOMAIN, contextId, d, j, hex R, hex E_j]), 32 bytes); the 32-byte
 * little-endian share is sealed with AES-256-GCM (WebCrypto) under K with a random 96-bit IV and
 * AAD = UTF-8(JSON [SHARE_AAD_DOMAIN, contextId, d, j]).
 *
 * Pure apart from the platform's WebCrypto (globalThis.crypto.subtle, in Node and browsers alike),
 * which makes the envelope functions async.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import {
  G, Point, decodePoint, defaultRng, encodePoint, hashToScalar, mod, mulPublic, mulSecret, randomScalar, ORDER, type Rng,
} from './group.ts';
import {
  proveKnowledge, simpleProofFromJson, simpleProofToJson, verifyKnowledge, type SimpleProof, type SimpleProofJson,
} from './proofs.ts';
import { verifyShare, type Dealing } from './threshold.ts';

export const SHARE_KEY_DOMAIN = 'minsheng/key-ceremony/v1/share-key';
export const SHARE_AAD_DOMAIN = 'minsheng/key-ceremony/v1/share';
export const COMPLAINT_DOMAIN = 'minsheng/key-ceremony/v1/complaint';

// ---------------------------------------------------------------- small wire helpers

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function index(x: unknown, what: string): number {
  if (!Number.isSafeInteger(x) || (x as number) < 1) throw new RangeError(`${what} is an index ≥ 1`);
  return x as number;
}

function hexOf(x: unknown, bytes: number, what: string): Uint8Array {
  if (typeof x !== 'string' || x.length !== 2 * bytes || !/^[0-9a-f]*$/.test(x)) throw new RangeError(`${what} is ${2 * bytes} lower-case hex digits`);
  return hexToBytes(x);
}

/** A point that must not be the identity (an exchange key, an ephemeral key). */
function nonIdentity(x: unknown, what: string): Point {
  const p = decodePoint(x as string);
  if (p.equals(Point.ZERO)) throw new RangeError(`${what} is the identity`);
  return p;
}

/** A fresh copy backed by its own ArrayBuffer, as WebCrypto's BufferSource wants it. */
function buf(b: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(b);
}

// ---------------------------------------------------------------- exchange keys

/** The Schnorr label of trustee i's exchange key. */
export function exchangeLabel(trustee: number): string {
  return JSON.stringify(['exchange', trustee]);
}

/** Trustee i's published exchange key with a proof that its browser knows e_i. */
export interface ExchangeKey {
  trustee: number;
  key: Point;
  proof: SimpleProof;
}

/** Wire form: `{ "trustee": i, "key": point, "proof": { "c", "s" } }`. */
export interface ExchangeKeyJson {
  trustee: number;
  key: string;
  proof: SimpleProofJson;
}

/** Trustee i's browser makes its exchange key pair; the secret stays in the browser (and the trustee file). */
export function makeExchangeKey(contextId: string, trustee: number, rng: Rng = defaultRng): { secret: bigint; published: ExchangeKey } {
  index(trustee, 'trustee');
  const secret = randomScalar(rng);
  return { secret, published: { trustee, key: mulSecret(G, secret), proof: proveKnowledge(contextId, exchangeLabel(trustee), secret, rng) } };
}

export function exchangeKeyToJson(k: ExchangeKey): ExchangeKeyJson {
  return { trustee: k.trustee, key: encodePoint(k.key), proof: simpleProofToJson(k.proof) };
}

/** Parses an exchange key's wire form; throws a RangeError on a bad shape or encoding. */
export function exchangeKeyFromJson(j: unknown): ExchangeKey {
  if (!isObject(j)) throw new RangeError('an exchange key is an object');
  return { trustee: index(j.trustee, 'trustee'), key: nonIdentity(j.key, 'the exchange key'), proof: simpleProofFromJson(j.proof) };
}

/** Checks the proof of an exchange key for its trustee and this context. */
export function verifyExchangeKey(contextId: string, k: ExchangeKey): boolean {
  return !k.key.equals(Point.ZERO) && verifyKnowledge(contextId, exchangeLabel(k.trustee), k.key, k.proof);
}

// ---------------------------------------------------------------- envelopes

/** An encrypted share from dealer d to recipient j, signed by d's exchange key. */
export interface Envelope {
  dealer: number;
  recipient: number;
  /** R = g^r. */
  ephemeral: Point;
  /** 12 bytes. */
  iv: Uint8Array;
  /** AES-256-GCM output: 32 bytes of share and 16 of tag. */
  ciphertext: Uint8Array;
  /** Schnorr signature with e_d (proofs.ts proveKnowledge for E_d, label envelopeLabel(...)). */
  signature: SimpleProof;
}

/**
 * Wire form: `{ "dealer": d, "recipient": j, "ephemeral": point, "iv": 24 hex, "ciphertext": 96 hex,
 * "signature": { "c", "s" } }`, all hex lower-case.
 */
export interface EnvelopeJson {
  dealer: number;
  recipient: number;
  ephemeral: string;
  iv: string;
  ciphertext: string;
  signature: SimpleProofJson;
}

/** The label the dealer's signature covers: JSON ["envelope", d, j, hex R, hex iv, hex ciphertext]. */
export function envelopeLabel(dealer: number, recipient: number, ephemeral: Point, iv: Uint8Array, ciphertext: Uint8Array): string {
  return JSON.stringify(['envelope', dealer, recipient, encodePoint(ephemeral), bytesToHex(iv), bytesToHex(ciphertext)]);
}

export function envelopeToJson(e: Envelope): EnvelopeJson {
  return {
    dealer: e.dealer, recipient: e.recipient, ephemeral: encodePoint(e.ephemeral),
    iv: bytesToHex(e.iv), ciphertext: bytesToHex(e.ciphertext), signature: simpleProofToJson(e.signature),
  };
}

/** Parses an envelope's wire form; throws a RangeError on a bad shape or encoding. */
export function envelopeFromJson(j: unknown): Envelope {
  if (!isObject(j)) throw new RangeError('an envelope is an object');
  return {
    dealer: index(j.dealer, 'dealer'),
    recipient: index(j.recipient, 'recipient'),
    ephemeral: nonIdentity(j.ephemeral, 'the ephemeral key'),
    iv: hexOf(j.iv, 12, 'iv'),
    ciphertext: hexOf(j.ciphertext, 48, 'ciphertext'),
    signature: simpleProofFromJson(j.signature),
  };
}

/** The AES-256-GCM key of an envelope from its Diffie–Hellman value E_j^r = R^(e_j). */
function shareKeyBytes(contextId: string, dealer: number, recipient: number, ephemeral: Point, recipientKey: Point, dh: Point): Uint8Array {
  const info = JSON.stringify([SHARE_KEY_DOMAIN, contextId, dealer, recipient, encodePoint(ephemeral), encodePoint(recipientKey)]);
  return hkdf(sha512, dh.toBytes(), utf8ToBytes(SHARE_KEY_DOMAIN), utf8ToBytes(info), 32);
}

function shareAad(contextId: string, dealer: number, recipient: number): Uint8Array<ArrayBuffer> {
  return buf(utf8ToBytes(JSON.stringify([SHARE_AAD_DOMAIN, contextId, dealer, recipient])));
}

async function aesKey(raw: Uint8Array, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('raw', buf(raw), { name: 'AES-GCM' }, false, [usage]);
}

/** The signature check of an envelope against its dealer's exchange key E_d. */
export function verifyEnvelopeSignature(contextId: string, e: Envelope, dealerKey: Point): boolean {
  return verifyKnowledge(contextId, envelopeLabel(e.dealer, e.recipient, e.ephemeral, e.iv, e.ciphertext), dealerKey, e.signature);
}

/**
 * Dealer d seals the share f_d(j) for recipient j (exchange key E_j) and signs the envelope with its
 * own exchange secret e_d.
 */
export async function sealShare(
  contextId: string, dealer: number, dealerSecret: bigint, recipient: number, recipientKey: Point, share: bigint, rng: Rng = defaultRng,
): Promise<Envelope> {
  index(dealer, 'dealer');
  index(recipient, 'recipient');
  const r = randomScalar(rng);
  const ephemeral = mulSecret(G, r);
  const key = await aesKey(shareKeyBytes(contextId, dealer, recipient, ephemeral, recipientKey, mulSecret(recipientKey, r)), 'encrypt');
  const iv = rng(12).slice(0, 12);
  const ciphertext = new Uint8Array(await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: buf(iv), additionalData: shareAad(contextId, dealer, recipient) }, key, buf(numberToBytesLE(mod(share), 32)),
  ));
  const signature = proveKnowledge(contextId, envelopeLabel(dealer, recipient, ephemeral, iv, ciphertext), dealerSecret, rng);
  return { dealer, recipient, ephemeral, iv, ciphertext, signature };
}

/**
 * Opens an envelope with its Diffie–Hellman value: the share, or why not ('decrypt': AES-GCM
 * refuses the ciphertext; 'encoding': the plaintext is not a scalar < ℓ). Used by the recipient
 * (dh = R^(e_j)) and by whoever judges a complaint (dh revealed and proven).
 */
export async function openWithDh(
  contextId: string, e: Envelope, recipientKey: Point, dh: Point,
): Promise<{ ok: true; share: bigint } | { ok: false; why: 'decrypt' | 'encoding' }> {
  const key = await aesKey(shareKeyBytes(contextId, e.dealer, e.recipient, e.ephemeral, recipientKey, dh), 'decrypt');
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: buf(e.iv), additionalData: shareAad(contextId, e.dealer, e.recipient) }, key, buf(e.ciphertext),
    ));
  } catch {
    return { ok: false, why: 'decrypt' };
  }
  if (plain.length !== 32) return { ok: false, why: 'encoding' };
  const share = bytesToNumberLE(plain);
  if (share >= ORDER) return { ok: false, why: 'encoding' };
  return { ok: true, share };
}

/** Recipient j opens an envelope addressed to it with its exchange secret e_j. */
export async function openShare(
  contextId: string, e: Envelope, recipientSecret: bigint,
): Promise<{ ok: true; share: bigint } | { ok: false; why: 'decrypt' | 'encoding' }> {
  return openWithDh(contextId, e, mulSecret(G, recipientSecret), mulSecret(e.ephemeral, recipientSecret));
}

// ---------------------------------------------------------------- complaints

/**
 * Recipient j's complaint against dealer d: the envelope's Diffie–Hellman value DH = R^(e_j) with a
 * Chaum–Pedersen proof that log_g E_j = log_R DH. It reveals that one share and nothing about e_j.
 */
export interface Complaint {
  complainer: number;
  dealer: number;
  dh: Point;
  proof: SimpleProof;
}

/** Wire form: `{ "complainer": j, "dealer": d, "dh": point, "proof": { "c", "s" } }`. */
export interface ComplaintJson {
  complainer: number;
  dealer: number;
  dh: string;
  proof: SimpleProofJson;
}

/** The label of a complaint's proof: JSON ["complaint", d, j]. */
export function complaintLabel(dealer: number, complainer: number): string {
  return JSON.stringify(['complaint', dealer, complainer]);
}

/**
 * Makes a complaint about envelope e (addressed to the complainer): w random, t1 = g^w, t2 = R^w,
 * c = Hash(COMPLAINT_DOMAIN; contextId, label, E_j, R, DH, t1, t2), s = w + c·e_j.
 */
export function makeComplaint(contextId: string, e: Envelope, recipientSecret: bigint, rng: Rng = defaultRng): Complaint {
  const ej = mulSecret(G, recipientSecret);
  const dh = mulSecret(e.ephemeral, recipientSecret);
  const w = randomScalar(rng);
  const t1 = mulSecret(G, w);
  const t2 = mulSecret(e.ephemeral, w);
  const c = hashToScalar(COMPLAINT_DOMAIN, [contextId, complaintLabel(e.dealer, e.recipient), ej, e.ephemeral, dh, t1, t2]);
  return { complainer: e.recipient, dealer: e.dealer, dh, proof: { c, s: mod(w + c * recipientSecret) } };
}

/** Checks a complaint's proof: t1 = g^s·E_j^(−c), t2 = R^s·DH^(−c) must hash back to c. */
export function verifyComplaintProof(contextId: string, complaint: Complaint, e: Envelope, recipientKey: Point): boolean {
  const { c, s } = complaint.proof;
  const t1 = mulPublic(G, s).subtract(mulPublic(recipientKey, c));
  const t2 = mulPublic(e.ephemeral, s).subtract(mulPublic(complaint.dh, c));
  return hashToScalar(COMPLAINT_DOMAIN, [contextId, complaintLabel(complaint.dealer, complaint.complainer), recipientKey, e.ephemeral, complaint.dh, t1, t2]) === c;
}

export function complaintToJson(c: Complaint): ComplaintJson {
  return { complainer: c.complainer, dealer: c.dealer, dh: encodePoint(c.dh), proof: simpleProofToJson(c.proof) };
}

/** Parses a complaint's wire form; throws a RangeError on a bad shape or encoding. */
export function complaintFromJson(j: unknown): Complaint {
  if (!isObject(j)) throw new RangeError('a complaint is an object');
  return { complainer: index(j.complainer, 'complainer'), dealer: index(j.dealer, 'dealer'), dh: decodePoint(j.dh as string), proof: simpleProofFromJson(j.proof) };
}

/** Who a complaint shows to be at fault, and why. */
export type Verdict =
  | { at: 'dealer'; trustee: number; reason: string }
  | { at: 'complainer'; trustee: number; reason: string };

/**
 * Decides a complaint from public values only: the dealer's dealing (already checked: its proof and
 * signature), the envelope the dealer signed, both exchange keys and the complaint.
 *
 * - the complaint does not match the envelope, or its proof fails: the complainer is at fault;
 * - the envelope's signature fails: it is not the dealer's envelope, so the complaint is false (an
 *   honest browser checks the signature first and reports a relay that substituted one);
 * - the revealed DH opens the envelope to a share that passes Feldman's check: the complaint is
 *   false, the complainer is at fault;
 * - otherwise (it does not decrypt, is not a scalar, or fails Feldman's check) the dealer is.
 */
export async function judgeComplaint(
  contextId: string, dealing: Dealing, envelope: Envelope, dealerKey: Point, complainerKey: Point, complaint: Complaint,
): Promise<Verdict> {
  const j = complaint.complainer;
  const d = complaint.dealer;
  if (envelope.dealer !== d || envelope.recipient !== j || dealing.dealer !== d) {
    return { at: 'complainer', trustee: j, reason: `trustee ${j}'s complaint does not name the envelope from trustee ${d}` };
  }
  if (!verifyEnvelopeSignature(contextId, envelope, dealerKey)) {
    return { at: 'complainer', trustee: j, reason: `trustee ${j} complains about an envelope trustee ${d} did not sign` };
  }
  if (!verifyComplaintProof(contextId, complaint, envelope, complainerKey)) {
    return { at: 'complainer', trustee: j, reason: `trustee ${j}'s complaint against trustee ${d} reveals a key it cannot prove` };
  }
  const opened = await openWithDh(contextId, envelope, complainerKey, complaint.dh);
  if (!opened.ok) {
    return opened.why === 'decrypt'
      ? { at: 'dealer', trustee: d, reason: `trustee ${d}'s envelope for trustee ${j} does not decrypt` }
      : { at: 'dealer', trustee: d, reason: `trustee ${d}'s envelope for trustee ${j} does not hold a share` };
  }
  if (!verifyShare(dealing, j, opened.share)) {
    return { at: 'dealer', trustee: d, reason: `trustee ${d}'s share for trustee ${j} does not match trustee ${d}'s commitments` };
  }
  return { at: 'complainer', trustee: j, reason: `trustee ${j} complained about a valid share from trustee ${d}` };
}
