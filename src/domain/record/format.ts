/**
 * The election record, format `minsheng-election-record/1` (docs/record-format.md): one JSON document with
 * only strings, integers and booleans, from which anyone can recount a published election.
 */
export const RECORD_FORMAT = 'minsheng-election-record/1';

import type { ElectionKind, InvalidReason, Marking, PassBase, Rating } from '../vocabulary.ts';

// The record speaks the domain's vocabulary: its words are defined once, in vocabulary.ts.
export { ELECTION_KINDS, INVALID_REASONS, LETTERS, MARKINGS, PASS_BASES, RATINGS } from '../vocabulary.ts';
export type { ElectionKind, InvalidReason, Marking, PassBase, Rating } from '../vocabulary.ts';

/** 16 symbols of Crockford base32 in groups of four: 0-9 and A-Z without I, L, O, U. */
export const TRACKER_PATTERN = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

export interface RecordRules {
  marking: Marking;
  seats?: number;
  passBase: PassBase;
  deputiesTotal: number;
}

export interface RecordBallot {
  tracker: string;
  marks: string;
  invalid?: InvalidReason;
}

export interface OptionResult {
  id: string;
  counts: Record<string, number>;
  passed?: boolean;
  rank?: number | null;
  selected?: boolean;
  rating?: Rating;
}

export interface RecordResult {
  valid: number;
  invalid: number;
  quorum: boolean;
  options: OptionResult[];
  tie?: { options: string[]; seats: number };
  shortfall?: number;
}

export interface Certification {
  role: 'scrutineer';
  name: string;
  at: string;
  digest: string;
}

export interface ElectionRecord {
  format: typeof RECORD_FORMAT;
  election: {
    id: string;
    title: string;
    meeting: { id: string; title: string; year: number };
    kind: ElectionKind;
    runoffOf?: string;
    openedAt: string;
    closedAt: string;
    rules: RecordRules;
    options: { id: string; title: string }[];
  };
  roll: { eligible: number; present: number; electronic: number; paperIssued: number; paperReturned: number };
  ballots: RecordBallot[];
  result: RecordResult;
  digest: string;
  certifications: Certification[];
  signature: { alg: 'ed25519'; publicKey: string; value: string };
}

/** The part of a record the digest covers: everything but digest, certifications and signature. */
export type RecordBody = Omit<ElectionRecord, 'digest' | 'certifications' | 'signature'>;
