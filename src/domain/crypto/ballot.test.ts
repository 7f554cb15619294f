import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ballotValidity, tally } from '../tally.ts';
import { LETTERS, type Marking } from '../vocabulary.ts';
import {
  aggregateBallots, allowedForCounts, checkSpoiledBallot, ciphertextsHash, encryptBallot, encryptBallotWithRandomness, letterLabel, optionLabel,
  seatsLabel, verifyBallot, type BallotSpec, type EncryptedBallot,
} from './ballot.ts';
import { ciphertextToJson, discreteLog, encrypt, sum, type Ciphertext } from './elgamal.ts';
import { mod, randomScalar } from './group.ts';
import { disjunctiveProofToJson, proveDecryption, proveDisjunctive, verifyDecryption } from './proofs.ts';
import { seededRng } from './test-fixtures.ts';
import { combinePartials, deal, jointPublicKey, publicShare, receiveShares } from './threshold.ts';

const rng = seededRng('ballot');
const CONTEXT = 'election-42';
/** A ballot's server-issued nonce (32 lower-case hex digits), and another one. */
const NONCE = '0123456789abcdef0123456789abcdef';
const OTHER_NONCE = 'fedcba9876543210fedcba9876543210';

/** A 2-of-3 election key from an honest ceremony. */
function electionKey() {
  const dealt = [1, 2, 3].map((d) => deal(CONTEXT, d, 2, 3, rng));
  const dealings = dealt.map((d) => d.dealing);
  const shares = [1, 2, 3].map((i) => {
    const r = receiveShares(CONTEXT, 2, 3, i, dealings, new Map(dealt.map((d) => [d.dealing.dealer, d.shares[i - 1]!])));
    if (!r.ok) throw new Error(r.reason);
    return r.secretShare;
  });
  return { y: jointPublicKey(dealings), dealings, shares };
}
const { y, dealings, shares } = electionKey();

const FAN: BallotSpec = { marking: 'for-against-abstain', optionKeys: ['p1', 'p2', 'p3'], seats: 2 };
const APPROVAL: BallotSpec = { marking: 'approval', optionKeys: ['p1', 'p2', 'p3'], seats: 1 };
const RATING: BallotSpec = { marking: 'satisfaction', optionKeys: ['p1', 'p2'] };

/**
 * Builds a ballot from arbitrary per-letter plaintexts, proving each statement with whatever witness
 * it has (a false one where the values break the rules): what a cheating client could send.
 */
function forge(spec: BallotSpec, values: number[][], nonce = NONCE): EncryptedBallot {
  const ctx = { publicKey: y, contextId: CONTEXT };
  const letters = LETTERS[spec.marking];
  const rs = values.map((row) => row.map(() => randomScalar(rng)));
  const cts: Ciphertext[][] = values.map((row, i) => row.map((m, l) => encrypt(y, m, rs[i]![l]!)));
  const binding = { nonce, hash: ciphertextsHash(cts.map((row) => row.map(ciphertextToJson))) };
  const f = letters.indexOf('F');
  const forCount = values.reduce((acc, row) => acc + (row[f] ?? 0), 0);
  const allowed = allowedForCounts(spec);
  return {
    ciphertexts: cts.map((row) => row.map(ciphertextToJson)),
    proofs: {
      letters: cts.map((row, i) => row.map((ct, l) => disjunctiveProofToJson(
        proveDisjunctive(ctx, letterLabel(spec, i, letters[l]!, binding), ct, [0, 1], values[i]![l] === 0 ? 0 : 1, rs[i]![l]!, rng)))),
      options: cts.map((row, i) => disjunctiveProofToJson(
        proveDisjunctive(ctx, optionLabel(spec, i, binding), sum(row), [1], 0, mod(rs[i]!.reduce((a, b) => a + b, 0n)), rng))),
      ...(spec.seats !== undefined ? {
        seats: disjunctiveProofToJson(proveDisjunctive(ctx, seatsLabel(spec, binding), sum(cts.map((row) => row[f]!)), allowed,
          Math.max(0, Math.min(forCount, allowed.length - 1)), mod(rs.reduce((a, row) => a + row[f]!, 0n)), rng)),
      } : {}),
    },
  };
}

