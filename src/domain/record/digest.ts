import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Certification, ElectionRecord, RecordBody } from './format.ts';

function canonical(value: unknown): string {
  const s = canonicalize(value);
  if (s === undefined) throw new TypeError('value cannot be canonicalised (RFC 8785)');
  return s;
}

/** The record without digest, certifications and signature: what the digest covers. */
export function recordBody(record: Partial<ElectionRecord> & Record<string, unknown>): RecordBody {
  const { digest: _d, certifications: _c, signature: _s, ...body } = record;
  return body as RecordBody;
}

/** Plain arrays and objects (no toJSON): the containers canonicalUpdate may write piece by piece. */
const isPlainContainer = (x: unknown): x is unknown[] | Record<string, unknown> =>
  typeof x === 'object' && x !== null && typeof (x as { toJSON?: unknown }).toJSON !== 'function'
  && (Array.isArray(x) || Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null);

/**
 * Feeds the RFC 8785 canonical JSON of `value` to `hash` in pieces: the containers of the first
 * `depth` levels are written here (brackets, sorted keys, commas, exactly as `canonicalize` writes
 * them), everything below by `canonicalize`. The bytes hashed are the same as those of
 * canonical(value), but the text of a large record (tens of MB, twice that as a JavaScript string
 * with Chinese in it) never exists in memory at once: the verifier of a 3,000-ballot record fits
 * in 512 MB (BENCHMARKS.md).
 */
function canonicalUpdate(hash: { update(s: string, encoding: 'utf8'): unknown }, value: unknown, depth: number): void {
  if (depth === 0 || !isPlainContainer(value)) {
    hash.update(canonical(value), 'utf8');
    return;
  }
  if (Array.isArray(value)) {
    hash.update('[', 'utf8');
    value.forEach((element, i) => {
      if (i > 0) hash.update(',', 'utf8');
      // As JSON.stringify and canonicalize: no JSON representation inside an array is null.
      const v = element === undefined || typeof element === 'function' || typeof element === 'symbol' ? null : element;
      canonicalUpdate(hash, v, depth - 1);
    });
    hash.update(']', 'utf8');
    return;
  }
  hash.update('{', 'utf8');
  let first = true;
  for (const key of Object.keys(value).sort()) {
    const v = value[key];
    // As JSON.stringify and canonicalize: a member with no JSON representation is left out.
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    hash.update(`${first ? '' : ','}${canonical(key)}:`, 'utf8');
    first = false;
    canonicalUpdate(hash, v, depth - 1);
  }
  hash.update('}', 'utf8');
}

/** SHA-256 (hex) of the RFC 8785 canonical JSON of `value`, written in pieces (canonicalUpdate). */
export function canonicalSha256(value: unknown): string {
  const hash = createHash('sha256');
  // Three levels: the record, its lists (ballots, spoiled, …), each ballot's members.
  canonicalUpdate(hash, value, 3);
  return hash.digest('hex');
}

/** "sha256:" + hex SHA-256 of the RFC 8785 canonical JSON of the record body (of any format version). */
export function recordDigest(body: RecordBody | object): string {
  return `sha256:${canonicalSha256(body)}`;
}

/** The bytes the Ed25519 signature covers: canonical JSON of { certifications, digest }. */
export function signingPayload(certifications: readonly Certification[], digest: string): Buffer {
  return Buffer.from(canonical({ certifications, digest }), 'utf8');
}

/** SHA-256 of the DER (SPKI) public key, hex: what a verifier prints and compares with --key. */
export function keyFingerprint(spkiDer: Uint8Array): string {
  return createHash('sha256').update(spkiDer).digest('hex');
}

export function publicKeyFromDer(spkiDer: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
}

export function verifyEd25519(publicKey: KeyObject, payload: Buffer, signature: Uint8Array): boolean {
  try {
    return verify(null, payload, publicKey, signature);
  } catch {
    return false;
  }
}

export function signEd25519(privateKey: KeyObject, payload: Buffer): Buffer {
  return sign(null, payload, privateKey);
}
