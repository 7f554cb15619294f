import type { EvidenceType, ReportKind, Schedule } from '../domain/vocabulary.ts';
import type { PlanMilestone, PlanSubItem, PlanTarget, ReportActual } from '../domain/tables.ts';
import type { PublicOpinion } from '../supervision/model.ts';
import type { ProjectSummary } from './model.ts';

/** An evidence file of an approved report, as the public sees it (served at /evidence/:sha256). */
export interface PublicEvidence {
  sha256: string;
  mediaType: EvidenceType;
  caption: string;
  width: number | null;
  height: number | null;
  byteSize: number;
}

/** An approved report, public and fixed. */
export interface PublicReport {
  id: number;
  seq: number;
  kind: ReportKind;
  period: string | null;
  final: boolean;
  /** The approved report this one corrects. */
  correctsId: number | null;
  /** The later approved report that corrects this one. */
  correctedById: number | null;
  narrative: string;
  percent: number | null;
  spentFen: number;
  actuals: ReportActual[];
  milestonesDone: string[];
  approvedAt: Date;
  /** Co-departments' sections joined to this report. */
  sections: { department: string; body: string }[];
  evidence: PublicEvidence[];
}

/** A deputy's inspection note (视察意见) and the department's reply. */
export interface PublicNote {
  id: number;
  deputy: string;
  body: string;
  filedAt: Date;
  replyDue: string;
  reply: string | null;
  repliedAt: Date | null;
}

/** A citizen's opinion, only once accepted; no personal data (src/supervision/model.ts). */
export type { PublicOpinion } from '../supervision/model.ts';

/** An approved plan revision, for the revision history. */
export interface PlanRevision {
  revision: number;
  reason: string | null;
  approvedAt: Date;
  deadline: string;
  annualInvestmentFen: number;
  totalInvestmentFen: number;
  schedule: Schedule;
}

/** A target of the approved plan with the latest reported value. */
export interface TargetProgress extends PlanTarget {
  actual: number | null;
}

/** A milestone of the approved plan, done or overdue on today's date. */
export interface MilestoneProgress extends PlanMilestone {
  done: boolean;
  overdue: boolean;
}

/** One line of a project's timeline, oldest first. */
export interface TimelineEvent {
  at: Date;
  kind: 'chosen' | 'plan' | 'report' | 'note' | 'reply' | 'opinion' | 'rating';
  /** The plan revision, report seq, or note id the line is about. */
  ref?: number;
  /** Only the day is public (a citizen's opinion): `at` is that day's start in Beijing, shown as a date. */
  day?: string;
}

/** Everything the public project page and /api/projects/:id show. */
export interface ProjectDetail {
  project: ProjectSummary;
  targets: TargetProgress[];
  milestones: MilestoneProgress[];
  subItems: PlanSubItem[];
  revisions: PlanRevision[];
  reports: PublicReport[];
  notes: PublicNote[];
  opinions: PublicOpinion[];
  timeline: TimelineEvent[];
  /** The vote that chose it, for its links. */
  vote: { electionId: number; title: string; rank: number; forVotes: number };
}

/** A feed's entry: what happened to a project, when. */
export interface FeedEvent {
  projectId: number;
  projectTitle: string;
  kind: 'chosen' | 'plan' | 'report' | 'rating';
  at: Date;
  /** Plan revision or report seq; the rating's election. */
  ref: number;
  /** A report's narrative or a plan's reason; the rating's word. */
  text: string | null;
}

/** How a published vote went for one candidate (入选 or 未入选). */
export interface CandidateOutcome {
  electionId: number;
  chosen: boolean;
  forVotes: number;
  projectId: number | null;
}
