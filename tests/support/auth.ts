import type { Hono } from 'hono';
import { createSession, SESSION_COOKIE } from '../../src/auth/sessions.ts';
import type { Clock } from '../../src/platform/time.ts';
import type { DbHandle } from '../../src/platform/db/index.ts';
import type { Role } from '../../src/domain/vocabulary.ts';
import { createTerm, upsertDeputies } from '../../src/terms/store.ts';
import { createUser } from '../../src/users/store.ts';
import { sameOrigin } from './app.ts';

let counter = 0;

/**
 * A deputy of its own for an account that must be a deputy's (a scrutineer's: the role sits only on
 * a deputy's own account), in a term of the tests' own that no vote uses.
 */
async function ownDeputy(database: DbHandle, clock: Clock, n: number): Promise<number> {
  const acting = { clock, actor: { userId: null, name: 'test' } };
  let term = await database.db.selectFrom('terms').select('id').where('name', '=', '测试账户专用届').executeTakeFirst();
  term ??= await createTerm(database.db, acting, { name: '测试账户专用届', ordinal: 99, startsOn: '2000-01-01', endsOn: '2000-12-31' });
  const code = `U${process.pid}X${n}`;
  await upsertDeputies(database.db, acting, term.id, [{ code, name: `测试代表${n}`, delegation: '测试团', standingCommittee: false, phone: null }]);
  return (await database.db.selectFrom('deputies').select('id').where('term_id', '=', term.id).where('code', '=', code).executeTakeFirstOrThrow()).id;
}

/**
 * A fresh account with the given roles, its password, and a way to mint sessions for it. A
 * scrutineer is made a deputy's own account (with the deputy role and a deputy of its own), as
 * separation of duties requires, unless `deputyId` names the deputy.
 */
export async function makeUser(database: DbHandle, clock: Clock, roles: Role[], opts: { password?: string; mustChangePassword?: boolean; deputyId?: number } = {}) {
  const password = opts.password ?? 'correct horse battery';
  const n = ++counter;
  const username = `u${process.pid}x${n}`;
  const scrutineer = roles.includes('scrutineer');
  const deputyId = opts.deputyId ?? (scrutineer ? await ownDeputy(database, clock, n) : null);
  const user = await createUser(database.db, { clock, actor: { userId: null, name: 'test' } }, {
    username, displayName: `测试用户${n}`, password, roles: scrutineer && !roles.includes('deputy') ? [...roles, 'deputy'] : roles,
    mustChangePassword: opts.mustChangePassword, deputyId,
  });
  return {
    user, username, password,
    /** A Cookie header for a new session of this user (no password check: fast). */
    async cookie(): Promise<string> {
      const { token } = await createSession(database.db, clock, user.id, 'test');
      return `${SESSION_COOKIE}=${token}`;
    },
  };
}

/** The session cookie a response set, as a Cookie header value (undefined when none was set). */
export function sessionCookieFrom(res: Response): string | undefined {
  const set = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  const value = set?.split(';')[0];
  return value && value !== `${SESSION_COOKIE}=` ? value : undefined;
}

/** POSTs a form the way a same-origin browser does, once: an irreversible step answers with its confirmation page. */
export function postOnce(app: Hono<any>, path: string, fields: Record<string, string> | [string, string][], headers: Record<string, string> = {}, env?: unknown) {
  return app.request(path, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...sameOrigin, ...headers },
  }, env);
}

/** The hidden fields of a confirmation page's form (views/components/confirm.tsx), or undefined for any other answer. */
export function confirmationFields(html: string): [string, string][] | undefined {
  const form = /<form method="post" action="[^"]*" class="review-actions">([\s\S]*?)<\/form>/.exec(html)?.[1];
  if (!form || !form.includes('name="confirm" value="1"')) return undefined;
  const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return [...form.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"\/?>/g)].map((m) => [unescape(m[1]!), unescape(m[2]!)]);
}

/**
 * POSTs a form as a person who confirms what they set out to do: when the step answers with its
 * confirmation page (an irreversible step), posts that page's form back, as the button would.
 * Tests of the confirmation itself use `postOnce`.
 */
export async function postForm(app: Hono<any>, path: string, fields: Record<string, string>, headers: Record<string, string> = {}, env?: unknown) {
  const first = await postOnce(app, path, fields, headers, env);
  if (first.status !== 200 || !first.headers.get('content-type')?.startsWith('text/html')) return first;
  const html = await first.text();
  const confirm = confirmationFields(html);
  if (!confirm) return new Response(html, { status: first.status, headers: first.headers });
  return postOnce(app, path, confirm, headers, env);
}

export function signIn(app: Hono<any>, username: string, password: string, headers: Record<string, string> = {}, env?: unknown) {
  return postForm(app, '/login', { username, password }, headers, env);
}
