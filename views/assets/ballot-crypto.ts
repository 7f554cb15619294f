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
export {
  // The deputy's ballot: encrypt and prove, check a ballot, and the Benaloh check of a spoiled one.
  allowedForCounts, checkSpoiledBallot, encryptBallot, encryptBallotWithRandomness, verifyBallot, aggregateBallots,
  type BallotSpec, type EncryptedBallot,
} from '../../src/domain/crypto/ballot.ts';
export {
  ciphertextFromJson, ciphertextToJson, discreteLog, partialDecrypt, type CiphertextJson,
} from '../../src/domain/crypto/elgamal.ts';
export {
  // A trustee's decryption share of a total, with its proof, and the checks of everyone else's.
  disjunctiveProofFromJson, disjunctiveProofToJson, proveDecryption, simpleProofFromJson, simpleProofToJson, verifyDecryption,
  type SimpleProofJson, type DisjunctiveProofJson,
} from '../../src/domain/crypto/proofs.ts';
export {
  // The key ceremony on a trustee's device: deal, check what the others dealt, and combine.
  combinePartials, deal, jointPublicKey, lagrangeAtZero, publicShare, receiveShares, verifyDealing, verifyShare,
  type Dealing, type ShareCheck,
} from '../../src/domain/crypto/threshold.ts';
