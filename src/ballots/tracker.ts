import { randomBytes } from 'node:crypto';

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
