/** A department of the one list, with what uses it. */
export interface DepartmentListing {
  id: number;
  name: string;
  /** Department officer accounts tied to it. */
  accounts: number;
  /** Candidate projects it leads or supports. */
  candidates: number;
  /** Tracked projects it leads. */
  projects: number;
}
