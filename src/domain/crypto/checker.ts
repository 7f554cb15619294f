/**
 * The checks that run once per ballot, and so decide how fast a server and a verifier are: checking an
 * encrypted ballot's proofs and adding it to the running homomorphic sum. One interface, two
 * implementations that must agree on every input: `nobleChecker` (here: pure JavaScript, the reference,
 * runs in browsers) and a faster one for Node. Callers take a `CheckerFactory`, so the record verifier
 * and the server never care which one they were given.
 */
import {
  aggregateBallots, ballotRules, checkBallotWith, nobleBallotGroup, type BallotSpec, type EncryptedBallot,
} from './ballot.ts';
import { ciphertextToJson, type CiphertextJson } from './elgamal.ts';
import { decodePoint, prepareKey } from './group.ts';

/** Checks ballots of one election (key, spec, context id) and keeps the sum of those it accepted. */
export interface BallotChecker {
  /**
   * Checks one ballot (shapes, canonical encodings, every proof, as verifyBallot in ballot.ts). On
   * success adds its ciphertexts to the running sum and returns true; otherwise returns why (English)
   * and leaves the sum unchanged.
   */
  add(ballot: unknown): true | string;
  /** Checks one ballot without adding it to the sum. */
  check(ballot: unknown): true | string;
  /** How many ballots were added. */
  readonly count: number;
  /** The [option][letter] products of the added ballots' ciphertexts (identity pairs when none). */
  aggregate(): CiphertextJson[][];
}

/** Makes a checker for an election: its public key (encoded point), ballot spec and context id. */
export type CheckerFactory = (publicKey: string, spec: BallotSpec, contextId: string) => BallotChecker;

/** The reference implementation over @noble/curves (about 200–400 ms per 12-option ballot). */
export const nobleChecker: CheckerFactory = (publicKeyHex, spec, contextId) => {
  const group = nobleBallotGroup(prepareKey(decodePoint(publicKeyHex)), contextId);
  const rules = ballotRules(spec);
  const accepted: EncryptedBallot[] = [];
  // verifyBallot, with the key prepared and the labels made once.
  const check = (ballot: unknown): true | string => {
    const r = checkBallotWith(group, rules, ballot);
    return typeof r === 'string' ? r : true;
  };
  return {
    check,
    add(ballot) {
      const ok = check(ballot);
      if (ok === true) accepted.push(ballot as EncryptedBallot);
      return ok;
    },
    get count() { return accepted.length; },
    aggregate: () => aggregateBallots(spec, accepted).map((row) => row.map(ciphertextToJson)),
  };
};
