/**
 * Issue 13, "the same marks cast in encrypted and plaintext mode give the same result", at the level
 * of the record bodies: for random elections of each kind and every marking, random electronic marks
 * and random paper ballots (valid and invalid), the version-1 body (counting/record-builder.ts, the
 * plaintext seal) and the version-2 body (build-v2.ts: real encryption under a real k-of-n key from a
 * seeded ceremony, partial decryptions by a random k-subset of the trustees) have the same `result`.
 * Sizes are small to keep it fast; the app-level version runs both modes through the casting pages.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRecordBody, type SealedElection } from '../../counting/record-builder.ts';
import { encryptBallotWithRandomness } from '../crypto/ballot.ts';
import { bytesToHex } from '@noble/hashes/utils.js';
import { encodePoint } from '../crypto/group.ts';
import { seededRng } from '../crypto/test-fixtures.ts';
import { ballotSpecOf, buildRecordV2Body, paperTotals } from './build-v2.ts';
import { aggregateOf, ceremonyV2, decryptAggregate } from './fixture-v2.ts';
import { KEYED_INVALID_REASONS, LETTERS, PASS_BASES, SELECTION_MARKINGS, type ElectionKind, type InvalidReason, type Marking, type PassBase } from '../vocabulary.ts';

interface Case {
  seed: string;
  kind: ElectionKind;
  marking: Marking;
  options: number;
  seats: number | null;
  passBase: PassBase;
  n: number;
  k: number;
  /** The k trustees (indices) who decrypt. */
  decrypting: number[];
  electronic: string[];
  spoiled: string[];
  paper: { marks: string; invalid?: InvalidReason }[];
  /** Present beyond those who voted; eligible beyond present. */
  absent: number;
  missing: number;
}

/** Marks of `options` letters, at most `seats` F (an extra F becomes the next letter): what an encrypted ballot may carry. */
const validMarks = (marking: Marking, options: number, seats: number | null) => fc.array(fc.constantFrom(...LETTERS[marking]), { minLength: options, maxLength: options })
  .map((letters) => {
    let f = 0;
    return letters.map((l) => (l === 'F' && seats !== null && ++f > seats ? LETTERS[marking][1]! : l)).join('');
  });

/** Any marks of the marking, with or without a keyed reason: valid, too many F, unreadable, other. */
const paperBallot = (marking: Marking, options: number) => fc.record({
  marks: fc.array(fc.constantFrom(...LETTERS[marking]), { minLength: options, maxLength: options }).map((l) => l.join('')),
  invalid: fc.option(fc.constantFrom(...KEYED_INVALID_REASONS), { nil: undefined }),
}).map((b) => (b.invalid ? { marks: b.marks, invalid: b.invalid as InvalidReason } : { marks: b.marks }));

function cases(kind: ElectionKind): fc.Arbitrary<Case> {
  const markings = kind === 'satisfaction' ? (['satisfaction'] as const) : SELECTION_MARKINGS;
  return fc.record({
    marking: fc.constantFrom(...markings),
    options: fc.integer({ min: 1, max: 4 }),
    n: fc.integer({ min: 2, max: 4 }),
  }).chain(({ marking, options, n }) => fc.record({
    seed: fc.string({ minLength: 1, maxLength: 12 }),
    seats: kind === 'satisfaction' ? fc.constant(null) : fc.integer({ min: 1, max: options }),
    passBase: fc.constantFrom(...PASS_BASES),
    k: fc.integer({ min: 2, max: n }),
    order: fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i + 1), { minLength: n, maxLength: n }),
    paper: fc.array(paperBallot(marking, options), { maxLength: 5 }),
    absent: fc.integer({ min: 0, max: 3 }),
    missing: fc.integer({ min: 0, max: 3 }),
  }).chain((c) => fc.record({
    electronic: fc.array(validMarks(marking, options, c.seats), { maxLength: 5 }),
    spoiled: fc.array(validMarks(marking, options, c.seats), { maxLength: 1 }),
  }).map((b) => ({
    seed: c.seed, kind, marking, options, seats: c.seats, passBase: c.passBase, n, k: c.k,
    decrypting: c.order.slice(0, c.k), electronic: b.electronic, spoiled: b.spoiled, paper: c.paper, absent: c.absent, missing: c.missing,
  }))));
}

