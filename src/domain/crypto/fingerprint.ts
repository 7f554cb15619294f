/**
 * Short fingerprints people read aloud to each other during the key ceremony (docs/key-ceremony.md):
 * 140 bits of SHA-256 written as 28 Crockford base32 symbols in seven groups of four, the alphabet
 * and group size of a tracker (0-9 and A-Z without I, L, O, U), e.g.
 * `7K3M-Q0ZP-W2RT-9B4X-MM4E-T0XA-1CJ8`. Not 80 bits like a tracker: a fingerprint must resist a
 * collision made on purpose (two keys, one fingerprint), which costs about 2^(bits/2) tries:
 * 2^40 is hours on a few machines, 2^70 is out of reach (docs/key-ceremony.md, "Fingerprints").
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

/** Symbols in a fingerprint: 28 of 5 bits, 140 bits (≥ 128), in groups of four. */
export const FINGERPRINT_SYMBOLS = 28;

/** The canonical form of a fingerprint: 28 symbols in seven groups of four joined by "-". */
export const FINGERPRINT_PATTERN = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}$/;

/**
 * The first 5 × `symbols` bits of `bytes` as Crockford base32, most significant bits first, in
 * groups of four joined by "-" (`symbols` a multiple of 4; default a fingerprint's 28).
 */
export function base32Groups(bytes: Uint8Array, symbols = FINGERPRINT_SYMBOLS): string {
  if (!Number.isSafeInteger(symbols) || symbols <= 0 || symbols % 4 !== 0) throw new RangeError('symbols must be a positive multiple of 4');
  if (bytes.length * 8 < symbols * 5) throw new RangeError(`need at least ${Math.ceil((symbols * 5) / 8)} bytes`);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < symbols) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === symbols) break;
    value &= (1 << bits) - 1;
  }
  return out.match(/.{4}/g)!.join('-');
}

/** SHA-256 of the UTF-8 strings joined by 0x00 bytes, the domain first, as 28 grouped symbols. */
function fingerprintOf(domain: string, parts: readonly string[]): string {
  const chunks: Uint8Array[] = [utf8ToBytes(domain)];
  for (const p of parts) chunks.push(new Uint8Array([0]), utf8ToBytes(p));
  return base32Groups(sha256(concatBytes(...chunks)));
}

/**
 * The fingerprint of the election key every trustee confirms at the end of the ceremony:
 * SHA-256( UTF-8("minsheng/election-key/v1") ‖ 0x00 ‖ UTF-8(contextId) ‖ 0x00 ‖ UTF-8(hex of y) ),
 * first 140 bits, 28 symbols.
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
