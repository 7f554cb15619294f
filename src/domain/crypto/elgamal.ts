/**
 * Exponential ElGamal over ristretto255: a message m is encrypted as (g^r, g^m·y^r), so that
 * multiplying ciphertexts adds their messages. Ballots are never decrypted one by one: the tally
 * multiplies them and only the sum is decrypted, to g^Σm, whose small discrete log (at most the
 * number of ballots) is found in a table.
 */
import { G, Point, decodePoint, defaultRng, encodePoint, gPow, mulSecret, randomScalar, type Rng } from './group.ts';

/** An ElGamal ciphertext: a = g^r, b = g^m·y^r. */
export interface Ciphertext {
  a: Point;
  b: Point;
}

/** A ciphertext on the wire and in the record: both points in their canonical hex encoding. */
export interface CiphertextJson {
  a: string;
  b: string;
}

/** A key pair: secret x, public y = g^x. */
export interface KeyPair {
  secret: bigint;
  public: Point;
}

/** A fresh key pair (a single-holder key; elections use threshold.ts's joint key). */
export function keygen(rng: Rng = defaultRng): KeyPair {
  const secret = randomScalar(rng);
  return { secret, public: mulSecret(G, secret) };
}

/** Encrypts the small PUBLIC integer m under y with randomness r: (g^r, g^m·y^r). A secret mark goes through encryptBit. */
export function encrypt(publicKey: Point, m: number | bigint, r: bigint): Ciphertext {
  return { a: mulSecret(G, r), b: gPow(m).add(mulSecret(publicKey, r)) };
}

/** The two values g^m a ballot's secret mark m ∈ {0, 1} can take, looked up by m. */
const BIT_POWERS: readonly Point[] = [Point.ZERO, G];

/**
 * Encrypts a secret bit (a ballot's mark) under y with randomness r: (g^r, g^m·y^r), g^m looked up in
 * a two-entry table rather than computed by a multiplication whose time depends on m (JavaScript gives
 * no stronger guarantee than this branch-free lookup).
 */
export function encryptBit(publicKey: Point, m: 0 | 1, r: bigint): Ciphertext {
  return { a: mulSecret(G, r), b: BIT_POWERS[m & 1]!.add(mulSecret(publicKey, r)) };
}

/** Encrypts m with fresh randomness; returns the randomness too (the prover's witness). */
export function encryptFresh(publicKey: Point, m: number | bigint, rng: Rng = defaultRng): { ciphertext: Ciphertext; r: bigint } {
  const r = randomScalar(rng);
  return { ciphertext: encrypt(publicKey, m, r), r };
}

/** The homomorphic sum: Enc(m1, r1) ⊕ Enc(m2, r2) = Enc(m1 + m2, r1 + r2). */
export function add(x: Ciphertext, y: Ciphertext): Ciphertext {
  return { a: x.a.add(y.a), b: x.b.add(y.b) };
}

/** The encryption of 0 with randomness 0: the neutral element of `add`. */
export const ZERO_CIPHERTEXT: Ciphertext = { a: Point.ZERO, b: Point.ZERO };

/** The homomorphic sum of any number of ciphertexts. */
export function sum(cs: Iterable<Ciphertext>): Ciphertext {
  let acc = ZERO_CIPHERTEXT;
  for (const c of cs) acc = add(acc, c);
  return acc;
}

/** Decrypts with the whole secret key to g^m (b / a^x). Only for tests and single-holder keys. */
export function decryptToPoint(secret: bigint, c: Ciphertext): Point {
  return c.b.subtract(mulSecret(c.a, secret));
}

/** A trustee's partial decryption with its key share x_i: a^{x_i}. threshold.ts combines k of them. */
export function partialDecrypt(share: bigint, c: Ciphertext): Point {
  return mulSecret(c.a, share);
}

/**
 * The table of g^0 … g^max by encoding, grown on demand and kept for the process (or page): 10,000
 * entries take well under a second to build and a few hundred kilobytes.
 */
const table = new Map<string, number>([[encodePoint(Point.ZERO), 0]]);
let tableTop = Point.ZERO;
let tableMax = 0;

/**
 * The discrete log m of g^m for 0 ≤ m ≤ max (a count, so max is the number of ballots), or
 * undefined when g^m is not in that range: a wrong decryption lands there with overwhelming chance.
 */
export function discreteLog(p: Point, max: number): number | undefined {
  if (!Number.isSafeInteger(max) || max < 0) throw new RangeError('max must be a non-negative integer');
  while (tableMax < max) {
    tableTop = tableTop.add(G);
    tableMax++;
    table.set(encodePoint(tableTop), tableMax);
  }
  const m = table.get(encodePoint(p));
  return m !== undefined && m <= max ? m : undefined;
}

/** A ciphertext's wire form. */
export function ciphertextToJson(c: Ciphertext): CiphertextJson {
  return { a: encodePoint(c.a), b: encodePoint(c.b) };
}

/** Parses a ciphertext's wire form; throws a RangeError on a bad shape or encoding. */
export function ciphertextFromJson(j: unknown): Ciphertext {
  return ciphertextFromJsonWith(j, decodePoint);
}

/**
 * Parses a ciphertext's wire form with a given point decoder (which throws on a bad encoding): the
 * shape checks and their messages shared by every checker (checker.ts), whatever its points are.
 */
export function ciphertextFromJsonWith<P>(j: unknown, decode: (hex: string) => P): { a: P; b: P } {
  if (typeof j !== 'object' || j === null) throw new RangeError('a ciphertext is an object {a, b}');
  const { a, b } = j as Record<string, unknown>;
  if (typeof a !== 'string' || typeof b !== 'string') throw new RangeError('a ciphertext is an object {a, b}');
  return { a: decode(a), b: decode(b) };
}
