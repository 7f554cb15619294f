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
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import canonicalize from 'canonicalize';
import type { Marking } from '../vocabulary.ts';
import { LETTERS } from '../vocabulary.ts';
import {
  ciphertextFromJson, ciphertextFromJsonWith, ciphertextToJson, encryptBit, sum, type Ciphertext, type CiphertextJson,
} from './elgamal.ts';
import { Point, decodePoint, decodeScalar, defaultRng, encodeScalar, mod, prepareKey, randomScalar, type Rng } from './group.ts';
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

/** A ballot's nonce: 32 lower-case hex digits (128 bits), issued by the server from a CSPRNG, unique in the election. */
export const BALLOT_NONCE_PATTERN = /^[0-9a-f]{32}$/;

/**
 * What binds every proof of a ballot to that ballot: the server-issued nonce and the hash of the
 * ballot's ciphertexts (ciphertextsHash). A block of proofs copied into another ballot, or a whole
 * ballot replayed under another nonce, no longer verifies.
 */
export interface BallotBinding {
  nonce: string;
  /** "sha256:" + 64 lower-case hex: ciphertextsHash of the ballot's ciphertexts. */
  hash: string;
}

/**
 * The full hash of a ballot's ciphertexts: "sha256:" + the lower-case hex SHA-256 of the UTF-8 of their
 * RFC 8785 (JCS) serialisation. It is in every proof's label (BallotBinding) and in the record.
 */
export function ciphertextsHash(ciphertexts: unknown): string {
  const jcs = canonicalize(ciphertexts);
  if (jcs === undefined) throw new TypeError('ciphertexts cannot be canonicalised (RFC 8785)');
  return `sha256:${bytesToHex(sha256(utf8ToBytes(jcs)))}`;
}

/** A label of the spec alone with the ballot's nonce and hash appended (the RFC 8785 text of the longer array). */
function bind(specLabel: string, binding: BallotBinding): string {
  return `${specLabel.slice(0, -1)},${JSON.stringify(binding.nonce)},${JSON.stringify(binding.hash)}]`;
}

/**
 * The labels hashed into each proof's challenge: the RFC 8785 (JCS) serialisation of an array naming
 * the statement, the whole spec and the ballot (nonce, hash of its ciphertexts), so that a proof made for
 * one position, option list, seat count or ballot verifies nowhere else. (For these arrays of strings,
 * integers and null, JCS is exactly JSON.stringify.)
 */
