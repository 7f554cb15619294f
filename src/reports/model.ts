import type { ReportActual } from '../domain/tables.ts';
import type { EvidenceType, ReportKind, ReviewState } from '../domain/vocabulary.ts';

/** A piece of evidence attached to a report, as pages show it. */
export interface EvidenceView {
  position: number;
  sha256: string;
  caption: string;
  mediaType: EvidenceType;
  byteSize: number;
  width: number | null;
  height: number | null;
}

/** A co-department's section, in a report or waiting for the lead's next one. */
export interface SectionView {
  id: number;
  projectId: number;
  departmentId: number;
  departmentName: string;
  body: string;
  writtenAt: Date;
  reportId: number | null;
}

/** A progress (or rectification) report with its evidence and sections. */
export interface ReportView {
  id: number;
  projectId: number;
  seq: number;
  kind: ReportKind;
  period: string | null;
  final: boolean;
  /** The approved report this one corrects, and its seq. */
  correctsId: number | null;
  correctsSeq: number | null;
  /** The approved report that corrects this one, if any (it then no longer stands). */
  correctedById: number | null;
  planRevision: number | null;
  state: ReviewState;
  narrative: string;
  percent: number | null;
  spentFen: number;
  actuals: ReportActual[];
  milestonesDone: string[];
  subItemPercents: Record<string, number>;
  draftedAt: Date;
  submittedAt: Date | null;
  decidedAt: Date | null;
  decidedByName: string | null;
  returnComment: string | null;
  evidence: EvidenceView[];
  sections: SectionView[];
}

/** A report waiting in the secretariat's queue. */
export interface QueuedReport {
  id: number;
  projectId: number;
  projectTitle: string;
  year: number;
  departmentName: string;
  seq: number;
  kind: ReportKind;
  period: string | null;
  final: boolean;
  correctsSeq: number | null;
  submittedAt: Date;
}
