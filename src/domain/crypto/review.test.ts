/**
 * The outside review's demonstrations (branch cryptoreview, /work/briefs/review-findings.md), inverted:
 * each attack the review showed to work now fails, through the real core and both ballot checkers.
 */
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { LETTERS } from '../vocabulary.ts';
import {
  aggregateBallots, checkSpoiledBallot, ciphertextsHash, encryptBallot, letterLabel, optionLabel, verifyBallot,
  type BallotSpec, type EncryptedBallot,
} from './ballot.ts';
import { nobleChecker, type CheckerFactory } from './checker.ts';
import {
  ciphertextFromJson, ciphertextToJson, discreteLog, encrypt, encryptBit, partialDecrypt, sum, type Ciphertext,
} from './elgamal.ts';
import { G, Point, encodePoint, encodeScalar, mod, mulSecret, randomScalar } from './group.ts';
import { disjunctiveProofToJson, proveDisjunctive, verifyDisjunctive } from './proofs.ts';
import { sodiumChecker } from './sodium-checker.ts';
import { seededRng } from './test-fixtures.ts';
import { combinePartials, deal, jointPublicKey, publicShare, receiveShares, verifyDealing, type Dealing } from './threshold.ts';

const rng = seededRng('review');
const CONTEXT = 'minsheng/election/e1/00112233445566778899aabbccddeeff';
const VICTIM_NONCE = '11111111111111111111111111111111';
const MY_NONCE = '22222222222222222222222222222222';
const checkers: [string, CheckerFactory][] = [['noble', nobleChecker], ['sodium', await sodiumChecker()]];

/** An honest 2-of-3 ceremony. */
function ceremony() {
  const dealt = [1, 2, 3].map((d) => deal(CONTEXT, d, 2, 3, rng));
  const dealings = dealt.map((d) => d.dealing);
  const shares = [1, 2, 3].map((i) => {
    const r = receiveShares(CONTEXT, 2, 3, i, dealings, new Map(dealt.map((d) => [d.dealing.dealer, d.shares[i - 1]!])));
    if (!r.ok) throw new Error(r.reason);
    return r.secretShare;
  });
  return { dealt, dealings, shares, y: jointPublicKey(dealings) };
}
const { dealt, dealings, shares, y } = ceremony();

/** Decrypts a total with trustees 1 and 2 (the threshold path), as a count ≤ 100. */
function decryptCount(ct: Ciphertext): number | undefined {
  const g = combinePartials(ct, [1, 2].map((i) => ({ index: i, d: partialDecrypt(shares[i - 1]!, ct) })), 2);
  return discreteLog(g, 100);
}

const RATING: BallotSpec = { marking: 'satisfaction', optionKeys: ['p1', 'p2'] };
const FAN: BallotSpec = { marking: 'for-against-abstain', optionKeys: ['p1', 'p2'], seats: 1 };

/** Splices option 0 (ciphertexts and both of its proofs) of `victim` into `mine`. */
function splice(victim: EncryptedBallot, mine: EncryptedBallot): EncryptedBallot {
  return {
    ciphertexts: [victim.ciphertexts[0]!, ...mine.ciphertexts.slice(1)],
    proofs: {
      letters: [victim.proofs.letters[0]!, ...mine.proofs.letters.slice(1)],
      options: [victim.proofs.options[0]!, ...mine.proofs.options.slice(1)],
      ...(mine.proofs.seats ? { seats: mine.proofs.seats } : {}),
    },
  };
}

