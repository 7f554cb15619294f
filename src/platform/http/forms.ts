import type { Translate } from '../i18n/index.ts';
import type { ValidationError } from '../validation.ts';

/** A ValidationError as translated messages by field, for forms that show errors beside fields. */
export function fieldErrors(t: Translate, e: ValidationError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of e.issues) {
    const field = issue.field.split('.')[0]!;
    out[field] ??= t(issue.key, issue.params);
  }
  return out;
}

/** A posted text field, or '' (files and repeated fields are not text). */
export function textField(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  return typeof v === 'string' ? v : '';
}

/** A whole number typed into a form, or NaN (so that validation names it). */
export function intField(form: Record<string, unknown>, name: string): number {
  const s = textField(form, name).trim();
  return /^-?\d+$/.test(s) ? Number(s) : Number.NaN;
}

/** Every value posted under a name (a repeated field or a group of checkboxes), as posted. */
export function listField(form: Record<string, unknown>, name: string): unknown[] {
  const v = form[name];
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}
