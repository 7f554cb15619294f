import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_ABSOLUTE_MS, SESSION_COOKIE, SESSION_IDLE_MS } from '../src/auth/sessions.ts';
import { hashSecret, parseSessionToken } from '../src/auth/tokens.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { testApp } from './support/app.ts';
import { makeUser, postForm, sessionCookieFrom, signIn } from './support/auth.ts';
import { testEngines } from './support/databases.ts';

const HOUR = 3600_000;

describe.each(testEngines())('sign-in and sessions on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  beforeAll(async () => { database = await engine.open(); });
  afterAll(async () => { await database.close(); });
  beforeEach(() => { t = testApp(database); });

  const get = (path: string, cookie?: string) => t.app.request(path, { headers: cookie ? { Cookie: cookie } : {} });
  const audit = async (action: string) => database.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute();

  describe('POST /login', () => {
    it('signs in with 303, a HttpOnly SameSite=Lax session cookie, and an audit entry', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      const res = await signIn(t.app, u.username, u.password);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/vote');
      const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
      expect(setCookie).toMatch(/; Path=\/; HttpOnly; SameSite=Lax$/);
      expect(setCookie).not.toContain('Secure');
      expect((await get('/account', sessionCookieFrom(res))).status).toBe(200);
      expect((await audit('auth.signin')).some((e) => e.subject === `user:${u.user.id}`)).toBe(true);
    });

    it('marks the cookie Secure when PUBLIC_URL is https', async () => {
      const https = testApp(database, { PUBLIC_URL: 'https://vote.example.gov.cn' });
      const u = await makeUser(database, t.clock, ['deputy']);
      const res = await signIn(https.app, u.username, u.password, { Origin: 'https://vote.example.gov.cn' });
      expect(res.headers.getSetCookie().find((c) => c.startsWith(SESSION_COOKIE))).toContain('; Secure');
    });

    it('goes back to the page that asked for the sign-in, never off the site', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      const back = await postForm(t.app, '/login', { username: u.username, password: u.password, next: '/account/sessions' });
      expect(back.headers.get('location')).toBe('/account/sessions');
      const evil = await postForm(t.app, '/login', { username: u.username, password: u.password, next: 'https://evil.example/' });
      expect(evil.headers.get('location')).toBe('/');
    });

    it('gives the same answer for an unknown user and a wrong password, and audits the failure', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      const wrong = await signIn(t.app, u.username, 'not the password');
      const unknown = await signIn(t.app, 'nobody-here', 'not the password');
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      const [a, b] = [await wrong.text(), await unknown.text()];
      expect(a).toContain('用户名或密码不正确');
      expect(b.replace(/nobody-here/g, 'X')).toBe(a.replace(new RegExp(u.username, 'g'), 'X'));
      const failures = await audit('auth.signin.failure');
      expect(failures.map((f) => f.subject)).toEqual(expect.arrayContaining([`user:${u.user.id}`, 'user:unknown']));
      expect(JSON.stringify(failures)).not.toContain('not the password');
    });

    it('refuses a disabled account with the same generic message', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      await database.db.updateTable('users').set({ disabled_at: t.clock.now() }).where('id', '=', u.user.id).execute();
      const res = await signIn(t.app, u.username, u.password);
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('用户名或密码不正确');
    });

    it('stores only a hash of the token, never the token itself', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      const cookie = sessionCookieFrom(await signIn(t.app, u.username, u.password))!;
      const token = cookie.slice(SESSION_COOKIE.length + 1);
      const { id, secret } = parseSessionToken(token)!;
      const rows = await database.db.selectFrom('sessions').selectAll().where('user_id', '=', u.user.id).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.id).toBe(id);
      expect(Buffer.from(rows[0]!.secret_hash).equals(Buffer.from(hashSecret(secret)))).toBe(true);
      const dump = JSON.stringify(rows, (_, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(token);
    });

    it('starts a new session on sign-in and ends the one the browser had (no fixation)', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      const before = await u.cookie();
      const res = await signIn(t.app, u.username, u.password, { Cookie: before });
      const after = sessionCookieFrom(res)!;
      expect(after).not.toBe(before);
      expect((await get('/account', before)).status).toBe(303);
      expect((await get('/account', after)).status).toBe(200);
    });

    it('rejects a forged token with the right id but the wrong secret', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      const cookie = await u.cookie();
      const forged = cookie.replace(/\.[a-z2-7]{24}$/, '.' + 'a'.repeat(24));
      const res = await get('/account', forged);
      expect(res.status).toBe(303);
      expect(res.headers.getSetCookie().join()).toContain(`${SESSION_COOKIE}=;`);
    });
  });

  describe('session expiry', () => {
    it('ends a session idle for longer than the idle timeout', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      const cookie = await u.cookie();
      t.clock.advance(SESSION_IDLE_MS - 60_000);
      expect((await get('/account', cookie)).status).toBe(200);
      t.clock.advance(SESSION_IDLE_MS + 1);
      expect((await get('/account', cookie)).status).toBe(303);
      expect(await database.db.selectFrom('sessions').select('id').where('user_id', '=', u.user.id).execute()).toEqual([]);
    });

    it('slides with use, but never past the absolute limit', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      const cookie = await u.cookie();
      let elapsed = 0;
      while (elapsed + HOUR < SESSION_ABSOLUTE_MS) {
        t.clock.advance(HOUR);
        elapsed += HOUR;
        expect((await get('/account', cookie)).status, `after ${elapsed / HOUR} h`).toBe(200);
      }
      t.clock.advance(SESSION_ABSOLUTE_MS - elapsed);
      expect((await get('/account', cookie)).status).toBe(303);
    });
  });

  describe('revocation', () => {
    it('signing out ends the session for good', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      const cookie = await u.cookie();
      const res = await postForm(t.app, '/logout', {}, { Cookie: cookie });
      expect(res.status).toBe(303);
      expect(res.headers.getSetCookie().join()).toContain(`${SESSION_COOKIE}=;`);
      expect((await get('/account', cookie)).status).toBe(303);
    });

    it('"sign out all other devices" keeps this one; "everywhere" ends all', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      const [here, there] = [await u.cookie(), await u.cookie()];
      await postForm(t.app, '/account/sessions/revoke-others', {}, { Cookie: here });
      expect((await get('/account', here)).status).toBe(200);
      expect((await get('/account', there)).status).toBe(303);
      const third = await u.cookie();
      await postForm(t.app, '/account/sign-out-everywhere', {}, { Cookie: here });
      expect((await get('/account', here)).status).toBe(303);
      expect((await get('/account', third)).status).toBe(303);
    });

    it('lists one\'s sessions and revokes one of them, but never another user\'s', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      const other = await makeUser(database, t.clock, ['deputy']);
      const here = await u.cookie();
      const mine = await u.cookie();
      const theirs = await other.cookie();
      const html = await (await get('/account/sessions', here)).text();
      expect(html.match(/<tr>/g)?.length).toBe(1 + 2);
      const theirId = parseSessionToken(theirs.split('=')[1])!.id;
      await postForm(t.app, `/account/sessions/${theirId}/revoke`, {}, { Cookie: here });
      expect((await get('/account', theirs)).status).toBe(200);
      const myId = parseSessionToken(mine.split('=')[1])!.id;
      await postForm(t.app, `/account/sessions/${myId}/revoke`, {}, { Cookie: here });
      expect((await get('/account', mine)).status).toBe(303);
    });

    it('changing the password ends every session and hands this browser a new one', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      const [here, there] = [await u.cookie(), await u.cookie()];
      const res = await postForm(t.app, '/account/password', { current: u.password, password: 'a brand new passphrase', confirm: 'a brand new passphrase' }, { Cookie: here });
      expect(res.status).toBe(303);
      const fresh = sessionCookieFrom(res)!;
      expect((await get('/account', here)).status).toBe(303);
      expect((await get('/account', there)).status).toBe(303);
      expect((await get('/account', fresh)).status).toBe(200);
      expect((await signIn(t.app, u.username, 'a brand new passphrase')).status).toBe(303);
      expect((await signIn(t.app, u.username, u.password)).status).toBe(401);
    });
  });

  describe('passwords', () => {
    it.each([
      [{ current: 'correct horse battery', password: 'short', confirm: 'short' }, '密码至少需要 10 个字符'],
      [{ current: 'correct horse battery', password: 'long enough one', confirm: 'long enough two' }, '两次输入的密码不一致'],
      [{ current: 'wrong current pw', password: 'long enough one', confirm: 'long enough one' }, '当前密码不正确'],
      [{ current: 'correct horse battery', password: 'correct horse battery', confirm: 'correct horse battery' }, '新密码不能与原密码相同'],
    ])('refuses %o with a translated message and changes nothing', async (fields, message) => {
      const u = await makeUser(database, t.clock, ['deputy']);
      const res = await postForm(t.app, '/account/password', fields, { Cookie: await u.cookie() });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain(message);
      expect((await signIn(t.app, u.username, u.password)).status).toBe(303);
    });

    it('someone with a one-time password must choose a new one before anything else', async () => {
      const u = await makeUser(database, t.clock, ['secretariat'], { mustChangePassword: true });
      const res = await signIn(t.app, u.username, u.password);
      expect(res.headers.get('location')).toBe('/account/password');
      const cookie = sessionCookieFrom(res)!;
      for (const path of ['/account', '/admin', '/account/sessions']) {
        const r = await get(path, cookie);
        expect(r.status, path).toBe(303);
        expect(r.headers.get('location'), path).toBe('/account/password');
      }
      expect((await get('/', cookie)).status).toBe(200);
      const page = await (await get('/account/password', cookie)).text();
      expect(page).toContain('设置您的密码');
      expect(page).not.toContain('name="current"');
      const changed = await postForm(t.app, '/account/password', { password: 'my own passphrase', confirm: 'my own passphrase' }, { Cookie: cookie });
      expect(changed.status).toBe(303);
      expect((await get('/admin', sessionCookieFrom(changed))).status).toBe(200);
    });
  });

  describe('throttling', () => {
    it('locks an account at an address after five failures there, answering 429 with Retry-After, even for the right password', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      for (let i = 1; i <= 4; i++) expect((await signIn(t.app, u.username, 'wrong wrong')).status).toBe(401);
      const fifth = await signIn(t.app, u.username, 'wrong wrong');
      expect(fifth.status).toBe(429);
      expect(fifth.headers.get('retry-after')).toBe('30');
      expect(await fifth.text()).toContain('登录失败次数过多');
      const right = await signIn(t.app, u.username, u.password);
      expect(right.status).toBe(429);
      expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await audit('auth.lock')).some((e) => e.subject === `user:${u.user.id}`)).toBe(true);
      t.clock.advance(31_000);
      expect((await signIn(t.app, u.username, 'wrong wrong')).status).toBe(429);
      t.clock.advance(61_000);
      expect((await signIn(t.app, u.username, u.password)).status).toBe(303);
      // Success clears the count.
      expect((await signIn(t.app, u.username, 'wrong wrong')).status).toBe(401);
    });

    it('doubles the lock with each further failure', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      for (let i = 0; i < 5; i++) await signIn(t.app, u.username, 'wrong wrong');
      t.clock.advance(30_001);
      const sixth = await signIn(t.app, u.username, 'wrong wrong');
      expect(sixth.headers.get('retry-after')).toBe('60');
    });

    it('slows a single address guessing across many accounts, yet lets a deputy there who types the right password in', async () => {
      const hall = { incoming: { socket: { remoteAddress: '198.51.100.20' } } };
      const other = { incoming: { socket: { remoteAddress: '198.51.100.21' } } };
      let last: Response | undefined;
      for (let i = 0; i < 100; i++) last = await signIn(t.app, `guess-${i}`, 'wrong wrong', {}, hall);
      expect(last!.status).toBe(429);
      // A guess for an account that already failed from this address waits for the address's lock…
      expect((await signIn(t.app, 'guess-1', 'wrong wrong', {}, hall)).status).toBe(429);
      // …but the hall is not locked out: a deputy who has not failed there signs in.
      const u = await makeUser(database, t.clock, ['deputy']);
      expect((await signIn(t.app, u.username, u.password, {}, hall)).status).toBe(303);
      const v = await makeUser(database, t.clock, ['deputy']);
      expect((await signIn(t.app, v.username, v.password, {}, other)).status).toBe(303);
      // One wrong try during the address's lock, and that deputy waits for it too (or the secretariat lifts it).
      const w = await makeUser(database, t.clock, ['deputy']);
      expect((await signIn(t.app, w.username, 'wrong wrong', {}, hall)).status).toBe(429);
      expect((await signIn(t.app, w.username, w.password, {}, hall)).status).toBe(429);
    });

    it('cannot lock a deputy out from another address: the lock holds for the account from where the failures came', async () => {
      const attacker = { incoming: { socket: { remoteAddress: '203.0.113.9' } } };
      const hall = { incoming: { socket: { remoteAddress: '198.51.100.40' } } };
      const u = await makeUser(database, t.clock, ['deputy']);
      for (let i = 0; i < 12; i++) await signIn(t.app, u.username, 'wrong wrong', {}, attacker);
      expect((await signIn(t.app, u.username, u.password, {}, attacker)).status).toBe(429);
      expect((await signIn(t.app, u.username, u.password, {}, hall)).status).toBe(303);
    });

    it('lets the secretariat lift an account\'s lock at once, audited', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      const secretariat = await makeUser(database, t.clock, ['secretariat']);
      for (let i = 0; i < 5; i++) await signIn(t.app, u.username, 'wrong wrong');
      expect((await signIn(t.app, u.username, u.password)).status).toBe(429);
      const cookie = await secretariat.cookie();
      const page = await (await get(`/admin/users/${u.user.id}`, cookie)).text();
      expect(page).toContain('解除登录锁定');
      const lifted = await postForm(t.app, `/admin/users/${u.user.id}/unlock`, {}, { Cookie: cookie });
      expect(lifted.status).toBe(303);
      expect(lifted.headers.get('location')).toBe(`/admin/users/${u.user.id}?done=unlocked`);
      expect((await signIn(t.app, u.username, u.password)).status).toBe(303);
      expect((await audit('user.unlock')).some((e) => e.subject === `user:${u.user.id}`)).toBe(true);
    });

    it('believes X-Forwarded-For only from a trusted proxy', async () => {
      const viaProxy = testApp(database, { TRUSTED_PROXIES: '10.0.0.1' });
      const proxy = { incoming: { socket: { remoteAddress: '10.0.0.1' } } };
      const attacker = { incoming: { socket: { remoteAddress: '203.0.113.50' } } };
      await signIn(viaProxy.app, 'nobody', 'x', { 'X-Forwarded-For': '192.0.2.77' }, proxy);
      await signIn(viaProxy.app, 'nobody', 'x', { 'X-Forwarded-For': '192.0.2.78' }, attacker);
      const keys = (await database.db.selectFrom('login_throttle').select('key').execute()).map((r) => r.key);
      expect(keys).toContain('address:192.0.2.77');
      expect(keys).toContain('address:203.0.113.50');
      expect(keys).not.toContain('address:192.0.2.78');
    });
  });

  describe('CSRF and content types', () => {
    it('refuses a form post from another origin, or with no origin at all', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      const form = { username: u.username, password: u.password };
      for (const headers of [{ Origin: 'https://evil.example' }, { 'Sec-Fetch-Site': 'cross-site' }, {}] as Record<string, string>[]) {
        const res = await t.app.request('/login', { method: 'POST', body: new URLSearchParams(form), headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers } });
        expect(res.status, JSON.stringify(headers)).toBe(403);
        expect(sessionCookieFrom(res)).toBeUndefined();
      }
      const cookie = await u.cookie();
      const logout = await t.app.request('/logout', { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' } });
      expect(logout.status).toBe(403);
      expect((await get('/account', cookie)).status).toBe(200);
    });

    it('refuses JSON and other non-form bodies on unsafe requests', async () => {
      const res = await t.app.request('/login', { method: 'POST', body: '{"username":"a","password":"b"}', headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:3000' } });
      expect(res.status).toBe(415);
    });

    it('refuses an oversized form body with 413', async () => {
      const res = await postForm(t.app, '/login', { username: 'a', password: 'x'.repeat(100_000) });
      expect(res.status).toBe(413);
    });
  });
});
