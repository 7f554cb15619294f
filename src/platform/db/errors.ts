/** SQLSTATE of an error from either engine (pg's DatabaseError and PGlite's both carry `code`). */
export function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export const isUniqueViolation = (e: unknown) => sqlState(e) === '23505';
