/**
 * Short fingerprints people read aloud to each other during the key ceremony (docs/key-ceremony.md):
 * 80 bits of SHA-256 written as 16 Crockford base32 symbols in four groups of four, the same
 * alphabet and layout as a tracker (0-9 and A-Z without I, L, O, U), e.g. `7K3M-Q0ZP-W2RT-9B4X`.
 *
 * Pure, and the same in Node and browsers (@noble/hashes).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { encodePoint, type Point } from './group.ts';

/** Crockford's base32 alphabet: digits and letters without I, L, O, U. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Domain of the election-key fingerprint. */
export const ELECTION_KEY_FINGERPRINT_DOMAIN = 'minsheng/election-key/v1';
/** Domain of the exchange-keys fingerprint. */
export const EXCHANGE_KEYS_FINGERPRINT_DOMAIN = 'minsheng/key-ceremony/v1/exchange-keys';

/** The canonical form of a fingerprint: 16 symbols in groups of four joined by "-". */
export const FINGERPRINT_PATTERN = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;

/** The first 80 bits of `bytes` (≥ 10 bytes) as XXXX-XXXX-XXXX-XXXX, most significant bits first. */
export function base32Groups(bytes: Uint8Array): string {
  if (bytes.length < 10) throw new RangeError('need at least 10 bytes');
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes.subarray(0, 10)) {
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

/** SHA-256 of the UTF-8 strings joined by 0x00 bytes, the domain first, as 16 grouped symbols. */
function fingerprintOf(domain: string, parts: readonly string[]): string {
  const chunks: Uint8Array[] = [utf8ToBytes(domain)];
  for (const p of parts) chunks.push(new Uint8Array([0]), utf8ToBytes(p));
  return base32Groups(sha256(concatBytes(...chunks)));
}

/**
 * The fingerprint of the election key every trustee confirms at the end of the ceremony:
 * SHA-256( UTF-8("minsheng/election-key/v1") ‖ 0x00 ‖ UTF-8(contextId) ‖ 0x00 ‖ UTF-8(hex of y) ),
 * first 80 bits, 16 symbols.
 */
export function electionKeyFingerprint(contextId: string, publicKey: Point): string {
  return fingerprintOf(ELECTION_KEY_FINGERPRINT_DOMAIN, [contextId, encodePoint(publicKey)]);
}

/**
 * The fingerprint of the trustees' exchange keys E_1 … E_n (in index order), which the trustees
 * compare aloud before dealing: a relay that showed one trustee a key of its own instead of another
 * trustee's (to read that trustee's shares) gives the trustees different fingerprints.
 * SHA-256( UTF-8("minsheng/key-ceremony/v1/exchange-keys") ‖ 0x00 ‖ UTF-8(contextId) ‖ 0x00 ‖ hex E_1 ‖ 0x00 ‖ … ‖ hex E_n ).
 */
export function exchangeKeysFingerprint(contextId: string, keysInIndexOrder: readonly Point[]): string {
  return fingerprintOf(EXCHANGE_KEYS_FINGERPRINT_DOMAIN, [contextId, ...keysInIndexOrder.map(encodePoint)]);
}
