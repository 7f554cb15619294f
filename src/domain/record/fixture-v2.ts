/**
 * A whole encrypted election run deterministically from a seed, for tests and the example record
 * (docs/examples/record-v2-example.json): key ceremony, possession proofs, cast and spoiled ballots,
 * paper totals, partial decryptions by chosen trustees, the body from build-v2.ts, certifications and
 * an Ed25519 signature by a TEST key derived from the seed. Never for real elections: the seeded
 * randomness and the test key are public.
 */
import { createPrivateKey, createPublicKey, createHash, type KeyObject } from 'node:crypto';
import { bytesToHex } from '@noble/hashes/utils.js';
import { aggregateBallots, encryptBallotWithRandomness, type EncryptedBallot } from '../crypto/ballot.ts';
import { ciphertextFromJson, ciphertextToJson } from '../crypto/elgamal.ts';
import { proveDecryption, proveKnowledge, simpleProofToJson } from '../crypto/proofs.ts';
import { seededRng } from '../crypto/test-fixtures.ts';
import { deal, jointPublicKey, receiveShares } from '../crypto/threshold.ts';
import { decodePoint, encodePoint } from '../crypto/group.ts';
import { ballotSpecOf, buildRecordV2Body, paperTotals } from './build-v2.ts';
import { recordBody, recordDigest, signEd25519, signingPayload } from './digest.ts';
import { LETTERS, type ElectionRecord, type InvalidReason } from './format.ts';
import {
  contextIdFor, possessionLabel, totalLabel, type DecryptionShareV2, type ElectionRecordV2, type RecordAuditV2, type RecordBodyV2,
} from './format-v2.ts';

export interface ScenarioV2 {
  /** Everything random (ceremony, nonces, ballots, proofs, the signing key) derives from it. */
  seed: string;
  election: ElectionRecord['election'];
  /** electronic and paperReturned follow from the ballots. */
  roll: { eligible: number; present: number; paperIssued: number };
  /** Trustee names, index 1 … n in order. */
  trustees: readonly string[];
  threshold: number;
  /** The trustees (indices) who decrypt. */
  decrypting: readonly number[];
  /** Marks of the cast electronic ballots. */
  cast: readonly string[];
  /** Marks of the ballots their voters spoiled (checked). */
  spoiled: readonly string[];
  paper: readonly { marks: string; invalid?: InvalidReason }[];
  audit: RecordAuditV2;
  /** The scrutineers who certify, with the time. */
  certifiers: readonly { name: string; at: string }[];
}

export interface RunV2 {
  record: ElectionRecordV2;
  /** x_i of trustee i at [i − 1]: for tests that decrypt again. */
  keyShares: bigint[];
  signingKey: KeyObject;
  /** The cast ballots as the server received them (before the builder sorted them). */
  cast: { nonce: string; ballot: EncryptedBallot }[];
}

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The TEST signing key of a seed: Ed25519 from SHA-256("minsheng test signing key\0" + seed). Public knowledge. */
export function testSigningKey(seed: string): KeyObject {
  const raw = createHash('sha256').update(`minsheng test signing key\u0000${seed}`).digest();
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, raw]), format: 'der', type: 'pkcs8' });
}

/** Digest, certifications by `certifiers` and the signature: a body becomes a record. */
export function sealV2(body: RecordBodyV2, signingKey: KeyObject, certifiers: readonly { name: string; at: string }[]): ElectionRecordV2 {
  const digest = recordDigest(body);
  const certifications = certifiers.map((c) => ({ role: 'scrutineer' as const, name: c.name, at: c.at, digest }));
  return {
    ...body,
    digest,
    certifications,
    signature: {
      alg: 'ed25519',
      publicKey: createPublicKey(signingKey).export({ format: 'der', type: 'spki' }).toString('base64'),
      value: signEd25519(signingKey, signingPayload(certifications, digest)).toString('base64'),
    },
  };
}

