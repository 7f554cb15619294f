/**
 * A large encrypted election from a seed, for the benchmark of a 3,000-ballot record (BENCHMARKS.md,
 * "Encrypted ballots"): the seeded key ceremony of fixture-v2.ts, then `ballots` cast ballots with
 * random valid marks, each encrypted with randomness seeded by its own number. Ranges of ballots can
 * therefore be encrypted apart (in worker threads) and the record is still the same, byte for byte,
 * whoever encrypted which range. TEST ONLY, like fixture-v2.ts: the seeded randomness is public.
 */
import { createHash } from 'node:crypto';
import { bytesToHex } from '@noble/hashes/utils.js';
import { encryptBallotWithRandomness, type BallotSpec, type EncryptedBallot } from '../crypto/ballot.ts';
import { decodePoint, encodePoint } from '../crypto/group.ts';
import { seededRng } from '../crypto/test-fixtures.ts';
import { ballotSpecOf, buildRecordV2Body, paperTotals } from './build-v2.ts';
import { aggregateOf, ceremonyV2, decryptAggregate, sealV2, testSigningKey, type ScenarioV2 } from './fixture-v2.ts';
import { LETTERS } from './format.ts';
import type { ElectionRecordV2 } from './format-v2.ts';

/** A scenario whose cast and spoiled ballots are counts: their marks are drawn from the seed. */
export interface BulkScenarioV2 extends Omit<ScenarioV2, 'cast' | 'spoiled'> {
  ballots: number;
  spoiled: number;
}

/** Ballots `from` … `to` − 1 of one kind, to encrypt: everything a worker needs, as plain data. */
export interface BallotJob {
  seed: string;
  kind: 'cast' | 'spoiled';
  publicKey: string;
  spec: BallotSpec;
  contextId: string;
  from: number;
  to: number;
}

export interface EncryptedBallotOf {
  nonce: string;
  ballot: EncryptedBallot;
  marks: string;
  randomness: string[][];
}

/** Random valid marks for ballot `i`: a letter of the marking per option, at most `seats` F (extra F become the next letter). */
export function bulkMarks(spec: BallotSpec, seed: string, kind: BallotJob['kind'], i: number): string {
  const letters = LETTERS[spec.marking];
  const rng = seededRng(`${seed}/${kind}/${i}/marks`);
  let f = 0;
  return [...rng(spec.optionKeys.length)].map((byte) => {
    const l = byte % letters.length;
    if (letters[l] === 'F' && spec.seats !== undefined && ++f > spec.seats) return letters[l + 1]!;
    return letters[l]!;
  }).join('');
}

/** Encrypts and proves the job's ballots, each with its own seeded nonce and randomness. Pure; what a worker runs. */
export function encryptBallotRange(job: BallotJob): EncryptedBallotOf[] {
  const y = decodePoint(job.publicKey);
  const out: EncryptedBallotOf[] = [];
  for (let i = job.from; i < job.to; i++) {
    const rng = seededRng(`${job.seed}/${job.kind}/${i}`);
    const nonce = bytesToHex(rng(16));
    const marks = bulkMarks(job.spec, job.seed, job.kind, i);
    const { ballot, randomness } = encryptBallotWithRandomness(y, job.spec, job.contextId, nonce, marks, rng);
    out.push({ nonce, ballot, marks, randomness });
  }
  return out;
}

/** Splits `count` ballots into jobs of at most `size`. */
export function ballotJobs(base: Omit<BallotJob, 'from' | 'to'>, count: number, size: number): BallotJob[] {
  const jobs: BallotJob[] = [];
  for (let from = 0; from < count; from += size) jobs.push({ ...base, from, to: Math.min(count, from + size) });
  return jobs;
}

/**
 * Runs the scenario into a sealed record. `encrypt` runs the jobs (in this thread by default,
 * or spread over worker threads by the caller); results are used in job order.
 */
export async function runBulkElectionV2(
  s: BulkScenarioV2,
  encrypt: (jobs: BallotJob[]) => Promise<EncryptedBallotOf[][]> = async (jobs) => jobs.map(encryptBallotRange),
  jobSize = 50,
): Promise<ElectionRecordV2> {
  const rng = seededRng(s.seed);
  const { contextId, keyShares, trustees, y } = ceremonyV2(s, rng);
  const spec = ballotSpecOf(s.election);
  const base = { seed: s.seed, publicKey: encodePoint(y), spec, contextId };
  const castJobs = ballotJobs({ ...base, kind: 'cast' }, s.ballots, jobSize);
  const spoiledJobs = ballotJobs({ ...base, kind: 'spoiled' }, s.spoiled, jobSize);
  const done = await encrypt([...castJobs, ...spoiledJobs]);
  const cast = done.slice(0, castJobs.length).flat();
  const spoiled = done.slice(castJobs.length).flat();

  const paper = paperTotals(s.election.kind, s.election.rules, s.election.options.length, s.paper);
  const roll = { eligible: s.roll.eligible, present: s.roll.present, electronic: cast.length, paperIssued: s.roll.paperIssued, paperReturned: s.paper.length };
  const aggregate = aggregateOf(s.election, cast);
  const partials = s.decrypting.map((i) => ({
    trustee: i,
    shares: decryptAggregate(aggregate, s.election, encodePoint(y), contextId, i, keyShares[i - 1]!, rng),
  }));
  const body = buildRecordV2Body({
    election: s.election, roll, crypto: { contextId, threshold: s.threshold, trustees }, ballots: cast, spoiled, paper, partials, audit: s.audit,
  });
  return sealV2(body, testSigningKey(s.seed), s.certifiers);
}

/** The benchmark's record (npm run bench -- --only=record), `ballots` cast: a selection of 10 of 12 projects, 赞成/反对/弃权; 3 trustees, 2 decrypt. */
export function benchScenarioV2(ballots: number): BulkScenarioV2 {
  const options = Array.from({ length: 12 }, (_, i) => ({ id: `c${String(i + 1).padStart(2, '0')}`, title: `民生实事候选项目 ${i + 1}` }));
  const paper = [
    ...Array.from({ length: 7 }, (_, i) => ({ marks: 'FAN'.repeat(5).slice(i % 3, (i % 3) + 12) })),
    { marks: 'F'.repeat(12), invalid: undefined },
    { marks: 'NNNNNNNNNNNN', invalid: 'unreadable' as const },
  ];
  return {
    seed: `minsheng bench record v2 (${ballots} ballots; public seed: TEST ONLY)`,
    election: {
      id: '3000',
      title: `基准测试：${ballots} 张加密选票`,
      meeting: { id: '1', title: '基准测试会议', year: 2026 },
      kind: 'selection',
      openedAt: '2026-01-15T09:00:00+08:00',
      closedAt: '2026-01-15T10:00:00+08:00',
      rules: { marking: 'for-against-abstain', seats: 10, passBase: 'present', deputiesTotal: ballots + 100 },
      options,
    },
    roll: { eligible: ballots + 100, present: ballots + 50, paperIssued: 10 },
    trustees: ['监票人甲', '监票人乙', '监票人丙'],
    threshold: 2,
    decrypting: [1, 3],
    ballots,
    spoiled: 5,
    paper,
    audit: { head: `sha256:${createHash('sha256').update('bench audit head').digest('hex')}`, length: 1000 },
    certifiers: [{ name: '监票人甲', at: '2026-01-15T11:00:00+08:00' }, { name: '监票人乙', at: '2026-01-15T11:01:00+08:00' }],
  };
}