/** A ballot whose every ciphertext uses the randomness `r` a cheating client chose, with honest, bound proofs. */
function ballotWithRandomness(publicKey: Point, spec: BallotSpec, nonce: string, marks: string, r: (i: number, l: number) => bigint): EncryptedBallot {
  const ctx = { publicKey, contextId: CONTEXT };
  const letters = LETTERS[spec.marking];
  const rs = [...marks].map((_, i) => letters.map((_, l) => r(i, l)));
  const cts = [...marks].map((ch, i) => letters.map((letter, l) => encrypt(publicKey, ch === letter ? 1 : 0, rs[i]![l]!)));
  const ciphertexts = cts.map((row) => row.map(ciphertextToJson));
  const binding = { nonce, hash: ciphertextsHash(ciphertexts) };
  return {
    ciphertexts,
    proofs: {
      letters: cts.map((row, i) => row.map((ct, l) => disjunctiveProofToJson(
        proveDisjunctive(ctx, letterLabel(spec, i, letters[l]!, binding), ct, [0, 1], marks[i] === letters[l] ? 1 : 0, rs[i]![l]!, rng)))),
      options: cts.map((row, i) => disjunctiveProofToJson(
        proveDisjunctive(ctx, optionLabel(spec, i, binding), sum(row), [1], 0, mod(rs[i]!.reduce((a, b) => a + b, 0n)), rng))),
    },
  };
}

