/**
 * The encrypted ballot. For each option, one ciphertext per letter of the marking (F A N; F N; S B U N),
 * encrypting 1 for the chosen letter and 0 for the others, with:
 *  - per letter, a disjunctive proof that it encrypts 0 or 1;
 *  - per option, a proof that the option's letters sum to exactly 1 (one mark per option);
 *  - with seats (selection, runoff), a proof that the F ciphertexts over all options sum to one of
 *    0 … min(seats, options): never more 赞成 than seats.
 * Multiplying every ballot's ciphertext for (option, letter) gives the encryption of that option's
 * count for that letter, which is exactly the plaintext tally's counts[option][letter] (src/domain/tally.ts).
 * A ballot with more F than seats (tally.ts counts it invalid) cannot be encrypted at all.
 */
import type { Marking } from '../vocabulary.ts';
import { LETTERS } from '../vocabulary.ts';
import {
  ciphertextFromJson, ciphertextFromJsonWith, ciphertextToJson, encrypt, sum, type Ciphertext, type CiphertextJson,
} from './elgamal.ts';
import { decodePoint, decodeScalar, defaultRng, encodeScalar, mod, prepareKey, randomScalar, type Point, type Rng } from './group.ts';
import {
  disjunctiveProofFromJsonWith, disjunctiveProofToJson, proveDisjunctive, verifyDisjunctive, type DisjunctiveProof,
  type DisjunctiveProofJson, type ProofContext,
} from './proofs.ts';

/** What a ballot is checked against, as the tally sees it: the marking, the options in order, the seats. */
export interface BallotSpec {
  marking: Marking;
  optionKeys: readonly string[];
  /** The most 赞成 (F) a ballot may carry: selections and runoffs; undefined for a satisfaction vote. */
  seats?: number;
}

/** An encrypted ballot on the wire and in the record. */
export interface EncryptedBallot {
  /** [option][letter], letters in LETTERS[marking] order. */
  ciphertexts: CiphertextJson[][];
  proofs: {
    /** [option][letter]: the ciphertext encrypts 0 or 1. */
    letters: DisjunctiveProofJson[][];
    /** [option]: the option's letter ciphertexts sum to 1 (a one-branch proof). */
    options: DisjunctiveProofJson[];
    /** Present exactly when spec.seats is: the F ciphertexts sum to 0 … min(seats, options). */
    seats?: DisjunctiveProofJson;
  };
}

const BIT = [0, 1] as const;
const ONE = [1] as const;

/**
 * The labels hashed into each proof's challenge: the JSON text of an array naming the statement and
 * the whole spec, so that a proof made for one position, option list or seat count verifies nowhere else.
 */
export function letterLabel(spec: BallotSpec, option: number, letter: string): string {
  return JSON.stringify(['letter', spec.marking, spec.optionKeys, spec.seats ?? null, option, letter]);
}
export function optionLabel(spec: BallotSpec, option: number): string {
  return JSON.stringify(['option', spec.marking, spec.optionKeys, spec.seats ?? null, option]);
}
export function seatsLabel(spec: BallotSpec): string {
  return JSON.stringify(['seats', spec.marking, spec.optionKeys, spec.seats ?? null]);
}

/** The counts a seats proof allows: 0 … min(seats, options). */
export function allowedForCounts(spec: BallotSpec): number[] {
  const top = Math.min(spec.seats ?? 0, spec.optionKeys.length);
  return Array.from({ length: top + 1 }, (_, i) => i);
}

/** Why a spec cannot be used, or undefined. */
function specProblem(spec: BallotSpec): string | undefined {
  const letters = LETTERS[spec.marking];
  if (!letters) return `unknown marking ${String(spec.marking)}`;
  if (spec.optionKeys.length === 0) return 'no options';
  if (spec.seats !== undefined) {
    if (!Number.isSafeInteger(spec.seats) || spec.seats < 0) return 'seats must be a non-negative integer';
    if (!letters.includes('F')) return `the ${spec.marking} marking has no F to limit by seats`;
  }
  return undefined;
}

