import type { OptionResult, RecordResult } from '../domain/record/format.ts';

/** A selection's final outcome: its own chosen projects, then those its runoffs chose. */
export interface MeetingChosenList {
  selection: { id: number; title: string; seats: number };
  /** Final order: the selection's chosen in rank order, then each runoff's chosen in its rank order. */
  chosen: ChosenProject[];
  /** A tie no published runoff has resolved yet. */
  pending?: PendingSeats;
  /** Seats left empty because too few passed (in the selection and its runoffs). */
  shortfall: number;
  /** The published runoffs that decided part of the list, in the order they counted. */
  runoffs: { id: number; title: string }[];
}

export interface ChosenProject {
  optionId: string;
  title: string;
  /** 赞成 in the vote that chose it. */
  forVotes: number;
  /** The vote that chose it: the selection itself or one of its runoffs. */
  electionId: number;
  viaRunoff: boolean;
}

/** Seats still open because a tie has no published runoff yet. */
export interface PendingSeats {
  /** The vote that tied (the selection, or a runoff that tied again). */
  electionId: number;
  seats: number;
  options: { id: string; title: string }[];
}

/** The `result` member of GET /api/elections/:id once the vote is published. */
export interface ApiResult {
  valid: number;
  invalid: number;
  quorum: boolean;
  roll: { eligible: number; present: number };
  options: OptionResult[];
  tie?: RecordResult['tie'];
  shortfall?: number;
  /** Selected option ids in rank order (empty for a satisfaction vote). */
  chosen: string[];
  digest: string;
  recordUrl: string;
  resultUrl: string;
}

