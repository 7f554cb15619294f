import { ValidationError } from '../validation.ts';

/** SQLSTATE of an error from either engine (pg's DatabaseError and PGlite's both carry `code`). */
export function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export const isUniqueViolation = (e: unknown) => sqlState(e) === '23505';

/** Turns a unique violation into a ValidationError on `field` (a name already taken); rethrows anything else. */
export function duplicateAs(field: string) {
  return (e: unknown): never => {
    if (isUniqueViolation(e)) throw new ValidationError([{ field, key: 'validation.duplicate' }]);
    throw e;
  };
}
