import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Crockford's base32 alphabet: digits and letters without I, L, O, U. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A fresh random tracker, 16 symbols (80 bits) as XXXX-XXXX-XXXX-XXXX. Random, never derived from
 * the marks, so that a tracker reveals nothing until the deputy shows it to someone.
 */
export function newTracker(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}-${out.slice(12, 16)}`;
}

/**
 * Reads a tracker as a person types it: any case, dashes and spaces optional, I and L as 1, O as 0.
 * Returns the canonical form, or undefined when it cannot be a tracker.
 */
export function normaliseTracker(input: string): string | undefined {
  const s = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (!/^[0-9A-HJKMNP-TV-Z]{16}$/.test(s)) return undefined;
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}`;
}

/**
 * The MAC that marks a tracker as issued by this server, for this deputy, in this election: the
 * review page sends it with the tracker (hidden field `trackerMac`), and casting accepts an offered
 * tracker only with it. HMAC-SHA256 under the installation's tracker key (src/keys/installation.ts),
 * over the election id, the deputy id and the tracker, cut to 128 bits, base64url (22 characters).
 *
 * Nothing is stored: neither the MAC nor who was issued which tracker. The tracker itself stays 80
 * random bits (docs/record-format.md unchanged), and the separate 128-bit MAC leaves nothing to
 * guess online. The deputy id is in it so that a tracker issued to one deputy (a coercer who is a
 * deputy too) cannot be cast by another.
 */
export function trackerMac(key: Uint8Array, electionId: number, deputyId: number, tracker: string): string {
  return createHmac('sha256', key).update(`minsheng tracker v1\u0000${electionId}\u0000${deputyId}\u0000${tracker}`).digest().subarray(0, 16).toString('base64url');
}

/** A fresh tracker with its MAC, for the review page. */
export function issueTracker(key: Uint8Array, electionId: number, deputyId: number): { tracker: string; mac: string } {
  const tracker = newTracker();
  return { tracker, mac: trackerMac(key, electionId, deputyId, tracker) };
}

/** The offered tracker in canonical form when `mac` is the one this server issued with it, else undefined. */
export function verifiedTracker(key: Uint8Array, electionId: number, deputyId: number, offered: string, mac: string | undefined): string | undefined {
  const tracker = normaliseTracker(offered);
  if (!tracker || mac === undefined) return undefined;
  const expected = Buffer.from(trackerMac(key, electionId, deputyId, tracker), 'utf8');
  const given = Buffer.from(mac, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected) ? tracker : undefined;
}
