import { z } from 'zod';
import { codeKey, isCodeShape, splitCodes } from '../domain/codes.ts';
import { CERTIFICATIONS_REQUIRED, SCRUTINEERS_MAX } from '../domain/lifecycle.ts';
import type { FieldIssue } from '../platform/validation.ts';
import { BALLOT_MODES, type BallotMode, ELECTORATES, PASS_BASES, SELECTION_MARKINGS } from '../domain/vocabulary.ts';
import { thresholdProblem } from '../ceremonies/rules.ts';

/** Election set-up as the secretariat enters it; a selection is always 差额 (fewer seats than options). */
export const electionInput = z.object({
  title: z.string().trim().min(1, 'validation.required').max(200, 'validation.tooLong'),
  marking: z.enum(SELECTION_MARKINGS, { error: 'validation.invalid' }),
  seats: z.number({ error: 'validation.integer' }).int('validation.integer').min(1, 'validation.positive'),
  passBase: z.enum(PASS_BASES, { error: 'validation.invalid' }),
  optionCount: z.number().int(),
}).refine((e) => e.seats < e.optionCount, { message: 'election.seatsBelowOptions', path: ['seats'] });
export type ElectionInput = z.input<typeof electionInput>;

/** A year-end satisfaction rating (满意度测评) of projects, by all deputies or the standing committee. */
export const ratingInput = z.object({
  title: z.string().trim().min(1, 'validation.required').max(200, 'validation.tooLong'),
  passBase: z.enum(PASS_BASES, { error: 'validation.invalid' }),
  electorate: z.enum(ELECTORATES, { error: 'validation.invalid' }),
  optionCount: z.number().int().min(1, 'election.tooFewProjects'),
});

/** Option keys as published in the record: c01, c02, … in ballot order. */
export function optionKey(position: number): string {
  return `c${String(position).padStart(2, '0')}`;
}


/**
 * The scrutineers' deputy codes as typed (separated as src/domain/codes.ts reads any typed list:
 * spaces, commas, 、, semicolons, full-width or not), in order, or the problems: at least
 * CERTIFICATIONS_REQUIRED distinct codes (whatever their case), at most SCRUTINEERS_MAX, none twice.
 */
export function parseScrutineerCodes(raw: string): { codes: string[] } | { issues: FieldIssue[] } {
  const codes = splitCodes(raw);
  const issues: FieldIssue[] = [];
  const malformed = codes.filter((c) => !isCodeShape(c));
  if (malformed.length > 0) issues.push({ field: 'scrutineers', key: 'scrutineers.notACode', params: { codes: [...new Set(malformed)].join('、') } });
  else if (new Set(codes.map(codeKey)).size !== codes.length) issues.push({ field: 'scrutineers', key: 'scrutineers.twice' });
  else if (codes.length < CERTIFICATIONS_REQUIRED) issues.push({ field: 'scrutineers', key: 'scrutineers.tooFew' });
  else if (codes.length > SCRUTINEERS_MAX) issues.push({ field: 'scrutineers', key: 'scrutineers.tooMany' });
  return issues.length > 0 ? { issues } : { codes };
}

/** A trustee threshold the form may hold before scrutineers are named: 2 … 99 (≤ named is the ceremony's check). */
export function validThreshold(k: number): boolean {
  return thresholdProblem(k, 99) === undefined;
}

/** The trustee threshold a new encrypted vote is offered: decryption needs two trustees. */
export const DEFAULT_THRESHOLD = 2;

/**
 * The ballot mode as a form posts it (`ballotMode`, and `threshold` k in encrypted mode), or the
 * problem: a mode that is neither, or a k that is not a whole number from 2 to 99. A form without
 * `ballotMode` gets `fallback`; without `threshold`, DEFAULT_THRESHOLD.
 */
export function parseBallotMode(mode: string, threshold: string, fallback: BallotMode): { mode: BallotMode; threshold: number | null } | { issues: FieldIssue[] } {
  const m = mode === '' ? fallback : mode;
  if (!(BALLOT_MODES as readonly string[]).includes(m)) return { issues: [{ field: 'ballotMode', key: 'validation.invalid' }] };
  if (m === 'plaintext') return { mode: 'plaintext', threshold: null };
  const typed = threshold.trim();
  const k = typed === '' ? DEFAULT_THRESHOLD : /^[0-9]{1,3}$/.test(typed) ? Number(typed) : Number.NaN;
  if (!validThreshold(k)) return { issues: [{ field: 'threshold', key: 'ballotMode.thresholdRange' }] };
  return { mode: 'encrypted', threshold: k };
}