/** Seals a (tampered) record again with the same key and certifiers: only the tampering itself remains to be found. */
export function resealV2(record: ElectionRecordV2, signingKey: KeyObject): ElectionRecordV2 {
  const body = recordBody(record as unknown as Record<string, unknown>) as unknown as RecordBodyV2;
  return sealV2(body, signingKey, record.certifications.map((c) => ({ name: c.name, at: c.at })));
}

/** Trustee `index`'s decryption of an aggregate, [option][letter], with proofs (label ["total", option, letter]). */
export function decryptAggregate(
  aggregate: RecordBodyV2['aggregate'], election: ElectionRecord['election'], publicKey: string, contextId: string, index: number, share: bigint, rng = seededRng(`decrypt/${index}`),
): DecryptionShareV2[][] {
  const letters = LETTERS[election.rules.marking];
  const ctx = { publicKey: decodePoint(publicKey), contextId };
  return aggregate.map((row, o) => row.map((ct, l) => {
    const { d, proof } = proveDecryption(ctx, totalLabel(o, letters[l]!), ciphertextFromJson(ct), share, rng);
    return { d: encodePoint(d), proof: simpleProofToJson(proof) };
  }));
}

/** The product of the cast ballots' ciphertexts, [option][letter]. */
export function aggregateOf(election: ElectionRecord['election'], cast: readonly { ballot: EncryptedBallot }[]): RecordBodyV2['aggregate'] {
  return aggregateBallots(ballotSpecOf(election), cast.map((c) => c.ballot)).map((row) => row.map(ciphertextToJson));
}

/** The public output of a seeded key ceremony, and every trustee's key share. */
export interface CeremonyV2 {
  contextId: string;
  /** x_i of trustee i at [i − 1]. */
  keyShares: bigint[];
  /** The trustees' record entries before the builder adds index and public share. */
  trustees: { name: string; dealing: { commitments: string[]; proof: ReturnType<typeof simpleProofToJson> }; possession: { nonce: string; proof: ReturnType<typeof simpleProofToJson> } }[];
  /** The election key. */
  y: ReturnType<typeof jointPublicKey>;
}

/**
 * The key ceremony of a scenario with the scenario's randomness: every trustee deals, checks the
 * others' shares and proves possession of its key share. Draws from `rng` first, as runElectionV2 does.
 */
export function ceremonyV2(s: Pick<ScenarioV2, 'election' | 'trustees' | 'threshold'>, rng: ReturnType<typeof seededRng>): CeremonyV2 {
  const hex = (bytes: number) => bytesToHex(rng(bytes));
  const contextId = contextIdFor(s.election.id, hex(16));
  const k = s.threshold;
  const n = s.trustees.length;
  const dealt = s.trustees.map((_, i) => deal(contextId, i + 1, k, n, rng));
  const dealings = dealt.map((d) => d.dealing);
  const keyShares = s.trustees.map((_, i) => {
    const mine = new Map(dealt.map((d) => [d.dealing.dealer, d.shares[i]!]));
    const got = receiveShares(contextId, k, n, i + 1, dealings, mine);
    if (!got.ok) throw new Error(got.reason);
    return got.secretShare;
  });
  const trustees = s.trustees.map((name, i) => {
    const nonce = hex(16);
    return {
      name,
      dealing: { commitments: dealings[i]!.commitments.map(encodePoint), proof: simpleProofToJson(dealings[i]!.proof) },
      possession: { nonce, proof: simpleProofToJson(proveKnowledge(contextId, possessionLabel(i + 1, nonce), keyShares[i]!, rng)) },
    };
  });
  return { contextId, keyShares, trustees, y: jointPublicKey(dealings) };
}

