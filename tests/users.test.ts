import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkChain } from '../src/audit/chain.ts';
import { readAuditChain } from '../src/audit/store.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { DEMO_PASSWORD, DEMO_TERM_NAME } from '../src/demo/seed.ts';
import { createTerm, upsertDeputies } from '../src/terms/store.ts';
import { verifyPassword } from '../src/users/password.ts';
import { changeAccountRoles, setAccountDisabled } from '../src/users/store.ts';
import { sameOrigin, testApp } from './support/app.ts';
import { makeUser, sessionCookieFrom, signIn } from './support/auth.ts';
import { testEngines } from './support/databases.ts';

const SLIP_PASSWORD = /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/;

/** The username and one-time password of every slip on a slips page, in order. */
function slipsOf(html: string): { username: string; password: string }[] {
  const usernames = [...html.matchAll(/<dd class="slip__username" translate="no">([^<]*)<\/dd>/g)].map((m) => m[1]!);
  const passwords = [...html.matchAll(/<dd class="slip__password" translate="no">([^<]*)<\/dd>/g)].map((m) => m[1]!);
  expect(passwords).toHaveLength(usernames.length);
  return usernames.map((username, i) => ({ username, password: passwords[i]! }));
}

describe.each(testEngines())('accounts, roles and credential slips on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  /** The demo secretariat `mishu`, signed in through the form. */
  let mishu: string;
  let mishuId: number;
  let termId: number;

  beforeAll(async () => {
    database = await engine.openDemo();
    t = testApp(database);
    const res = await signIn(t.app, 'mishu', DEMO_PASSWORD);
    expect(res.status).toBe(303);
    mishu = sessionCookieFrom(res)!;
    mishuId = (await database.db.selectFrom('users').select('id').where('username', '=', 'mishu').executeTakeFirstOrThrow()).id;
    termId = (await database.db.selectFrom('terms').select('id').where('name', '=', DEMO_TERM_NAME).executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => { await database.close(); });

  const get = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
    t.app.request(path, { headers: { ...headers, ...(cookie ? { Cookie: cookie } : {}) } });
  /** A same-origin form post; pairs allow repeated fields (roles). */
  const post = (path: string, fields: [string, string][] | Record<string, string>, cookie?: string, headers: Record<string, string> = sameOrigin) =>
    t.app.request(path, {
      method: 'POST',
      body: new URLSearchParams(fields),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers, ...(cookie ? { Cookie: cookie } : {}) },
    });
  const userByName = (username: string) => database.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirstOrThrow();
  const rolesOf = async (id: number) => (await database.db.selectFrom('user_roles').select('role').where('user_id', '=', id).orderBy('role').execute()).map((r) => r.role);
  const audit = (action: string) => database.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
  const signInCookie = async (username: string, password: string) => sessionCookieFrom(await signIn(t.app, username, password));

  describe('GET /admin/users', () => {
    it('lists every account with roles, links and status, not cached', async () => {
      const res = await get('/admin/users', mishu);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      for (const s of ['mishu', '大会秘书处（演示）', 'jianpiao1', 'D011', '教育局', 'd001', '正常', '<th scope="col">用户名</th>', '<th scope="row">']) {
        expect(html).toContain(s);
      }
      expect(html).toContain('<legend>身份</legend>');
      expect(html).not.toContain('$argon2');
    });

    it('filters by role with a plain GET form', async () => {
      const html = await (await get('/admin/users?role=department', mishu)).text();
      expect(html).toContain('<form method="get" action="/admin/users"');
      expect(html).toContain('<option value="department" selected="">');
      const rows = [...html.matchAll(/<th scope="row"><a href="\/admin\/users\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]);
      expect(rows).toEqual(['jiaoyu']);
      const all = await (await get('/admin/users?role=nonsense', mishu)).text();
      expect([...all.matchAll(/<th scope="row">/g)].length).toBeGreaterThanOrEqual(6);
    });

    it('speaks English when asked', async () => {
      const html = await (await get('/admin/users', `${mishu}; lang=en`)).text();
      expect(html).toContain('Accounts and roles');
      expect(html).toContain('New staff account');
    });
  });

  describe('POST /admin/users', () => {
    it('creates a staff account whose slip signs in once, then insists on a new password', async () => {
      const res = await post('/admin/users', [['username', ' Wang.Li '], ['displayName', '王丽'], ['roles', 'scrutineer'], ['roles', 'deputy'], ['deputyCode', 'D020']], mishu);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      const [slip, ...more] = slipsOf(html);
      expect(more).toEqual([]);
      expect(slip!.username).toBe('wang.li');
      expect(slip!.password).toMatch(SLIP_PASSWORD);
      expect(html).toContain('http://localhost:3000/login');
      expect(html).toContain('只显示这一次');
      expect(html).toContain('龙游县第十四届人民代表大会第三次会议');
      expect(html).toContain('data-print');

      const row = await userByName('wang.li');
      expect(row.must_change_password).toBe(true);
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(await rolesOf(row.id)).toEqual(['deputy', 'scrutineer']);
      const created = (await audit('user.create')).at(-1)!;
      expect(created).toMatchObject({ actor_user_id: mishuId, subject: `user:${row.id}` });
      expect(JSON.stringify(created)).not.toContain(slip!.password);

      const signedIn = await signIn(t.app, 'wang.li', slip!.password);
      expect(signedIn.status).toBe(303);
      expect(signedIn.headers.get('location')).toBe('/account/password');
      const cookie = sessionCookieFrom(signedIn)!;
      for (const path of ['/account', '/account/sessions']) {
        const r = await get(path, cookie);
        expect(r.status, path).toBe(303);
        expect(r.headers.get('location'), path).toBe('/account/password');
      }
      const page = await get('/account/password', cookie);
      expect(await page.text()).toContain('设置您的密码');
      const changed = await post('/account/password', { password: 'my own long password', confirm: 'my own long password' }, cookie);
      expect(changed.status).toBe(303);
      expect(changed.headers.get('location')).toBe('/account?done=password');
      expect((await get('/account', sessionCookieFrom(changed))).status).toBe(200);
      // The slip's password was used up: it no longer signs in.
      expect((await signIn(t.app, 'wang.li', slip!.password)).status).toBe(401);
    });

    it('creates a department account for its department', async () => {
      const dep = await database.db.selectFrom('departments').select('id').where('name', '=', '水利局').executeTakeFirstOrThrow();
      const res = await post('/admin/users', [['username', 'shuili'], ['displayName', '水利局联络员'], ['roles', 'department'], ['departmentId', String(dep.id)]], mishu);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('工作人员账户');
      expect(html).toContain('水利局');
      expect((await userByName('shuili')).department_id).toBe(dep.id);
    });

    it.each([
      ['an empty username', [['username', ''], ['displayName', 'x'], ['roles', 'secretariat']], 'username', '此项必填'],
      ['a username of the wrong shape', [['username', 'wang li'], ['displayName', 'x'], ['roles', 'secretariat']], 'username', '用户名只能包含'],
      ['a taken username', [['username', 'MISHU'], ['displayName', 'x'], ['roles', 'secretariat']], 'username', '该用户名已被使用'],
      ['no role', [['username', 'norole'], ['displayName', 'x']], 'roles', '请至少选择一种身份'],
      ['a department account without department', [['username', 'nodep'], ['displayName', 'x'], ['roles', 'department']], 'departmentId', '须选择所属单位'],
      ['a deputy account without deputy', [['username', 'nodeputy'], ['displayName', 'x'], ['roles', 'deputy']], 'deputyCode', '须填写关联的代表编号'],
      ['an unknown deputy code', [['username', 'ghost'], ['displayName', 'x'], ['roles', 'scrutineer'], ['roles', 'deputy'], ['deputyCode', 'X999']], 'deputyCode', '代表名单中没有这个编号'],
      ['a scrutineer who is not a deputy', [['username', 'notdeputy'], ['displayName', 'x'], ['roles', 'scrutineer']], 'roles', '“监票人”身份只能赋予代表本人的账户'],
      ['a scrutineer who is the secretariat', [['username', 'both'], ['displayName', 'x'], ['roles', 'secretariat'], ['roles', 'scrutineer'], ['roles', 'deputy'], ['deputyCode', 'D031']], 'roles', '“监票人”与“大会秘书处”身份不能由同一账户兼任'],
      ['a deputy who has an account', [['username', 'again'], ['displayName', 'x'], ['roles', 'deputy'], ['deputyCode', 'D001']], 'deputyCode', '这位代表已有账户'],
      ['an unknown role', [['username', 'boss'], ['displayName', 'x'], ['roles', 'admin']], 'roles', '输入有误'],
    ] as [string, [string, string][], string, string][])('re-renders %s with 422 and the message next to the field', async (_, fields, field, message) => {
      const before = (await database.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
      const res = await post('/admin/users', fields, mishu);
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toMatch(new RegExp(`<p id="f-${field}-error" class="field__error">[^<]*${message}`));
      expect(html).not.toContain('slip__password');
      const after = (await database.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
      expect(after).toBe(before);
    });

    it('names the right field when the database refuses a duplicate (a race past the checks)', async () => {
      const { createUser } = await import('../src/users/store.ts');
      const d001 = await userByName('d001');
      const acting = { clock: t.clock, actor: { userId: null, name: 'test' } };
      const base = { displayName: 'x', password: 'irrelevant password', roles: ['deputy' as const] };
      await expect(createUser(database.db, acting, { ...base, username: 'fresh-name', deputyId: d001.deputy_id }))
        .rejects.toMatchObject({ issues: [{ field: 'deputyCode', key: 'users.deputyHasAccount' }] });
      await expect(createUser(database.db, acting, { ...base, username: 'd001' }))
        .rejects.toMatchObject({ issues: [{ field: 'username', key: 'users.usernameTaken' }] });
    });

    it('keeps what was typed on a re-render', async () => {
      const html = await (await post('/admin/users', [['username', 'keep.me'], ['displayName', '<b>留</b>'], ['roles', 'deputy']], mishu)).text();
      expect(html).toContain('value="keep.me"');
      expect(html).toContain('value="&lt;b&gt;留&lt;/b&gt;"');
      expect(html).toMatch(/<input type="checkbox" name="roles" value="deputy" checked=""/);
    });
  });

  describe('GET /admin/users/:id', () => {
    it('shows one account with its roles form, reset and disable', async () => {
      const d001 = await userByName('d001');
      const res = await get(`/admin/users/${d001.id}`, mishu);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).toContain('代表 D001（演示）');
      expect(html).toContain(`action="/admin/users/${d001.id}/roles"`);
      expect(html).toContain(`action="/admin/users/${d001.id}/reset"`);
      expect(html).toContain(`action="/admin/users/${d001.id}/disable"`);
      expect(html).toContain('value="D001"');
    });

    it.each(['999999', 'abc', '0', '-1'])('answers 404 for /admin/users/%s', async (id) => {
      expect((await get(`/admin/users/${id}`, mishu)).status).toBe(404);
      expect((await post(`/admin/users/${id}/reset`, {}, mishu)).status).toBe(404);
      expect((await post(`/admin/users/${id}/disable`, {}, mishu)).status).toBe(404);
      expect((await post(`/admin/users/${id}/roles`, { roles: 'secretariat' }, mishu)).status).toBe(404);
    });
  });

  describe('POST /admin/users/:id/reset', () => {
    it('gives a new one-time password, invalidates the old one and ends every session of the account', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      const cookieA = await signInCookie(u.username, u.password);
      const cookieB = await u.cookie();
      expect((await get('/account', cookieA)).status).toBe(200);

      const res = await post(`/admin/users/${u.user.id}/reset`, {}, mishu);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const [slip] = slipsOf(await res.text());
      expect(slip!.password).toMatch(SLIP_PASSWORD);

      for (const cookie of [cookieA, cookieB]) {
        const r = await get('/account', cookie);
        expect(r.status).toBe(303);
        expect(r.headers.get('location')).toMatch(/^\/login\?next=/);
      }
      expect((await signIn(t.app, u.username, u.password)).status).toBe(401);
      const fresh = await signIn(t.app, u.username, slip!.password);
      expect(fresh.headers.get('location')).toBe('/account/password');
      expect((await userByName(u.username)).must_change_password).toBe(true);

      const entry = (await audit('user.reset')).at(-1)!;
      expect(entry).toMatchObject({ subject: `user:${u.user.id}`, actor_user_id: mishuId });
      expect(entry.details).toMatchObject({ sessions: 2 });
      expect(JSON.stringify(entry)).not.toContain(slip!.password);
    });

    it('lifts a lock from failed sign-ins, so the new slip works at once', async () => {
      const u = await makeUser(database, t.clock, ['deputy']);
      for (let i = 0; i < 6; i++) await signIn(t.app, u.username, 'wrong password');
      expect((await signIn(t.app, u.username, u.password)).status).toBe(429);
      const [slip] = slipsOf(await (await post(`/admin/users/${u.user.id}/reset`, {}, mishu)).text());
      expect((await signIn(t.app, u.username, slip!.password)).status).toBe(303);
    });
  });

  describe('POST /admin/users/:id/roles', () => {
    it('replaces the role set, effective on the very next request, and audits before and after', async () => {
      const other = await makeUser(database, t.clock, ['secretariat']);
      const cookie = await other.cookie();
      expect((await get('/admin', cookie)).status).toBe(200);

      const res = await post(`/admin/users/${other.user.id}/roles`, [['roles', 'scrutineer'], ['roles', 'deputy'], ['deputyCode', 'd030']], mishu);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/admin/users/${other.user.id}?done=roles`);
      expect(await (await get(res.headers.get('location')!, mishu)).text()).toContain('身份已保存');

      expect((await get('/admin', cookie)).status).toBe(403);
      expect((await get('/admin/users', cookie)).status).toBe(403);
      expect(await rolesOf(other.user.id)).toEqual(['deputy', 'scrutineer']);
      const entry = (await audit('user.roles.change')).at(-1)!;
      expect(entry.details).toEqual({
        before: { roles: ['secretariat'], deputy: null, departmentId: null },
        after: { roles: ['scrutineer', 'deputy'], deputy: 'D030', departmentId: null },
      });
    });

    it('refuses to remove one\'s own secretariat role, with a translated message', async () => {
      const res = await post(`/admin/users/${mishuId}/roles`, [['roles', 'deputy'], ['deputyCode', 'D032']], mishu);
      expect(res.status).toBe(409);
      expect(await res.text()).toContain('不能取消自己的“大会秘书处”身份');
      expect(await rolesOf(mishuId)).toEqual(['secretariat']);
      const en = await post(`/admin/users/${mishuId}/roles`, [['roles', 'deputy'], ['deputyCode', 'D032']], `${mishu}; lang=en`);
      expect(await en.text()).toContain('You cannot remove your own Secretariat role.');
    });

    it('lets one change one\'s other roles while keeping the secretariat role', async () => {
      const res = await post(`/admin/users/${mishuId}/roles`, [['roles', 'secretariat'], ['roles', 'deputy'], ['deputyCode', 'D033']], mishu);
      expect(res.status).toBe(303);
      expect(await rolesOf(mishuId)).toEqual(['deputy', 'secretariat']);
      await post(`/admin/users/${mishuId}/roles`, [['roles', 'secretariat']], mishu);
    });

    it('never puts the scrutineer role beside the secretariat role, or on an account that is not a deputy\'s own', async () => {
      // The secretariat granting itself the role (the probe's first step to certifying alone) is refused, in either language.
      const res = await post(`/admin/users/${mishuId}/roles`, [['roles', 'secretariat'], ['roles', 'scrutineer'], ['roles', 'deputy'], ['deputyCode', 'D034']], mishu);
      expect(res.status).toBe(422);
      expect(await res.text()).toContain('“监票人”与“大会秘书处”身份不能由同一账户兼任');
      const en = await post(`/admin/users/${mishuId}/roles`, [['roles', 'secretariat'], ['roles', 'scrutineer']], `${mishu}; lang=en`);
      expect(await en.text()).toContain('One account cannot hold both the Scrutineer and the Secretariat role.');
      expect(await rolesOf(mishuId)).toEqual(['secretariat']);
      const staff = await makeUser(database, t.clock, ['secretariat']);
      expect((await post(`/admin/users/${staff.user.id}/roles`, [['roles', 'scrutineer']], mishu)).status).toBe(422);
      expect(await rolesOf(staff.user.id)).toEqual(['secretariat']);
      // The database refuses the same, whatever code writes the roles.
      await expect(database.db.insertInto('user_roles').values({ user_id: mishuId, role: 'scrutineer' }).execute()).rejects.toThrow(/never held together|deputy's own account/);
      const jianpiao = await userByName('jianpiao1');
      await expect(database.db.insertInto('user_roles').values({ user_id: jianpiao.id, role: 'secretariat' }).execute()).rejects.toThrow(/never held together/);
      await expect(database.db.updateTable('users').set({ deputy_id: null }).where('id', '=', jianpiao.id).execute()).rejects.toThrow(/stays linked/);
    });

    it('re-renders invalid links with 422 next to the field', async () => {
      const d002 = await userByName('d002');
      const res = await post(`/admin/users/${d002.id}/roles`, [['roles', 'deputy'], ['deputyCode', 'D001']], mishu);
      expect(res.status).toBe(422);
      expect(await res.text()).toMatch(/<p id="f-deputyCode-error" class="field__error">这位代表已有账户/);
    });

    it('never lets the last active secretariat account lose the role or be disabled', async () => {
      // Through the app the actor is always an active secretariat member, so this guards the race
      // where two of them remove each other at once; here the acting user holds no role at all.
      const bystander = await makeUser(database, t.clock, ['deputy']);
      const acting = { clock: t.clock, actor: { userId: bystander.user.id, name: bystander.username } };
      const others = await database.db.selectFrom('users as u').innerJoin('user_roles as r', 'r.user_id', 'u.id')
        .select('u.id').where('r.role', '=', 'secretariat').where('u.disabled_at', 'is', null).where('u.id', '!=', mishuId).execute();
      for (const o of others) await database.db.deleteFrom('user_roles').where('user_id', '=', o.id).where('role', '=', 'secretariat').execute();

      expect(await changeAccountRoles(database.db, acting, mishuId, { roles: ['deputy'], departmentId: null, deputyCode: 'D040' }))
        .toEqual({ ok: false, refusal: 'users.lastSecretariat' });
      expect(await setAccountDisabled(database.db, acting, mishuId, true)).toEqual({ ok: false, refusal: 'users.lastSecretariat' });
      expect(await rolesOf(mishuId)).toEqual(['secretariat']);
    });

    it('keeps one secretariat when two remove each other at the same moment', async () => {
      const a = await makeUser(database, t.clock, ['secretariat']);
      const b = await makeUser(database, t.clock, ['secretariat']);
      const department = await database.db.selectFrom('departments').select('id').limit(1).executeTakeFirstOrThrow();
      // Only these two hold the role now.
      await database.db.deleteFrom('user_roles').where('role', '=', 'secretariat').where('user_id', 'not in', [a.user.id, b.user.id]).execute();
      const as = (u: typeof a) => ({ clock: t.clock, actor: { userId: u.user.id, name: u.username } });
      const results = await Promise.all([
        changeAccountRoles(database.db, as(a), b.user.id, { roles: ['department'], departmentId: department.id, deputyCode: '' }),
        changeAccountRoles(database.db, as(b), a.user.id, { roles: ['department'], departmentId: department.id, deputyCode: '' }),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const left = await database.db.selectFrom('user_roles').select('user_id').where('role', '=', 'secretariat').execute();
      expect(left).toHaveLength(1);
      // Put mishu back as the secretariat for the tests that follow.
      await database.db.insertInto('user_roles').values({ user_id: mishuId, role: 'secretariat' }).onConflict((oc) => oc.doNothing()).execute();
    });
  });

  describe('POST /admin/users/:id/disable and /enable', () => {
    it('ends the account\'s sessions and refuses sign-in with the generic message until enabled', async () => {
      const u = await makeUser(database, t.clock, ['department']);
      const cookie = await signInCookie(u.username, u.password);
      const res = await post(`/admin/users/${u.user.id}/disable`, {}, mishu);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/admin/users/${u.user.id}?done=disabled`);
      const page = await (await get(res.headers.get('location')!, mishu)).text();
      expect(page).toContain('已停用');
      expect(page).toContain(`action="/admin/users/${u.user.id}/enable"`);

      expect((await database.db.selectFrom('sessions').select('id').where('user_id', '=', u.user.id).execute())).toEqual([]);
      const after = await get('/account', cookie);
      expect(after.status).toBe(303);
      expect(after.headers.get('location')).toMatch(/^\/login/);
      const refused = await signIn(t.app, u.username, u.password);
      expect(refused.status).toBe(401);
      expect(await refused.text()).toContain('用户名或密码不正确');

      expect((await post(`/admin/users/${u.user.id}/enable`, {}, mishu)).headers.get('location')).toBe(`/admin/users/${u.user.id}?done=enabled`);
      expect((await signIn(t.app, u.username, u.password)).status).toBe(303);
      expect((await audit('user.disable')).at(-1)).toMatchObject({ subject: `user:${u.user.id}`, details: { username: u.username, sessions: 1 } });
      expect((await audit('user.enable')).at(-1)).toMatchObject({ subject: `user:${u.user.id}` });
    });

    it('refuses to disable one\'s own account', async () => {
      const res = await post(`/admin/users/${mishuId}/disable`, {}, mishu);
      expect(res.status).toBe(409);
      expect(await res.text()).toContain('不能停用自己的账户');
      expect((await userByName('mishu')).disabled_at).toBeNull();
    });
  });

  describe('POST /admin/terms/:id/credentials', () => {
    it('issues one deputy account per deputy without one, with slips, argon2id hashes only and one audit entry', async () => {
      // A staff account already called "d005": deputy D005 gets d005-14 instead.
      await makeUser(database, t.clock, ['secretariat']).then(async (u) => {
        await database.db.updateTable('users').set({ username: 'd005' }).where('id', '=', u.user.id).execute();
      });
      const deputies = await database.db.selectFrom('deputies as d').leftJoin('users as u', 'u.deputy_id', 'd.id')
        .select(['d.id', 'd.code', 'd.name', 'u.id as user_id']).where('d.term_id', '=', termId).execute();
      const without = deputies.filter((d) => d.user_id === null);
      expect(deputies).toHaveLength(240);
      expect(without.length).toBeGreaterThan(200);
      const auditBefore = (await audit('credentials.issue')).length;

      const started = performance.now();
      const res = await post(`/admin/terms/${termId}/credentials`, {}, mishu);
      const ms = Math.round(performance.now() - started);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      const slips = slipsOf(html);
      console.info(`[${engine.name}] issued ${slips.length} deputy credentials in ${ms} ms`);
      // 700 deputies must take well under a minute; 240 take a few seconds on a small machine.
      expect(ms).toBeLessThan(20_000);
      expect(slips).toHaveLength(without.length);
      expect(html.match(/class="slip-sheet"/g)).toHaveLength(Math.ceil(without.length / 8));
      expect(new Set(slips.map((s) => s.password)).size).toBe(slips.length);
      for (const s of slips) expect(s.password).toMatch(SLIP_PASSWORD);
      expect(slips.map((s) => s.username)).toContain('d005-14');
      expect(slips.map((s) => s.username)).toContain('d003');

      const created = await database.db.selectFrom('users').selectAll().where('username', 'in', slips.map((s) => s.username)).execute();
      expect(created).toHaveLength(slips.length);
      expect(new Set(created.map((u) => u.deputy_id))).toEqual(new Set(without.map((d) => d.id)));
      for (const u of created) {
        expect(u.must_change_password).toBe(true);
        expect(u.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
        expect(await rolesOf(u.id)).toEqual(['deputy']);
      }
      // No plain password anywhere in the users table or the audit log; each slip verifies.
      const usersDump = JSON.stringify((await sql`select * from users`.execute(database.db)).rows);
      const auditDump = JSON.stringify((await sql`select * from audit_log`.execute(database.db)).rows);
      const hashes = new Map(created.map((u) => [u.username, u.password_hash]));
      for (const s of slips) {
        expect(usersDump).not.toContain(s.password);
        expect(auditDump).not.toContain(s.password);
        expect(await verifyPassword(hashes.get(s.username)!, s.password)).toBe(true);
      }

      const entries = await audit('credentials.issue');
      expect(entries).toHaveLength(auditBefore + 1);
      const entry = entries.at(-1)!;
      expect(entry).toMatchObject({ subject: `term:${termId}`, actor_user_id: mishuId });
      expect((entry.details as { count: number }).count).toBe(slips.length);
      expect([...(entry.details as { deputies: string[] }).deputies].sort()).toEqual(without.map((d) => d.code).sort());
      const chain = [];
      for await (const link of readAuditChain(database.db)) chain.push(link);
      expect(checkChain(chain)).toBeUndefined();

      // A deputy signs in with the slip and must choose a password first.
      const first = slips[0]!;
      expect((await signIn(t.app, first.username, first.password)).headers.get('location')).toBe('/account/password');
    }, 120_000);

    it('skips deputies who have an account: a second run issues nothing', async () => {
      const before = (await audit('credentials.issue')).length;
      const res = await post(`/admin/terms/${termId}/credentials`, {}, mishu);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(slipsOf(html)).toEqual([]);
      expect(html).toContain('没有需要生成凭条的代表');
      expect(html).toContain('另有 240 名代表已有账户');
      expect(await audit('credentials.issue')).toHaveLength(before);
    });

    it('issues only the deputies posted, and refuses deputies of another term', async () => {
      const acting = { clock: t.clock, actor: { userId: null, name: 'test' } };
      const term = await createTerm(database.db, acting, { name: '龙游县第十五届人民代表大会', ordinal: 15, startsOn: '2027-01-01', endsOn: '2031-12-31' });
      await upsertDeputies(database.db, acting, term.id, [
        { code: 'D001', name: '甲', delegation: '龙洲街道代表团' },
        { code: 'D002', name: '乙', delegation: '东华街道代表团' },
        { code: 'N003', name: '丙', delegation: '湖镇镇代表团' },
      ]);
      const ids = new Map((await database.db.selectFrom('deputies').select(['id', 'code']).where('term_id', '=', term.id).execute()).map((d) => [d.code, d.id]));
      const res = await post(`/admin/terms/${term.id}/credentials`, [['deputy', String(ids.get('D001'))], ['deputy', String(ids.get('N003'))]], mishu);
      const slips = slipsOf(await res.text());
      // d001 belongs to the 14th term's deputy: the 15th term's D001 is d001-15.
      expect(slips.map((s) => s.username).sort()).toEqual(['d001-15', 'n003']);
      expect((await database.db.selectFrom('users').select('id').where('deputy_id', '=', ids.get('D002')!).execute())).toEqual([]);

      const other = await database.db.selectFrom('deputies').select('id').where('term_id', '=', termId).limit(1).executeTakeFirstOrThrow();
      expect((await post(`/admin/terms/${term.id}/credentials`, [['deputy', String(other.id)]], mishu)).status).toBe(400);
      expect((await post(`/admin/terms/${term.id}/credentials`, [['deputy', 'x']], mishu)).status).toBe(400);
    });

    it('answers 404 for an unknown term', async () => {
      expect((await post('/admin/terms/999999/credentials', {}, mishu)).status).toBe(404);
      expect((await post('/admin/terms/abc/credentials', {}, mishu)).status).toBe(404);
    });
  });

  describe('access', () => {
    const routes: [string, string][] = [
      ['GET', '/admin/users'], ['POST', '/admin/users'], ['GET', '/admin/users/1'], ['POST', '/admin/users/1/roles'],
      ['POST', '/admin/users/1/reset'], ['POST', '/admin/users/1/disable'], ['POST', '/admin/users/1/enable'], ['POST', '/admin/terms/1/credentials'],
    ];

    it('refuses everyone but the secretariat with 403', async () => {
      for (const role of ['deputy', 'scrutineer', 'department'] as const) {
        const cookie = await (await makeUser(database, t.clock, [role])).cookie();
        for (const [method, path] of routes) {
          const res = method === 'GET' ? await get(path, cookie) : await post(path, {}, cookie);
          expect(res.status, `${role} ${method} ${path}`).toBe(403);
        }
      }
    });

    it('sends a signed-out visitor to sign in (303) and refuses signed-out posts', async () => {
      const res = await get('/admin/users');
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/login?next=%2Fadmin%2Fusers');
      expect((await post('/admin/users', { username: 'x' })).status).toBe(401);
    });

    it('refuses a post without Origin (CSRF) with 403 and creates nothing', async () => {
      const fields = { username: 'csrf.victim', displayName: 'x', roles: 'secretariat' };
      const res = await post('/admin/users', fields, mishu, { 'Sec-Fetch-Site': 'cross-site' });
      expect(res.status).toBe(403);
      const none = await post('/admin/users', fields, mishu, {});
      expect(none.status).toBe(403);
      expect(await database.db.selectFrom('users').select('id').where('username', '=', 'csrf.victim').execute()).toEqual([]);
      const reset = await post(`/admin/terms/${termId}/credentials`, {}, mishu, {});
      expect(reset.status).toBe(403);
    });
  });
});
