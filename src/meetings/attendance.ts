/**
 * The attendance sheet's pure rules: finding deputies as a clerk types them, grouping them by
 * delegation in Chinese collation order, and when a check-in may still be undone.
 */
import { CODE_SEPARATORS } from '../domain/codes.ts';
import type { AttendanceRow } from './model.ts';

/** Which deputies the sheet shows: everyone, those not yet checked in (未到), or those present. */
export const ATTENDANCE_SHOWS = ['all', 'absent', 'present'] as const;
export type AttendanceShow = (typeof ATTENDANCE_SHOWS)[number];

export const attendanceShow = (s: string | undefined): AttendanceShow =>
  (ATTENDANCE_SHOWS as readonly string[]).includes(s ?? '') ? s as AttendanceShow : 'all';

/** Text as compared: full-width letters and digits folded to ASCII (NFKC), lower case, trimmed. */
export const searchKey = (s: string): string => s.normalize('NFKC').toLowerCase().trim();

/**
 * The pieces of a typed search: split where codes are separated (spaces, commas, 、, …), so that
 * `D001、D005` finds both; empty when nothing was typed.
 */
export function searchTerms(q: string): string[] {
  return searchKey(q).split(CODE_SEPARATORS).filter((x) => x !== '');
}

/**
 * Whether a deputy matches a typed search: any piece found, in any case and partially, in the
 * deputy's code, name or delegation (`001`, `d00`, `王`, `龙洲`). An empty search matches everyone.
 */
export function matchesSearch(row: Pick<AttendanceRow, 'code' | 'name' | 'delegation'>, q: string): boolean {
  const terms = searchTerms(q);
  if (terms.length === 0) return true;
  const hay = [searchKey(row.code), searchKey(row.name), searchKey(row.delegation)];
  return terms.some((term) => hay.some((h) => h.includes(term)));
}

const zh = new Intl.Collator('zh-CN');
/** Codes in natural order (D2 before D10), whatever their case. */
const codes = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Delegations' names in Chinese collation order (pinyin), the same on every database engine. */
export const compareDelegations = (a: string, b: string): number => zh.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
export const compareCodes = (a: string, b: string): number => codes.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

/** One delegation (代表团) on the sheet: its counts over all its deputies, and its rows shown. */
export interface DelegationGroup {
  delegation: string;
  /** 应到 of the delegation: all its deputies. */
  expected: number;
  /** 实到 of the delegation. */
  present: number;
  /** The deputies shown (after search and filter), by code. */
  rows: AttendanceRow[];
}

export interface SheetFilter {
  q: string;
  /** Only this delegation, when not empty. */
  delegation: string;
  show: AttendanceShow;
}

/**
 * The sheet as shown: every delegation with at least one deputy matching the search and the
 * filter, in Chinese collation order, with its own 实到/应到 over all its deputies.
 */
export function groupSheet(all: readonly AttendanceRow[], filter: SheetFilter): DelegationGroup[] {
  const groups = new Map<string, DelegationGroup>();
  for (const r of all) {
    let g = groups.get(r.delegation);
    if (!g) groups.set(r.delegation, g = { delegation: r.delegation, expected: 0, present: 0, rows: [] });
    g.expected++;
    if (r.present) g.present++;
    const shown = (filter.delegation === '' || filter.delegation === r.delegation)
      && (filter.show === 'all' || (filter.show === 'present') === r.present)
      && matchesSearch(r, filter.q);
    if (shown) g.rows.push(r);
  }
  return [...groups.values()].filter((g) => g.rows.length > 0)
    .sort((a, b) => compareDelegations(a.delegation, b.delegation))
    .map((g) => ({ ...g, rows: g.rows.sort((a, b) => compareCodes(a.code, b.code)) }));
}

/** The delegations of a roster, in Chinese collation order. */
export function delegationsOf(all: readonly Pick<AttendanceRow, 'delegation'>[]): string[] {
  return [...new Set(all.map((r) => r.delegation))].sort(compareDelegations);
}

/** Why a check-in can no longer be undone: the deputy voted in an open vote of the meeting. */
export type UndoRefusal = 'voted';

/**
 * Whether a deputy's check-in may be undone (marked absent again): a mistaken check-in, or a deputy
 * who left before the meeting's next vote. Refused while it counts: once the deputy has voted in an
 * open vote of the meeting (their roll row is marked), their presence is that vote's evidence until
 * it closes. A closed vote no longer reads the attendance (its 实到 is fixed at its close, in
 * `present_at_close`, and its record says so), so a meeting that holds a 测评 and then its selection
 * can still record who left in between.
 */
export function undoRefusal(facts: { votedInOpenVote: boolean }): UndoRefusal | undefined {
  if (facts.votedInOpenVote) return 'voted';
  return undefined;
}
