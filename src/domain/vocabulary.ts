/** The roles a person can hold; one person may hold several (scrutineers are deputies too). */
export const ROLES = ['secretariat', 'scrutineer', 'department', 'deputy'] as const;
export type Role = (typeof ROLES)[number];