function letterSpecLabel(spec: BallotSpec, option: number, letter: string): string {
  return JSON.stringify(['letter', spec.marking, spec.optionKeys, spec.seats ?? null, option, letter]);
}
function optionSpecLabel(spec: BallotSpec, option: number): string {
  return JSON.stringify(['option', spec.marking, spec.optionKeys, spec.seats ?? null, option]);
}
function seatsSpecLabel(spec: BallotSpec): string {
  return JSON.stringify(['seats', spec.marking, spec.optionKeys, spec.seats ?? null]);
}
export function letterLabel(spec: BallotSpec, option: number, letter: string, binding: BallotBinding): string {
  return bind(letterSpecLabel(spec, option, letter), binding);
}
export function optionLabel(spec: BallotSpec, option: number, binding: BallotBinding): string {
  return bind(optionSpecLabel(spec, option), binding);
}
export function seatsLabel(spec: BallotSpec, binding: BallotBinding): string {
  return bind(seatsSpecLabel(spec), binding);
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

/** Why marks do not fit a (usable) spec: a wrong length, a letter outside the marking, more F than seats. */
function marksProblem(spec: BallotSpec, marks: string): string | undefined {
  const letters = LETTERS[spec.marking];
  const chars = [...marks];
  if (chars.length !== spec.optionKeys.length) return `marks have ${chars.length} letters for ${spec.optionKeys.length} options`;
  for (const [i, ch] of chars.entries()) {
    if (!letters.includes(ch)) return `letter ${ch} at option ${i} is not part of the ${spec.marking} marking`;
  }
  const forCount = chars.filter((ch) => ch === 'F').length;
  if (spec.seats !== undefined && forCount > spec.seats) return `${forCount} F for ${spec.seats} seats`;
  return undefined;
}

/**
 * Encrypts marks (one letter per option, as tally.ts's ballots) for the ballot with the server-issued
 * `nonce`, then proves it well formed, every proof bound to the nonce and the ciphertexts; returns the
 * ballot and the randomness [option][letter] (hex), which only a spoiled (checked) ballot ever reveals.
 * Throws a RangeError for marks the spec does not allow (a wrong letter, a wrong length, more F than seats),
 * for the identity as election key and for a nonce that is not 32 lower-case hex digits.
 */
export function encryptBallotWithRandomness(
  key: Point, spec: BallotSpec, contextId: string, nonce: string, marks: string, rng: Rng = defaultRng,
): { ballot: EncryptedBallot; randomness: string[][] } {
  if (key.equals(Point.ZERO)) throw new RangeError('the election key is the identity');
  if (!BALLOT_NONCE_PATTERN.test(nonce)) throw new RangeError('the nonce must be 32 lower-case hex digits');
  // ~130 multiplications by the key per ballot: its window table pays for itself within one ballot.
  const publicKey = prepareKey(key);
  const problem = specProblem(spec) ?? marksProblem(spec, marks);
  if (problem) throw new RangeError(problem);
  const letters = LETTERS[spec.marking];
  const chars = [...marks];
  const forCount = chars.filter((ch) => ch === 'F').length;

  // Every ciphertext first (their hash goes into every proof), then the proofs.
  const cts: Ciphertext[][] = [];
  const rs: bigint[][] = [];
  const bits: (0 | 1)[][] = [];
  chars.forEach((ch) => {
    const bRow = letters.map((letter) => (ch === letter ? 1 : 0) as 0 | 1);
    const rRow = letters.map(() => randomScalar(rng));
    cts.push(bRow.map((m, l) => encryptBit(publicKey, m, rRow[l]!)));
    rs.push(rRow);
    bits.push(bRow);
  });
  const ciphertexts = cts.map((row) => row.map(ciphertextToJson));
  const binding: BallotBinding = { nonce, hash: ciphertextsHash(ciphertexts) };
  const ctx: ProofContext = { publicKey, contextId };
  const letterProofs: DisjunctiveProof[][] = cts.map((row, i) => row.map((ct, l) => (
    proveDisjunctive(ctx, letterLabel(spec, i, letters[l]!, binding), ct, BIT, bits[i]![l]!, rs[i]![l]!, rng))));
  const optionProofs: DisjunctiveProof[] = cts.map((row, i) => (
    proveDisjunctive(ctx, optionLabel(spec, i, binding), sum(row), ONE, 0, mod(rs[i]!.reduce((a, b) => a + b, 0n)), rng)));
  let seatsProof: DisjunctiveProof | undefined;
  if (spec.seats !== undefined) {
    const f = letters.indexOf('F');
    const fr = mod(rs.reduce((acc, row) => acc + row[f]!, 0n));
    seatsProof = proveDisjunctive(ctx, seatsLabel(spec, binding), sum(cts.map((row) => row[f]!)), allowedForCounts(spec), forCount, fr, rng);
  }
  const ballot: EncryptedBallot = {
    ciphertexts,
    proofs: {
      letters: letterProofs.map((row) => row.map(disjunctiveProofToJson)),
      options: optionProofs.map(disjunctiveProofToJson),
      ...(seatsProof ? { seats: disjunctiveProofToJson(seatsProof) } : {}),
    },
  };
  return { ballot, randomness: rs.map((row) => row.map(encodeScalar)) };
}

/** Encrypts and proves marks; see encryptBallotWithRandomness (this one forgets the randomness). */
export function encryptBallot(publicKey: Point, spec: BallotSpec, contextId: string, nonce: string, marks: string, rng: Rng = defaultRng): EncryptedBallot {
  return encryptBallotWithRandomness(publicKey, spec, contextId, nonce, marks, rng).ballot;
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
  /** Whether a decoded point is the identity. */
  isIdentity(p: P): boolean;
  /** Whether the election key this group was made for is the identity (then every ballot is refused). */
  readonly identityKey: boolean;
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
    isIdentity: (p) => p.equals(Point.ZERO),
    identityKey: publicKey.equals(Point.ZERO),
    verifyDisjunctive: (label, ct, allowed, proof) => verifyDisjunctive(ctx, label, ct, allowed, proof),
  };
}

