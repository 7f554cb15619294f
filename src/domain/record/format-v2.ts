/**
 * The election record, format `minsheng-election-record/2` (docs/record-format-v2.md): the record of
 * an election held in encrypted mode. Election, roll, result, digest, certifications and signature are
 * as in version 1 (format.ts); the ballots are encrypted (docs/encrypted-ballots.md) and only totals
 * are ever decrypted, by k of the n trustees. Pure and free of Node APIs, so that a browser can
 * compute trackers too.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import canonicalize from 'canonicalize';
import type { EncryptedBallot } from '../crypto/ballot.ts';
import type { CiphertextJson } from '../crypto/elgamal.ts';
import type { SimpleProofJson } from '../crypto/proofs.ts';
import type { Certification, ElectionRecord, InvalidReason, RecordResult } from './format.ts';

export const RECORD_FORMAT_V2 = 'minsheng-election-record/2';

/** The only group of format 2 (docs/encrypted-ballots.md). */
export const GROUP_V2 = 'ristretto255';

/** 32 lower-case hex digits: 128 bits (a context id's random part, a ballot's nonce, a possession nonce). */
export const NONCE_PATTERN = /^[0-9a-f]{32}$/;

/** A context id: `minsheng/election/<election.id>/<32 lower-case hex>`. */
export const CONTEXT_ID_PREFIX = 'minsheng/election/';

/** The context id of an election: its id and the 128 random bits drawn when the key ceremony started. */
export function contextIdFor(electionId: string, random: string): string {
  if (!NONCE_PATTERN.test(random)) throw new RangeError('the random part of a context id is 32 lower-case hex digits');
  return `${CONTEXT_ID_PREFIX}${electionId}/${random}`;
}

/** Whether `contextId` is a context id of election `electionId` (right prefix, id, 32 lower-case hex). */
export function isContextIdOf(contextId: unknown, electionId: string): boolean {
  if (typeof contextId !== 'string') return false;
  const prefix = `${CONTEXT_ID_PREFIX}${electionId}/`;
  return contextId.startsWith(prefix) && NONCE_PATTERN.test(contextId.slice(prefix.length));
}

/** The domain string that starts every tracker's hash. */
export const TRACKER_DOMAIN_V2 = 'minsheng/tracker/v2';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * An encrypted ballot's tracker: the first 80 bits of
 * SHA-256(UTF-8("minsheng/tracker/v2") ‖ 0x00 ‖ UTF-8(contextId) ‖ 0x00 ‖ UTF-8(nonce) ‖ 0x00 ‖ UTF-8(JCS(ciphertexts)))
 * as 16 Crockford base32 symbols, most significant bits first, in groups of four joined by "-".
 */
export function encryptedTracker(contextId: string, nonce: string, ciphertexts: unknown): string {
  const jcs = canonicalize(ciphertexts);
  if (jcs === undefined) throw new TypeError('ciphertexts cannot be canonicalised (RFC 8785)');
  const zero = new Uint8Array([0]);
  const parts = [utf8ToBytes(TRACKER_DOMAIN_V2), zero, utf8ToBytes(contextId), zero, utf8ToBytes(nonce), zero, utf8ToBytes(jcs)];
  const input = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    input.set(p, at);
    at += p.length;
  }
  const digest = sha256(input);
  // 80 bits = 10 bytes = 16 symbols of 5 bits.
  let value = 0n;
  for (let i = 0; i < 10; i++) value = (value << 8n) | BigInt(digest[i]!);
  let out = '';
  for (let i = 15; i >= 0; i--) out += CROCKFORD[Number((value >> BigInt(5 * i)) & 31n)];
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}-${out.slice(12, 16)}`;
}

/** The label of trustee i's proof of possession of its key share. */
export function possessionLabel(index: number, nonce: string): string {
  return JSON.stringify(['possession', index, nonce]);
}

/** The label of a decryption share of aggregate[option][letter]. */
export function totalLabel(option: number, letter: string): string {
  return JSON.stringify(['total', option, letter]);
}

/** The encoding of the identity element: what the aggregate holds when no ballot was cast. */
export const IDENTITY_POINT = '0'.repeat(64);

export interface TrusteeV2 {
  /** 1 … n, in order. */
  index: number;
  /** The scrutineer's display name. */
  name: string;
  /** Feldman commitments (k points) and the Schnorr proof of the constant term (label ["dealing", index]). */
  dealing: { commitments: string[]; proof: SimpleProofJson };
  /** Y_i = Π_d Π_j C_{d,j}^(i^j). */
  publicShare: string;
  /** Schnorr proof of x_i for Y_i, label ["possession", index, nonce], made before the vote opened. */
  possession: { nonce: string; proof: SimpleProofJson };
}

export interface RecordCryptoV2 {
  group: typeof GROUP_V2;
  contextId: string;
  /** k: how many trustees are needed to decrypt, 2 ≤ k ≤ n. */
  threshold: number;
  trustees: TrusteeV2[];
  /** y = Π_d C_{d,0}. */
  publicKey: string;
}

/** A cast electronic ballot: tracker, server-issued nonce, and the encrypted ballot (ballot.ts). */
export interface RecordBallotV2 extends EncryptedBallot {
  tracker: string;
  nonce: string;
}

/** A ballot checked by its voter (never counted): the ballot with its marks and randomness revealed. */
export interface SpoiledBallotV2 extends RecordBallotV2 {
  marks: string;
  /** [option][letter] scalars. */
  randomness: string[][];
}

/** Paper ballots as totals, keyed by two clerks; never ballot by ballot. */
export interface RecordPaperV2 {
  valid: number;
  invalid: Record<InvalidReason, number>;
  /** [option] → letter → count over valid paper ballots. */
  counts: Record<string, number>[];
}

export interface DecryptionShareV2 {
  /** D = a^(x_i). */
  d: string;
  /** Chaum–Pedersen proof, label ["total", option, letter]. */
  proof: SimpleProofJson;
}

export interface PartialDecryptionV2 {
  trustee: number;
  /** [option][letter]. */
  shares: DecryptionShareV2[][];
}

export interface RecordDecryptionV2 {
  /** ≥ k distinct trustees, sorted by index. */
  partials: PartialDecryptionV2[];
  /** [option] → letter → the decrypted electronic total. */
  electronic: Record<string, number>[];
}

export interface RecordAuditV2 {
  /** "sha256:" + 64 hex: the audit chain's head when the body was made. */
  head: string;
  length: number;
}

export interface ElectionRecordV2 {
  format: typeof RECORD_FORMAT_V2;
  election: ElectionRecord['election'];
  roll: ElectionRecord['roll'];
  crypto: RecordCryptoV2;
  ballots: RecordBallotV2[];
  spoiled: SpoiledBallotV2[];
  paper: RecordPaperV2;
  /** [option][letter]: the product of the cast ballots' ciphertexts. */
  aggregate: CiphertextJson[][];
  decryption: RecordDecryptionV2;
  result: RecordResult;
  audit: RecordAuditV2;
  digest: string;
  certifications: Certification[];
  signature: ElectionRecord['signature'];
}

/** The part of a v2 record the digest covers: everything but digest, certifications and signature. */
export type RecordBodyV2 = Omit<ElectionRecordV2, 'digest' | 'certifications' | 'signature'>;

/** "sha256:" + 64 lower-case hex. */
export const AUDIT_HEAD_PATTERN = /^sha256:[0-9a-f]{64}$/;
