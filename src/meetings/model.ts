import type { Category } from '../domain/vocabulary.ts';

/** A meeting (会议) of a term, as pages list it. */
export interface MeetingSummary {
  id: number;
  title: string;
  year: number;
  startsOn: string;
  endsOn: string;
  termName: string;
  candidateCount: number;
  /** Public (home page, meeting page, open data) once the secretariat published it. */
  published: boolean;
}

/** A candidate project with its departments' names, as pages show it. */
export interface CandidateView {
  id: number;
  meetingId: number;
  meetingTitle: string;
  ballotOrder: number;
  name: string;
  category: Category;
  description: string;
  targets: string[];
  totalInvestmentYuan: number | null;
  deadline: string;
  leadDepartment: string;
  coDepartments: string[];
  leadOfficial: string;
}

export interface Attendance {
  /** 应到: deputies of the meeting's term (or of the electorate). */
  expected: number;
  /** 实到. */
  present: number;
  /** 实到 × 3 ≥ 应到 × 2 (地方组织法 art. 14). */
  quorum: boolean;
}

/** One deputy's line on the attendance sheet. */
export interface AttendanceRow {
  id: number;
  code: string;
  name: string;
  delegation: string;
  present: boolean;
  /** Checked in, and that can no longer be undone: they voted in an open vote, or a vote of the meeting closed. */
  locked: boolean;
}

/** The settings of a meeting the secretariat may change. */
export interface MeetingSettings {
  sharedTablets: boolean;
  selfCheckIn: boolean;
}

/** A project a rating (测评) may list: a candidate of an earlier meeting of the term. */
/** A tracked project a 测评 may rate: `id` is its candidate's (the vote's option), `projectId` the project's. */
export interface RatableProject {
  id: number;
  projectId: number;
  name: string;
  meetingTitle: string;
  year: number;
  /** A project of the previous meeting: ticked when the form first shows. */
  preselected: boolean;
}
