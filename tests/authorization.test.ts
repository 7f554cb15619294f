import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY } from '../src/auth/policy.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import type { Role } from '../src/domain/vocabulary.ts';
import { testApp, sameOrigin } from './support/app.ts';
import { makeUser } from './support/auth.ts';
import { testEngines } from './support/databases.ts';

type Who = 'anonymous' | Role;
const WHO: Who[] = ['anonymous', 'deputy', 'scrutineer', 'department', 'secretariat', 'clerk'];

/**
 * The expectation, written by hand (not derived from POLICY): 1 = may reach the route, 0 = refused.
 * Columns: anonymous, deputy, scrutineer, department, secretariat, clerk.
 */
const EXPECTED: [route: string, ...allowed: [0 | 1, 0 | 1, 0 | 1, 0 | 1, 0 | 1, 0 | 1]][] = [
  ['GET /', 1, 1, 1, 1, 1, 1],
  ['GET /healthz', 1, 1, 1, 1, 1, 1],
  ['GET /favicon.ico', 1, 1, 1, 1, 1, 1],
  ['GET /assets/:name', 1, 1, 1, 1, 1, 1],
  ['GET /lang/:code', 1, 1, 1, 1, 1, 1],
  ['GET /meetings/:id', 1, 1, 1, 1, 1, 1],
  ['GET /candidates/:id', 1, 1, 1, 1, 1, 1],
  ['GET /api/meetings', 1, 1, 1, 1, 1, 1],
  ['GET /verify', 1, 1, 1, 1, 1, 1],
  ['GET /api/trackers/:tracker', 1, 1, 1, 1, 1, 1],
  ['GET /api/elections/:id', 1, 1, 1, 1, 1, 1],
  ['GET /elections/:id/record.json', 1, 1, 1, 1, 1, 1],
  ['GET /elections/:id/result', 1, 1, 1, 1, 1, 1],
  ['GET /elections/:id/result.csv', 1, 1, 1, 1, 1, 1],
  ['GET /elections/:id/announcement', 1, 1, 1, 1, 1, 1],
  ['GET /.well-known/minsheng-signing-key', 1, 1, 1, 1, 1, 1],
  ['GET /audit/checkpoints.json', 1, 1, 1, 1, 1, 1],
  ['GET /audit/checkpoints.atom', 1, 1, 1, 1, 1, 1],
  ['GET /login', 1, 1, 1, 1, 1, 1],
  ['GET /check', 1, 1, 1, 1, 1, 1],
  ['POST /login', 1, 1, 1, 1, 1, 1],
  ['GET /demo/trustee-files', 1, 1, 1, 1, 1, 1],
  ['GET /demo/trustee-files/:id', 1, 1, 1, 1, 1, 1],
  ['POST /logout', 0, 1, 1, 1, 1, 1],
  ['GET /account', 0, 1, 1, 1, 1, 1],
  ['GET /account/password', 0, 1, 1, 1, 1, 1],
  ['POST /account/password', 0, 1, 1, 1, 1, 1],
  ['GET /account/sessions', 0, 1, 1, 1, 1, 1],
  ['POST /account/sessions/:id/revoke', 0, 1, 1, 1, 1, 1],
  ['POST /account/sessions/revoke-others', 0, 1, 1, 1, 1, 1],
  ['POST /account/sign-out-everywhere', 0, 1, 1, 1, 1, 1],
  // A scrutineer is a deputy (the role sits only on a deputy's own account, with the deputy role): they vote too.
  ['GET /vote', 0, 1, 1, 0, 0, 0],
  ['POST /meetings/:id/check-in', 0, 1, 1, 0, 0, 0],
  ['GET /elections/:id/ballot', 0, 1, 1, 0, 0, 0],
  ['POST /elections/:id/ballot/review', 0, 1, 1, 0, 0, 0],
  ['POST /elections/:id/ballot', 0, 1, 1, 0, 0, 0],
  ['POST /elections/:id/ballot/spoil', 0, 1, 1, 0, 0, 0],
  ['GET /admin', 0, 0, 0, 0, 1, 0],
  ['GET /admin/audit', 0, 0, 1, 0, 1, 0],
  ['GET /admin/meetings', 0, 0, 0, 0, 1, 0],
  ['POST /admin/meetings', 0, 0, 0, 0, 1, 0],
  ['GET /admin/meetings/:id', 0, 0, 0, 0, 1, 0],
  ['POST /admin/meetings/:id/publish', 0, 0, 0, 0, 1, 0],
  ['POST /admin/meetings/:id/candidates', 0, 0, 0, 0, 1, 0],
  ['GET /admin/candidates/:id', 0, 0, 0, 0, 1, 0],
  ['POST /admin/candidates/:id', 0, 0, 0, 0, 1, 0],
  ['POST /admin/meetings/:id/elections', 0, 0, 0, 0, 1, 0],
  ['POST /admin/meetings/:id/ratings', 0, 0, 0, 0, 1, 0],
  ['POST /admin/meetings/:id/settings', 0, 0, 0, 0, 1, 0],
  ['GET /admin/meetings/:id/attendance', 0, 0, 0, 0, 1, 0],
  ['POST /admin/meetings/:id/attendance', 0, 0, 0, 0, 1, 0],
  ['POST /admin/meetings/:id/attendance/delegation', 0, 0, 0, 0, 1, 0],
  ['GET /admin/elections/:id', 0, 0, 0, 0, 1, 0],
  ['POST /admin/elections/:id/open', 0, 0, 0, 0, 1, 0],
  ['POST /admin/elections/:id/close', 0, 0, 0, 0, 1, 0],
  ['POST /admin/elections/:id/schedule', 0, 0, 0, 0, 1, 0],
  ['POST /admin/elections/:id/scrutineers', 0, 0, 0, 0, 1, 0],
  ['POST /admin/elections/:id/delete', 0, 0, 0, 0, 1, 0],
  ['GET /admin/elections/:id/turnout', 0, 0, 1, 0, 1, 0],
  ['GET /admin/elections/:id/turnout/stream', 0, 0, 1, 0, 1, 0],
  ['GET /elections/:id/display', 0, 0, 1, 0, 1, 0],
  ['GET /elections/:id/display/stream', 0, 0, 1, 0, 1, 0],
  ['GET /paper', 0, 0, 0, 0, 0, 1],
  ['GET /admin/elections/:id/paper', 0, 0, 1, 0, 1, 1],
  ['GET /admin/elections/:id/paper/ballot', 0, 0, 0, 0, 1, 0],
  ['POST /admin/elections/:id/paper/issue', 0, 0, 0, 0, 1, 0],
  ['POST /admin/elections/:id/paper/unissue', 0, 0, 0, 0, 1, 0],
  ['POST /admin/elections/:id/paper/returned', 0, 0, 0, 0, 1, 0],
  ['POST /admin/elections/:id/paper/entries', 0, 0, 0, 0, 0, 1],
  ['POST /admin/elections/:id/paper/commit', 0, 0, 0, 0, 1, 0],
  ['GET /scrutiny', 0, 0, 1, 0, 1, 0],
  ['GET /admin/elections/:id/scrutiny', 0, 0, 1, 0, 1, 0],
  ['POST /admin/elections/:id/seal', 0, 0, 0, 0, 1, 0],
  ['POST /admin/elections/:id/certify', 0, 0, 1, 0, 0, 0],
  ['POST /scrutiny/approvals/:id/confirm', 0, 0, 1, 0, 0, 0],
  ['POST /scrutiny/approvals/:id/decline', 0, 0, 1, 0, 0, 0],
  ['POST /admin/elections/:id/publish', 0, 0, 0, 0, 1, 0],
  ['POST /admin/elections/:id/void', 0, 0, 0, 0, 1, 0],
  ['POST /admin/elections/:id/runoff', 0, 0, 0, 0, 1, 0],
  ['POST /admin/elections/:id/rerun', 0, 0, 0, 0, 1, 0],
  ['POST /admin/elections/:id/ceremony/start', 0, 0, 0, 0, 1, 0],
  ['POST /admin/elections/:id/ballot-mode', 0, 0, 0, 0, 1, 0],
  ['POST /admin/elections/:id/ceremony/restart', 0, 0, 0, 0, 1, 0],
  ['GET /scrutiny/elections/:id/ceremony', 0, 0, 1, 0, 0, 0],
  ['GET /scrutiny/elections/:id/ceremony/messages.json', 0, 0, 1, 0, 0, 0],
  ['POST /scrutiny/elections/:id/ceremony/messages', 0, 0, 1, 0, 0, 0],
  ['POST /scrutiny/elections/:id/ceremony/possession/nonce', 0, 0, 1, 0, 0, 0],
  ['POST /scrutiny/elections/:id/ceremony/possession', 0, 0, 1, 0, 0, 0],
  ['GET /scrutiny/elections/:id/decryption', 0, 0, 1, 0, 0, 0],
  ['GET /scrutiny/elections/:id/decryption.json', 0, 0, 1, 0, 0, 0],
  ['POST /scrutiny/elections/:id/decryption', 0, 0, 1, 0, 0, 0],
  ['POST /admin/elections/:id/decrypt', 0, 0, 1, 0, 1, 0],
  ['GET /admin/users', 0, 0, 0, 0, 1, 0],
  ['POST /admin/users', 0, 0, 0, 0, 1, 0],
  ['GET /admin/users/:id', 0, 0, 0, 0, 1, 0],
  ['POST /admin/users/:id/roles', 0, 0, 0, 0, 1, 0],
  ['POST /admin/users/:id/reset', 0, 0, 0, 0, 1, 0],
  ['POST /admin/users/:id/disable', 0, 0, 0, 0, 1, 0],
  ['POST /admin/users/:id/unlock', 0, 0, 0, 0, 1, 0],
  ['POST /admin/users/:id/enable', 0, 0, 0, 0, 1, 0],
  ['GET /admin/terms', 0, 0, 0, 0, 1, 0],
  ['POST /admin/terms', 0, 0, 0, 0, 1, 0],
  ['GET /admin/terms/:id/roster', 0, 0, 0, 0, 1, 0],
  ['POST /admin/terms/:id/roster/preview', 0, 0, 0, 0, 1, 0],
  ['GET /admin/roster-imports/:id', 0, 0, 0, 0, 1, 0],
  ['POST /admin/roster-imports/:id/apply', 0, 0, 0, 0, 1, 0],
  ['POST /admin/terms/:id/credentials', 0, 0, 0, 0, 1, 0],

  // Tracking: public pages, open data and feeds (no sign-in)
  ['GET /projects', 1, 1, 1, 1, 1, 1],
  ['GET /projects/:id', 1, 1, 1, 1, 1, 1],
  ['GET /projects/:id/feed.xml', 1, 1, 1, 1, 1, 1],
  ['GET /feed.xml', 1, 1, 1, 1, 1, 1],
  ['GET /meetings/:id/progress-report', 1, 1, 1, 1, 1, 1],
  ['GET /api/projects', 1, 1, 1, 1, 1, 1],
  ['GET /api/projects.csv', 1, 1, 1, 1, 1, 1],
  ['GET /api/projects/:id', 1, 1, 1, 1, 1, 1],
  // Tracking: the department's workspace, progress reports and evidence (track-reports)
  ['GET /workspace', 0, 0, 0, 1, 0, 0],
  ['GET /workspace/projects/:id', 0, 0, 0, 1, 0, 0],
  ['POST /workspace/projects/:id/sections', 0, 0, 0, 1, 0, 0],
  ['POST /workspace/projects/:id/reports', 0, 0, 0, 1, 0, 0],
  ['GET /workspace/reports/:id', 0, 0, 0, 1, 0, 0],
  ['POST /workspace/reports/:id', 0, 0, 0, 1, 0, 0],
  ['POST /workspace/reports/:id/submit', 0, 0, 0, 1, 0, 0],
  ['POST /workspace/reports/:id/correct', 0, 0, 0, 1, 0, 0],
  ['POST /workspace/reports/:id/evidence', 0, 0, 0, 1, 0, 0],
  ['GET /admin/tracking/reports', 0, 0, 0, 0, 1, 0],
  ['GET /admin/tracking/reports/:id', 0, 0, 0, 0, 1, 0],
  ['POST /admin/tracking/reports/:id/approve', 0, 0, 0, 0, 1, 0],
  ['POST /admin/tracking/reports/:id/return', 0, 0, 0, 0, 1, 0],
  ['GET /evidence/:sha256', 1, 1, 1, 1, 1, 1],
  // Supervision: notes by deputies, opinions by anyone, replies by departments, the console by the secretariat.
  ['GET /projects/:id/notes/new', 0, 1, 1, 0, 0, 0],
  ['POST /projects/:id/notes', 0, 1, 1, 0, 0, 0],
  ['GET /admin/tracking/notes', 0, 0, 0, 0, 1, 0],
  ['POST /admin/tracking/notes/:id/due', 0, 0, 0, 0, 1, 0],
  ['GET /workspace/notes', 0, 0, 0, 1, 0, 0],
  ['POST /workspace/notes/:id/reply', 0, 0, 0, 1, 0, 0],
  ['GET /projects/:id/opinions/new', 1, 1, 1, 1, 1, 1],
  ['POST /projects/:id/opinions', 1, 1, 1, 1, 1, 1],
  ['GET /admin/tracking/opinions', 0, 0, 0, 0, 1, 0],
  ['POST /admin/tracking/opinions/:id/accept', 0, 0, 0, 0, 1, 0],
  ['POST /admin/tracking/opinions/:id/reject', 0, 0, 0, 0, 1, 0],
  ['POST /workspace/opinions/:id/reply', 0, 0, 0, 1, 0, 0],
  ['GET /admin/tracking', 0, 0, 0, 0, 1, 0],
  // Deputies who are members of the standing committee only (checked in the handler; none here is: tests/console.test.ts).
  ['GET /supervision/overdue', 0, 0, 0, 0, 0, 0],
  // Tracking: plans (the lead department drafts, the secretariat decides) and the list of departments
  ['GET /workspace/projects/:id/plan', 0, 0, 0, 1, 0, 0],
  ['POST /workspace/projects/:id/plan', 0, 0, 0, 1, 0, 0],
  ['POST /workspace/projects/:id/plan/submit', 0, 0, 0, 1, 0, 0],
  ['GET /admin/tracking/plans', 0, 0, 0, 0, 1, 0],
  ['GET /admin/tracking/plans/:id', 0, 0, 0, 0, 1, 0],
  ['POST /admin/tracking/plans/:id/approve', 0, 0, 0, 0, 1, 0],
  ['POST /admin/tracking/plans/:id/return', 0, 0, 0, 0, 1, 0],
  ['GET /admin/departments', 0, 0, 0, 0, 1, 0],
  ['POST /admin/departments', 0, 0, 0, 0, 1, 0],
  ['POST /admin/departments/:id', 0, 0, 0, 0, 1, 0],
  ['POST /admin/tracking/opinions/:id/withdraw', 0, 0, 0, 0, 1, 0],
  ['POST /admin/tracking/projects/:id/opinions/reject-pending', 0, 0, 0, 0, 1, 0],
];

