import { createSession, SESSION_COOKIE } from '../../src/auth/sessions.ts';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { createUser } from '../../src/users/store.ts';
import type { Role } from '../../src/domain/vocabulary.ts';
import { postForm, postOnce } from './auth.ts';
import type { TrackedDemo } from './tracking.ts';

let made = 0;

/** A session cookie for a demo account (mishu, jiaoyu, d001, …), or for an account made here. */
export async function cookieOf(demo: TrackedDemo, username: string): Promise<string> {
  const u = await demo.database.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  const { token } = await createSession(demo.database.db, demo.t.clock, u.id, 'test');
  return `${SESSION_COOKIE}=${token}`;
}

/** A new account in the demo: a department's officer, or a deputy's own account. Returns its username. */
export async function accountIn(demo: TrackedDemo, roles: Role[], tie: { department?: string; deputyCode?: string }): Promise<string> {
  const { db } = demo.database;
  const departmentId = tie.department ? (await db.selectFrom('departments').select('id').where('name', '=', tie.department).executeTakeFirstOrThrow()).id : null;
  const deputyId = tie.deputyCode ? (await db.selectFrom('deputies').select('id').where('code', '=', tie.deputyCode).orderBy('id').executeTakeFirstOrThrow()).id : null;
  const username = `sup${process.pid}x${++made}`;
  await createUser(db, { clock: demo.t.clock, actor: { userId: null, name: 'test' } }, {
    username, displayName: `测试账号${made}`, password: DEMO_PASSWORD, roles, departmentId, deputyId,
  });
  return username;
}

/** The demo's projects led by a department, in rank order. */
export async function projectsLedBy(demo: TrackedDemo, department: string): Promise<number[]> {
  const rows = await demo.database.db.selectFrom('projects as p').innerJoin('departments as d', 'd.id', 'p.lead_department_id')
    .select('p.id').where('d.name', '=', department).where('p.meeting_id', '=', demo.meetingId).orderBy('p.rank').execute();
  return rows.map((r) => r.id);
}

/** GET as the holder of a cookie (or nobody). */
export function getAs(demo: TrackedDemo, path: string, cookie?: string, headers: Record<string, string> = {}) {
  return demo.t.app.request(path, { headers: { ...(cookie ? { Cookie: cookie } : {}), ...headers } });
}

/** POST a form as the holder of a cookie (or nobody), confirming when asked. */
export function postAs(demo: TrackedDemo, path: string, fields: Record<string, string>, cookie?: string, env?: unknown) {
  return postForm(demo.t.app, path, fields, cookie ? { Cookie: cookie } : {}, env);
}

/** POST once, without confirming. */
export function postOnceAs(demo: TrackedDemo, path: string, fields: Record<string, string>, cookie?: string, env?: unknown) {
  return postOnce(demo.t.app, path, fields, cookie ? { Cookie: cookie } : {}, env);
}

/** What the app's address logic reads for a request from this client address (Node server's socket). */
export const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
