/**
 * The group every part of the encrypted-ballot core works in: ristretto255 (RFC 9496), a prime-order
 * group of order ℓ = 2^252 + 27742317777372353535851937790883648493 built on Curve25519, from the
 * audited @noble/curves. Prime order means no cofactor and no small-subgroup checks to forget; every
 * valid 32-byte encoding is a group element and every element has exactly one encoding.
 *
 * Encodings (docs/encrypted-ballots.md): a point is 64 lower-case hex digits of its 32-byte RFC 9496
 * encoding; a scalar is 64 lower-case hex digits of its 32-byte little-endian value, which must be < ℓ.
 * Upper-case or non-canonical strings are refused, so each value has one spelling and a record's
 * digest cannot be changed without changing a value.
 *
 * Pure: no I/O. Randomness comes from an injectable `Rng` (default: the platform's CSPRNG through
 * @noble/hashes, which works in Node and in browsers alike).
 */
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';

/** The ristretto255 point class. */
export const Point = ristretto255.Point;
/** A ristretto255 group element. */
export type Point = InstanceType<typeof ristretto255.Point>;

/** The group order ℓ. Scalars are integers mod ℓ. */
export const ORDER: bigint = Point.Fn.ORDER;

/** The standard generator g (RFC 9496's base point). Messages are encoded as g^m. */
export const G: Point = Point.BASE;

/** The domain string from which H is derived; fixed forever, so anyone can re-derive H. */
export const H_DOMAIN = 'minsheng/encrypted-ballots/v1/generator-H';

/**
 * A second generator H whose discrete log to base g nobody knows: hash-to-curve (RFC 9380, the
 * ristretto255_XMD:SHA-512_R255MAP_RO_ suite) of the fixed string H_DOMAIN with itself as the DST
 * (nothing up my sleeve). The ballot core does not need it; it is there for Pedersen commitments.
 */
export const H: Point = ristretto255_hasher.hashToCurve(utf8ToBytes(H_DOMAIN), { DST: H_DOMAIN });

/** A source of uniformly random bytes; tests inject a seeded one. */
export type Rng = (bytes: number) => Uint8Array;
/** The platform CSPRNG (crypto.getRandomValues). */
export const defaultRng: Rng = (n) => randomBytes(n);

/** x mod ℓ in [0, ℓ). */
export function mod(x: bigint): bigint {
  const r = x % ORDER;
  return r < 0n ? r + ORDER : r;
}

/**
 * A uniformly random non-zero scalar: 64 random bytes reduced mod ℓ (the bias is below 2^-250),
 * retried on the (practically impossible) zero.
 */
export function randomScalar(rng: Rng = defaultRng): bigint {
  for (;;) {
    const s = mod(bytesToNumberLE(rng(64)));
    if (s !== 0n) return s;
  }
}

/**
 * P^s for a SECRET scalar s, with noble's constant-time ladder (it refuses 0, which is the identity).
 */
export function mulSecret(p: Point, s: bigint): Point {
  const k = mod(s);
  return k === 0n ? Point.ZERO : p.multiply(k);
}

/** P^s for a PUBLIC scalar (a challenge, a response, a public count): faster, not constant-time. */
export function mulPublic(p: Point, s: bigint): Point {
  return p.multiplyUnsafe(mod(s));
}

/** g^0 … g^(SMALL_POWERS − 1), made on first use: the allowed values of every proof (0, 1, 0 … seats). */
const SMALL_POWERS = 64;
const smallPowers: Point[] = [];