/**
 * Encrypts marks (one letter per option, as tally.ts's ballots) and proves it well formed; returns the
 * ballot and the randomness [option][letter] (hex), which only a spoiled (checked) ballot ever reveals.
 * Throws a RangeError for marks the spec does not allow (a wrong letter, a wrong length, more F than seats).
 */
export function encryptBallotWithRandomness(
  key: Point, spec: BallotSpec, contextId: string, marks: string, rng: Rng = defaultRng,
): { ballot: EncryptedBallot; randomness: string[][] } {
  // ~130 multiplications by the key per ballot: its window table pays for itself within one ballot.
  const publicKey = prepareKey(key);
  const problem = specProblem(spec);
  if (problem) throw new RangeError(problem);
  const letters = LETTERS[spec.marking];
  const chars = [...marks];
  if (chars.length !== spec.optionKeys.length) throw new RangeError(`marks have ${chars.length} letters for ${spec.optionKeys.length} options`);
  chars.forEach((ch, i) => {
    if (!letters.includes(ch)) throw new RangeError(`letter ${ch} at option ${i} is not part of the ${spec.marking} marking`);
  });
  const forCount = chars.filter((ch) => ch === 'F').length;
  if (spec.seats !== undefined && forCount > spec.seats) throw new RangeError(`${forCount} F for ${spec.seats} seats`);

  const ctx: ProofContext = { publicKey, contextId };
  const cts: Ciphertext[][] = [];
  const rs: bigint[][] = [];
  const letterProofs: DisjunctiveProof[][] = [];
  const optionProofs: DisjunctiveProof[] = [];
  chars.forEach((ch, i) => {
    const row: Ciphertext[] = [];
    const rRow: bigint[] = [];
    const pRow: DisjunctiveProof[] = [];
    letters.forEach((letter) => {
      const m = ch === letter ? 1 : 0;
      const r = randomScalar(rng);
      const ct = encrypt(publicKey, m, r);
      row.push(ct);
      rRow.push(r);
      pRow.push(proveDisjunctive(ctx, letterLabel(spec, i, letter), ct, BIT, m, r, rng));
    });
    optionProofs.push(proveDisjunctive(ctx, optionLabel(spec, i), sum(row), ONE, 0, mod(rRow.reduce((a, b) => a + b, 0n)), rng));
    cts.push(row);
    rs.push(rRow);
    letterProofs.push(pRow);
  });
  let seatsProof: DisjunctiveProof | undefined;
  if (spec.seats !== undefined) {
    const f = letters.indexOf('F');
    const fr = mod(rs.reduce((acc, row) => acc + row[f]!, 0n));
    seatsProof = proveDisjunctive(ctx, seatsLabel(spec), sum(cts.map((row) => row[f]!)), allowedForCounts(spec), forCount, fr, rng);
  }
  const ballot: EncryptedBallot = {
    ciphertexts: cts.map((row) => row.map(ciphertextToJson)),
    proofs: {
      letters: letterProofs.map((row) => row.map(disjunctiveProofToJson)),
      options: optionProofs.map(disjunctiveProofToJson),
      ...(seatsProof ? { seats: disjunctiveProofToJson(seatsProof) } : {}),
    },
  };
  return { ballot, randomness: rs.map((row) => row.map(encodeScalar)) };
}

/** Encrypts and proves marks; see encryptBallotWithRandomness (this one forgets the randomness). */
export function encryptBallot(publicKey: Point, spec: BallotSpec, contextId: string, marks: string, rng: Rng = defaultRng): EncryptedBallot {
  return encryptBallotWithRandomness(publicKey, spec, contextId, marks, rng).ballot;
}

/** A ciphertext over some representation P of group elements (noble's Point, or 32 encoded bytes). */
export interface CiphertextOf<P> {
  a: P;
  b: P;
}

/**
 * The group work a ballot check needs, over points P and scalars S. `nobleBallotGroup` (group.ts and
 * proofs.ts) is the reference; sodium-checker.ts gives a faster one that must agree on every input.
 * Everything else (shapes, labels, order of the checks, the reasons returned) is checkBallotWith's,
 * shared by both, so that they cannot drift apart.
 */
