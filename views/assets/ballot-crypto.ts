/**
 * The encrypted-ballot core as the browser gets it: one ES module, bundled by esbuild from this entry
 * (src/platform/http/bundle.ts) and served as /assets/ballot-crypto.js with its content hash. It
 * re-exports, never copies, what the ballot page and the trustees' pages need from src/domain/crypto
 * (docs/browser-crypto.md). Nothing here runs on import: a page imports it and calls what it needs.
 */
export {
  // Points and scalars on the wire (64 lower-case hex digits each), and the election key's window table.
  decodePoint, decodeScalar, encodePoint, encodeScalar, prepareKey,
} from '../../src/domain/crypto/group.ts';
import * as ballot from '../../src/domain/crypto/ballot.ts';
import * as proofs from '../../src/domain/crypto/proofs.ts';
import * as threshold from '../../src/domain/crypto/threshold.ts';
import type { Point } from '../../src/domain/crypto/group.ts';
import type { Ciphertext } from '../../src/domain/crypto/elgamal.ts';

// Every function that draws randomness is exported without its rng parameter: a page always uses the
// platform's CSPRNG (crypto.getRandomValues), never a seeded or chosen one.

/** The deputy's ballot, encrypted and proved for the nonce the server issued (ballot.ts). */
export function encryptBallot(publicKey: Point, spec: ballot.BallotSpec, contextId: string, nonce: string, marks: string): ballot.EncryptedBallot {
  return ballot.encryptBallot(publicKey, spec, contextId, nonce, marks);
}
/** The same, with the randomness, which only a spoiled (checked) ballot ever reveals. */
export function encryptBallotWithRandomness(publicKey: Point, spec: ballot.BallotSpec, contextId: string, nonce: string, marks: string): { ballot: ballot.EncryptedBallot; randomness: string[][] } {
  return ballot.encryptBallotWithRandomness(publicKey, spec, contextId, nonce, marks);
}
/** A trustee's dealing for a k-of-n ceremony (threshold.ts). */
export function deal(contextId: string, dealer: number, k: number, n: number): { dealing: threshold.Dealing; shares: bigint[] } {
  return threshold.deal(contextId, dealer, k, n);
}
/** A trustee's decryption share of a total, with its proof (proofs.ts). */
export function proveDecryption(ctx: proofs.ProofContext, label: string, ct: Ciphertext, share: bigint): { d: Point; proof: proofs.SimpleProof } {
  return proofs.proveDecryption(ctx, label, ct, share);
}

export {
  // Check a ballot, and the Benaloh check of a spoiled one.
  allowedForCounts, checkSpoiledBallot, verifyBallot, aggregateBallots,
  type BallotSpec, type EncryptedBallot,
} from '../../src/domain/crypto/ballot.ts';
export {
  ciphertextFromJson, ciphertextToJson, discreteLog, partialDecrypt, type CiphertextJson,
} from '../../src/domain/crypto/elgamal.ts';
export {
  // A trustee's decryption share of a total, with its proof, and the checks of everyone else's.
  disjunctiveProofFromJson, disjunctiveProofToJson, simpleProofFromJson, simpleProofToJson, verifyDecryption,
  type SimpleProofJson, type DisjunctiveProofJson,
} from '../../src/domain/crypto/proofs.ts';
export {
  // The key ceremony on a trustee's device: deal, check what the others dealt, and combine.
  combinePartials, jointPublicKey, lagrangeAtZero, publicShare, receiveShares, verifyDealing, verifyShare,
  type Dealing, type ShareCheck,
} from '../../src/domain/crypto/threshold.ts';
