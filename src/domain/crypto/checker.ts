/**
 * The checks that run once per ballot, and so decide how fast a server and a verifier are: checking an
 * encrypted ballot's proofs and adding it to the running homomorphic sum. One interface, two
 * implementations that must agree on every input: `nobleChecker` (here: pure JavaScript, the reference,
 * runs in browsers) and a faster one for Node. Callers take a `CheckerFactory`, so the record verifier
 * and the server never care which one they were given.
 */
import {
  aggregateBallots, ballotRules, checkBallotWith, nobleBallotGroup, type BallotGroup, type BallotSpec, type CiphertextOf,
} from './ballot.ts';
import { add as addCiphertexts, ciphertextToJson, ZERO_CIPHERTEXT, type CiphertextJson } from './elgamal.ts';
import { decodePoint, prepareKey } from './group.ts';

/** Checks ballots of one election (key, spec, context id) and keeps the sum of those it accepted. */
export interface BallotChecker {
  /**
   * Checks one ballot with the nonce the server issued for it (shapes, canonical encodings, every
   * proof, as verifyBallot in ballot.ts). On success adds its ciphertexts, as parsed then, to the
   * running sum and returns true (no reference to the ballot is kept); otherwise returns why (English)
   * and leaves the sum unchanged.
   */
  add(nonce: string, ballot: unknown): true | string;
  /** Checks one ballot without adding it to the sum. */
  check(nonce: string, ballot: unknown): true | string;
  /** How many ballots were added. */
  readonly count: number;
  /** The [option][letter] products of the added ballots' ciphertexts (identity pairs when none). */
  aggregate(): CiphertextJson[][];
}

/** Makes a checker for an election: its public key (encoded point), ballot spec and context id. */
export type CheckerFactory = (publicKey: string, spec: BallotSpec, contextId: string) => BallotChecker;

/** How one group adds ciphertexts, writes one as JSON, and what its neutral element is. */
export interface CiphertextArithmetic<P> {
  zero: CiphertextOf<P>;
  add(x: CiphertextOf<P>, y: CiphertextOf<P>): CiphertextOf<P>;
  toJson(c: CiphertextOf<P>): CiphertextJson;
}

/**
 * A BallotChecker over any group: checkBallotWith decides, and the running sum holds the accepted
 * ballots' ciphertexts as parsed then (nothing of a ballot is kept). Both checkers are this one.
 */
export function runningChecker<P, S>(group: BallotGroup<P, S>, spec: BallotSpec, arithmetic: CiphertextArithmetic<P>): BallotChecker {
  const rules = ballotRules(spec);
  let total: CiphertextOf<P>[][] = typeof rules === 'string' ? [] : rules.spec.optionKeys.map(() => rules.letters.map(() => arithmetic.zero));
  let count = 0;
  return {
    check(nonce, ballot) {
      const r = checkBallotWith(group, rules, nonce, ballot);
      return typeof r === 'string' ? r : true;
    },
    add(nonce, ballot) {
      const r = checkBallotWith(group, rules, nonce, ballot);
      if (typeof r === 'string') return r;
      total = total.map((row, i) => row.map((acc, l) => arithmetic.add(acc, r[i]![l]!)));
      count++;
      return true;
    },
    get count() { return count; },
    // A spec that cannot be used accepts no ballot: the reference's aggregateBallots answers for it.
    aggregate: () => (typeof rules === 'string' ? aggregateBallots(spec, []).map((row) => row.map(ciphertextToJson)) : total.map((row) => row.map(arithmetic.toJson))),
  };
}

/** The reference implementation over @noble/curves (about 200–400 ms per 12-option ballot). */
export const nobleChecker: CheckerFactory = (publicKeyHex, spec, contextId) =>
  // verifyBallot, with the key prepared and the labels made once.
  runningChecker(nobleBallotGroup(prepareKey(decodePoint(publicKeyHex)), contextId), spec, { zero: ZERO_CIPHERTEXT, add: addCiphertexts, toJson: ciphertextToJson });
