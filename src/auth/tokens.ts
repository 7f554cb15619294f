import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { generateRandomString, type RandomReader } from '@oslojs/crypto/random';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { randomBytes } from 'node:crypto';

const random: RandomReader = { read: (bytes) => { bytes.set(randomBytes(bytes.length)); } };

/** 120 bits of randomness in lower-case base32 (24 characters). */
function randomToken(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(15));
}

/**
 * A new session token "<id>.<secret>" (Lucia's session design): the id finds the row, the secret
 * proves possession. Only SHA-256(secret) is stored, so a database leak yields no usable token.
 */
export function newSessionToken(): { id: string; secret: string; token: string; secretHash: Uint8Array } {
  const id = randomToken();
  const secret = randomToken();
  return { id, secret, token: `${id}.${secret}`, secretHash: hashSecret(secret) };
}

export function hashSecret(secret: string): Uint8Array {
  return sha256(new TextEncoder().encode(secret));
}

/** Splits a cookie value into id and secret; undefined for anything not shaped like our tokens. */
export function parseSessionToken(token: string | undefined): { id: string; secret: string } | undefined {
  const m = token && /^([a-z2-7]{24})\.([a-z2-7]{24})$/.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

/** Compares in time independent of where the first difference is. */
export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  return constantTimeEqual(hashSecret(secret), storedHash);
}

/** Letters and digits a person reads off paper without confusion (no 0/o, 1/l/i). */
const SLIP_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A one-time initial password for a credential slip: 12 characters in groups of four (~59 bits). */
export function newInitialPassword(): string {
  const s = generateRandomString(random, SLIP_ALPHABET, 12);
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

/** An opaque random id for rows referenced from URLs (roster uploads). */
export function newOpaqueId(): string {
  return randomToken();
}
