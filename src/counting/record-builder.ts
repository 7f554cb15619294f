import { beijingTime } from '../platform/time.ts';
import { recordDigest } from '../domain/record/digest.ts';
import {
  RECORD_FORMAT, type ElectionKind, type InvalidReason, type Marking, type PassBase, type RecordBallot, type RecordBody,
} from '../domain/record/format.ts';
import { verifyRecord, type Problem } from '../domain/record/verify.ts';
import { ballotValidity, tally } from '../domain/tally.ts';

/** What the seal reads from the database, as plain values: everything the record is built from. */
export interface SealedElection {
  election: {
    id: number;
    title: string;
    kind: ElectionKind;
    runoffOf: number | null;
    openedAt: Date;
    closedAt: Date;
    marking: Marking;
    seats: number | null;
    passBase: PassBase;
    /** 应到, frozen when the election opened. */
    deputiesTotal: number;
    meeting: { id: number; title: string; year: number };
  };
  /** In ballot order (position). */
  options: readonly { key: string; title: string }[];
  roll: { eligible: number; present: number; electronic: number; paperIssued: number; paperReturned: number };
  ballots: Iterable<{ tracker: string; marks: string; invalid: InvalidReason | null }>;
}

/** Byte order of ASCII strings (trackers are ASCII), which docs/record-format.md sorts ballots by. */
const byTracker = (a: { tracker: string }, b: { tracker: string }) => (a.tracker < b.tracker ? -1 : a.tracker > b.tracker ? 1 : 0);

/**
 * The election record without digest, certifications and signature (docs/record-format.md), from the sealed
 * rows: ballots sorted by tracker with `invalid` only when set, and the result from the same pure
 * tally the verifier runs. A paper ballot with more F than seats is invalid whatever was stored.
 */
export function buildRecordBody(input: SealedElection): RecordBody {
  const e = input.election;
  const ballots: RecordBallot[] = [];
  for (const b of input.ballots) {
    const invalid = ballotValidity(e.kind, e.seats ?? undefined, { marks: b.marks, ...(b.invalid ? { invalid: b.invalid } : {}) });
    ballots.push(invalid ? { tracker: b.tracker, marks: b.marks, invalid } : { tracker: b.tracker, marks: b.marks });
  }
  ballots.sort(byTracker);
  const election = recordElection(input);
  const optionIds = input.options.map((o) => o.key);
  const result = tally({ kind: e.kind, rules: election.rules, optionIds, present: input.roll.present, eligible: input.roll.eligible, ballots });
  return {
    format: RECORD_FORMAT,
    election,
    roll: {
      eligible: input.roll.eligible, present: input.roll.present, electronic: input.roll.electronic,
      paperIssued: input.roll.paperIssued, paperReturned: input.roll.paperReturned,
    },
    ballots,
    result,
  };
}

/** The record's election member (the same in both formats): ids as strings, times in Beijing time, the rules as fixed. */
export function recordElection(input: Pick<SealedElection, 'election' | 'options'>): RecordBody['election'] {
  const e = input.election;
  const rules = {
    marking: e.marking,
    ...(e.seats !== null ? { seats: e.seats } : {}),
    passBase: e.passBase,
    deputiesTotal: e.deputiesTotal,
  };
  return {
    id: String(e.id),
    title: e.title,
    meeting: { id: String(e.meeting.id), title: e.meeting.title, year: e.meeting.year },
    kind: e.kind,
    ...(e.runoffOf !== null ? { runoffOf: String(e.runoffOf) } : {}),
    openedAt: beijingTime(e.openedAt),
    closedAt: beijingTime(e.closedAt),
    rules,
    options: input.options.map((o) => ({ id: o.key, title: o.title })),
  };
}

/**
 * Runs the independent verifier over a freshly built body before it is sealed, so that the server
 * never fixes a record that a citizen's verifier would reject. Signature and certification problems
 * are expected at this stage (there are none yet) and left out.
 */
export function checkRecordBody(body: RecordBody): Problem[] {
  const digest = recordDigest(body);
  const { problems } = verifyRecord({ ...body, digest, certifications: [] });
  return problems.filter((p) => p.code !== 'signature' && p.code !== 'key');
}
