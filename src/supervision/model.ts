import type { OpinionState } from '../domain/vocabulary.ts';

/** Inspection notes and citizens' opinions as src/supervision/store.ts returns them and the pages show them. */

/** A deputy's note as everyone may read it: public, with the deputy's name and delegation. */
export interface PublicNote {
  id: number;
  projectId: number;
  deputyName: string;
  delegation: string;
  body: string;
  filedAt: Date;
  replyDue: string;
  reply: string | null;
  repliedAt: Date | null;
}

/** A note with its project, for the department's and the secretariat's lists. */
export interface NoteWithProject extends PublicNote {
  projectTitle: string;
  department: { id: number; name: string };
  overdue: boolean;
}

/** An opinion as the public may read it: accepted, with the department's reply if any. */
export interface PublicOpinion {
  id: number;
  projectId: number;
  body: string;
  /** The Beijing date it was sent, 'YYYY-MM-DD': never its time. */
  submittedOn: string;
  reply: string | null;
  repliedAt: Date | null;
}

/** An opinion as the secretariat and the lead department read it. */
export interface OpinionWithProject extends PublicOpinion {
  submittedAt: Date;
  state: OpinionState;
  projectTitle: string;
  department: { id: number; name: string };
}
