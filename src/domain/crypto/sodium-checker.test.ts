import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LETTERS } from '../vocabulary.ts';
import {
  allowedForCounts, ciphertextsHash, encryptBallot, letterLabel, optionLabel, seatsLabel, type BallotSpec, type EncryptedBallot,
} from './ballot.ts';
import { nobleChecker, type BallotChecker, type CheckerFactory } from './checker.ts';
import { ciphertextToJson, encrypt, keygen, sum, type Ciphertext } from './elgamal.ts';
import { G, ORDER, Point, encodePoint, encodeScalar, hashToScalar, mod, randomScalar } from './group.ts';
import { DISJUNCTIVE_DOMAIN, disjunctiveProofToJson, proveDisjunctive, type DisjunctiveProofJson, type ProofContext } from './proofs.ts';
import { sodiumChecker } from './sodium-checker.ts';
import { seededRng } from './test-fixtures.ts';

const rng = seededRng('sodium-checker');
const CONTEXT = 'election-7';
/** The server-issued nonce of the test ballots. */
const NONCE = '00112233445566778899aabbccddeeff';
const { public: y } = keygen(rng);
const KEY = encodePoint(y);
const sodium: CheckerFactory = await sodiumChecker();

const FAN12: BallotSpec = { marking: 'for-against-abstain', optionKeys: Array.from({ length: 12 }, (_, i) => `p${i + 1}`), seats: 8 };
const FAN: BallotSpec = { marking: 'for-against-abstain', optionKeys: ['p1', 'p2', 'p3'], seats: 2 };
const APPROVAL: BallotSpec = { marking: 'approval', optionKeys: ['p1', 'p2', 'p3'], seats: 1 };
const RATING: BallotSpec = { marking: 'satisfaction', optionKeys: ['p1', 'p2', 'p3'] };

