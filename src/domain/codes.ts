/**
 * Deputy codes as people type them: one pure place for splitting a typed list, checking a code's
 * shape and matching typed codes to the roster's. Paper ballots, scrutineers, attendance search
 * and account forms all go through here, so that every field accepts the same input.
 */

/**
 * What separates codes in a typed list: ASCII and full-width commas, 、, ASCII and full-width
 * semicolons, and any whitespace (spaces, tabs, newlines, U+3000 the ideographic space, which `\s`
 * includes), in any mix and number.
 */
export const CODE_SEPARATORS = /[\s,，、;；]+/u;

/** The longest deputy code the roster accepts. */
export const CODE_MAX = 32;

/** A deputy code's shape, as the roster stores it: letters, digits, `-` and `_`. */
const CODE_SHAPE = new RegExp(`^[A-Za-z0-9_-]{1,${CODE_MAX}}$`);

/** Whether a string has the shape of a deputy code. */
export function isCodeShape(code: string): boolean {
  return CODE_SHAPE.test(code);
}

/** The codes of a typed list, in the order typed, as typed (case kept), empty pieces dropped. */
export function splitCodes(text: string): string[] {
  return text.split(CODE_SEPARATORS).filter((x) => x !== '');
}

/** The key two codes share when they differ only in case. */
export const codeKey = (code: string): string => code.toLowerCase();

/**
 * A typed list read for lookup: the codes (duplicates, also by case, kept once in the order first
 * typed) and those that cannot be codes at all.
 */
export function readCodeList(text: string): { codes: string[]; malformed: string[] } {
  const codes: string[] = [];
  const malformed: string[] = [];
  const seen = new Set<string>();
  for (const c of splitCodes(text)) {
    if (!isCodeShape(c)) {
      if (!malformed.includes(c)) malformed.push(c);
      continue;
    }
    if (seen.has(codeKey(c))) continue;
    seen.add(codeKey(c));
    codes.push(c);
  }
  return { codes, malformed };
}

/**
 * Matches typed codes to the roster's, whatever their case: an exact match first, else the one
 * code that differs only in case. Two roster codes that differ only in case (and neither exactly as
 * typed) make the typed code ambiguous. Every typed code lands in exactly one of the three lists.
 */
export function matchCodes<T extends { code: string }>(typed: readonly string[], roster: readonly T[]): {
  matched: { typed: string; row: T }[]; unknown: string[]; ambiguous: string[];
} {
  const byKey = new Map<string, T[]>();
  for (const r of roster) byKey.set(codeKey(r.code), [...(byKey.get(codeKey(r.code)) ?? []), r]);
  const out = { matched: [] as { typed: string; row: T }[], unknown: [] as string[], ambiguous: [] as string[] };
  for (const t of typed) {
    const same = byKey.get(codeKey(t)) ?? [];
    const row = same.find((r) => r.code === t) ?? (same.length === 1 ? same[0] : undefined);
    if (row) out.matched.push({ typed: t, row });
    else if (same.length > 1) out.ambiguous.push(t);
    else out.unknown.push(t);
  }
  return out;
}
