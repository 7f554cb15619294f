import type { RosterField, RosterRow } from './csv.ts';

/** A term (届) with the size of its roster. */
export interface TermSummary {
  id: number;
  name: string;
  ordinal: number;
  startsOn: string;
  endsOn: string;
  deputyCount: number;
}

export interface RosterImport {
  id: string;
  termId: number;
  fileName: string;
  createdAt: Date;
  createdByName: string;
  rows: RosterRow[];
  appliedAt: Date | null;
  /** Not applied and older than IMPORT_TTL_MS. */
  expired: boolean;
}

export interface ImportPlan {
  rows: PlannedRow[];
  created: number;
  updated: number;
  unchanged: number;
  /** Deputies on the roster that the file does not mention: an import never removes anyone. */
  kept: number;
}

/** What applying one row will do; `previous` holds the current values (phone masked) of fields it changes. */
export interface PlannedRow {
  row: RosterRow & { phoneMasked: string | null };
  change: RowChange;
  previous: Partial<Record<Exclude<RosterField, 'code'>, string | boolean | null>>;
}

/** A deputy as the secretariat's roster page shows them: the phone number only masked. */
export interface RosterEntry {
  id: number;
  code: string;
  name: string;
  delegation: string;
  standingCommittee: boolean;
  phoneMasked: string | null;
  hasAccount: boolean;
}

export type RowChange = 'new' | 'updated' | 'unchanged';
