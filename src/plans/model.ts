import type { ReviewState } from '../domain/vocabulary.ts';
import type { PlanContent } from './rules.ts';

/** The project a plan belongs to, with what a first revision starts from (the candidate's figures). */
export interface PlanProject {
  id: number;
  title: string;
  meetingId: number;
  meetingTitle: string;
  year: number;
  leadDepartment: { id: number; name: string };
  /** The day the vote that chose it was published (Beijing date): the plan's start by default. */
  publishedOn: string;
  /** The candidate's figures: the first revision's defaults. */
  candidate: { totalInvestmentYuan: number | null; deadline: string; leadOfficial: string; coDepartmentIds: number[] };
}

/** One revision of a plan. */
export interface PlanRevision {
  id: number;
  projectId: number;
  revision: number;
  state: ReviewState;
  reason: string | null;
  content: PlanContent;
  draftedAt: Date;
  submittedAt: Date | null;
  decidedAt: Date | null;
  decidedByName: string | null;
  returnComment: string | null;
}

/** Where a project's plan stands: the latest approved revision, and the one being worked on. */
export interface PlanState {
  approved: PlanRevision | null;
  open: { id: number; revision: number; state: Exclude<ReviewState, 'approved'>; returnComment: string | null } | null;
}

/** A revision waiting in the secretariat's queue. */
export interface PlanQueueItem {
  id: number;
  projectId: number;
  projectTitle: string;
  meetingTitle: string;
  department: string;
  revision: number;
  reason: string | null;
  submittedAt: Date;
}
