import type { Election } from '../domain/tables.ts';
import type { ElectionState } from '../domain/vocabulary.ts';

/** An election with its meeting's title and year and its options in ballot order. */
export interface ElectionView extends Election {
  meetingTitle: string;
  meetingYear: number;
  /** The meeting's deputies vote on shared tablets (signed out after casting). */
  sharedTablets: boolean;
  options: { position: number; key: string; title: string; candidateId: number | null }[];
}

/** Live turnout of an election, from the roll only (never from the ballot box). */
export interface Turnout {
  eligible: number;
  present: number;
  electronic: number;
  paperIssued: number;
  /** Paper ballots counted back, as recorded on the paper page (0 until then). */
  paperReturned: number;
  voted: number;
  /** Present, eligible deputies who have not voted yet: names only, for the secretariat and scrutineers. */
  waiting: { name: string; delegation: string }[];
}

/** How an election relates to others: the count a runoff resolves, its runoffs, and void → re-run. */
export interface ElectionLinks {
  /** The count this runoff resolves, when it is one. */
  resolves: { id: number; title: string } | undefined;
  /** Runoffs created from this count (void ones included, so the history stays visible). */
  runoffs: { id: number; title: string; state: ElectionState }[];
  /** The void election this one holds again. */
  rerunOf: { id: number; title: string; reason: string | null } | undefined;
  /** The election holding this (void) one again. */
  rerunBy: { id: number; title: string; state: ElectionState } | undefined;
}

/** A vote as listed under its meeting. */
export interface ElectionListItem {
  id: number;
  title: string;
  kind: Election['kind'];
  state: ElectionState;
}

/** A deputy named as a scrutineer of an election, with the account they would certify with. */
export interface NamedScrutineer {
  deputyId: number;
  code: string;
  name: string;
  delegation: string;
  /** The deputy's account, and whether it holds the scrutineer role (without it they cannot certify). */
  account: { id: number; username: string; scrutineer: boolean } | null;
}
