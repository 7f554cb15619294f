import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, decryptToPoint, discreteLog, encrypt, encryptFresh, keygen, sum } from './elgamal.ts';
import {
  G, H, H_DOMAIN, ORDER, Point, decodePoint, decodeScalar, encodePoint, encodeScalar, hashToScalar, mulSecret, randomScalar,
} from './group.ts';
import { ristretto255_hasher } from '@noble/curves/ed25519.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { proveDecryption, proveDisjunctive, proveKnowledge, verifyDecryption, verifyDisjunctive, verifyKnowledge } from './proofs.ts';
import { seededRng } from './test-fixtures.ts';

const rng = seededRng('primitives');
const scalar = fc.bigInt({ min: 0n, max: ORDER - 1n });

describe('group and encodings', () => {
  it('round-trips scalars and points through their one canonical spelling', () => {
    fc.assert(fc.property(scalar, (s) => {
      expect(decodeScalar(encodeScalar(s))).toBe(s);
      const p = mulSecret(G, s);
      expect(decodePoint(encodePoint(p)).equals(p)).toBe(true);
    }), { numRuns: 30 });
  });

  it('refuses upper case, wrong lengths, unreduced scalars and non-canonical points', () => {
    const p = encodePoint(mulSecret(G, 5n));
    expect(() => decodePoint(p.toUpperCase())).toThrow(RangeError);
    expect(() => decodePoint(p.slice(2))).toThrow(RangeError);
    expect(() => decodePoint('ff'.repeat(32))).toThrow();
    expect(() => decodeScalar(encodeScalar(ORDER - 1n).replace(/^../, 'ff').replace(/..$/, 'ff'))).toThrow(RangeError);
    expect(() => decodeScalar('ab')).toThrow(RangeError);
  });

  it('derives H from its domain string, distinct from g and the identity', () => {
    expect(H.equals(ristretto255_hasher.hashToCurve(utf8ToBytes(H_DOMAIN), { DST: H_DOMAIN }))).toBe(true);
    expect(H.equals(G)).toBe(false);
    expect(H.is0()).toBe(false);
  });

  it('hashes transcripts injectively: moving a boundary or a type changes the challenge', () => {
    expect(hashToScalar('d', ['ab', 'c'])).not.toBe(hashToScalar('d', ['a', 'bc']));
    expect(hashToScalar('d', ['x'])).not.toBe(hashToScalar('e', ['x']));
    const p = mulSecret(G, 7n);
    const asText = String.fromCharCode(...p.toBytes());
    expect(hashToScalar('d', [p])).not.toBe(hashToScalar('d', [asText]));
    expect(hashToScalar('d', [1n])).toBe(hashToScalar('d', [ORDER + 1n]));
  });

  it('makes random non-zero scalars and treats 0 as the identity', () => {
    expect(randomScalar(rng)).toBeGreaterThan(0n);
    expect(mulSecret(G, 0n).equals(Point.ZERO)).toBe(true);
  });
});

describe('exponential ElGamal', () => {
  const { secret, public: y } = keygen(rng);

  it('decrypts a small message through the table, and nothing beyond the bound', () => {
    const c = encrypt(y, 42, randomScalar(rng));
    expect(discreteLog(decryptToPoint(secret, c), 100)).toBe(42);
    expect(discreteLog(decryptToPoint(secret, c), 41)).toBeUndefined();
    expect(discreteLog(decryptToPoint(secret + 1n, c), 100)).toBeUndefined();
  });

  it('adds messages by multiplying ciphertexts', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 12 }), (ms) => {
      const total = sum(ms.map((m) => encryptFresh(y, m, rng).ciphertext));
      expect(discreteLog(decryptToPoint(secret, total), 40)).toBe(ms.reduce((a, b) => a + b, 0));
    }), { numRuns: 15 });
    const two = add(encrypt(y, 1, 5n), encrypt(y, 1, 6n));
    expect(two.a.equals(mulSecret(G, 11n))).toBe(true);
  });
});

