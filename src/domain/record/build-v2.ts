/**
 * The pure builder of a format-2 record body (docs/record-format-v2.md), for the app to call when it
 * seals an encrypted election: from the election's metadata and roll, the key ceremony's public
 * output, the cast and spoiled ballots, the paper totals, the trustees' partial decryptions and the
 * audit head, it computes the trackers, the public shares and key, the aggregate, the electronic
 * totals (combining k partial decryptions and finding each small discrete log) and the result (tally.ts).
 *
 * It refuses (RangeError) what it cannot build into a record that verifies: duplicates, a roll that
 * disagrees with the ballots, inconsistent paper totals, fewer than k partials, a share whose proof
 * fails. It does not re-check the cast ballots' proofs: the server checked each one when it was cast,
 * and the app runs the verifier (verify-v2.ts) over the body before sealing it.
 */
import { aggregateBallots, type BallotSpec, type EncryptedBallot } from '../crypto/ballot.ts';
import { ciphertextToJson, discreteLog } from '../crypto/elgamal.ts';
import { decodePoint, encodePoint, type Point } from '../crypto/group.ts';
import { simpleProofFromJson, verifyDecryption, type SimpleProofJson } from '../crypto/proofs.ts';
import { combinePartials, jointPublicKey, publicShare, type Dealing } from '../crypto/threshold.ts';
import { ballotValidity, resultFromCounts } from '../tally.ts';
import { INVALID_REASONS, LETTERS, type ElectionKind, type ElectionRecord, type InvalidReason, type Marking } from './format.ts';
import {
  GROUP_V2, RECORD_FORMAT_V2, encryptedTracker, isContextIdOf, totalLabel,
  type DecryptionShareV2, type RecordAuditV2, type RecordBallotV2, type RecordBodyV2, type RecordPaperV2, type SpoiledBallotV2,
} from './format-v2.ts';

export interface BuildV2Input {
  /** As in version 1. */
  election: ElectionRecord['election'];
  roll: ElectionRecord['roll'];
  crypto: {
    contextId: string;
    threshold: number;
    /** Trustees 1 … n in index order. */
    trustees: readonly {
      name: string;
      dealing: { commitments: readonly string[]; proof: SimpleProofJson };
      possession: { nonce: string; proof: SimpleProofJson };
    }[];
  };
  /** Cast electronic ballots, each with the nonce the server issued for it, in any order. */
  ballots: Iterable<{ nonce: string; ballot: EncryptedBallot }>;
  /** Ballots their voters checked (spoiled), with the revealed marks and randomness. */
  spoiled: Iterable<{ nonce: string; ballot: EncryptedBallot; marks: string; randomness: string[][] }>;
  paper: RecordPaperV2;
  /** At least k trustees' decryptions of the aggregate, [option][letter]. */
  partials: readonly { trustee: number; shares: DecryptionShareV2[][] }[];
  audit: RecordAuditV2;
}

/** ASCII order, as the record sorts ballots by tracker. */
const byTracker = (a: { tracker: string }, b: { tracker: string }) => (a.tracker < b.tracker ? -1 : a.tracker > b.tracker ? 1 : 0);

/** The ballot spec of an election (docs/record-format-v2.md): its marking, option ids in order and seats. */
export function ballotSpecOf(election: ElectionRecord['election']): BallotSpec {
  const { rules } = election;
  return { marking: rules.marking, optionKeys: election.options.map((o) => o.id), ...(rules.seats !== undefined ? { seats: rules.seats } : {}) };
}

/**
 * The paper member from keyed paper ballots (one letter per option, optional invalid reason): totals
 * only. A ballot with more F than seats is invalid (too-many-for) whatever was keyed, as in version 1.
 */