export interface BallotGroup<P, S> {
  /** Decodes a point; throws a RangeError with decodePoint's message on anything decodePoint refuses. */
  decodePoint(hex: string): P;
  /** Decodes a scalar; throws a RangeError with decodeScalar's message on anything decodeScalar refuses. */
  decodeScalar(hex: string): S;
  /** The homomorphic sum of ciphertexts (the identity pair for none). */
  sum(cts: readonly CiphertextOf<P>[]): CiphertextOf<P>;
  /** proofs.ts's verifyDisjunctive under the election key and context id this group was made for. */
  verifyDisjunctive(label: string, ct: CiphertextOf<P>, allowed: readonly number[], proof: { c: S[]; s: S[] }): boolean;
}

/** The reference BallotGroup over @noble/curves, bound to an election key (best prepared) and context id. */
export function nobleBallotGroup(publicKey: Point, contextId: string): BallotGroup<Point, bigint> {
  const ctx: ProofContext = { publicKey, contextId };
  return {
    decodePoint,
    decodeScalar,
    sum: (cts) => sum(cts),
    verifyDisjunctive: (label, ct, allowed, proof) => verifyDisjunctive(ctx, label, ct, allowed, proof),
  };
}

/** A spec made ready to check many ballots: its letters, the counts the seats proof allows, every label. */
export interface BallotRules {
  spec: BallotSpec;
  letters: readonly string[];
  /** [option][letter] labels of the 0-or-1 proofs. */
  letterLabels: string[][];
  /** [option] labels of the one-mark proofs. */
  optionLabels: string[];
  /** With seats: the seats proof's label, allowed counts and the position of F among the letters. */
  seats?: { label: string; allowed: number[]; letter: number };
}

/** The rules of a spec, or why it cannot be used ("bad spec: …", as verifyBallot answers). */
export function ballotRules(spec: BallotSpec): BallotRules | string {
  const problem = specProblem(spec);
  if (problem) return `bad spec: ${problem}`;
  const letters = LETTERS[spec.marking];
  return {
    spec,
    letters,
    letterLabels: spec.optionKeys.map((_, i) => letters.map((letter) => letterLabel(spec, i, letter))),
    optionLabels: spec.optionKeys.map((_, i) => optionLabel(spec, i)),
    ...(spec.seats !== undefined ? { seats: { label: seatsLabel(spec), allowed: allowedForCounts(spec), letter: letters.indexOf('F') } } : {}),
  };
}

/** A ballot parsed into group elements and scalars. */
interface ParsedBallot<P, S> {
  cts: CiphertextOf<P>[][];
  letters: { c: S[]; s: S[] }[][];
  options: { c: S[]; s: S[] }[];
  seats?: { c: S[]; s: S[] };
}

function parse<P, S>(group: BallotGroup<P, S>, rules: BallotRules, ballot: unknown): ParsedBallot<P, S> | string {
  const { spec, letters } = rules;
  const n = spec.optionKeys.length;
  const b = (typeof ballot === 'object' && ballot !== null ? ballot : {}) as Record<string, unknown>;
  const proofs = (typeof b.proofs === 'object' && b.proofs !== null ? b.proofs : {}) as Record<string, unknown>;
  const grid = (x: unknown): x is unknown[][] => Array.isArray(x) && x.length === n && x.every((row) => Array.isArray(row) && row.length === letters.length);
  if (!grid(b.ciphertexts)) return `ciphertexts must be ${n} options × ${letters.length} letters`;
  if (!grid(proofs.letters)) return `letter proofs must be ${n} options × ${letters.length} letters`;
  if (!Array.isArray(proofs.options) || proofs.options.length !== n) return `option proofs must be ${n}`;
  if ((spec.seats !== undefined) !== (proofs.seats !== undefined)) return spec.seats !== undefined ? 'the seats proof is missing' : 'a seats proof where the vote has no seats';
  const ciphertext = (j: unknown) => ciphertextFromJsonWith(j, group.decodePoint);
  const proof = (j: unknown) => disjunctiveProofFromJsonWith(j, group.decodeScalar);
  try {
    return {
      cts: b.ciphertexts.map((row) => row.map(ciphertext)),
      letters: proofs.letters.map((row) => row.map(proof)),
      options: proofs.options.map(proof),
      ...(proofs.seats !== undefined ? { seats: proof(proofs.seats) } : {}),
    };
  } catch (e) {
    return `bad encoding: ${(e as Error).message}`;
  }
}