describe('encrypted ballots', () => {
  it('accepts well-formed ballots for every marking', () => {
    for (const [spec, marks] of [[FAN, 'FAN'], [FAN, 'FFA'], [FAN, 'NNN'], [APPROVAL, 'NFN'], [APPROVAL, 'NNN'], [RATING, 'SU'], [RATING, 'NB']] as const) {
      const ballot = encryptBallot(y, spec, CONTEXT, NONCE, marks, rng);
      expect(verifyBallot(y, spec, CONTEXT, NONCE, ballot)).toBe(true);
      expect(verifyBallot(y, spec, CONTEXT, NONCE, JSON.parse(JSON.stringify(ballot)))).toBe(true);
      expect(forge(spec, [...marks].map((ch) => LETTERS[spec.marking].map((l) => (l === ch ? 1 : 0))))).toSatisfy((b: EncryptedBallot) => verifyBallot(y, spec, CONTEXT, NONCE, b) === true);
    }
  });

  it('refuses to encrypt marks the spec does not allow', () => {
    expect(() => encryptBallot(y, FAN, CONTEXT, NONCE, 'FFF', rng)).toThrow(/3 F for 2 seats/);
    expect(() => encryptBallot(y, FAN, CONTEXT, NONCE, 'FA', rng)).toThrow(RangeError);
    expect(() => encryptBallot(y, APPROVAL, CONTEXT, NONCE, 'FAN', rng)).toThrow(/letter A/);
    expect(() => encryptBallot(y, { ...RATING, seats: 1 }, CONTEXT, NONCE, 'SS', rng)).toThrow(/no F/);
  });

  it('rejects any changed hex digit in a ciphertext or proof', () => {
    const ballot = encryptBallot(y, FAN, CONTEXT, NONCE, 'FAN', rng);
    const text = JSON.stringify(ballot);
    const hexRuns = [...text.matchAll(/"([0-9a-f]{64})"/g)].map((m) => m.index + 1);
    fc.assert(fc.property(fc.nat({ max: hexRuns.length - 1 }), fc.nat({ max: 63 }), fc.nat({ max: 14 }), (run, at, delta) => {
      const pos = hexRuns[run]! + at;
      const digit = '0123456789abcdef';
      const changed = digit[(digit.indexOf(text[pos]!) + 1 + delta) % 16]!;
      const tampered = JSON.parse(text.slice(0, pos) + changed + text.slice(pos + 1)) as unknown;
      expect(verifyBallot(y, FAN, CONTEXT, NONCE, tampered)).not.toBe(true);
    }), { numRuns: 40 });
  });

  it('binds a ballot to its election, key and spec', () => {
    const ballot = encryptBallot(y, FAN, CONTEXT, NONCE, 'FAN', rng);
    expect(verifyBallot(y, FAN, 'election-43', NONCE, ballot)).toMatch(/proof fails/);
    expect(verifyBallot(y.add(y), FAN, CONTEXT, NONCE, ballot)).toMatch(/proof fails/);
    expect(verifyBallot(y, { ...FAN, optionKeys: ['p2', 'p1', 'p3'] }, CONTEXT, NONCE, ballot)).toMatch(/proof fails/);
    expect(verifyBallot(y, { ...FAN, seats: 3 }, CONTEXT, NONCE, ballot)).toMatch(/proof fails/);
    // Options swapped within the ballot.
    const swapped = { ciphertexts: [ballot.ciphertexts[1]!, ballot.ciphertexts[0]!, ballot.ciphertexts[2]!], proofs: { ...ballot.proofs, letters: [ballot.proofs.letters[1]!, ballot.proofs.letters[0]!, ballot.proofs.letters[2]!] } };
    expect(verifyBallot(y, FAN, CONTEXT, NONCE, swapped)).toMatch(/proof fails/);
  });

  it('says what is wrong with a malformed ballot', () => {
    const ballot = encryptBallot(y, FAN, CONTEXT, NONCE, 'FAN', rng);
    expect(verifyBallot(y, FAN, CONTEXT, NONCE, null)).toBe('a ballot is an object with exactly the members ciphertexts and proofs');
    expect(verifyBallot(y, FAN, CONTEXT, NONCE, { ...ballot, ciphertexts: null })).toMatch(/ciphertexts must be 3 options × 3 letters/);
    expect(verifyBallot(y, FAN, CONTEXT, NONCE, { ...ballot, ciphertexts: ballot.ciphertexts.slice(1) })).toMatch(/ciphertexts/);
    const { seats: _seats, ...noSeats } = ballot.proofs;
    expect(verifyBallot(y, FAN, CONTEXT, NONCE, { ...ballot, proofs: noSeats })).toBe('the seats proof is missing');
    const rating = encryptBallot(y, RATING, CONTEXT, NONCE, 'SB', rng);
    expect(verifyBallot(y, RATING, CONTEXT, NONCE, { ...rating, proofs: { ...rating.proofs, seats: ballot.proofs.seats } })).toBe('a seats proof where the vote has no seats');
    expect(verifyBallot(y, FAN, CONTEXT, NONCE, { ...ballot, ciphertexts: [[{ a: 'x', b: 'y' }, ...ballot.ciphertexts[0]!.slice(1)], ...ballot.ciphertexts.slice(1)] })).toMatch(/bad encoding/);
  });

  it('cannot prove a mark outside the allowed set or more 赞成 than seats', () => {
    // Two marks on one option; no mark; a 2; a −1 that keeps the option's sum at 1.
    expect(verifyBallot(y, FAN, CONTEXT, NONCE, forge(FAN, [[1, 1, 0], [0, 0, 1], [0, 0, 1]]))).toMatch(/option 0: the one-mark proof fails/);
    expect(verifyBallot(y, FAN, CONTEXT, NONCE, forge(FAN, [[0, 0, 0], [0, 0, 1], [0, 0, 1]]))).toMatch(/option 0: the one-mark proof fails/);
    expect(verifyBallot(y, FAN, CONTEXT, NONCE, forge(FAN, [[0, 0, 1], [2, 0, 0], [0, 0, 1]]))).toMatch(/option 1 letter F: the 0-or-1 proof fails/);
    expect(verifyBallot(y, FAN, CONTEXT, NONCE, forge(FAN, [[1, 1, -1], [0, 0, 1], [0, 0, 1]]))).toMatch(/option 0 letter N: the 0-or-1 proof fails/);
    // Three F for two seats, each option otherwise perfect; and two F for one approval seat.
    expect(verifyBallot(y, FAN, CONTEXT, NONCE, forge(FAN, [[1, 0, 0], [1, 0, 0], [1, 0, 0]]))).toBe('the seats proof fails');
    expect(verifyBallot(y, APPROVAL, CONTEXT, NONCE, forge(APPROVAL, [[1, 0], [1, 0], [0, 1]]))).toBe('the seats proof fails');
    // A ballot proved for more seats does not pass for fewer.
    expect(verifyBallot(y, APPROVAL, CONTEXT, NONCE, encryptBallot(y, { ...APPROVAL, seats: 2 }, CONTEXT, NONCE, 'FFN', rng))).not.toBe(true);
  });

  it('checks a spoiled ballot against its revealed marks and randomness', () => {
    const { ballot, randomness } = encryptBallotWithRandomness(y, FAN, CONTEXT, NONCE, 'AFN', rng);
    expect(checkSpoiledBallot(y, FAN, ballot, 'AFN', randomness)).toBe(true);
    expect(checkSpoiledBallot(y, FAN, ballot, 'FAN', randomness)).toMatch(/does not encrypt the claimed mark/);
    expect(checkSpoiledBallot(y, FAN, ballot, 'AFN', randomness.map((row) => [...row].reverse()))).toMatch(/does not encrypt/);
  });
});