describe('proofs', () => {
  const { secret, public: y } = keygen(rng);
  const ctx = { publicKey: y, contextId: 'election-1' };

  it('Schnorr: a proof of knowledge verifies only for its key, context and label', () => {
    const proof = proveKnowledge('election-1', 'trustee 1', secret, rng);
    expect(verifyKnowledge('election-1', 'trustee 1', y, proof)).toBe(true);
    expect(verifyKnowledge('election-2', 'trustee 1', y, proof)).toBe(false);
    expect(verifyKnowledge('election-1', 'trustee 2', y, proof)).toBe(false);
    expect(verifyKnowledge('election-1', 'trustee 1', mulSecret(G, 3n), proof)).toBe(false);
    expect(verifyKnowledge('election-1', 'trustee 1', y, { ...proof, s: proof.s + 1n })).toBe(false);
    // Without the secret: a proof made for a key one knows does not carry over.
    expect(verifyKnowledge('election-1', 'trustee 1', y, proveKnowledge('election-1', 'trustee 1', secret + 1n, rng))).toBe(false);
  });

  it('CDS: proves 0 or 1, and no witness makes a proof for 2 or −1 verify', () => {
    for (const m of [0, 1]) {
      const { ciphertext, r } = encryptFresh(y, m, rng);
      const proof = proveDisjunctive(ctx, 'l', ciphertext, [0, 1], m, r, rng);
      expect(verifyDisjunctive(ctx, 'l', ciphertext, [0, 1], proof)).toBe(true);
      expect(verifyDisjunctive({ ...ctx, contextId: 'election-2' }, 'l', ciphertext, [0, 1], proof)).toBe(false);
      expect(verifyDisjunctive(ctx, 'other', ciphertext, [0, 1], proof)).toBe(false);
      expect(verifyDisjunctive({ ...ctx, publicKey: mulSecret(G, 9n) }, 'l', ciphertext, [0, 1], proof)).toBe(false);
      expect(verifyDisjunctive(ctx, 'l', ciphertext, [0, 2], proof)).toBe(false);
      // The wrong branch claimed for a true value.
      expect(verifyDisjunctive(ctx, 'l', ciphertext, [0, 1], proveDisjunctive(ctx, 'l', ciphertext, [0, 1], 1 - m, r, rng))).toBe(false);
    }
    for (const m of [2, -1, 5]) {
      const { ciphertext, r } = encryptFresh(y, m, rng);
      for (const branch of [0, 1]) {
        expect(verifyDisjunctive(ctx, 'l', ciphertext, [0, 1], proveDisjunctive(ctx, 'l', ciphertext, [0, 1], branch, r, rng))).toBe(false);
      }
    }
  });

  it('CDS over a range: a count in 0 … 3 proves, 4 does not', () => {
    const allowed = [0, 1, 2, 3];
    for (const m of allowed) {
      const { ciphertext, r } = encryptFresh(y, m, rng);
      expect(verifyDisjunctive(ctx, 'seats', ciphertext, allowed, proveDisjunctive(ctx, 'seats', ciphertext, allowed, m, r, rng))).toBe(true);
    }
    const { ciphertext, r } = encryptFresh(y, 4, rng);
    for (let b = 0; b < allowed.length; b++) {
      expect(verifyDisjunctive(ctx, 'seats', ciphertext, allowed, proveDisjunctive(ctx, 'seats', ciphertext, allowed, b, r, rng))).toBe(false);
    }
  });

  it('Chaum–Pedersen: a correct decryption proves, a wrong one does not', () => {
    const c = encrypt(y, 7, randomScalar(rng));
    const { d, proof } = proveDecryption(ctx, 'sum', c, secret, rng);
    expect(discreteLog(c.b.subtract(d), 10)).toBe(7);
    expect(verifyDecryption(ctx, 'sum', c, y, d, proof)).toBe(true);
    expect(verifyDecryption(ctx, 'sum', c, y, d.add(G), proof)).toBe(false);
    expect(verifyDecryption(ctx, 'other', c, y, d, proof)).toBe(false);
    const liar = proveDecryption(ctx, 'sum', c, secret + 1n, rng);
    expect(verifyDecryption(ctx, 'sum', c, y, liar.d, liar.proof)).toBe(false);
  });
});
