import type { Role } from '../domain/vocabulary.ts';

/** The person behind a valid session, as every request after loadSession sees them. */
export interface CurrentUser {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  deputyId: number | null;
  departmentId: number | null;
  mustChangePassword: boolean;
  sessionId: string;
}

/** One of a person's sessions, for "my devices". */
export interface SessionInfo {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string;
}

// The platform's HTTP kit carries the signed-in person without importing this feature.
declare module '../platform/registry.ts' {
  interface Registry {
    user: CurrentUser;
  }
}
