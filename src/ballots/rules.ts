import { type Channel, type ElectionKind, LETTERS, type Marking } from '../domain/vocabulary.ts';

/** What a ballot must satisfy: the election's kind, marking, seats and options in ballot order. */
export interface BallotSpec {
  kind: ElectionKind;
  marking: Marking;
  seats: number | null;
  optionKeys: readonly string[];
}

export type BallotProblem =
  | { code: 'unknown-option'; option: string }
  | { code: 'bad-letter'; option: string; letter: string }
  | { code: 'missing-mark'; option: string }
  | { code: 'too-many-for'; count: number; max: number };

export type MarksResult = { ok: true; marks: string } | { ok: false; problems: BallotProblem[] };

/**
 * Turns a deputy's choices (option key → letter) into the marks string of docs/record-format.md, or lists every
 * problem. An electronic ballot can never be invalid: too many F is refused here, before casting.
 * With approval marking an option without a tick is N; with the other markings every option needs
 * an explicit mark (abstaining is a choice the deputy makes, not a default).
 */
export function marksFromChoices(spec: BallotSpec, choices: Readonly<Record<string, string>>): MarksResult {
  const problems: BallotProblem[] = [];
  const allowed = LETTERS[spec.marking];
  const known = new Set(spec.optionKeys);
  for (const key of Object.keys(choices)) if (!known.has(key)) problems.push({ code: 'unknown-option', option: key });
  let marks = '';
  let forCount = 0;
  for (const key of spec.optionKeys) {
    const letter = choices[key];
    if (letter === undefined || letter === '') {
      if (spec.marking === 'approval') {
        marks += 'N';
        continue;
      }
      problems.push({ code: 'missing-mark', option: key });
      marks += '?';
      continue;
    }
    if (!allowed.includes(letter)) {
      problems.push({ code: 'bad-letter', option: key, letter });
      marks += '?';
      continue;
    }
    if (letter === 'F') forCount++;
    marks += letter;
  }
  if (spec.seats !== null && spec.kind !== 'satisfaction' && forCount > spec.seats) {
    problems.push({ code: 'too-many-for', count: forCount, max: spec.seats });
  }
  return problems.length ? { ok: false, problems } : { ok: true, marks };
}

/** Why a deputy cannot cast a ballot (or why a cast was refused). */
export type CastRefusal = 'not-found' | 'not-open' | 'not-eligible' | 'not-present' | 'already-voted' | 'voted-on-paper' | 'invalid-marks'
  /** A tracker offered without the MAC this server issued with it for this deputy and election. */
  | 'bad-tracker';

/**
 * Why an encrypted ballot is not cast or checked (src/ballots/encrypted.ts): a cast refusal, or a
 * nonce without this server's MAC for this deputy, a vote not in encrypted mode, a ballot that does
 * not parse or whose proofs fail, a ballot copying ciphertexts cast or checked before, a nonce used
 * already, a check whose marks and randomness do not open the ballot.
 */
export type EncryptedRefusal = CastRefusal | 'bad-nonce' | 'not-encrypted' | 'bad-ballot' | 'copied-ballot' | 'nonce-used' | 'bad-spoil';

/** Where a deputy stands in an election: on its roll or not, how they voted (if they did), present or not. */
export interface Standing {
  /** Voting is open at this moment (lifecycle's votingOpenAt). */
  votingOpen: boolean;
  onRoll: boolean;
  channel: Channel | null;
  present: boolean;
}

/**
 * Why this deputy cannot cast an electronic ballot now, or undefined when they can: the one rule
 * behind both the ballot page (which says so before the deputy marks anything) and castBallot
 * (which decides, under the election's lock).
 */
export function castRefusal(s: Standing): Exclude<CastRefusal, 'not-found' | 'invalid-marks' | 'bad-tracker'> | undefined {
  if (!s.votingOpen) return 'not-open';
  if (!s.onRoll) return 'not-eligible';
  if (s.channel === 'paper') return 'voted-on-paper';
  if (s.channel === 'electronic') return 'already-voted';
  if (!s.present) return 'not-present';
  return undefined;
}
