import type { Certification, ElectionRecord, RecordBody } from '../domain/record/format.ts';

/** A sealed record as stored: its digest, certifications and signature, and when it was sealed and published. */
export interface StoredRecord {
  electionId: number;
  digest: string;
  certifications: Certification[];
  /** Users who certified (not published). */
  certifiedBy: number[];
  signature: ElectionRecord['signature'] | null;
  sealedAt: Date;
  publishedAt: Date | null;
}

/** Everything of a sealed record but its ballots, for pages: results, roll, rules, options. */
export interface RecordSummary extends StoredRecord {
  body: Omit<RecordBody, 'ballots'>;
  ballotCount: number;
}
