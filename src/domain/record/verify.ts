import { tally, ballotValidity, countFor } from '../tally.ts';
import type { CheckerFactory } from '../crypto/checker.ts';
import { INVALID_REASONS, LETTERS, RECORD_FORMAT, TRACKER_PATTERN, type ElectionRecord } from './format.ts';
import { RECORD_FORMAT_V2 } from './format-v2.ts';
import {
  checkElection, checkRollBounds, checkRollMembers, checkSeal, compareResults, isStr, type Problem, type ProblemCode, type Verification,
} from './verification.ts';
import { verifyRecordV2 } from './verify-v2.ts';

export { expectedFingerprint } from './verification.ts';
export type { Problem, ProblemCode, Verification } from './verification.ts';

export interface VerifyOptions {
  /** The expected signing key (fingerprint, PEM or base64 DER); without it the signature proves integrity only. */
  key?: string;
  /** Format 2 only: how encrypted ballots are checked (default: the reference `nobleChecker`). */
  checker?: CheckerFactory;
}

/**
 * Verifies a record of any known format, dispatching on `format`: version 1 (docs/record-format.md)
 * here, version 2 (docs/record-format-v2.md) in verify-v2.ts; anything else is a `[format]` problem.
 */
export function verifyRecord(input: unknown, options: VerifyOptions = {}): Verification {
  if (typeof input === 'object' && input !== null && !Array.isArray(input) && (input as { format?: unknown }).format === RECORD_FORMAT_V2) {
    return verifyRecordV2(input, options);
  }
  return verifyRecordV1(input, options);
}

/**
 * Checks a version-1 record as docs/record-format.md says a verifier must: structure and roll
 * consistency, trackers, marks, ballot validity, a full recount compared field by field, the digest,
 * the certifications and the Ed25519 signature, and (given `key`) that the expected key signed it.
 * Trusts nothing in it.
 */
export function verifyRecordV1(input: unknown, options: { key?: string } = {}): Verification {
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const add = (code: ProblemCode, message: string) => { problems.push({ code, message }); };
  const r = input as ElectionRecord;

  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, problems: [{ code: 'format', message: 'the record is not a JSON object' }], warnings };
  }
  if (r.format !== RECORD_FORMAT) add('format', `format is ${JSON.stringify(r.format)}, expected "${RECORD_FORMAT}"`);
  const e = r.election;
  const rules = e?.rules;
  if (!e || !rules || !Array.isArray(e.options) || !r.roll || !Array.isArray(r.ballots) || !r.result) {
    add('structure', 'missing election, election.rules, election.options, roll, ballots or result');
    return { ok: false, problems, warnings };
  }

  // Structure of the election.
  checkElection(e, add);
  if (problems.length) return { ok: false, problems, warnings };
  const optionIds = e.options.map((o) => o.id);

  // Roll consistency.
  const roll = r.roll;
  checkRollMembers(roll, rules.deputiesTotal, add);
  if (roll.electronic + roll.paperReturned !== r.ballots.length) {
    add('roll', `electronic (${roll.electronic}) + paperReturned (${roll.paperReturned}) = ${roll.electronic + roll.paperReturned}, but the record holds ${r.ballots.length} ballots`);
  }
  checkRollBounds(roll, add);

  // Ballots: trackers, marks, validity.
  const letters = new Set(LETTERS[rules.marking]);
  let previous = '';
  const seen = new Set<string>();
  r.ballots.forEach((b, i) => {
    const where = `ballot ${i + 1}${isStr(b?.tracker) ? ` (${b.tracker})` : ''}`;
    if (!isStr(b?.tracker) || !TRACKER_PATTERN.test(b.tracker)) add('tracker', `${where}: tracker is not 16 upper-case Crockford base32 symbols as XXXX-XXXX-XXXX-XXXX`);
    else {
      if (seen.has(b.tracker)) add('tracker', `${where}: tracker appears twice`);
      else if (b.tracker < previous) add('tracker', `${where}: ballots are not sorted by tracker (${b.tracker} after ${previous})`);
      seen.add(b.tracker);
      previous = b.tracker;
    }
    if (!isStr(b?.marks) || b.marks.length !== optionIds.length) add('marks', `${where}: marks must have one letter per option (${optionIds.length})`);
    else if ([...b.marks].some((ch) => !letters.has(ch))) add('marks', `${where}: marks ${b.marks} use letters outside ${[...letters].join('')}`);
    if (b?.invalid !== undefined && !INVALID_REASONS.includes(b.invalid)) add('validity', `${where}: invalid reason ${JSON.stringify(b.invalid)} is not one of ${INVALID_REASONS.join(', ')}`);
    else if (isStr(b?.marks) && b.marks.length === optionIds.length) {
      const should = ballotValidity(e.kind, rules.seats, { marks: b.marks });
      if (should && !b.invalid) add('validity', `${where}: ${countFor(b.marks)} F marks for ${rules.seats} seats, so it must be marked invalid (too-many-for)`);
      if (b.invalid === 'too-many-for' && !should) warnings.push(`${where} is marked too-many-for but has only ${countFor(b.marks)} F marks`);
    }
  });
  if (problems.some((p) => p.code === 'marks')) return { ok: false, problems, warnings };

  // Recount and compare.
  const recount = tally({
    kind: e.kind, rules, optionIds, present: roll.present, eligible: roll.eligible, ballots: r.ballots,
  });
  compareResults(r.result, recount, add);

  // Digest, certifications, signature, key.
  const { digest, fingerprint } = checkSeal(r, options.key, add, warnings, problems);
  return { ok: problems.length === 0, problems, warnings, recount, digest, fingerprint };
}