/** What a call gives: its value, or the error it throws (class and message). */
function outcome<T>(f: () => T): { value: T } | { threw: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { threw: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

/** Both checkers for one election (made once per spec: noble prepares the key's table each time). */
const pairs = new Map<BallotSpec, { noble: BallotChecker; sodium: BallotChecker }>();
function checkers(spec: BallotSpec) {
  let p = pairs.get(spec);
  if (!p) pairs.set(spec, (p = { noble: nobleChecker(KEY, spec, CONTEXT), sodium: sodium(KEY, spec, CONTEXT) }));
  return p;
}

/** Checks a ballot with both checkers, expects the same answer and returns it. */
function same(spec: BallotSpec, ballot: unknown, what = '', nonce: unknown = NONCE): true | string {
  const { noble, sodium: fast } = checkers(spec);
  const expected = noble.check(nonce as string, ballot);
  expect(fast.check(nonce as string, ballot), what).toEqual(expected);
  return expected;
}

const clone = (b: unknown): EncryptedBallot => structuredClone(b) as EncryptedBallot;

/** Every hex string of a ballot, as a path of keys and indexes from its root. */
function hexPaths(x: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof x === 'string') return [path];
  if (Array.isArray(x)) return x.flatMap((v, i) => hexPaths(v, [...path, i]));
  if (typeof x === 'object' && x !== null) return Object.entries(x).flatMap(([k, v]) => hexPaths(v, [...path, k]));
  return [];
}
function getAt(x: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], x);
}
function setAt(x: unknown, path: (string | number)[], value: unknown): void {
  const parent = getAt(x, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = value;
}
/** The ballot with one value replaced. */
function withValue(ballot: EncryptedBallot, path: (string | number)[], value: unknown): EncryptedBallot {
  const b = clone(ballot);
  setAt(b, path, value);
  return b;
}
/** The hex string with the digit at `at` changed to another one. */
function changeDigit(hex: string, at: number, delta: number): string {
  const digits = '0123456789abcdef';
  return hex.slice(0, at) + digits[(digits.indexOf(hex[at]!) + 1 + (delta % 15)) % 16]! + hex.slice(at + 1);
}

const IDENTITY = encodePoint(Point.ZERO);
/** A field element / scalar as 64 hex digits of its 32-byte little-endian value (no reduction). */
function le32(n: bigint): string {
  let hex = '';
  for (let i = 0; i < 32; i++) hex += Number((n >> BigInt(8 * i)) & 0xffn).toString(16).padStart(2, '0');
  return hex;
}
const fromLe = (hex: string) => BigInt(`0x${hex.match(/../g)!.reverse().join('')}`);
const FIELD_P = 2n ** 255n - 19n;

/**
 * A ballot of arbitrary per-letter values with the randomness chosen by `r` (0 gives identity
 * points), each statement proved with whatever witness it has (a false one where the values break
 * the rules, which cannot verify). With `zeroNonces`, every proof takes the nonce 0 and its simulated
 * branches c = s = 0: still valid proofs, whose commitments are all the identity and, with r = 0,
 * whose responses are 0, so that every identity case of the group work is exercised.
 */
function forge(spec: BallotSpec, values: number[][], r: (i: number, l: number) => bigint, zeroNonces = false): EncryptedBallot {
  const ctx: ProofContext = { publicKey: y, contextId: CONTEXT };
  const letters = LETTERS[spec.marking];
  const rs = values.map((row, i) => row.map((_, l) => r(i, l)));
  const cts: Ciphertext[][] = values.map((row, i) => row.map((m, l) => encrypt(y, m, rs[i]![l]!)));
  const binding = { nonce: NONCE, hash: ciphertextsHash(cts.map((row) => row.map(ciphertextToJson))) };
  const prove = (label: string, ct: Ciphertext, allowed: readonly number[], branch: number, rr: bigint): DisjunctiveProofJson => {
    if (!zeroNonces) return disjunctiveProofToJson(proveDisjunctive(ctx, label, ct, allowed, branch, rr, rng));
    const commitments = allowed.flatMap(() => [Point.ZERO, Point.ZERO]);
    const c = hashToScalar(DISJUNCTIVE_DOMAIN, [CONTEXT, label, y, ct.a, ct.b, ...allowed.map(BigInt), ...commitments]);
    return disjunctiveProofToJson({ c: allowed.map((_, j) => (j === branch ? c : 0n)), s: allowed.map((_, j) => (j === branch ? mod(c * rr) : 0n)) });
  };
  const f = letters.indexOf('F');
  const forCount = values.reduce((acc, row) => acc + (row[f] ?? 0), 0);
  const allowed = allowedForCounts(spec);
  return {
    ciphertexts: cts.map((row) => row.map(ciphertextToJson)),
    proofs: {
      letters: cts.map((row, i) => row.map((ct, l) => prove(letterLabel(spec, i, letters[l]!, binding), ct, [0, 1], values[i]![l] === 0 ? 0 : 1, rs[i]![l]!))),
      options: cts.map((row, i) => prove(optionLabel(spec, i, binding), sum(row), [1], 0, mod(rs[i]!.reduce((a, b) => a + b, 0n)))),
      ...(spec.seats !== undefined ? {
        seats: prove(seatsLabel(spec, binding), sum(cts.map((row) => row[f]!)), allowed, Math.max(0, Math.min(forCount, allowed.length - 1)),
          mod(rs.reduce((a, row) => a + row[f]!, 0n))),
      } : {}),
    },
  };
}
const oneHot = (spec: BallotSpec, marks: string) => [...marks].map((ch) => LETTERS[spec.marking].map((l) => (l === ch ? 1 : 0)));

describe('the libsodium checker answers every ballot as the noble one does', () => {
  it('accepts valid ballots of all three markings and keeps the same sums', { timeout: 120_000 }, () => {
    const cases: [BallotSpec, string[]][] = [
      [FAN12, ['FFFFFFFFAANN', 'AFAFAFNFNFNF']],
      [FAN, ['FAN', 'FFA', 'NNN']],
      [APPROVAL, ['NFN', 'NNN']],
      [RATING, ['SUB', 'NNS', 'BBB']],
    ];
    for (const [spec, all] of cases) {
      const noble = nobleChecker(KEY, spec, CONTEXT);
      const fast = sodium(KEY, spec, CONTEXT);
      expect(fast.aggregate()).toEqual(noble.aggregate());
      for (const marks of all) {
        const ballot = encryptBallot(y, spec, CONTEXT, NONCE, marks, rng);
        expect(noble.add(NONCE, ballot)).toBe(true);
        expect(fast.add(NONCE, ballot)).toBe(true);
      }
      expect(fast.count).toBe(all.length);
      expect(noble.count).toBe(all.length);
      expect(fast.aggregate()).toEqual(noble.aggregate());
      // The sums are real: option 0's first letter over the ballots is not the identity pair.
      expect(fast.aggregate()[0]![0]!.a).not.toBe(IDENTITY);
    }
  });

  it('gives the same answer when any field of a ballot has one hex digit changed', { timeout: 300_000 }, () => {
    const ballot = encryptBallot(y, APPROVAL, CONTEXT, NONCE, 'NFN', rng);
    const paths = hexPaths(ballot);
    expect(paths.length).toBe(3 * 2 * 2 + 3 * 2 * 4 + 3 * 2 + 2 * 2);
    const answers = new Set<string>();
    for (const path of paths) {
      const hex = getAt(ballot, path) as string;
      // A low digit (a valid scalar, a different or undecodable point) and the top one (out of range).
      for (const at of [Number(rng(1)[0]! % 60), 62]) {
        const answer = same(APPROVAL, withValue(ballot, path, changeDigit(hex, at, rng(1)[0]!)), `${path.join('.')} digit ${at}`);
        expect(answer).not.toBe(true);
        answers.add(String(answer).replace(/\d+/g, '#'));
      }
    }
    // Every kind of refusal came up: decoding, each proof.
    expect([...answers].sort()).toEqual(expect.arrayContaining([
      'bad encoding: scalar not reduced mod the group order',
      'option # letter F: the #-or-# proof fails', 'option # letter N: the #-or-# proof fails',
      'option #: the one-mark proof fails', 'the seats proof fails',
    ]));
    expect([...answers].some((a) => a.startsWith('bad encoding:') && !a.includes('scalar'))).toBe(true);
  });

  it('gives the same answer to swapped proofs and ciphertexts, wrong lengths and upper-case hex', { timeout: 120_000 }, () => {
    const ballot = encryptBallot(y, FAN, CONTEXT, NONCE, 'FAN', rng);
    const rating = encryptBallot(y, RATING, CONTEXT, NONCE, 'SUB', rng);
    const p = ballot.proofs;
    const ct0 = ballot.ciphertexts[0]!;
    const variants: [string, BallotSpec, unknown][] = [
      ['letter proofs swapped', FAN, withValue(ballot, ['proofs', 'letters', 0], [p.letters[0]![1], p.letters[0]![0], p.letters[0]![2]])],
      ['option proofs swapped', FAN, withValue(ballot, ['proofs', 'options'], [p.options[1], p.options[0], p.options[2]])],
      ['a and b swapped', FAN, withValue(ballot, ['ciphertexts', 0, 0], { a: ct0[0]!.b, b: ct0[0]!.a })],
      ['ciphertext rows swapped', FAN, withValue(ballot, ['ciphertexts'], [ballot.ciphertexts[1], ballot.ciphertexts[0], ballot.ciphertexts[2]])],
      ['the seats proof as an option proof', FAN, withValue(ballot, ['proofs', 'options', 2], p.seats)],
      ['a branch of c and s swapped', FAN, withValue(ballot, ['proofs', 'letters', 1, 1], { c: [...p.letters[1]![1]!.c].reverse(), s: [...p.letters[1]![1]!.s].reverse() })],
      ['an option row missing', FAN, withValue(ballot, ['ciphertexts'], ballot.ciphertexts.slice(1))],
      ['an extra letter', FAN, withValue(ballot, ['ciphertexts', 1], [...ballot.ciphertexts[1]!, ct0[0]])],
      ['a letter-proof row short', FAN, withValue(ballot, ['proofs', 'letters', 2], p.letters[2]!.slice(1))],
      ['an option proof missing', FAN, withValue(ballot, ['proofs', 'options'], p.options.slice(1))],
      ['the seats proof missing', FAN, { ...ballot, proofs: { letters: p.letters, options: p.options } }],
      ['a seats proof on a rating', RATING, withValue(rating, ['proofs', 'seats'], p.seats)],
      ['a seats proof of null on a rating', RATING, withValue(rating, ['proofs', 'seats'], null)],
      ['c and s of different lengths', FAN, withValue(ballot, ['proofs', 'letters', 0, 0, 'c'], [...p.letters[0]![0]!.c, p.letters[0]![0]!.c[0]])],
      ['three branches for a bit', FAN, withValue(ballot, ['proofs', 'letters', 0, 0], { c: [...p.letters[0]![0]!.c, p.letters[0]![0]!.c[0]], s: [...p.letters[0]![0]!.s, p.letters[0]![0]!.s[0]] })],
      ['one branch for the seats', FAN, withValue(ballot, ['proofs', 'seats'], { c: [p.seats!.c[0]], s: [p.seats!.s[0]] })],
      ['an upper-case point', FAN, withValue(ballot, ['ciphertexts', 2, 1, 'b'], ballot.ciphertexts[2]![1]!.b.toUpperCase())],
      ['an upper-case scalar', FAN, withValue(ballot, ['proofs', 'options', 1, 's', 0], p.options[1]!.s[0]!.toUpperCase())],
      ['a short point', FAN, withValue(ballot, ['ciphertexts', 0, 1, 'a'], ct0[1]!.a.slice(2))],
      ['a long scalar', FAN, withValue(ballot, ['proofs', 'seats', 'c', 1], `${p.seats!.c[1]}00`)],
      ['a point with 0x', FAN, withValue(ballot, ['ciphertexts', 0, 1, 'a'], `0x${ct0[1]!.a.slice(2)}`)],
    ];
    for (const [what, spec, b] of variants) expect(same(spec, b, what), what).not.toBe(true);
  });

  it('gives the same answer to JSON of the wrong types', () => {
    const ballot = encryptBallot(y, FAN, CONTEXT, NONCE, 'AFN', rng);
    const wrong: unknown[] = [
      null, undefined, 42, 'ballot', [], {}, true, { ciphertexts: 'x', proofs: {} }, { ciphertexts: ballot.ciphertexts },
      { ciphertexts: ballot.ciphertexts, proofs: null }, { ciphertexts: ballot.ciphertexts, proofs: 'x' },
      withValue(ballot, ['ciphertexts', 0, 0], null), withValue(ballot, ['ciphertexts', 0, 0], 'x'),
      withValue(ballot, ['ciphertexts', 0, 0, 'a'], 7), withValue(ballot, ['ciphertexts', 0, 0, 'b'], null),
      withValue(ballot, ['ciphertexts', 1], { 0: ballot.ciphertexts[1]![0], length: 3 }),
      withValue(ballot, ['proofs', 'letters', 0, 0], null), withValue(ballot, ['proofs', 'letters', 0, 0, 'c'], 'x'),
      withValue(ballot, ['proofs', 'letters', 0, 0, 'c', 0], 12), withValue(ballot, ['proofs', 'letters', 0, 0, 's', 1], null),
      withValue(ballot, ['proofs', 'options', 0], []), withValue(ballot, ['proofs', 'options', 0, 'c'], [{}]),
      withValue(ballot, ['proofs', 'seats'], 'x'), withValue(ballot, ['proofs', 'seats'], null),
      withValue(ballot, ['proofs', 'seats', 's'], { 0: 'x' }), withValue(ballot, ['ciphertexts', 2, 2], [ballot.ciphertexts[2]![2]!.a, ballot.ciphertexts[2]![2]!.b]),
    ];
    for (const [i, b] of wrong.entries()) expect(same(FAN, b, `case ${i}`)).not.toBe(true);
  });

  it('refuses non-canonical point encodings as decodePoint does, with its words', () => {
    const ballot = encryptBallot(y, FAN, CONTEXT, NONCE, 'NAF', rng);
    const valid = ballot.ciphertexts[1]![0]!.b;
    const s = fromLe(valid);
    const bad = [
      le32(FIELD_P), // the identity's s = 0, written as p
      le32(FIELD_P + 2n), le32(FIELD_P + 18n), le32(2n ** 255n - 1n), // s ≥ p
      le32(s + 2n ** 255n), // the high bit set on a valid encoding
      le32(FIELD_P - s), // −s: a negative field element
      le32(1n), le32(3n), // odd s: negative
      'f'.repeat(64),
    ];
    for (const hex of bad) {
      const answer = same(FAN, withValue(ballot, ['ciphertexts', 1, 0, 'b'], hex), hex);
      expect(answer, hex).toMatch(/^bad encoding: /);
    }
    // Small changes of a valid encoding: refused, or another point whose proof then fails; alike.
    for (const [at, delta] of [[0, 0], [1, 3], [20, 7], [63, 1]] as const) same(FAN, withValue(ballot, ['ciphertexts', 1, 0, 'b'], changeDigit(valid, at, delta)));
  });

  it('accepts and refuses exactly the same 32-byte strings as points', () => {
    const ballot = encryptBallot(y, RATING, CONTEXT, NONCE, 'NSB', rng);
    // Break a scalar at the very end, so that every check stops at decoding and costs little.
    const stopped = withValue(ballot, ['proofs', 'options', 2, 's', 0], 'zz');
    const g = G.toBytes();
    const bytes = fc.oneof(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      // Near a valid encoding: one bit flipped, which sometimes decodes.
      fc.tuple(fc.nat({ max: 255 }), fc.bigInt({ min: 1n, max: ORDER - 1n })).map(([bit, k]) => {
        const b = G.multiply(k).toBytes();
        b[bit >> 3]! ^= 1 << (bit & 7);
        return b;
      }),
      fc.constant(g),
    );
    const outcomes = new Set<string>();
    fc.assert(fc.property(bytes, (b) => {
      const hex = Buffer.from(b).toString('hex');
      outcomes.add(same(RATING, withValue(stopped, ['ciphertexts', 0, 0, 'a'], hex), hex) as string);
    }), { numRuns: 400, seed: 13 });
    // Both ways came up: decoded (then the broken scalar) and refused.
    expect(outcomes).toContain('bad encoding: a scalar is 64 lower-case hex digits');
    expect([...outcomes].filter((o) => !o.includes('scalar')).length).toBeGreaterThan(0);
  });

  it('handles the identity as noble does: as an input, as a result, as the key', { timeout: 120_000 }, () => {
    const ballot = encryptBallot(y, FAN, CONTEXT, NONCE, 'FNA', rng);
    expect(same(FAN, withValue(ballot, ['ciphertexts', 0, 0, 'a'], IDENTITY))).toBe('option 0 letter F: a is the identity');
    expect(same(FAN, withValue(ballot, ['ciphertexts', 1, 2, 'b'], IDENTITY))).toMatch(/proof fails/);
    expect(same(FAN, withValue(ballot, ['ciphertexts', 2, 1], { a: IDENTITY, b: IDENTITY }))).toBe('option 2 letter A: a is the identity');
    // Zero scalars in a proof: g^0 and a^0.
    const zero = encodeScalar(0n);
    expect(same(FAN, withValue(ballot, ['proofs', 'letters', 0, 0, 's', 0], zero))).toMatch(/proof fails/);
    expect(same(FAN, withValue(ballot, ['proofs', 'letters', 0, 0, 'c'], [zero, zero]))).toMatch(/proof fails/);
    // A ciphertext whose a is the identity (randomness 0: b = g^m, the mark in clear) is refused by both,
    // even with valid proofs; proofs with nonce 0 and zero simulated branches (identity commitments,
    // zero responses) still verify alike.
    const zeroR = () => 0n;
    for (const b of [forge(FAN, oneHot(FAN, 'FAN'), zeroR), forge(FAN, oneHot(FAN, 'FFA'), (i, l) => (i + l) % 2 === 0 ? 0n : randomScalar(rng), true)]) {
      expect(same(FAN, b)).toBe('option 0 letter F: a is the identity');
    }
    const { noble, sodium: fast } = checkers(FAN);
    const zeroNonces = forge(FAN, oneHot(FAN, 'NNN'), () => randomScalar(rng), true);
    expect(noble.add(NONCE, zeroNonces)).toBe(true);
    expect(fast.add(NONCE, zeroNonces)).toBe(true);
    expect(fast.aggregate()).toEqual(noble.aggregate());
    // The identity as the election key: no ballot is encrypted under it, and both checkers refuse every ballot.
    expect(() => encryptBallot(Point.ZERO, FAN, CONTEXT, NONCE, 'AFN', rng)).toThrow('the election key is the identity');
    const idNoble = nobleChecker(IDENTITY, FAN, CONTEXT);
    const idFast = sodium(IDENTITY, FAN, CONTEXT);
    for (const b of [ballot, forge(FAN, oneHot(FAN, 'AFN'), () => randomScalar(rng))]) {
      expect(idNoble.check(NONCE, b)).toBe('the election key is the identity');
      expect(idFast.check(NONCE, b)).toBe('the election key is the identity');
      expect(idFast.add(NONCE, b)).toBe(idNoble.add(NONCE, b));
    }
  });

  it('refuses, alike, a ballot under another nonce, a spliced block, unknown members and a repeated a', { timeout: 120_000 }, () => {
    const victim = encryptBallot(y, RATING, CONTEXT, 'fedcba9876543210fedcba9876543210', 'SBU', rng);
    const mine = encryptBallot(y, RATING, CONTEXT, NONCE, 'NNN', rng);
    expect(same(RATING, victim, 'replayed under my nonce')).toBe('option 0 letter S: the 0-or-1 proof fails');
    expect(same(RATING, mine, 'my own nonce')).toBe(true);
    const spliced = {
      ciphertexts: [victim.ciphertexts[0]!, ...mine.ciphertexts.slice(1)],
      proofs: { letters: [victim.proofs.letters[0]!, ...mine.proofs.letters.slice(1)], options: [victim.proofs.options[0]!, ...mine.proofs.options.slice(1)] },
    };
    expect(same(RATING, spliced, 'spliced')).toBe('option 0 letter S: the 0-or-1 proof fails');
    for (const nonce of ['', 'ABCDEF0123456789ABCDEF0123456789', NONCE.slice(1), 7, null]) {
      expect(same(RATING, mine, String(nonce), nonce)).toBe('the nonce must be 32 lower-case hex digits');
    }
    expect(same(RATING, { ...mine, note: 'x' })).toBe('a ballot is an object with exactly the members ciphertexts and proofs');
    expect(same(RATING, { ...mine, proofs: { ...mine.proofs, more: [] } })).toBe('proofs must have exactly the members letters, options');
    expect(same(RATING, withValue(mine, ['ciphertexts', 1, 2], { ...mine.ciphertexts[1]![2]!, note: 'x' }))).toBe('bad encoding: a ciphertext is an object with exactly the members a and b');
    expect(same(RATING, withValue(mine, ['proofs', 'options', 2], { ...mine.proofs.options[2]!, x: 1 }))).toBe('bad encoding: a disjunctive proof is an object with exactly the members c and s');
    expect(same(RATING, withValue(mine, ['ciphertexts', 2, 3, 'a'], mine.ciphertexts[0]![0]!.a))).toBe('option 2 letter N: an a of this ballot again');
  });

  it('refuses scalars ≥ ℓ as noble does', () => {
    const ballot = encryptBallot(y, APPROVAL, CONTEXT, NONCE, 'FNN', rng);
    const c = ballot.proofs.letters[0]![0]!.c[0]!;
    for (const hex of [le32(ORDER), le32(fromLe(c) + ORDER), le32(ORDER + 1n), le32(2n ** 256n - 1n)]) {
      expect(same(APPROVAL, withValue(ballot, ['proofs', 'letters', 0, 0, 'c', 0], hex))).toBe('bad encoding: scalar not reduced mod the group order');
      expect(same(APPROVAL, withValue(ballot, ['proofs', 'seats', 's', 1], hex))).toBe('bad encoding: scalar not reduced mod the group order');
    }
  });

  it('refuses forged ballots (more 赞成 than seats, two marks, a 2) with the same reasons', { timeout: 120_000 }, () => {
    const random = () => randomScalar(rng);
    expect(same(FAN, forge(FAN, [[1, 0, 0], [1, 0, 0], [1, 0, 0]], random))).toBe('the seats proof fails');
    expect(same(APPROVAL, forge(APPROVAL, [[1, 0], [1, 0], [0, 1]], random))).toBe('the seats proof fails');
    expect(same(FAN, forge(FAN, [[1, 1, 0], [0, 0, 1], [0, 0, 1]], random))).toBe('option 0: the one-mark proof fails');
    expect(same(FAN, forge(FAN, [[0, 0, 1], [2, 0, 0], [0, 0, 1]], random))).toBe('option 1 letter F: the 0-or-1 proof fails');
    expect(same(RATING, forge(RATING, [[0, 0, 0, 1], [0, 0, 0, 0], [1, 0, 0, 0]], random))).toBe('option 1: the one-mark proof fails');
    // Proved for another election, key or spec.
    const ballot = encryptBallot(y, FAN, CONTEXT, NONCE, 'FAN', rng);
    const other = nobleChecker(KEY, FAN, 'election-8').check(NONCE, ballot);
    expect(sodium(KEY, FAN, 'election-8').check(NONCE, ballot)).toBe(other);
    expect(other).toMatch(/proof fails/);
    const otherKey = encodePoint(y.add(y));
    expect(sodium(otherKey, FAN, CONTEXT).check(NONCE, ballot)).toBe(nobleChecker(otherKey, FAN, CONTEXT).check(NONCE, ballot));
  });

  it('keeps the same sum and count through accepted and refused ballots', { timeout: 120_000 }, () => {
    const noble = nobleChecker(KEY, APPROVAL, CONTEXT);
    const fast = sodium(KEY, APPROVAL, CONTEXT);
    const good = ['FNN', 'NFN', 'NNN', 'NNF'].map((m) => encryptBallot(y, APPROVAL, CONTEXT, NONCE, m, rng));
    const bad = [null, withValue(good[0]!, ['ciphertexts', 0, 0, 'a'], good[1]!.ciphertexts[0]![0]!.a), forge(APPROVAL, [[1, 0], [1, 0], [0, 1]], () => randomScalar(rng))];
    for (const b of [good[0], bad[0], good[1], bad[1], good[2], bad[2], good[3]]) expect(fast.add(NONCE, b)).toEqual(noble.add(NONCE, b));
    expect(fast.count).toBe(4);
    expect(noble.count).toBe(4);
    expect(fast.aggregate()).toEqual(noble.aggregate());
  });

  it('answers a bad spec and a bad key alike', () => {
    const ballot = encryptBallot(y, FAN, CONTEXT, NONCE, 'FAN', rng);
    const specs = [
      { ...FAN, seats: -1 }, { ...FAN, seats: 1.5 }, { ...FAN, optionKeys: [] }, { ...RATING, seats: 1 },
      { ...FAN, marking: 'thumbs' as unknown as BallotSpec['marking'] },
    ];
    for (const spec of specs) {
      const noble = nobleChecker(KEY, spec, CONTEXT);
      const fast = sodium(KEY, spec, CONTEXT);
      expect(fast.check(NONCE, ballot)).toBe(noble.check(NONCE, ballot));
      expect(noble.check(NONCE, ballot)).toMatch(/^bad spec: /);
      expect(fast.add(NONCE, ballot)).toBe(noble.add(NONCE, ballot));
      expect(fast.count).toBe(noble.count);
      expect(outcome(() => fast.aggregate())).toEqual(outcome(() => noble.aggregate()));
    }
    for (const key of ['', 'xyz', KEY.toUpperCase(), le32(FIELD_P), le32(1n), KEY.slice(2)]) {
      const noble = outcome(() => nobleChecker(key, FAN, CONTEXT));
      expect(noble).toHaveProperty('threw');
      expect(outcome(() => sodium(key, FAN, CONTEXT))).toEqual(noble);
    }
  });

  it('agrees on random ballots and random one-digit changes (property)', { timeout: 300_000 }, () => {
    const specs = [FAN, APPROVAL, RATING];
    fc.assert(fc.property(
      fc.nat({ max: specs.length - 1 }).chain((k) => fc.tuple(
        fc.constant(specs[k]!),
        fc.array(fc.constantFrom(...LETTERS[specs[k]!.marking]), { minLength: 3, maxLength: 3 }).map((ls) => ls.join('')),
      )),
      fc.nat(), fc.nat({ max: 63 }), fc.nat({ max: 14 }),
      ([spec, marks], which, at, delta) => {
        const f = [...marks].filter((ch) => ch === 'F').length;
        if (spec.seats !== undefined && f > spec.seats) return;
        const ballot = encryptBallot(y, spec, CONTEXT, NONCE, marks, rng);
        expect(same(spec, ballot)).toBe(true);
        const paths = hexPaths(ballot);
        const path = paths[which % paths.length]!;
        same(spec, withValue(ballot, path, changeDigit(getAt(ballot, path) as string, at, delta)));
      },
    ), { numRuns: 12, seed: 7 });
  });
});

describe('the browser variant (sodium-checker-browser.ts: @noble/hashes SHA-512) answers as the Node one', () => {
  it('accepts the same valid ballots with the same sums and refuses the same changed ones with the same reasons', { timeout: 120_000 }, async () => {
    const { browserSodiumChecker } = await import('./sodium-checker-browser.ts');
    const browser = (await browserSodiumChecker())(KEY, FAN, CONTEXT);
    const node = sodium(KEY, FAN, CONTEXT);
    for (const marks of ['FAN', 'FFA', 'NNN']) {
      const ballot = encryptBallot(y, FAN, CONTEXT, NONCE, marks, rng);
      expect(browser.add(NONCE, ballot)).toBe(true);
      expect(node.add(NONCE, ballot)).toBe(true);
      // One changed proof scalar: both refuse it, for the same reason.
      const bad = withValue(ballot, ['proofs', 'letters', 0, 0, 'c', 0], changeDigit(ballot.proofs.letters[0]![0]!.c[0]!, 3, 5));
      const why = node.check(NONCE, bad);
      expect(why).not.toBe(true);
      expect(browser.check(NONCE, bad)).toBe(why);
    }
    expect(browser.count).toBe(3);
    expect(browser.aggregate()).toEqual(node.aggregate());
  });
});
