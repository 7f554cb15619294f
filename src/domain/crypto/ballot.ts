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
  ciphertextFromJson, ciphertextToJson, encrypt, sum, type Ciphertext, type CiphertextJson,
} from './elgamal.ts';
import { decodeScalar, defaultRng, encodeScalar, mod, prepareKey, randomScalar, type Point, type Rng } from './group.ts';
import {
  disjunctiveProofFromJson, disjunctiveProofToJson, proveDisjunctive, verifyDisjunctive, type DisjunctiveProof,
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

/** A ballot parsed into group elements and scalars. */
interface ParsedBallot {
  cts: Ciphertext[][];
  letters: DisjunctiveProof[][];
  options: DisjunctiveProof[];
  seats?: DisjunctiveProof;
}

function parse(spec: BallotSpec, ballot: unknown): ParsedBallot | string {
  const letters = LETTERS[spec.marking];
  const n = spec.optionKeys.length;
  const b = (typeof ballot === 'object' && ballot !== null ? ballot : {}) as Record<string, unknown>;
  const proofs = (typeof b.proofs === 'object' && b.proofs !== null ? b.proofs : {}) as Record<string, unknown>;
  const grid = (x: unknown): x is unknown[][] => Array.isArray(x) && x.length === n && x.every((row) => Array.isArray(row) && row.length === letters.length);
  if (!grid(b.ciphertexts)) return `ciphertexts must be ${n} options × ${letters.length} letters`;
  if (!grid(proofs.letters)) return `letter proofs must be ${n} options × ${letters.length} letters`;
  if (!Array.isArray(proofs.options) || proofs.options.length !== n) return `option proofs must be ${n}`;
  if ((spec.seats !== undefined) !== (proofs.seats !== undefined)) return spec.seats !== undefined ? 'the seats proof is missing' : 'a seats proof where the vote has no seats';
  try {
    return {
      cts: b.ciphertexts.map((row) => row.map(ciphertextFromJson)),
      letters: proofs.letters.map((row) => row.map(disjunctiveProofFromJson)),
      options: proofs.options.map(disjunctiveProofFromJson),
      ...(proofs.seats !== undefined ? { seats: disjunctiveProofFromJson(proofs.seats) } : {}),
    };
  } catch (e) {
    return `bad encoding: ${(e as Error).message}`;
  }
}

/**
 * Checks an encrypted ballot against the election key, the spec and the context id: shapes, canonical
 * encodings and every proof. Returns true, or the first reason it fails (English, for logs and the verifier).
 */
export function verifyBallot(publicKey: Point, spec: BallotSpec, contextId: string, ballot: unknown): true | string {
  const problem = specProblem(spec);
  if (problem) return `bad spec: ${problem}`;
  const p = parse(spec, ballot);
  if (typeof p === 'string') return p;
  const letters = LETTERS[spec.marking];
  const ctx: ProofContext = { publicKey, contextId };
  for (let i = 0; i < p.cts.length; i++) {
    for (let l = 0; l < letters.length; l++) {
      if (!verifyDisjunctive(ctx, letterLabel(spec, i, letters[l]!), p.cts[i]![l]!, BIT, p.letters[i]![l]!)) {
        return `option ${i} letter ${letters[l]}: the 0-or-1 proof fails`;
      }
    }
    if (!verifyDisjunctive(ctx, optionLabel(spec, i), sum(p.cts[i]!), ONE, p.options[i]!)) return `option ${i}: the one-mark proof fails`;
  }
  if (spec.seats !== undefined) {
    const f = letters.indexOf('F');
    if (!verifyDisjunctive(ctx, seatsLabel(spec), sum(p.cts.map((row) => row[f]!)), allowedForCounts(spec), p.seats!)) return 'the seats proof fails';
  }
  return true;
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
