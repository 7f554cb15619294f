import type { CredentialStep, Role } from '../domain/vocabulary.ts';
import type { ApprovalStatus } from './rules.ts';

/** An account as the secretariat sees it: roles, links and status, never the password hash. */
export interface AccountSummary {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  deputy: { id: number; code: string; name: string; delegation: string; termId: number; termName: string } | null;
  department: { id: number; name: string } | null;
  disabledAt: Date | null;
  mustChangePassword: boolean;
  createdAt: Date;
  passwordChangedAt: Date | null;
}

export interface TermAccounts {
  id: number;
  name: string;
  ordinal: number;
  deputies: number;
  withAccount: number;
}

/** What one printed credential slip carries. The password exists only here and on paper. */
export interface CredentialSlip {
  userId: number;
  username: string;
  password: string;
  /** The person's name (the deputy's, or the staff account's display name). */
  name: string;
  /** Delegation of a deputy, or department of staff; null when there is none. */
  affiliation: string | null;
  /** The meeting or term the account is for; null for a staff account. */
  context: string | null;
}

/** A credential step on a protected deputy and where its confirmation stands. */
export interface ApprovalView {
  id: number;
  step: CredentialStep;
  deputy: { id: number; code: string; name: string };
  /** The account concerned; null for a deputy's first account. */
  username: string | null;
  /** The votes whose named scrutineers may confirm it. */
  elections: number[];
  requestedBy: string;
  requestedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  usedAt: Date | null;
  status: ApprovalStatus;
  /** The viewer may confirm or decline it. */
  decidable: boolean;
}
