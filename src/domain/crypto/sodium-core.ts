/**
 * The fast BallotChecker's group work, for Node (sodium-checker.ts: the server and `npm run verify`)
 * and browsers (sodium-checker-browser.ts: a trustee's decryption page): the same checks as nobleChecker
 * (checker.ts), with the group work done by libsodium's ristretto255 (WebAssembly), where a
 * variable-base multiplication costs about an eighth of noble's. Points stay in their 32-byte
 * encoding throughout, which is what libsodium works on and what the transcript hashes, so nothing is
 * encoded twice; the transcript is group.ts's encodeTranscript, hashed with the SHA-512 the caller
 * gives (node:crypto's on the server, @noble/hashes' in a browser).
 *
 * Everything but the group work is ballot.ts's checkBallotWith (shapes, labels, the order of the
 * checks, the reasons returned), so the two checkers answer every input alike; sodium-checker.test.ts
 * holds them to it. The differences libsodium has that must not show:
 *  - its multiplications refuse an identity result (a zero scalar, or the identity as the point):
 *    those cases are answered here with the identity, as noble does;
 *  - its point decoding accepts exactly the canonical RFC 9496 encodings, as decodePoint does; on a
 *    refusal decodePoint itself is asked, so the reason is word for word the same.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import sodium from 'libsodium-wrappers-sumo';
import type { BallotGroup, CiphertextOf } from './ballot.ts';
import { runningChecker, type CheckerFactory } from './checker.ts';
import { decodePoint, decodeScalar, encodeTranscript, gPow, isHex64 } from './group.ts';
import { DISJUNCTIVE_DOMAIN } from './proofs.ts';

type Bytes = Uint8Array;

/** The identity's encoding, and the scalar 0: 32 zero bytes. */
const ZERO: Bytes = new Uint8Array(32);

function isZero(x: Bytes): boolean {
  let acc = 0;
  for (let i = 0; i < x.length; i++) acc |= x[i]!;
  return acc === 0;
}

function bytesEqual(x: Bytes, y: Bytes): boolean {
  if (x.length !== y.length) return false;
  let acc = 0;
  for (let i = 0; i < x.length; i++) acc |= x[i]! ^ y[i]!;
  return acc === 0;
}

/** P^k for a scalar k < ℓ; the identity when k = 0 or P is the identity (libsodium refuses those). */
function mul(k: Bytes, p: Bytes): Bytes {
  return isZero(k) || isZero(p) ? ZERO : sodium.crypto_scalarmult_ristretto255(k, p);
}

/** g^k for a scalar k < ℓ; the identity when k = 0. */
function mulBase(k: Bytes): Bytes {
  return isZero(k) ? ZERO : sodium.crypto_scalarmult_ristretto255_base(k);
}

/** g^v of the small allowed values, encoded (the same elements as group.ts's gPow). */
const powers = new Map<number, Bytes>();
function gPowBytes(v: number): Bytes {
  let p = powers.get(v);
  if (!p) powers.set(v, (p = gPow(v).toBytes()));
  return p;
}

/** A point in its 32-byte encoding: exactly the encodings decodePoint accepts, with its reasons. */
function decodePointBytes(hex: string): Bytes {
  if (isHex64(hex)) {
    const bytes = hexToBytes(hex);
    if (isZero(bytes) || sodium.crypto_core_ristretto255_is_valid_point(bytes)) return bytes;
  }
  decodePoint(hex); // throws decodePoint's own reason
  throw new RangeError(`libsodium refuses the point ${hex}, which @noble/curves accepts`);
}

/** A scalar's 32 little-endian bytes: exactly the encodings decodeScalar accepts, with its reasons. */
function decodeScalarBytes(hex: string): Bytes {
  decodeScalar(hex);
  return hexToBytes(hex);
}

function add(x: CiphertextOf<Bytes>, y: CiphertextOf<Bytes>): CiphertextOf<Bytes> {
  return { a: sodium.crypto_core_ristretto255_add(x.a, y.a), b: sodium.crypto_core_ristretto255_add(x.b, y.b) };
}

/** SHA-512 of a byte string: node:crypto's on the server, @noble/hashes' in a browser. */
export type Sha512 = (bytes: Uint8Array) => Uint8Array;

/** The BallotGroup over libsodium, bound to an election key (encoded) and context id. */
function sodiumBallotGroup(key: Bytes, contextId: string, sha512: Sha512): BallotGroup<Bytes, Bytes> {
  return {
    decodePoint: decodePointBytes,
    decodeScalar: decodeScalarBytes,
    sum: (cts) => (cts.length === 0 ? { a: ZERO, b: ZERO } : cts.slice(1).reduce(add, cts[0]!)),
    isIdentity: isZero,
    identityKey: isZero(key),
    // proofs.ts's verifyDisjunctive: A_j = g^{s_j}·a^{-c_j}, B_j = y^{s_j}·(b·g^{-v_j})^{-c_j}, and Σ c_j
    // must equal the hash of the same transcript.
    verifyDisjunctive(label, ct, allowed, proof) {
      if (proof.c.length !== allowed.length || proof.s.length !== allowed.length) return false;
      const commitments: Bytes[] = [];
      let total = ZERO;
      for (let j = 0; j < allowed.length; j++) {
        const c = proof.c[j]!;
        const s = proof.s[j]!;
        const v = allowed[j]!;
        const bv = v === 0 ? ct.b : sodium.crypto_core_ristretto255_sub(ct.b, gPowBytes(v));
        commitments.push(
          sodium.crypto_core_ristretto255_sub(mulBase(s), mul(c, ct.a)),
          sodium.crypto_core_ristretto255_sub(mul(s, key), mul(c, bv)),
        );
        total = sodium.crypto_core_ristretto255_scalar_add(total, c);
      }
      const transcript = encodeTranscript(DISJUNCTIVE_DOMAIN, [contextId, label, key, ct.a, ct.b, ...allowed.map(BigInt), ...commitments]);
      return bytesEqual(sodium.crypto_core_ristretto255_scalar_reduce(sha512(transcript)), total);
    },
  };
}

/**
 * The libsodium checker factory with the given SHA-512, once libsodium's WebAssembly is loaded. Same
 * interface and answers as nobleChecker.
 */
export async function sodiumCheckerWith(sha512: Sha512): Promise<CheckerFactory> {
  await sodium.ready;
  return (publicKeyHex, spec, contextId) =>
    // decodePoint, as nobleChecker: the same refusal of a bad key.
    runningChecker(sodiumBallotGroup(decodePoint(publicKeyHex).toBytes(), contextId, sha512), spec, {
      zero: { a: ZERO, b: ZERO },
      add,
      toJson: (c) => ({ a: sodium.to_hex(c.a), b: sodium.to_hex(c.b) }),
    });
}