export function paperTotals(
  kind: ElectionKind, rules: { marking: Marking; seats?: number }, optionCount: number, ballots: Iterable<{ marks: string; invalid?: InvalidReason }>,
): RecordPaperV2 {
  const letters = LETTERS[rules.marking];
  const invalid = Object.fromEntries(INVALID_REASONS.map((k) => [k, 0])) as Record<InvalidReason, number>;
  const counts = Array.from({ length: optionCount }, () => Object.fromEntries(letters.map((l) => [l, 0])) as Record<string, number>);
  let valid = 0;
  for (const b of ballots) {
    if ([...b.marks].length !== optionCount) throw new RangeError(`paper ballot marks ${b.marks} have not one letter per option (${optionCount})`);
    const reason = ballotValidity(kind, rules.seats, b);
    if (reason) {
      invalid[reason]++;
      continue;
    }
    valid++;
    [...b.marks].forEach((ch, o) => {
      if (!letters.includes(ch)) throw new RangeError(`letter ${ch} is not part of the ${rules.marking} marking`);
      counts[o]![ch]!++;
    });
  }
  return { valid, invalid, counts };
}

/** Builds the record body; throws a RangeError with the reason for anything it cannot build. */
export function buildRecordV2Body(input: BuildV2Input): RecordBodyV2 {
  const { election, roll, crypto } = input;
  const spec = ballotSpecOf(election);
  const optionIds = spec.optionKeys;
  const letters = LETTERS[spec.marking];
  const k = crypto.threshold;
  const n = crypto.trustees.length;
  if (election.id.includes('\u0000')) throw new RangeError('election.id must not contain the NUL character (U+0000)');
  if (!isContextIdOf(crypto.contextId, election.id)) throw new RangeError(`context id ${crypto.contextId} is not minsheng/election/${election.id}/ followed by 32 lower-case hex digits`);
  if (!Number.isSafeInteger(k) || k < 2 || k > n) throw new RangeError(`threshold ${k} for ${n} trustees: need 2 ≤ k ≤ n`);

  // Keys: public shares and the election key, from the dealings.
  const dealings: Dealing[] = crypto.trustees.map((t, i) => ({
    dealer: i + 1,
    commitments: t.dealing.commitments.map(decodePoint),
    proof: simpleProofFromJson(t.dealing.proof),
  }));
  dealings.forEach((d) => { if (d.commitments.length !== k) throw new RangeError(`trustee ${d.dealer} dealt ${d.commitments.length} commitments for k = ${k}`); });
  const shares: Point[] = dealings.map((d) => publicShare(dealings, d.dealer, n));
  const y = jointPublicKey(dealings, n);

  // Ballots and spoiled ballots: trackers, duplicates, order.
  const trackers = new Set<string>();
  const components = new Set<string>();
  const identify = <T extends { nonce: string; ballot: EncryptedBallot }>(b: T, what: string): RecordBallotV2 => {
    const tracker = encryptedTracker(crypto.contextId, b.nonce, b.ballot.ciphertexts);
    if (trackers.has(tracker)) throw new RangeError(`${what} ${tracker} twice`);
    trackers.add(tracker);
    for (const row of b.ballot.ciphertexts) {
      for (const ct of row) {
        if (components.has(ct.a)) throw new RangeError(`${what} ${tracker} repeats a ciphertext of another ballot (a copied ballot)`);
        components.add(ct.a);
      }
    }
    return { tracker, nonce: b.nonce, ciphertexts: b.ballot.ciphertexts, proofs: b.ballot.proofs };
  };
  const cast = [...input.ballots];
  const ballots = cast.map((b) => identify(b, 'ballot')).sort(byTracker);
  const spoiled: SpoiledBallotV2[] = [...input.spoiled].map((b) => ({ ...identify(b, 'spoiled ballot'), marks: b.marks, randomness: b.randomness })).sort(byTracker);
  if (roll.electronic !== ballots.length) throw new RangeError(`roll.electronic is ${roll.electronic}, but ${ballots.length} encrypted ballots were given`);

  // Paper totals.
  const paper = input.paper;
  const paperInvalid = INVALID_REASONS.reduce((acc, r) => acc + paper.invalid[r], 0);
  if (paper.valid + paperInvalid !== roll.paperReturned) throw new RangeError(`paper: ${paper.valid} valid + ${paperInvalid} invalid, but ${roll.paperReturned} returned`);
  if (paper.counts.length !== optionIds.length) throw new RangeError(`paper: ${paper.counts.length} count rows for ${optionIds.length} options`);
  paper.counts.forEach((row, o) => {
    const sum = letters.reduce((acc, l) => acc + (row[l] ?? NaN), 0);
    if (sum !== paper.valid) throw new RangeError(`paper: option ${optionIds[o]} counts add up to ${sum}, not ${paper.valid}`);
  });

  // Aggregate and decryption.
  const aggregate = aggregateBallots(spec, ballots);
  const partials = [...input.partials].sort((a, b) => a.trustee - b.trustee);
  partials.forEach((p, i) => {
    if (!Number.isSafeInteger(p.trustee) || p.trustee < 1 || p.trustee > n) throw new RangeError(`a partial decryption from trustee ${p.trustee}, not 1 … ${n}`);
    if (i > 0 && partials[i - 1]!.trustee === p.trustee) throw new RangeError(`two partial decryptions from trustee ${p.trustee}`);
  });
  if (partials.length < k) throw new RangeError(`${partials.length} partial decryption(s), ${k} needed`);
  const ctx = { publicKey: y, contextId: crypto.contextId };
  const decoded = partials.map((p) => ({
    index: p.trustee,
    d: optionIds.map((id, o) => letters.map((letter, l) => {
      const share = p.shares[o]?.[l];
      if (!share) throw new RangeError(`trustee ${p.trustee} has no decryption share of option ${id} letter ${letter}`);
      const d = decodePoint(share.d);
      if (!verifyDecryption(ctx, totalLabel(o, letter), aggregate[o]![l]!, shares[p.trustee - 1]!, d, simpleProofFromJson(share.proof))) {
        throw new RangeError(`trustee ${p.trustee}'s decryption share of option ${id} letter ${letter} fails its proof`);
      }
      return d;
    })),
  }));
  const electronic = optionIds.map((id, o) => Object.fromEntries(letters.map((letter, l) => {
    const gm = combinePartials(aggregate[o]![l]!, decoded.map((p) => ({ index: p.index, d: p.d[o]![l]! })), k);
    const m = discreteLog(gm, ballots.length);
    if (m === undefined) throw new RangeError(`the total of option ${id} letter ${letter} is not a count 0 … ${ballots.length}`);
    return [letter, m];
  })));

  const counts = electronic.map((row, o) => Object.fromEntries(letters.map((l) => [l, row[l]! + paper.counts[o]![l]!])));
  const result = resultFromCounts({
    kind: election.kind, rules: election.rules, optionIds, present: roll.present, eligible: roll.eligible,
    valid: ballots.length + paper.valid, invalid: paperInvalid, counts,
  });

  return {
    format: RECORD_FORMAT_V2,
    election,
    roll,
    crypto: {
      group: GROUP_V2,
      contextId: crypto.contextId,
      threshold: k,
      trustees: crypto.trustees.map((t, i) => ({
        index: i + 1,
        name: t.name,
        dealing: { commitments: [...t.dealing.commitments], proof: t.dealing.proof },
        publicShare: encodePoint(shares[i]!),
        possession: t.possession,
      })),
      publicKey: encodePoint(y),
    },
    ballots,
    spoiled,
    paper: { valid: paper.valid, invalid: paper.invalid, counts: paper.counts.map((row) => Object.fromEntries(letters.map((l) => [l, row[l]!]))) },
    aggregate: aggregate.map((row) => row.map(ciphertextToJson)),
    decryption: { partials: partials.map((p) => ({ trustee: p.trustee, shares: p.shares })), electronic },
    result,
    audit: input.audit,
  };
}
