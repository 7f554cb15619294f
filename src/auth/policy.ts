import type { Role } from '../domain/vocabulary.ts';

/**
 * Who may reach a route: everyone (citizens need no account), anyone signed in, or holders of one
 * of the listed roles. Finer rules (a department sees only its own projects) live in the handlers.
 */
export type Access = 'anyone' | 'signed-in' | readonly Role[];

/**
 * The one access policy, keyed by "METHOD /route/:param" exactly as the router registers routes.
 * A route missing here is refused (and a test fails), so a new route cannot be public by accident.
 */
export const POLICY: Readonly<Record<string, Access>> = {
  // Public
  'GET /': 'anyone',
  'GET /healthz': 'anyone',
  'GET /favicon.ico': 'anyone',
  'GET /assets/:name': 'anyone',
  'GET /lang/:code': 'anyone',
  'GET /meetings/:id': 'anyone',
  'GET /candidates/:id': 'anyone',
  'GET /api/meetings': 'anyone',
  'GET /verify': 'anyone',
  'GET /api/trackers/:tracker': 'anyone',
  'GET /api/elections/:id': 'anyone',
  'GET /elections/:id/record.json': 'anyone',
  'GET /elections/:id/result': 'anyone',
  'GET /elections/:id/result.csv': 'anyone',
  'GET /elections/:id/announcement': 'anyone',
  'GET /.well-known/minsheng-signing-key': 'anyone',
  'GET /audit/checkpoints.json': 'anyone',
  'GET /audit/checkpoints.atom': 'anyone',
  'GET /login': 'anyone',
  'GET /check': 'anyone',
  'POST /login': 'anyone',
  // The demo's published trustee files (404 unless the installation runs the demo)
  'GET /demo/trustee-files': 'anyone',
  'GET /demo/trustee-files/:id': 'anyone',

  // One's own account
  'POST /logout': 'signed-in',
  'GET /account': 'signed-in',
  'GET /account/password': 'signed-in',
  'POST /account/password': 'signed-in',
  'GET /account/sessions': 'signed-in',
  'POST /account/sessions/:id/revoke': 'signed-in',
  'POST /account/sessions/revoke-others': 'signed-in',
  'POST /account/sign-out-everywhere': 'signed-in',

  // Deputies: their ballots
  'GET /vote': ['deputy'],
  'POST /meetings/:id/check-in': ['deputy'],
  'GET /elections/:id/ballot': ['deputy'],
  'POST /elections/:id/ballot/review': ['deputy'],
  'POST /elections/:id/ballot': ['deputy'],
  'POST /elections/:id/ballot/spoil': ['deputy'],

  // Secretariat: meetings, candidates, attendance, elections; turnout also for scrutineers
  'GET /admin/meetings': ['secretariat'],
  'POST /admin/meetings': ['secretariat'],
  'GET /admin/meetings/:id': ['secretariat'],
  'POST /admin/meetings/:id/publish': ['secretariat'],
  'POST /admin/meetings/:id/candidates': ['secretariat'],
  'GET /admin/candidates/:id': ['secretariat'],
  'POST /admin/candidates/:id': ['secretariat'],
  'POST /admin/meetings/:id/elections': ['secretariat'],
  'POST /admin/meetings/:id/ratings': ['secretariat'],
  'POST /admin/meetings/:id/settings': ['secretariat'],
  'GET /admin/meetings/:id/attendance': ['secretariat'],
  'POST /admin/meetings/:id/attendance': ['secretariat'],
  'POST /admin/meetings/:id/attendance/delegation': ['secretariat'],
  'GET /admin/elections/:id': ['secretariat'],
  'POST /admin/elections/:id/open': ['secretariat'],
  'POST /admin/elections/:id/close': ['secretariat'],
  'POST /admin/elections/:id/schedule': ['secretariat'],
  'POST /admin/elections/:id/scrutineers': ['secretariat'],
  'POST /admin/elections/:id/delete': ['secretariat'],
  'GET /admin/elections/:id/turnout': ['secretariat', 'scrutineer'],
  'GET /admin/elections/:id/turnout/stream': ['secretariat', 'scrutineer'],
  'GET /elections/:id/display': ['secretariat', 'scrutineer'],
  'GET /elections/:id/display/stream': ['secretariat', 'scrutineer'],
  // Paper ballots: the secretariat hands them out, counts them back and commits them; clerks (计票人)
  // key them, twice by two clerks; scrutineers watch every keying.
  'GET /paper': ['clerk'],
  'GET /admin/elections/:id/paper': ['secretariat', 'scrutineer', 'clerk'],
  'GET /admin/elections/:id/paper/ballot': ['secretariat'],
  'POST /admin/elections/:id/paper/issue': ['secretariat'],
  'POST /admin/elections/:id/paper/unissue': ['secretariat'],
  'POST /admin/elections/:id/paper/returned': ['secretariat'],
  'POST /admin/elections/:id/paper/entries': ['clerk'],
  'POST /admin/elections/:id/paper/commit': ['secretariat'],

  // Counting and publication: the secretariat seals, publishes or voids; scrutineers certify
  'GET /scrutiny': ['secretariat', 'scrutineer'],
  'GET /admin/elections/:id/scrutiny': ['secretariat', 'scrutineer'],
  'POST /admin/elections/:id/seal': ['secretariat'],
  'POST /admin/elections/:id/certify': ['scrutineer'],
  // A named scrutineer confirms (or declines) a credential step on a protected deputy
  'POST /scrutiny/approvals/:id/confirm': ['scrutineer'],
  'POST /scrutiny/approvals/:id/decline': ['scrutineer'],
  'POST /admin/elections/:id/publish': ['secretariat'],
  'POST /admin/elections/:id/void': ['secretariat'],
  'POST /admin/elections/:id/runoff': ['secretariat'],
  'POST /admin/elections/:id/rerun': ['secretariat'],
  // The key ceremony of an encrypted vote: the secretariat starts it (again after a failure); each
  // trustee (a named scrutineer, checked in the store by its own deputy) runs its own steps.
  'POST /admin/elections/:id/ceremony/start': ['secretariat'],
  'POST /admin/elections/:id/ballot-mode': ['secretariat'],
  'POST /admin/elections/:id/ceremony/restart': ['secretariat'],
  'GET /scrutiny/elections/:id/ceremony': ['scrutineer'],
  'GET /scrutiny/elections/:id/ceremony/messages.json': ['scrutineer'],
  'POST /scrutiny/elections/:id/ceremony/messages': ['scrutineer'],
  'POST /scrutiny/elections/:id/ceremony/possession/nonce': ['scrutineer'],
  'POST /scrutiny/elections/:id/ceremony/possession': ['scrutineer'],
  // The trustees' decryption of an encrypted vote (docs/decryption.md): each trustee by its own
  // session (the handlers refuse anyone who is no trustee of the vote's ceremony); the secretariat
  // (or a trustee) retries the combination of k partial decryptions from the scrutiny page.
  'GET /scrutiny/elections/:id/decryption': ['scrutineer'],
  'GET /scrutiny/elections/:id/decryption.json': ['scrutineer'],
  'POST /scrutiny/elections/:id/decryption': ['scrutineer'],
  'POST /admin/elections/:id/decrypt': ['scrutineer', 'secretariat'],

  // Secretariat: people, terms and rosters
  'GET /admin': ['secretariat'],
  'GET /admin/audit': ['secretariat', 'scrutineer'],
  'GET /admin/users': ['secretariat'],
  'POST /admin/users': ['secretariat'],
  'GET /admin/users/:id': ['secretariat'],
  'POST /admin/users/:id/roles': ['secretariat'],
  'POST /admin/users/:id/reset': ['secretariat'],
  'POST /admin/users/:id/disable': ['secretariat'],
  'POST /admin/users/:id/enable': ['secretariat'],
  'POST /admin/users/:id/unlock': ['secretariat'],
  'GET /admin/terms': ['secretariat'],
  'POST /admin/terms': ['secretariat'],
  'GET /admin/terms/:id/roster': ['secretariat'],
  'POST /admin/terms/:id/roster/preview': ['secretariat'],
  'GET /admin/roster-imports/:id': ['secretariat'],
  'POST /admin/roster-imports/:id/apply': ['secretariat'],
  'POST /admin/terms/:id/credentials': ['secretariat'],

  // Tracking: public pages, open data and feeds (no sign-in)
  'GET /projects': 'anyone',
  'GET /projects/:id': 'anyone',
  'GET /projects/:id/feed.xml': 'anyone',
  'GET /feed.xml': 'anyone',
  'GET /meetings/:id/progress-report': 'anyone',
  'GET /api/projects': 'anyone',
  'GET /api/projects.csv': 'anyone',
  'GET /api/projects/:id': 'anyone',
  // Tracking: the department's workspace, progress reports and evidence (track-reports).
  // Department officers act only on their own department's projects (checked in the handlers and stores).
  'GET /workspace': ['department'],
  'GET /workspace/projects/:id': ['department'],
  'POST /workspace/projects/:id/sections': ['department'],
  'POST /workspace/projects/:id/reports': ['department'],
  'GET /workspace/reports/:id': ['department'],
  'POST /workspace/reports/:id': ['department'],
  'POST /workspace/reports/:id/submit': ['department'],
  'POST /workspace/reports/:id/correct': ['department'],
  'POST /workspace/reports/:id/evidence': ['department'],
  'GET /admin/tracking/reports': ['secretariat'],
  'GET /admin/tracking/reports/:id': ['secretariat'],
  'POST /admin/tracking/reports/:id/approve': ['secretariat'],
  'POST /admin/tracking/reports/:id/return': ['secretariat'],
  // Public once an approved report carries it; before that, the lead department and the secretariat (checked in the handler).
  'GET /evidence/:sha256': 'anyone',
  // Supervision (issue 12): deputies' inspection notes, citizens' opinions (anyone, no account),
  // the secretariat's tracking console and the overdue list (members of the standing committee
  // only, checked in the handler); departments reply to notes and opinions on their own projects.
  'GET /projects/:id/notes/new': ['deputy'],
  'POST /projects/:id/notes': ['deputy'],
  'GET /admin/tracking/notes': ['secretariat'],
  'POST /admin/tracking/notes/:id/due': ['secretariat'],
  'GET /workspace/notes': ['department'],
  'POST /workspace/notes/:id/reply': ['department'],
  'GET /projects/:id/opinions/new': 'anyone',
  'POST /projects/:id/opinions': 'anyone',
  'GET /admin/tracking/opinions': ['secretariat'],
  'POST /admin/tracking/opinions/:id/accept': ['secretariat'],
  'POST /admin/tracking/opinions/:id/reject': ['secretariat'],
  'POST /workspace/opinions/:id/reply': ['department'],
  'GET /admin/tracking': ['secretariat'],
  'GET /supervision/overdue': ['deputy'],
  // Tracking: implementation plans (the lead department drafts, the secretariat decides) and the one list of departments
  'GET /workspace/projects/:id/plan': ['department'],
  'POST /workspace/projects/:id/plan': ['department'],
  'POST /workspace/projects/:id/plan/submit': ['department'],
  'GET /admin/tracking/plans': ['secretariat'],
  'GET /admin/tracking/plans/:id': ['secretariat'],
  'POST /admin/tracking/plans/:id/approve': ['secretariat'],
  'POST /admin/tracking/plans/:id/return': ['secretariat'],
  'GET /admin/departments': ['secretariat'],
  'POST /admin/departments': ['secretariat'],
  'POST /admin/departments/:id': ['secretariat'],
  // Security fixes (secure-b): the secretariat withdraws an accepted opinion, or rejects a project's pending ones at once.
  'POST /admin/tracking/opinions/:id/withdraw': ['secretariat'],
  'POST /admin/tracking/projects/:id/opinions/reject-pending': ['secretariat'],
};

/** Routes a user who must still replace a one-time password may use (besides public ones). */
export const PASSWORD_CHANGE_ROUTES = new Set(['GET /account/password', 'POST /account/password', 'POST /logout']);

export type Decision = 'allow' | 'sign-in' | 'forbidden' | 'no-rule';

/** The pure decision for one request: the route's rule against the user's roles (if signed in). */
export function decide(routeKey: string, roles: readonly Role[] | undefined): Decision {
  const access = POLICY[routeKey];
  if (access === undefined) return 'no-rule';
  if (access === 'anyone') return 'allow';
  if (roles === undefined) return 'sign-in';
  if (access === 'signed-in') return 'allow';
  return access.some((r) => roles.includes(r)) ? 'allow' : 'forbidden';
}