/** A spec made ready to check many ballots: its letters, the counts the seats proof allows, every label. */
export interface BallotRules {
  spec: BallotSpec;
  letters: readonly string[];
  /** [option][letter] labels of the 0-or-1 proofs, without the ballot's binding. */
  letterLabels: string[][];
  /** [option] labels of the one-mark proofs, without the ballot's binding. */
  optionLabels: string[];
  /** With seats: the seats proof's label (without the binding), allowed counts and the position of F among the letters. */
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
    letterLabels: spec.optionKeys.map((_, i) => letters.map((letter) => letterSpecLabel(spec, i, letter))),
    optionLabels: spec.optionKeys.map((_, i) => optionSpecLabel(spec, i)),
    ...(spec.seats !== undefined ? { seats: { label: seatsSpecLabel(spec), allowed: allowedForCounts(spec), letter: letters.indexOf('F') } } : {}),
  };
}

/** A ballot parsed into group elements and scalars. */
interface ParsedBallot<P, S> {
  cts: CiphertextOf<P>[][];
  letters: { c: S[]; s: S[] }[][];
  options: { c: S[]; s: S[] }[];
  seats?: { c: S[]; s: S[] };
}

/** Whether x is an object with exactly the given members (no others). */
function exactly(x: unknown, keys: readonly string[]): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const own = Object.keys(x);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(x, k));
}

