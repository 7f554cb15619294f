import type { ReviewState } from '../domain/vocabulary.ts';
import type { ProjectSummary } from '../projects/model.ts';
import type { ReportingPeriod } from '../projects/progress.ts';

/** One project on a department's workspace: where it stands and what the department owes. */
export interface WorkspaceItem {
  project: ProjectSummary;
  /** The department leads it, or is one of its co-departments (read-only but for its section). */
  standing: 'lead' | 'co';
  /** The plan's latest revision (approved or not); null before any draft. */
  plan: { revision: number; state: ReviewState; returnComment: string | null } | null;
  /** The next period to report on (not yet reported, not yet late). */
  nextPeriod: ReportingPeriod | null;
  /** Periods whose report is late. */
  late: ReportingPeriod[];
  /** The report being worked on, if any, with the secretariat's comment when it came back. */
  openReport: { id: number; seq: number; state: ReviewState; returnComment: string | null } | null;
}

/** A department's workspace: the projects it leads, by year (newest first), and those it co-owns. */
export interface Workspace {
  departmentName: string;
  lead: { year: number; items: WorkspaceItem[] }[];
  co: WorkspaceItem[];
  /** Inspection notes and accepted citizens' opinions on the projects it leads that await its reply (at /workspace/notes). */
  toAnswer: { unanswered: number; overdue: number };
}
