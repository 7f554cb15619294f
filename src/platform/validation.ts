import { z } from 'zod';
import { isMessageKey, type MessageKey } from './i18n/index.ts';

/** One problem with submitted input: the field and a dictionary key for the message. */
export interface FieldIssue {
  field: string;
  key: MessageKey;
  /** Values for the message's placeholders (e.g. the codes a list could not find). */
  params?: Record<string, string | number>;
}

/** Input that breaks a rule; nothing was written. Routes render `issues` next to their fields. */
export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(readonly issues: FieldIssue[]) {
    super(`invalid input: ${issues.map((i) => `${i.field} (${i.key})`).join(', ')}`);
  }
}

/** Parses with a schema whose messages are dictionary keys; throws ValidationError listing them all. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new ValidationError(r.error.issues.map((i) => ({
    field: i.path.join('.') || '(input)',
    key: isMessageKey(i.message) ? i.message : 'validation.invalid',
  })));
}

/** A calendar date typed as YYYY-MM-DD that exists (no 2023-02-30). */
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'validation.date').refine((s) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}, 'validation.date');

/** Required text, trimmed, of at most `max` characters. */
export const requiredText = (max: number) => z.string().trim().min(1, 'validation.required').max(max, 'validation.tooLong');

/**
 * What a name may hold: letters of any script (CJK included) and their combining marks, digits,
 * spaces, the middle dot of names like 阿依古丽·买买提 (· and its look-alikes ・ ‧) and common
 * punctuation: （）()、，,.。-–—'’‘"“”《》:：/&. Nothing else: no < or >, no other symbols, no control
 * or invisible formatting characters.
 */
export const NAME_PATTERN = /^[\p{L}\p{M}\p{N} \u3000\u00B7\u30FB\u2027.,，、。()（）\-\u2010\u2013\u2014'\u2018\u2019"\u201C\u201D《》:：/&]+$/u;

/** Whether a string is a name by NAME_PATTERN (the one rule for names; see `nameText`). */
export function isName(s: string): boolean {
  return NAME_PATTERN.test(s);
}

/**
 * The one validator for names of people, terms, meetings and departments: required, trimmed, at
 * most `max` characters, and made only of what NAME_PATTERN allows (`validation.name` says what).
 */
// An empty name is `validation.required` alone.
export const nameText = (max: number) => requiredText(max).refine((s) => s === '' || isName(s), 'validation.name');

/** The largest value of a PostgreSQL `integer` column (ids, counts, ordinals). */
export const MAX_INT4 = 2_147_483_647;
