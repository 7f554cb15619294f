import { z } from 'zod';
import { nameText } from '../platform/validation.ts';

/** A department's name: the one rule for names, up to 100 characters (as candidates name them). */
export const departmentInput = z.object({ name: nameText(100) });
export type DepartmentInput = z.input<typeof departmentInput>;

/**
 * The names a form posted that are not on the list (trimmed; empty names are the form's own
 * "required" problem, not this one's).
 */
export function unknownNames(names: readonly string[], list: readonly string[]): string[] {
  const known = new Set(list);
  return [...new Set(names.map((n) => n.trim()).filter((n) => n !== '' && !known.has(n)))];
}
