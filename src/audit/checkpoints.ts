import type { KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import { keyFingerprint, publicKeyFromDer, signEd25519, verifyEd25519 } from '../domain/record/digest.ts';
import { expectedFingerprint } from '../domain/record/verify.ts';
import { beijingTime } from '../platform/time.ts';
import type { ChainLink } from './chain.ts';

/**
 * Signed checkpoints of the audit chain: pure code shared by the server (which signs them at every
 * election transition and hourly) and `npm run verify:audit` (which checks a chain against them).
 *
 * A checkpoint says "on <at>, the chain had <length> entries, the last being entry <lastId> with
 * hash <head>", signed with the installation's Ed25519 key (the one that signs election records).
 * The hash chain alone lets whoever owns the database delete entries and recompute every later
 * hash; a checkpoint kept by someone else pins the head as it was, so such a rewrite shows.
 */
export const CHECKPOINT_FORMAT = 'minsheng-audit-checkpoint/1';
/** The published list: `{ format, checkpoints: [...], next? }`. */
export const CHECKPOINT_LIST_FORMAT = 'minsheng-audit-checkpoints/1';

/** What the signature covers: the checkpoint without its `signature` member. */
export interface CheckpointContent {
  format: typeof CHECKPOINT_FORMAT;
  /** 1, 2, 3, … in the order the installation made them. */
  seq: number;
  /** Entries in the chain up to and including `lastId`. */
  length: number;
  /** The id of the chain's newest entry at the time. */
  lastId: number;
  /** That entry's hash: the head of the chain. */
  head: string;
  /** RFC 3339, Beijing time, to the second. */
  at: string;
  /** SHA-256 (hex) of the DER public key that signed it, as `/.well-known/minsheng-signing-key` shows it. */
  keyFingerprint: string;
}

export interface CheckpointSignature {
  alg: 'ed25519';
  /** Base64 DER (SPKI) public key. */
  publicKey: string;
  /** Base64 Ed25519 signature (RFC 8032) of the canonical content. */
  value: string;
}

export interface Checkpoint extends CheckpointContent {
  signature: CheckpointSignature;
}

const HEAD = /^sha256:[0-9a-f]{64}$/;
const FINGERPRINT = /^[0-9a-f]{64}$/;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

function canonical(value: unknown): string {
  const s = canonicalize(value);
  if (s === undefined) throw new TypeError('value cannot be canonicalised (RFC 8785)');
  return s;
}

/** The content of a new checkpoint. */
export function checkpointContent(input: { seq: number; length: number; lastId: number; head: string; at: Date; publicKeyDer: Uint8Array }): CheckpointContent {
  return {
    format: CHECKPOINT_FORMAT, seq: input.seq, length: input.length, lastId: input.lastId, head: input.head,
    at: beijingTime(input.at), keyFingerprint: keyFingerprint(input.publicKeyDer),
  };
}

/** The bytes the signature covers: RFC 8785 canonical JSON of the checkpoint without `signature`, UTF-8. */
export function checkpointPayload(checkpoint: CheckpointContent | Checkpoint): Buffer {
  const { signature: _s, ...content } = checkpoint as Checkpoint;
  return Buffer.from(canonical(content), 'utf8');
}

/** Signs the content with the installation's key; the signature is checked before it is returned. */
export function signCheckpoint(content: CheckpointContent, key: { privateKey: KeyObject; publicKeyDer: Uint8Array }): Checkpoint {
  if (content.keyFingerprint !== keyFingerprint(key.publicKeyDer)) throw new Error('checkpoint names another key than the one signing it');
  const payload = checkpointPayload(content);
  const value = signEd25519(key.privateKey, payload);
  if (!verifyEd25519(publicKeyFromDer(key.publicKeyDer), payload, value)) throw new Error('the signing key does not verify its own signature');
  return { ...content, signature: { alg: 'ed25519', publicKey: Buffer.from(key.publicKeyDer).toString('base64'), value: value.toString('base64') } };
}

/** A stored checkpoint as published: the signed canonical content with its signature. */
export function storedCheckpoint(row: { body: string; public_key: string; signature: string }): Checkpoint {
  const content = JSON.parse(row.body) as CheckpointContent;
  return { ...content, signature: { alg: 'ed25519', publicKey: row.public_key, value: row.signature } };
}

/**
 * The checkpoints in a published list, a bare array of them, or a single checkpoint, as an outsider
 * may have saved them. Anything else is refused with a message; the items themselves are checked
 * one by one by `checkCheckpoints`.
 */
export function checkpointItems(json: unknown): { items: unknown[]; next?: string } | { error: string } {
  if (Array.isArray(json)) return { items: json };
  if (json !== null && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    if (o.format === CHECKPOINT_FORMAT) return { items: [o] };
    if (o.format === CHECKPOINT_LIST_FORMAT && Array.isArray(o.checkpoints)) {
      return { items: o.checkpoints, ...(typeof o.next === 'string' ? { next: o.next } : {}) };
    }
  }
  return { error: `not a list of audit checkpoints (expected {"format":"${CHECKPOINT_LIST_FORMAT}","checkpoints":[…]}, an array, or one "${CHECKPOINT_FORMAT}")` };
}

export type CheckpointProblemKind =
  | 'malformed' | 'signature' | 'key' | 'conflict' | 'order' | 'missing-entry' | 'head-mismatch' | 'length-mismatch';

export interface CheckpointProblem {
  kind: CheckpointProblemKind;
  /** The checkpoint's seq, when it has one. */
  seq?: number;
  /** The checkpoint's position in the list given (0-based). */
  index: number;
  message: string;
}

export interface CheckpointCheck {
  problems: CheckpointProblem[];
  /** Well-formed checkpoints, by seq. */
  checkpoints: Checkpoint[];
  /** The fingerprints of the keys that signed them. */
  fingerprints: string[];
  /** Entries of the chain after the newest checkpoint's lastId: not covered by any checkpoint given. */
  unanchored: number;
}

const isPositiveInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 1;

/** The form of one checkpoint, or what is wrong with it. */
function wellFormed(x: unknown): Checkpoint | string {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return 'not an object';
  const c = x as Record<string, unknown>;
  if (c.format !== CHECKPOINT_FORMAT) return `format is not "${CHECKPOINT_FORMAT}"`;
  for (const k of ['seq', 'length', 'lastId'] as const) if (!isPositiveInt(c[k])) return `${k} is not a positive integer`;
  if (typeof c.head !== 'string' || !HEAD.test(c.head)) return 'head is not "sha256:" and 64 hex digits';
  if (typeof c.at !== 'string' || !RFC3339.test(c.at)) return 'at is not an RFC 3339 time';
  if (typeof c.keyFingerprint !== 'string' || !FINGERPRINT.test(c.keyFingerprint)) return 'keyFingerprint is not 64 hex digits';
  const s = c.signature as Record<string, unknown> | null | undefined;
  if (!s || typeof s !== 'object' || s.alg !== 'ed25519' || typeof s.publicKey !== 'string' || typeof s.value !== 'string') {
    return 'signature is not { alg: "ed25519", publicKey, value }';
  }
  return c as unknown as Checkpoint;
}

/** The signature and the key of one checkpoint, or what is wrong with them. */
function signatureProblem(c: Checkpoint, expected: string | undefined): { kind: 'signature' | 'key'; message: string } | undefined {
  let der: Buffer;
  let publicKey: KeyObject;
  try {
    der = Buffer.from(c.signature.publicKey, 'base64');
    publicKey = publicKeyFromDer(der);
  } catch {
    return { kind: 'signature', message: 'its publicKey is not a DER public key' };
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') return { kind: 'signature', message: 'its publicKey is not an Ed25519 key' };
  const fingerprint = keyFingerprint(der);
  if (fingerprint !== c.keyFingerprint) return { kind: 'key', message: `it names key ${c.keyFingerprint} but carries key ${fingerprint}` };
  if (!verifyEd25519(publicKey, checkpointPayload(c), Buffer.from(c.signature.value, 'base64'))) {
    return { kind: 'signature', message: 'its signature does not verify: the checkpoint was altered or forged' };
  }
  if (expected !== undefined && fingerprint !== expected) return { kind: 'key', message: `it is signed by key ${fingerprint}, not the expected ${expected}` };
  return undefined;
}

/**
 * Checks a chain (entries in id order, as read from the database) against checkpoints: each must
 * be well formed and signed (by the expected key, when one is given), and the chain must still
 * have, at each checkpoint's position, the entry it names with the hash it names, preceded by as
 * many entries as it counted. A rewrite that deleted entries and recomputed the hashes after them
 * changes the hash at every later checkpoint's position, or removes the entry, or shortens the count.
 * `key` is an expected fingerprint, PEM or base64 DER key, as for `npm run verify`.
 */
export function checkCheckpoints(links: readonly ChainLink[], items: readonly unknown[], options: { key?: string } = {}): CheckpointCheck {
  const expected = options.key === undefined ? undefined : expectedFingerprint(options.key);
  const problems: CheckpointProblem[] = [];
  const position = new Map<number, number>();
  links.forEach((l, i) => position.set(l.id, i));

  const valid: { c: Checkpoint; index: number }[] = [];
  items.forEach((item, index) => {
    const c = wellFormed(item);
    if (typeof c === 'string') {
      const seq = (item as { seq?: unknown } | null)?.seq;
      problems.push({ kind: 'malformed', index, ...(isPositiveInt(seq) ? { seq } : {}), message: c });
      return;
    }
    const bad = signatureProblem(c, expected);
    if (bad) {
      problems.push({ kind: bad.kind, seq: c.seq, index, message: bad.message });
      return;
    }
    valid.push({ c, index });
  });

  // Two different checkpoints with one seq, or a later one counting fewer entries than an earlier one:
  // the installation signed two histories.
  valid.sort((a, b) => a.c.seq - b.c.seq || a.index - b.index);
  const bySeq: { c: Checkpoint; index: number }[] = [];
  for (const v of valid) {
    const prev = bySeq.at(-1);
    if (prev && prev.c.seq === v.c.seq) {
      if (checkpointPayload(prev.c).equals(checkpointPayload(v.c))) continue;
      problems.push({ kind: 'conflict', seq: v.c.seq, index: v.index, message: `two different checkpoints #${v.c.seq} are signed (lastId ${prev.c.lastId} head ${prev.c.head}, and lastId ${v.c.lastId} head ${v.c.head})` });
      continue;
    }
    if (prev && (v.c.lastId < prev.c.lastId || v.c.length < prev.c.length)) {
      problems.push({ kind: 'order', seq: v.c.seq, index: v.index, message: `it covers ${v.c.length} entries up to entry ${v.c.lastId}, fewer than checkpoint #${prev.c.seq} before it (${prev.c.length} up to entry ${prev.c.lastId})` });
    }
    bySeq.push(v);
  }

  const lastLink = links.at(-1);
  for (const { c, index } of bySeq) {
    const i = position.get(c.lastId);
    if (i === undefined) {
      const where = !lastLink ? 'the chain is empty'
        : lastLink.id < c.lastId ? `the chain now ends at entry ${lastLink.id} with ${links.length} entries: its newest entries were removed`
          : `entry ${c.lastId} is no longer in the chain: it was removed`;
      problems.push({ kind: 'missing-entry', seq: c.seq, index, message: `it covers ${c.length} entries up to entry ${c.lastId}, but ${where}` });
      continue;
    }
    const link = links[i]!;
    if (link.hash !== c.head) {
      problems.push({ kind: 'head-mismatch', seq: c.seq, index, message: `entry ${c.lastId} had hash ${c.head} when signed, but has ${link.hash} now: the chain up to it was rewritten` });
      continue;
    }
    if (i + 1 !== c.length) {
      problems.push({ kind: 'length-mismatch', seq: c.seq, index, message: `it counted ${c.length} entries up to entry ${c.lastId}, the chain now has ${i + 1}: entries before it were ${i + 1 < c.length ? 'removed' : 'inserted'}` });
    }
  }

  const checkpoints = bySeq.map((v) => v.c);
  const newest = checkpoints.reduce<Checkpoint | undefined>((m, c) => (!m || c.lastId > m.lastId ? c : m), undefined);
  const covered = newest ? position.get(newest.lastId) : undefined;
  return {
    problems: problems.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0) || a.index - b.index),
    checkpoints,
    fingerprints: [...new Set(checkpoints.map((c) => c.keyFingerprint))],
    unanchored: covered === undefined ? (newest ? 0 : links.length) : links.length - covered - 1,
  };
}