function parse<P, S>(group: BallotGroup<P, S>, rules: BallotRules, ballot: unknown): ParsedBallot<P, S> | string {
  const { spec, letters } = rules;
  const n = spec.optionKeys.length;
  if (!exactly(ballot, ['ciphertexts', 'proofs'])) return 'a ballot is an object with exactly the members ciphertexts and proofs';
  const b = ballot;
  const proofKeys = spec.seats !== undefined ? ['letters', 'options', 'seats'] : ['letters', 'options'];
  const grid = (x: unknown): x is unknown[][] => Array.isArray(x) && x.length === n && x.every((row) => Array.isArray(row) && row.length === letters.length);
  if (!grid(b.ciphertexts)) return `ciphertexts must be ${n} options × ${letters.length} letters`;
  if (!exactly(b.proofs, proofKeys)) {
    const p = (typeof b.proofs === 'object' && b.proofs !== null ? b.proofs : {}) as Record<string, unknown>;
    if ((spec.seats !== undefined) !== (p.seats !== undefined)) return spec.seats !== undefined ? 'the seats proof is missing' : 'a seats proof where the vote has no seats';
    return `proofs must have exactly the members ${proofKeys.join(', ')}`;
  }
  const proofs = b.proofs;
  if (!grid(proofs.letters)) return `letter proofs must be ${n} options × ${letters.length} letters`;
  if (!Array.isArray(proofs.options) || proofs.options.length !== n) return `option proofs must be ${n}`;
  const ciphertext = (j: unknown) => {
    if (!exactly(j, ['a', 'b'])) throw new RangeError('a ciphertext is an object with exactly the members a and b');
    return ciphertextFromJsonWith(j, group.decodePoint);
  };
  const proof = (j: unknown) => {
    if (!exactly(j, ['c', 's'])) throw new RangeError('a disjunctive proof is an object with exactly the members c and s');
    return disjunctiveProofFromJsonWith(j, group.decodeScalar);
  };
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
 * Checks an encrypted ballot with a group, for the ballot with the server-issued `nonce`: the key,
 * the nonce, exact shapes, canonical encodings, no `a` the identity or twice, every proof (bound to the
 * nonce and the ciphertexts' hash), in this order. Returns its parsed ciphertexts [option][letter], or
 * the first reason it fails.
 */
export function checkBallotWith<P, S>(group: BallotGroup<P, S>, rules: BallotRules | string, nonce: unknown, ballot: unknown): CiphertextOf<P>[][] | string {
  if (typeof rules === 'string') return rules;
  if (group.identityKey) return 'the election key is the identity';
  if (typeof nonce !== 'string' || !BALLOT_NONCE_PATTERN.test(nonce)) return 'the nonce must be 32 lower-case hex digits';
  const p = parse(group, rules, ballot);
  if (typeof p === 'string') return p;
  const { letters } = rules;
  const cts = (ballot as EncryptedBallot).ciphertexts;
  const seen = new Set<string>();
  for (let i = 0; i < p.cts.length; i++) {
    for (let l = 0; l < letters.length; l++) {
      if (group.isIdentity(p.cts[i]![l]!.a)) return `option ${i} letter ${letters[l]}: a is the identity`;
      const a = cts[i]![l]!.a;
      if (seen.has(a)) return `option ${i} letter ${letters[l]}: an a of this ballot again`;
      seen.add(a);
    }
  }
  const binding: BallotBinding = { nonce, hash: ciphertextsHash(cts) };
  for (let i = 0; i < p.cts.length; i++) {
    for (let l = 0; l < letters.length; l++) {
      if (!group.verifyDisjunctive(bind(rules.letterLabels[i]![l]!, binding), p.cts[i]![l]!, BIT, p.letters[i]![l]!)) {
        return `option ${i} letter ${letters[l]}: the 0-or-1 proof fails`;
      }
    }
    if (!group.verifyDisjunctive(bind(rules.optionLabels[i]!, binding), group.sum(p.cts[i]!), ONE, p.options[i]!)) return `option ${i}: the one-mark proof fails`;
  }
  if (rules.seats) {
    const { label, allowed, letter } = rules.seats;
    if (!group.verifyDisjunctive(bind(label, binding), group.sum(p.cts.map((row) => row[letter]!)), allowed, p.seats!)) return 'the seats proof fails';
  }
  return p.cts;
}

/**
 * Checks an encrypted ballot against the election key, the spec, the context id and the nonce the
 * server issued for it: exact shapes, canonical encodings, no `a` the identity, every proof. Returns
 * true, or the first reason it fails (English, for logs and the verifier).
 */
export function verifyBallot(publicKey: Point, spec: BallotSpec, contextId: string, nonce: string, ballot: unknown): true | string {
  const r = checkBallotWith(nobleBallotGroup(publicKey, contextId), ballotRules(spec), nonce, ballot);
  return typeof r === 'string' ? r : true;
}

/**
 * The Benaloh check of a spoiled ballot: the claimed marks must be marks the spec allows (as for
 * encryption), the randomness an [option][letter] grid of scalars, and re-encrypting the marks with it
 * must give the ciphertexts. True, or why not.
 */
export function checkSpoiledBallot(publicKey: Point, spec: BallotSpec, ballot: EncryptedBallot, marks: string, randomness: readonly (readonly string[])[]): true | string {
  const problem = specProblem(spec) ?? (typeof marks === 'string' ? marksProblem(spec, marks) : 'marks must be a string');
  if (problem) return `the marks cannot be a ballot: ${problem}`;
  const letters = LETTERS[spec.marking];
  const chars = [...marks];
  const grid = (x: unknown) => Array.isArray(x) && x.length === chars.length && x.every((row) => Array.isArray(row) && row.length === letters.length);
  if (!grid(randomness) || !grid(ballot.ciphertexts)) return `randomness and ciphertexts must be ${chars.length} options × ${letters.length} letters`;
  for (let i = 0; i < chars.length; i++) {
    for (let l = 0; l < letters.length; l++) {
      let r: bigint;
      try {
        r = decodeScalar(randomness[i]![l] as string);
      } catch {
        return `option ${i} letter ${letters[l]}: bad randomness`;
      }
      const expected = ciphertextToJson(encryptBit(publicKey, chars[i] === letters[l] ? 1 : 0, r));
      const got = ballot.ciphertexts[i]![l];
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