/** A concrete URL for a route pattern. */
function samplePath(pattern: string): string {
  return pattern.replace(':name', 'app.css').replace(':code', 'en').replace(':tracker', '0000-0000-0000-0000').replace(/:id/g, '999');
}

describe('the expectation table', () => {
  it('covers every route the router has, and nothing it lacks', () => {
    const database = { db: undefined, engine: 'pglite', ping: async () => {}, close: async () => {} } as unknown as DbHandle;
    const { app } = testApp(database);
    const routes = new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`));
    const expected = new Set(EXPECTED.map(([r]) => r));
    expect([...routes].filter((r) => !expected.has(r)), 'routes missing from EXPECTED').toEqual([]);
    expect([...expected].filter((r) => !routes.has(r)), 'EXPECTED rows without a route').toEqual([]);
    expect(Object.keys(POLICY).sort(), 'POLICY and EXPECTED list the same routes').toEqual([...expected].sort());
  });
});

describe.each(testEngines())('authorization on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  const users = new Map<Who, Awaited<ReturnType<typeof makeUser>>>();
  beforeAll(async () => {
    database = await engine.open();
    t = testApp(database);
    for (const who of WHO) if (who !== 'anonymous') users.set(who, await makeUser(database, t.clock, [who]));
  });
  afterAll(async () => { await database.close(); });

  for (const [route, ...allowed] of EXPECTED) {
    it(`${route}: ${WHO.filter((_, i) => allowed[i]).join(', ') || 'nobody'}`, async () => {
      const [method, pattern] = route.split(' ') as [string, string];
      for (const [i, who] of WHO.entries()) {
        const user = users.get(who);
        // A fresh session per request: some routes (sign out) end the session they are called with.
        const headers: Record<string, string> = { ...sameOrigin, ...(user ? { Cookie: await user.cookie() } : {}) };
        let body: BodyInit | undefined;
        if (method === 'POST') {
          headers['Content-Type'] = 'application/x-www-form-urlencoded';
          // Signing in with a valid account, so that a handler's own 401 (wrong password) is not mistaken for a refusal.
          const u = users.get('deputy')!;
          body = new URLSearchParams(route === 'POST /login' ? { username: u.username, password: u.password } : {});
        }
        const res = await t.app.request(samplePath(pattern), { method, headers, body });
        const location = res.headers.get('location') ?? '';
        const refused = who === 'anonymous'
          ? (method === 'GET' ? res.status === 303 && location.startsWith('/login?next=') : res.status === 401)
          : res.status === 403;
        expect({ who, status: res.status, allowed: !refused }, `${route} as ${who}`).toMatchObject({ allowed: allowed[i] === 1 });
        await res.body?.cancel();
      }
    });
  }

  it('refuses a route without a rule, failing closed', async () => {
    const { Hono } = await import('hono');
    const local = testApp(database);
    local.app.route('/', new Hono().get('/unlisted', (c) => c.text('should not be reachable')));
    const res = await local.app.request('/unlisted', { headers: { Cookie: await users.get('secretariat')!.cookie() } });
    expect(res.status).toBe(403);
    expect(local.logs.some((l) => l.msg === 'route has no access rule' && l.route === 'GET /unlisted')).toBe(true);
  });

  it('sends a signed-out visitor to sign in and back to the page asked for', async () => {
    const res = await t.app.request('/admin/users?role=deputy');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/admin/users?role=deputy')}`);
  });
});