describe('the encrypted tally equals the plaintext tally', () => {
  /** Decrypts every aggregate with trustees 1 and 3 (2 of 3), checking each partial's proof. */
  function decryptCounts(spec: BallotSpec, aggregate: Ciphertext[][], max: number): Record<string, number>[] {
    const ctx = { publicKey: y, contextId: CONTEXT };
    const letters = LETTERS[spec.marking];
    return aggregate.map((row, i) => Object.fromEntries(row.map((ct, l) => {
      const label = JSON.stringify(['total', i, letters[l]]);
      const partials = [1, 3].map((t) => {
        const { d, proof } = proveDecryption(ctx, label, ct, shares[t - 1]!, rng);
        expect(verifyDecryption(ctx, label, ct, publicShare(dealings, t), d, proof)).toBe(true);
        return { index: t, d };
      });
      return [letters[l]!, discreteLog(combinePartials(ct, partials, 2), max)!];
    })));
  }

  const cases: { kind: 'selection' | 'satisfaction'; marking: Marking; seats?: number }[] = [
    { kind: 'selection', marking: 'for-against-abstain', seats: 2 },
    { kind: 'selection', marking: 'approval', seats: 2 },
    { kind: 'satisfaction', marking: 'satisfaction' },
  ];
  it.each(cases)('$marking', ({ kind, marking, seats }) => {
    const optionKeys = ['a', 'b', 'c', 'd'];
    const spec: BallotSpec = { marking, optionKeys, ...(seats !== undefined ? { seats } : {}) };
    const letter = fc.constantFrom(...LETTERS[marking]);
    fc.assert(fc.property(fc.array(fc.array(letter, { minLength: 4, maxLength: 4 }).map((ls) => ls.join('')), { minLength: 1, maxLength: 6 }), (all) => {
      // Ballots that tally.ts counts invalid (too many 赞成) cannot be encrypted at all: compare the valid ones.
      const valid = all.filter((marks) => !ballotValidity(kind, seats, { marks }));
      const encrypted = valid.map((marks) => encryptBallot(y, spec, CONTEXT, NONCE, marks, rng));
      for (const b of encrypted) expect(verifyBallot(y, spec, CONTEXT, NONCE, b)).toBe(true);
      const counts = decryptCounts(spec, aggregateBallots(spec, encrypted), valid.length);
      const plain = tally({
        kind, rules: { marking, passBase: 'valid-ballots', deputiesTotal: 10, ...(seats !== undefined ? { seats } : {}) },
        optionIds: optionKeys, present: 10, eligible: 10, ballots: valid.map((marks) => ({ marks })),
      });
      expect(counts).toEqual(plain.options.map((o) => o.counts));
    }), { numRuns: 2 });
  });
});

