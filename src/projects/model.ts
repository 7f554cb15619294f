import type { PlanMilestone, PlanSubItem, PlanTarget } from '../domain/tables.ts';
import type { Category, ProjectStatus, Rating, Schedule } from '../domain/vocabulary.ts';
import type { MoneyFacts } from './progress.ts';

/** An approved revision of a project's plan, as pages and the open data show it. */
export interface ApprovedPlan {
  revision: number;
  reason: string | null;
  totalInvestmentFen: number;
  annualInvestmentFen: number;
  /** The plan's start as the plan says it, or the day the vote that chose the project was published. */
  startsOn: string;
  deadline: string;
  location: string | null;
  leadOfficial: string;
  schedule: Schedule;
  coDepartments: { id: number; name: string }[];
  targets: PlanTarget[];
  subItems: PlanSubItem[];
  milestones: PlanMilestone[];
  approvedAt: Date;
}

/** A project's latest published rating (测评). */
export interface ProjectRating {
  electionId: number;
  rating: Rating;
  satisfied: number;
  basically: number;
  unsatisfied: number;
  abstain: number;
  /** 满意率: (满意 + 基本满意) / (all four), 0–100 to one decimal; null without ballots. */
  satisfactionRate: number | null;
  publishedAt: Date;
}

/** A tracked project with everything derived: what the list pages, the project page and the open data start from. */
export interface ProjectSummary {
  id: number;
  meetingId: number;
  meetingTitle: string;
  year: number;
  candidateId: number;
  title: string;
  category: Category;
  description: string;
  leadDepartment: { id: number; name: string };
  /** The approved plan's co-departments, or the candidate's before a plan is approved. */
  coDepartments: { id: number; name: string }[];
  /** The vote that chose it and its place in the chosen list. */
  electionId: number;
  optionKey: string;
  rank: number;
  forVotes: number;
  chosenAt: Date;
  plan: ApprovedPlan | null;
  /** The deadline: the approved plan's, or the candidate's. */
  deadline: string;
  location: string | null;
  /** 0–100, one decimal (src/projects/progress.ts). */
  progress: number;
  money: MoneyFacts;
  status: ProjectStatus;
  rating: ProjectRating | null;
  /** Approved reports (corrections included). */
  approvedReports: number;
  /** When anything public about it last changed (plan approved, report approved, rating published): for ETags and feeds. */
  updatedAt: Date;
}

/** Which projects a list shows. */
export interface ProjectFilter {
  year?: number;
  meetingId?: number;
  /** Lead department. */
  departmentId?: number;
  category?: Category;
  location?: string;
  ids?: readonly number[];
  /**
   * The projects as they stood at this instant (a half-year or year-end report): projects chosen,
   * plans approved and ratings published by then, reports for the periods ended by then (approved
   * since, as a fourth quarter's is in January), and status on that day.
   */
  asOf?: Date;
}