/** Both bodies of one case: plaintext (version 1) and encrypted (version 2). */
function bothModes(c: Case) {
  const present = c.electronic.length + c.paper.length + c.absent;
  const eligible = present + c.missing;
  const roll = { eligible, present, electronic: c.electronic.length, paperIssued: c.paper.length + 1, paperReturned: c.paper.length };
  const sealed: SealedElection = {
    election: {
      id: 7, title: '测试', kind: c.kind, runoffOf: c.kind === 'runoff' ? 6 : null,
      openedAt: new Date('2026-01-15T01:00:00Z'), closedAt: new Date('2026-01-15T02:00:00Z'),
      marking: c.marking, seats: c.seats, passBase: c.passBase, deputiesTotal: eligible,
      meeting: { id: 1, title: '测试会议', year: 2026 },
    },
    options: Array.from({ length: c.options }, (_, i) => ({ key: `c0${i + 1}`, title: `项目 ${i + 1}` })),
    roll,
    ballots: [
      ...c.electronic.map((marks, i) => ({ tracker: `E000-0000-0000-${String(i).padStart(4, '0')}`, marks, invalid: null })),
      ...c.paper.map((b, i) => ({ tracker: `P000-0000-0000-${String(i).padStart(4, '0')}`, marks: b.marks, invalid: b.invalid ?? null })),
    ],
  };
  const v1 = buildRecordBody(sealed);

  // The same election encrypted: its ceremony, ballots, spoiled ballots, paper totals and k partials.
  const election = v1.election;
  const rng = seededRng(c.seed);
  const trustees = Array.from({ length: c.n }, (_, i) => `监票人${i + 1}`);
  const ceremony = ceremonyV2({ election, trustees, threshold: c.k }, rng);
  const spec = ballotSpecOf(election);
  const nonce = () => bytesToHex(rng(16));
  const cast = c.electronic.map((marks) => {
    const n = nonce();
    return { nonce: n, ballot: encryptBallotWithRandomness(ceremony.y, spec, ceremony.contextId, n, marks, rng).ballot };
  });
  const spoiled = c.spoiled.map((marks) => {
    const n = nonce();
    const { ballot, randomness } = encryptBallotWithRandomness(ceremony.y, spec, ceremony.contextId, n, marks, rng);
    return { nonce: n, ballot, marks, randomness };
  });
  const aggregate = aggregateOf(election, cast);
  const partials = c.decrypting.map((i) => ({
    trustee: i,
    shares: decryptAggregate(aggregate, election, encodePoint(ceremony.y), ceremony.contextId, i, ceremony.keyShares[i - 1]!, rng),
  }));
  const v2 = buildRecordV2Body({
    election, roll, crypto: { contextId: ceremony.contextId, threshold: c.k, trustees: ceremony.trustees },
    ballots: cast, spoiled, paper: paperTotals(election.kind, election.rules, c.options, c.paper), partials,
    audit: { head: `sha256:${'0'.repeat(64)}`, length: 0 },
  });
  return { v1, v2 };
}

describe('the same marks give the same result in plaintext and encrypted mode', () => {
  for (const kind of ['selection', 'runoff', 'satisfaction'] as const) {
    it(`${kind}: every marking, random electronic and paper ballots, k of n trustees`, () => {
      fc.assert(fc.property(cases(kind), (c) => {
        const { v1, v2 } = bothModes(c);
        expect(v2.result).toEqual(v1.result);
        // Not two empty results agreeing: every ballot is counted, each valid one once per option.
        const valid = c.electronic.length + v2.paper.valid;
        expect(v1.result.valid).toBe(valid);
        expect(v1.result.valid + v1.result.invalid).toBe(c.electronic.length + c.paper.length);
        for (const o of v2.result.options) expect(Object.values(o.counts).reduce((a, b) => a + b, 0)).toBe(valid);
      }), { numRuns: 12 });
    });
  }

  it('finds a difference when the marks differ (the comparison can fail)', () => {
    const c: Case = {
      seed: 'differ', kind: 'selection', marking: 'for-against-abstain', options: 2, seats: 1, passBase: 'present',
      n: 3, k: 2, decrypting: [3, 1], electronic: ['FA', 'FN', 'AF'], spoiled: [], paper: [{ marks: 'FF' }], absent: 0, missing: 1,
    };
    const same = bothModes(c);
    expect(same.v2.result).toEqual(same.v1.result);
    expect(same.v1.result.invalid).toBe(1);
    const changed = bothModes({ ...c, electronic: ['AF', 'FN', 'AF'] });
    expect(changed.v2.result).not.toEqual(same.v1.result);
  });
});