/** Runs the scenario: the same seed always gives the same record, byte for byte. */
export function runElectionV2(s: ScenarioV2): RunV2 {
  const rng = seededRng(s.seed);
  const hex = (bytes: number) => bytesToHex(rng(bytes));
  const k = s.threshold;
  const { contextId, keyShares, trustees, y } = ceremonyV2(s, rng);
  const spec = ballotSpecOf(s.election);

  // Casting: each ballot with its server-issued nonce; spoiled ones reveal their randomness.
  const cast = s.cast.map((marks) => {
    const nonce = hex(16);
    return { nonce, ballot: encryptBallotWithRandomness(y, spec, contextId, nonce, marks, rng).ballot };
  });
  const spoiled = s.spoiled.map((marks) => {
    const nonce = hex(16);
    const { ballot, randomness } = encryptBallotWithRandomness(y, spec, contextId, nonce, marks, rng);
    return { nonce, ballot, marks, randomness };
  });
  const paper = paperTotals(s.election.kind, s.election.rules, s.election.options.length, s.paper);
  const roll = { eligible: s.roll.eligible, present: s.roll.present, electronic: cast.length, paperIssued: s.roll.paperIssued, paperReturned: s.paper.length };
  const crypto = { contextId, threshold: k, trustees };

  // Decryption: the chosen trustees decrypt the aggregate, each with its key share.
  const aggregate = aggregateOf(s.election, cast);
  const partials = s.decrypting.map((i) => ({
    trustee: i,
    shares: decryptAggregate(aggregate, s.election, encodePoint(y), contextId, i, keyShares[i - 1]!, rng),
  }));
  const body = buildRecordV2Body({ election: s.election, roll, crypto, ballots: cast, spoiled, paper, partials, audit: s.audit });
  const signingKey = testSigningKey(s.seed);
  return { record: sealV2(body, signingKey, s.certifiers), keyShares, signingKey, cast };
}


/**
 * The scenario of docs/examples/record-v2-example.json: a selection of 2 of 4 projects, marking
 * 赞成/反对/弃权, pass base `present`; 3 trustees of whom any 2 decrypt (trustees 1 and 3 do); 6 cast
 * electronic ballots, 1 spoiled; 2 paper ballots, one of them unreadable.
 */
export const EXAMPLE_SCENARIO_V2: ScenarioV2 = {
  seed: 'minsheng record v2 example (public seed: TEST ONLY)',
  election: {
    id: '42',
    title: '2025年县级民生实事项目票决（加密示例）',
    meeting: { id: '7', title: '示例县第十八届人民代表大会第五次会议', year: 2025 },
    kind: 'selection',
    openedAt: '2025-01-15T09:00:00+08:00',
    closedAt: '2025-01-15T09:30:00+08:00',
    rules: { marking: 'for-against-abstain', seats: 2, passBase: 'present', deputiesTotal: 10 },
    options: [
      { id: 'c01', title: '城乡供水一体化' },
      { id: 'c02', title: '老年助餐服务点' },
      { id: 'c03', title: '中小学食堂改造' },
      { id: 'c04', title: '农村公路安防工程' },
    ],
  },
  roll: { eligible: 10, present: 9, paperIssued: 2 },
  trustees: ['监票人甲', '监票人乙', '监票人丙'],
  threshold: 2,
  decrypting: [1, 3],
  cast: ['FFAN', 'FFNA', 'FAFN', 'FNAF', 'AFFA', 'FFAA'],
  spoiled: ['AFNF'],
  paper: [{ marks: 'FFNN' }, { marks: 'NNNN', invalid: 'unreadable' }],
  audit: { head: `sha256:${createHash('sha256').update('minsheng record v2 example audit head').digest('hex')}`, length: 128 },
  certifiers: [{ name: '监票人甲', at: '2025-01-15T10:10:00+08:00' }, { name: '监票人乙', at: '2025-01-15T10:11:00+08:00' }],
};

/** The bytes of docs/examples/record-v2-example.json: the example record, two-space indented, newline-terminated. */
export function exampleRecordV2Json(): string {
  return `${JSON.stringify(runElectionV2(EXAMPLE_SCENARIO_V2).record, null, 2)}\n`;
}
