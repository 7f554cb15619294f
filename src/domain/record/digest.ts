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

/** "sha256:" + hex SHA-256 of the RFC 8785 canonical JSON of the record body (of any format version). */
export function recordDigest(body: RecordBody | object): string {
  return 'sha256:' + createHash('sha256').update(canonical(body), 'utf8').digest('hex');
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