/**
 * Checks an encrypted ballot with a group (shapes, canonical encodings, every proof, in this order)
 * and returns its parsed ciphertexts [option][letter], or the first reason it fails.
 */
export function checkBallotWith<P, S>(group: BallotGroup<P, S>, rules: BallotRules | string, ballot: unknown): CiphertextOf<P>[][] | string {
  if (typeof rules === 'string') return rules;
  const p = parse(group, rules, ballot);
  if (typeof p === 'string') return p;
  const { letters } = rules;
  for (let i = 0; i < p.cts.length; i++) {
    for (let l = 0; l < letters.length; l++) {
      if (!group.verifyDisjunctive(rules.letterLabels[i]![l]!, p.cts[i]![l]!, BIT, p.letters[i]![l]!)) {
        return `option ${i} letter ${letters[l]}: the 0-or-1 proof fails`;
      }
    }
    if (!group.verifyDisjunctive(rules.optionLabels[i]!, group.sum(p.cts[i]!), ONE, p.options[i]!)) return `option ${i}: the one-mark proof fails`;
  }
  if (rules.seats) {
    const { label, allowed, letter } = rules.seats;
    if (!group.verifyDisjunctive(label, group.sum(p.cts.map((row) => row[letter]!)), allowed, p.seats!)) return 'the seats proof fails';
  }
  return p.cts;
}

/**
 * Checks an encrypted ballot against the election key, the spec and the context id: shapes, canonical
 * encodings and every proof. Returns true, or the first reason it fails (English, for logs and the verifier).
 */
export function verifyBallot(publicKey: Point, spec: BallotSpec, contextId: string, ballot: unknown): true | string {
  const r = checkBallotWith(nobleBallotGroup(publicKey, contextId), ballotRules(spec), ballot);
  return typeof r === 'string' ? r : true;
}

/**
 * The Benaloh check of a spoiled ballot: re-encrypts the claimed marks with the revealed randomness
 * and compares with the ciphertexts. True, or why not.
 */
export function checkSpoiledBallot(publicKey: Point, spec: BallotSpec, ballot: EncryptedBallot, marks: string, randomness: readonly (readonly string[])[]): true | string {
  const letters = LETTERS[spec.marking];
  const chars = [...marks];
  if (chars.length !== spec.optionKeys.length || randomness.length !== chars.length || ballot.ciphertexts.length !== chars.length) return 'marks, randomness and ciphertexts differ in length';
  for (let i = 0; i < chars.length; i++) {
    for (let l = 0; l < letters.length; l++) {
      let r: bigint;
      try {
        r = decodeScalar(randomness[i]?.[l] as string);
      } catch {
        return `option ${i} letter ${letters[l]}: bad randomness`;
      }
      const expected = ciphertextToJson(encrypt(publicKey, chars[i] === letters[l] ? 1 : 0, r));
      const got = ballot.ciphertexts[i]?.[l];
      if (!got || got.a !== expected.a || got.b !== expected.b) return `option ${i} letter ${letters[l]}: the ciphertext does not encrypt the claimed mark`;
    }
  }
  return true;
}

/**
 * The homomorphic tally: [option][letter] products of the ballots' ciphertexts, each encrypting that
 * count. Only for ballots that verifyBallot accepted.
 */
export function aggregateBallots(spec: BallotSpec, ballots: Iterable<EncryptedBallot>): Ciphertext[][] {
  const letters = LETTERS[spec.marking];
  const acc: Ciphertext[][] = spec.optionKeys.map(() => letters.map(() => sum([])));
  for (const b of ballots) {
    for (let i = 0; i < acc.length; i++) {
      for (let l = 0; l < letters.length; l++) {
        acc[i]![l] = sum([acc[i]![l]!, ciphertextFromJson(b.ciphertexts[i]![l])]);
      }
    }
  }
  return acc;
}
