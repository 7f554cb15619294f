import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A ballot nonce: 128 bits from the operating system's CSPRNG, 32 lower-case hex digits. */
export const BALLOT_NONCE = /^[0-9a-f]{32}$/;

/**
 * The MAC that marks a ballot nonce as issued by this server, for this deputy, in this election
 * (encrypted mode, docs/encrypted-casting.md): the ballot page carries it with the nonce, and
 * casting or checking a ballot accepts the nonce only with it. HMAC-SHA256 under the installation's
 * tracker key (src/keys/installation.ts), over a domain string of its own (so that no tracker MAC,
 * tracker.ts, can ever pass for one), the election id, the deputy id and the nonce; cut to 128
 * bits, base64url (22 characters). Nothing is stored: neither the MAC nor who was issued which nonce.
 */
export function ballotNonceMac(key: Uint8Array, electionId: number, deputyId: number, nonce: string): string {
  return createHmac('sha256', key).update(`minsheng ballot nonce v1\u0000${electionId}\u0000${deputyId}\u0000${nonce}`).digest().subarray(0, 16).toString('base64url');
}

/** A fresh nonce with its MAC, for one view of the ballot page (or one encryption by the server). */
export function issueBallotNonce(key: Uint8Array, electionId: number, deputyId: number): { nonce: string; mac: string } {
  const nonce = randomBytes(16).toString('hex');
  return { nonce, mac: ballotNonceMac(key, electionId, deputyId, nonce) };
}

/** The offered nonce when `mac` is the one this server issued with it to this deputy in this election, else undefined. */
export function verifiedBallotNonce(key: Uint8Array, electionId: number, deputyId: number, nonce: string | undefined, mac: string | undefined): string | undefined {
  if (nonce === undefined || mac === undefined || !BALLOT_NONCE.test(nonce)) return undefined;
  const expected = Buffer.from(ballotNonceMac(key, electionId, deputyId, nonce), 'utf8');
  const given = Buffer.from(mac, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected) ? nonce : undefined;
}