/** g^m for a small public integer m (a count or an allowed mark value). */
export function gPow(m: number | bigint): Point {
  const k = BigInt(m);
  if (k >= 0n && k < BigInt(SMALL_POWERS)) {
    const i = Number(k);
    return (smallPowers[i] ??= mulPublic(G, k));
  }
  return mulPublic(G, k);
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Whether x is 64 lower-case hex digits: the only spelling of a point or a scalar. */
export function isHex64(x: unknown): x is string {
  return typeof x === 'string' && HEX64.test(x);
}

/**
 * Each point's 32-byte encoding, kept once computed: encoding costs an inverse square root (about as
 * much as fifteen point additions), and the same points are encoded again and again (the election
 * key in every proof's hash, a ciphertext in its proofs' hashes and on the wire). Points are
 * immutable, so the cache cannot go stale; it holds no point alive.
 */
const encodings = new WeakMap<Point, Uint8Array>();

/** A point's 32-byte RFC 9496 encoding (do not modify the array: it is shared). */
function pointBytes(p: Point): Uint8Array {
  let bytes = encodings.get(p);
  if (!bytes) {
    bytes = p.toBytes();
    encodings.set(p, bytes);
  }
  return bytes;
}

/** A point's canonical encoding: 64 lower-case hex digits. */
export function encodePoint(p: Point): string {
  return bytesToHex(pointBytes(p));
}

/** Decodes a point; throws a RangeError on anything but a canonical lower-case encoding. */
export function decodePoint(hex: string): Point {
  if (!isHex64(hex)) throw new RangeError('a point is 64 lower-case hex digits');
  const p = Point.fromHex(hex);
  if (bytesToHex(pointBytes(p)) !== hex) throw new RangeError('non-canonical point encoding');
  return p;
}

/** A scalar's canonical encoding: 64 lower-case hex digits of its 32-byte little-endian value. */
export function encodeScalar(s: bigint): string {
  return bytesToHex(numberToBytesLE(mod(s), 32));
}

/** Decodes a scalar; throws a RangeError unless it is 64 lower-case hex digits of a value < ℓ. */
export function decodeScalar(hex: string): bigint {
  if (!isHex64(hex)) throw new RangeError('a scalar is 64 lower-case hex digits');
  const s = bytesToNumberLE(hexToBytes(hex));
  if (s >= ORDER) throw new RangeError('scalar not reduced mod the group order');
  return s;
}

/**
 * One item of a hashed transcript: text, a group element (as a point, or as its 32-byte encoding when
 * the caller already has it), or a scalar / non-negative integer.
 */
export type TranscriptItem = string | Point | Uint8Array | bigint;

const TAG_STRING = 0x73; // 's'
const TAG_POINT = 0x70; // 'p'
const TAG_SCALAR = 0x6e; // 'n'

function u32(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

function item(x: TranscriptItem): Uint8Array {
  let tag: number;
  let body: Uint8Array;
  if (typeof x === 'string') {
    tag = TAG_STRING;
    body = utf8ToBytes(x);
  } else if (typeof x === 'bigint') {
    tag = TAG_SCALAR;
    body = numberToBytesLE(mod(x), 32);
  } else if (x instanceof Uint8Array) {
    if (x.length !== 32) throw new RangeError('an encoded point is 32 bytes');
    tag = TAG_POINT;
    body = x;
  } else {
    tag = TAG_POINT;
    body = pointBytes(x);
  }
  return concatBytes(new Uint8Array([tag]), u32(body.length), body);
}

/**
 * The bytes hashToScalar hashes: the domain string and the items, each as one tag byte ('s' UTF-8
 * text, 'p' 32-byte point, 'n' 32-byte little-endian scalar), a 4-byte big-endian length and the bytes.
 * Exported so that a faster checker (sodium-checker.ts) hashes exactly the same transcript.
 */
export function encodeTranscript(domain: string, items: readonly TranscriptItem[]): Uint8Array {
  return concatBytes(item(domain), ...items.map(item));
}

/**
 * The Fiat–Shamir hash: SHA-512 over the domain string and the items, each encoded as one tag byte
 * ('s' UTF-8 text, 'p' 32-byte point, 'n' 32-byte little-endian scalar), a 4-byte big-endian length
 * and the bytes; the 64-byte digest read little-endian and reduced mod ℓ. The tags and lengths make
 * the encoding injective, so two different transcripts never hash the same input.
 */
export function hashToScalar(domain: string, items: readonly TranscriptItem[]): bigint {
  return mod(bytesToNumberLE(sha512(encodeTranscript(domain, items))));
}

/** Points are equal as group elements (constant-time in noble). */
export function pointsEqual(a: Point, b: Point): boolean {
  return a.equals(b);
}

const prepared = new WeakSet<Point>();

/**
 * The same point with an 8-bit window table built for it now (noble's precompute): a key used in
 * many multiplications (the election key: ~130 per ballot encrypted, thousands when verifying
 * ballots) then multiplies ~5× faster. Building the table costs a few dozen plain multiplications, so
 * a page can prepare the key while the deputy is still marking. Calling it again on the same point
 * keeps the table (noble would rebuild it); encryptBallot calls it itself.
 */
export function prepareKey(p: Point): Point {
  if (!prepared.has(p)) {
    p.precompute(8, false);
    prepared.add(p);
  }
  return p;
}