describe('review findings, fixed', () => {
  it('FINDING 1: a block spliced from another ballot, or a whole ballot under another nonce, no longer verifies', () => {
    const victim = encryptBallot(y, RATING, CONTEXT, VICTIM_NONCE, 'SB', rng);
    const mine = encryptBallot(y, RATING, CONTEXT, MY_NONCE, 'NN', rng);
    expect(verifyBallot(y, RATING, CONTEXT, VICTIM_NONCE, victim)).toBe(true);
    expect(verifyBallot(y, RATING, CONTEXT, MY_NONCE, mine)).toBe(true);
    const spliced = splice(victim, mine);
    for (const nonce of [MY_NONCE, VICTIM_NONCE]) expect(verifyBallot(y, RATING, CONTEXT, nonce, spliced)).toBe('option 0 letter S: the 0-or-1 proof fails');
    expect(verifyBallot(y, RATING, CONTEXT, MY_NONCE, victim)).toBe('option 0 letter S: the 0-or-1 proof fails');
    for (const [name, factory] of checkers) {
      const c = factory(encodePoint(y), RATING, CONTEXT);
      expect(c.add(VICTIM_NONCE, victim), name).toBe(true);
      expect(c.add(MY_NONCE, spliced), name).not.toBe(true);
      // The victim's S is counted once.
      expect(decryptCount(ciphertextFromJson(c.aggregate()[0]![0])), name).toBe(1);
    }
    // With seats: the same.
    const v2 = encryptBallot(y, FAN, CONTEXT, VICTIM_NONCE, 'FN', rng);
    const m2 = encryptBallot(y, FAN, CONTEXT, MY_NONCE, 'NF', rng);
    expect(verifyBallot(y, FAN, CONTEXT, MY_NONCE, splice(v2, m2))).toBe('option 0 letter F: the 0-or-1 proof fails');
  });

  it('FINDING 2: the identity as election key, and a = identity in a ciphertext, are refused', () => {
    expect(() => encryptBallot(Point.ZERO, RATING, CONTEXT, MY_NONCE, 'SB', rng)).toThrow('the election key is the identity');
    const honest = encryptBallot(y, RATING, CONTEXT, MY_NONCE, 'SB', rng);
    expect(verifyBallot(Point.ZERO, RATING, CONTEXT, MY_NONCE, honest)).toBe('the election key is the identity');
    const zero = ballotWithRandomness(y, RATING, MY_NONCE, 'US', () => 0n);
    expect(verifyBallot(y, RATING, CONTEXT, MY_NONCE, zero)).toBe('option 0 letter S: a is the identity');
    for (const [name, factory] of checkers) {
      expect(factory(encodePoint(Point.ZERO), RATING, CONTEXT).check(MY_NONCE, honest), name).toBe('the election key is the identity');
      expect(factory(encodePoint(y), RATING, CONTEXT).check(MY_NONCE, zero), name).toBe('option 0 letter S: a is the identity');
    }
  });

  it('FINDING 3: a ballot changed after add() does not change the sum (both checkers)', () => {
    for (const [name, factory] of checkers) {
      const checker = factory(encodePoint(y), RATING, CONTEXT);
      const ballot = encryptBallot(y, RATING, CONTEXT, MY_NONCE, 'SB', rng);
      expect(checker.add(MY_NONCE, ballot)).toBe(true);
      ballot.ciphertexts[0]![0] = ciphertextToJson(encrypt(y, 50, randomScalar(rng)));
      expect(decryptCount(ciphertextFromJson(checker.aggregate()[0]![0])), name).toBe(1);
    }
  });

  it('FINDING 4: unknown members anywhere in a ballot are refused', () => {
    const ballot = encryptBallot(y, RATING, CONTEXT, MY_NONCE, 'SB', rng);
    const variants: [unknown, string][] = [
      [{ ...ballot, extra: 'x' }, 'a ballot is an object with exactly the members ciphertexts and proofs'],
      [{ ...ballot, ciphertexts: ballot.ciphertexts.map((row) => row.map((ct) => ({ ...ct, note: 'x' }))) }, 'bad encoding: a ciphertext is an object with exactly the members a and b'],
      [{ ...ballot, proofs: { ...ballot.proofs, more: [] } }, 'proofs must have exactly the members letters, options'],
      [{ ...ballot, proofs: { ...ballot.proofs, options: ballot.proofs.options.map((p) => ({ ...p, x: 1 })) } }, 'bad encoding: a disjunctive proof is an object with exactly the members c and s'],
    ];
    for (const [padded, reason] of variants) {
      expect(verifyBallot(y, RATING, CONTEXT, MY_NONCE, padded)).toBe(reason);
      for (const [name, factory] of checkers) expect(factory(encodePoint(y), RATING, CONTEXT).check(MY_NONCE, padded), name).toBe(reason);
    }
  });

  it('FINDING 6: checkSpoiledBallot refuses marks the spec forbids and randomness of the wrong shape', () => {
    const letters = LETTERS['for-against-abstain'];
    const reveal = (marks: string) => {
      const rs = [...marks].map(() => letters.map(() => randomScalar(rng)));
      const ciphertexts = [...marks].map((ch, i) => letters.map((l, j) => ciphertextToJson(encryptBit(y, ch === l ? 1 : 0, rs[i]![j]!))));
      return { ballot: { ciphertexts, proofs: { letters: [], options: [] } } as EncryptedBallot, randomness: rs.map((row) => row.map(encodeScalar)) };
    };
    const tooMany = reveal('FF'); // seats: 1
    expect(checkSpoiledBallot(y, FAN, tooMany.ballot, 'FF', tooMany.randomness)).toBe('the marks cannot be a ballot: 2 F for 1 seats');
    const noLetter = reveal('XN');
    expect(checkSpoiledBallot(y, FAN, noLetter.ballot, 'XN', noLetter.randomness)).toBe('the marks cannot be a ballot: letter X at option 0 is not part of the for-against-abstain marking');
    const fine = reveal('FN');
    expect(checkSpoiledBallot(y, FAN, fine.ballot, 'FN', fine.randomness)).toBe(true);
    expect(checkSpoiledBallot(y, FAN, fine.ballot, 'FN', [fine.randomness[0]!, fine.randomness[1]!.slice(1)])).toBe('randomness and ciphertexts must be 2 options × 3 letters');
    expect(checkSpoiledBallot(y, FAN, fine.ballot, 'FN', [...fine.randomness, fine.randomness[0]!])).toBe('randomness and ciphertexts must be 2 options × 3 letters');
  });

  it('FINDING 7 (spec): a label is the RFC 8785 serialisation of its array, ballot binding included', () => {
    const spec: BallotSpec = { marking: 'satisfaction', optionKeys: ['项目-1', 'p"2'] };
    const ballot = encryptBallot(y, spec, CONTEXT, MY_NONCE, 'SB', rng);
    const hash = ciphertextsHash(ballot.ciphertexts);
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const label = letterLabel(spec, 0, 'S', { nonce: MY_NONCE, hash });
    expect(canonicalize(['letter', spec.marking, spec.optionKeys, null, 0, 'S', MY_NONCE, hash])).toBe(label);
    const ct = ciphertextFromJson(ballot.ciphertexts[0]![0]);
    const le = (x: string) => BigInt(`0x${x.match(/../g)!.reverse().join('')}`);
    const proof = { c: ballot.proofs.letters[0]![0]!.c.map(le), s: ballot.proofs.letters[0]![0]!.s.map(le) };
    expect(verifyDisjunctive({ publicKey: y, contextId: CONTEXT }, label, ct, [0, 1], proof)).toBe(true);
  });

  it('FINDING 5: a dealer outside 1 … n is refused by receiveShares, jointPublicKey and publicShare; deal needs k ≥ 2', () => {
    const outsider = deal(CONTEXT, 4, 2, 4, rng); // "trustee 4" of a 2-of-3 ceremony
    const all: Dealing[] = [...dealings, outsider.dealing];
    const mine = new Map<number, bigint>([...dealt.map((d) => [d.dealing.dealer, d.shares[0]!] as [number, bigint]), [4, outsider.shares[0]!]]);
    expect(receiveShares(CONTEXT, 2, 3, 1, all, mine)).toEqual({ ok: false, dealer: 4, reason: 'a dealer must be an index 1 … 3' });
    expect(() => jointPublicKey(all, 3)).toThrow('the dealers must be exactly 1 … 3, each once');
    expect(() => publicShare(all, 1, 3)).toThrow('the dealers must be exactly 1 … 3, each once');
    expect(() => jointPublicKey([dealings[0]!, dealings[0]!, dealings[2]!])).toThrow(RangeError);
    expect(() => jointPublicKey([dealings[0]!, dealings[2]!])).toThrow(RangeError);
    expect(() => publicShare([dealings[1]!, dealings[2]!], 1)).toThrow(RangeError);
    expect(() => publicShare(dealings, 4)).toThrow(RangeError);
    expect(jointPublicKey([dealings[2]!, dealings[0]!, dealings[1]!]).equals(y)).toBe(true);
    expect(() => deal(CONTEXT, 1, 1, 1, rng)).toThrow('need 2 ≤ k ≤ n');
    // Dealings whose constant terms cancel give the identity as key: refused.
    const cancelling: Dealing[] = [dealings[0]!, { ...dealings[1]!, commitments: [dealings[0]!.commitments[0]!.negate(), dealings[1]!.commitments[1]!] }];
    expect(() => jointPublicKey(cancelling)).toThrow('the election key is the identity');
  });

  it('FINDING 8: the dealing\'s proof covers every commitment: a swapped C_1 fails the proof, and nobody is framed', () => {
    const tampered: Dealing = { ...dealings[1]!, commitments: [dealings[1]!.commitments[0]!, mulSecret(G, randomScalar(rng))] };
    expect(verifyDealing(CONTEXT, 2, tampered)).toBe('dealer 2: the proof of the constant term fails');
    expect(verifyDealing(CONTEXT, 2, dealings[1]!)).toBe(true);
    const all = [dealings[0]!, tampered, dealings[2]!];
    const r = receiveShares(CONTEXT, 2, 3, 1, all, new Map(dealt.map((d) => [d.dealing.dealer, d.shares[0]!])));
    // The relay's swap shows as a dealing without a valid proof (a relay fault), not as shares that do not match.
    expect(r).toEqual({ ok: false, dealer: 2, reason: 'dealer 2: the proof of the constant term fails' });
  });

  it('HYGIENE: a secret mark is encrypted by table lookup, to the same ciphertext as encrypt', () => {
    const r = randomScalar(rng);
    for (const m of [0, 1] as const) expect(ciphertextToJson(encryptBit(y, m, r))).toEqual(ciphertextToJson(encrypt(y, m, r)));
    expect(encodePoint(encryptBit(y, 1, 0n).b)).toBe(encodePoint(G));
    expect(encodePoint(encryptBit(y, 0, 5n).a)).toBe(encodePoint(mulSecret(G, 5n)));
    expect(aggregateBallots(RATING, []).flat().every((c) => c.a.equals(Point.ZERO))).toBe(true);
  });
});
