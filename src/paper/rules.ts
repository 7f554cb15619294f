import type { InvalidReason } from '../domain/record/format.ts';
import { ballotValidity } from '../domain/tally.ts';
import type { ElectionKind } from '../domain/record/format.ts';

export interface PaperEntry {
  clerkUserId: number;
  seq: number;
  marks: string;
  invalid: 'unreadable' | 'other' | null;
}

export interface PaperReconciliation {
  /** Ballots ready for the box, in stack order: both keyings agree. */
  agreed: { seq: number; marks: string; invalid: InvalidReason | undefined }[];
  /** Positions whose two keyings differ: shown side by side until a clerk re-keys. */
  mismatched: { seq: number; entries: PaperEntry[] }[];
  /** Positions keyed by fewer than two different clerks. */
  incomplete: number[];
  /** Positions beyond the number of ballots returned. */
  beyondReturned: number[];
}

/** Whether two keyings of a sheet say the same. */
export const sameKeying = (a: Pick<PaperEntry, 'marks' | 'invalid'>, b: Pick<PaperEntry, 'marks' | 'invalid'>) => a.marks === b.marks && a.invalid === b.invalid;

/**
 * Compares the clerks' keyings of the returned stack, position by position. A position is agreed
 * when at least two different clerks keyed it and all their keyings are identical; a paper ballot
 * with more F than seats is invalid (too-many-for) unless a clerk recorded another reason.
 */
export function reconcilePaper(entries: readonly PaperEntry[], returned: number, kind: ElectionKind, seats: number | null): PaperReconciliation {
  const bySeq = new Map<number, PaperEntry[]>();
  for (const e of entries) bySeq.set(e.seq, [...(bySeq.get(e.seq) ?? []), e]);
  const out: PaperReconciliation = { agreed: [], mismatched: [], incomplete: [], beyondReturned: [] };
  for (const seq of [...bySeq.keys()].filter((s) => s > returned).sort((a, b) => a - b)) out.beyondReturned.push(seq);
  for (let seq = 1; seq <= returned; seq++) {
    const list = bySeq.get(seq) ?? [];
    const clerks = new Set(list.map((e) => e.clerkUserId));
    if (list.some((e) => !sameKeying(e, list[0]!))) out.mismatched.push({ seq, entries: list });
    else if (clerks.size < 2) out.incomplete.push(seq);
    else {
      const e = list[0]!;
      out.agreed.push({ seq, marks: e.marks, invalid: e.invalid ?? ballotValidity(kind, seats ?? undefined, { marks: e.marks }) });
    }
  }
  return out;
}

export function isComplete(r: PaperReconciliation, returned: number): boolean {
  return r.agreed.length === returned && r.mismatched.length === 0 && r.beyondReturned.length === 0;
}

/**
 * More paper ballots counted back than were handed out: never saved (a miscount is counted again);
 * if more really came back, the law makes the vote void, which the secretariat declares.
 */
export function returnedExceedsIssued(returned: number, issued: number): boolean {
  return returned > issued;
}

/**
 * The figure a link to the void form names (`?void=paper-exceeds&returned=N`), when it does exceed
 * the ballots issued: so that a query string can prefill only this reason with a true comparison.
 */
export function exceedingReturned(query: string | undefined, issued: number): number | undefined {
  if (query === undefined || !/^\d{1,9}$/.test(query)) return undefined;
  const returned = Number(query);
  return returnedExceedsIssued(returned, issued) ? returned : undefined;
}

/** What one keying says of a sheet: its marks and the reason a clerk gave for voiding it, if any. */
export type Keying = Pick<PaperEntry, 'marks' | 'invalid'>;

/** The sheets in 1..returned that exactly one clerk has keyed: they wait for a second clerk. */
export function awaitingSecond(entries: readonly PaperEntry[], returned: number): number[] {
  const clerks = new Map<number, Set<number>>();
  for (const e of entries) clerks.set(e.seq, (clerks.get(e.seq) ?? new Set()).add(e.clerkUserId));
  return range(returned).filter((seq) => clerks.get(seq)?.size === 1);
}

/** The sheets in 1..returned that nobody has keyed yet. */
export function notYetKeyed(entries: readonly PaperEntry[], returned: number): number[] {
  const keyed = new Set(entries.map((e) => e.seq));
  return range(returned).filter((seq) => !keyed.has(seq));
}

/**
 * The sheet a clerk's form offers: the first of 1..returned this clerk has not keyed (whether or
 * not another clerk has), or undefined once they have keyed them all.
 */
export function nextSheetFor(entries: readonly PaperEntry[], clerkUserId: number, returned: number): number | undefined {
  const mine = new Set(entries.filter((e) => e.clerkUserId === clerkUserId).map((e) => e.seq));
  return range(returned).find((seq) => !mine.has(seq));
}

/**
 * Whether a clerk may key a sheet: the clerk's own entry may be keyed again (to correct it), but a
 * sheet two other clerks have keyed already has its two entries.
 */
export function sheetTaken(entries: readonly PaperEntry[], clerkUserId: number, seq: number): boolean {
  const others = new Set(entries.filter((e) => e.seq === seq && e.clerkUserId !== clerkUserId).map((e) => e.clerkUserId));
  return others.size >= 2;
}

/**
 * Where keyings of one sheet differ: the items (0-based positions) whose letters are not all the
 * same, and whether the reasons given for voiding it differ.
 */
export function differingItems(keyings: readonly Keying[]): { items: number[]; invalid: boolean } {
  const length = Math.max(0, ...keyings.map((k) => k.marks.length));
  const items = range(length).map((n) => n - 1).filter((i) => new Set(keyings.map((k) => k.marks[i])).size > 1);
  return { items, invalid: new Set(keyings.map((k) => k.invalid)).size > 1 };
}

const range = (n: number) => Array.from({ length: Math.max(0, n) }, (_, i) => i + 1);
