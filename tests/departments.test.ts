import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCandidates } from '../src/meetings/store.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { postOnce } from './support/auth.ts';
import { testApp } from './support/app.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture, type Fixture } from './support/fixtures.ts';

describe.each(testEngines())('departments as one list on $name', (engine) => {
  let t: ReturnType<typeof testApp>;
  let fixture: Fixture;
  let database: DbHandle;
  const cookie: Record<string, string> = {};
  const as = (who: string) => ({ Cookie: cookie[who]! });
  const departments = async () => (await database.db.selectFrom('departments').select(['id', 'name']).orderBy('id').execute());
  const idOf = async (name: string) => (await departments()).find((d) => d.name === name)!.id;
  const candidate = (over: Record<string, string> = {}): [string, string][] => Object.entries({
    name: '城区停车位建设', category: 'municipal-construction', description: '新增公共停车位。', targets: '新增停车位500个', investmentWan: '800',
    deadline: '2024-12-31', leadDepartment: '测试局', leadOfficial: '副县长 某', ...over,
  });

  beforeAll(async () => {
    database = await engine.open();
    t = testApp(database);
    fixture = await buildFixture(database, t.clock, {
      deputies: 3, candidates: 1,
      accounts: [{ username: 'mishu', roles: ['secretariat'] }, { username: 'ziji', roles: ['department'], department: '测试局' }],
    });
    for (const u of ['mishu', 'ziji']) cookie[u] = await fixture.account(u).cookie();
  });
  afterAll(async () => { await database.close(); });

  it('lists the departments with how many accounts, candidates and projects each has', async () => {
    const res = await t.app.request('/admin/departments', { headers: as('mishu') });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<th scope="row">测试局<\/th><td>1<\/td><td>[0-9]+<\/td><td>0<\/td>/);
  });

  it('is the secretariat\'s alone', async () => {
    expect((await t.app.request('/admin/departments', { headers: as('ziji') })).status).toBe(403);
    expect((await postOnce(t.app, '/admin/departments', { name: '水利局' }, as('ziji'))).status).toBe(403);
  });

  it('adds a department (audited), and refuses a name already on the list or not a name, keeping what was typed', async () => {
    const added = await postOnce(t.app, '/admin/departments', { name: '住建局' }, as('mishu'));
    expect(added.status).toBe(303);
    expect((await departments()).map((d) => d.name)).toContain('住建局');
    const again = await postOnce(t.app, '/admin/departments', { name: '住建局' }, as('mishu'));
    expect(again.status).toBe(422);
    const html = await again.text();
    expect(html).toContain('已存在同名记录');
    expect(html).toContain('value="住建局"');
    expect((await postOnce(t.app, '/admin/departments', { name: '<script>局' }, as('mishu'))).status).toBe(422);
    const audit = await database.db.selectFrom('audit_log').select(['action', 'subject']).where('action', '=', 'department.create').execute();
    expect(audit).toEqual([{ action: 'department.create', subject: `department:${await idOf('住建局')}` }]);
  });

  it('renames a department everywhere it is used (audited), refusing a taken name', async () => {
    const id = await idOf('住建局');
    expect((await postOnce(t.app, `/admin/departments/${id}`, { name: '县住房和城乡建设局' }, as('mishu'))).status).toBe(303);
    expect((await departments()).find((d) => d.id === id)?.name).toBe('县住房和城乡建设局');
    const taken = await postOnce(t.app, `/admin/departments/${id}`, { name: '测试局' }, as('mishu'));
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain('value="测试局"');
    expect((await postOnce(t.app, '/admin/departments/999999', { name: '某局' }, as('mishu'))).status).toBe(404);
    const audit = await database.db.selectFrom('audit_log').select('details').where('action', '=', 'department.rename').execute();
    expect(audit.map((a) => a.details)).toEqual([{ from: '住建局', to: '县住房和城乡建设局' }]);
  });

  it('offers the list in the candidate form: the lead as a choice, co-departments as checkboxes', async () => {
    const html = await (await t.app.request(`/admin/meetings/${fixture.meetingId}`, { headers: as('mishu') })).text();
    expect(html).toMatch(/<select id="f-leadDepartment" name="leadDepartment"[^>]*>[\s\S]*<option value="测试局">测试局<\/option>/);
    expect(html).toContain('<input type="checkbox" name="coDepartments" value="县住房和城乡建设局"/>');
  });

  it('takes a candidate whose departments are on the list', async () => {
    const res = await postOnce(t.app, `/admin/meetings/${fixture.meetingId}/candidates`, [...candidate(), ['coDepartments', '县住房和城乡建设局']], as('mishu'));
    expect(res.status).toBe(303);
    const added = (await listCandidates(database.db, fixture.meetingId)).find((c) => c.name === '城区停车位建设');
    expect(added).toMatchObject({ leadDepartment: '测试局', coDepartments: ['县住房和城乡建设局'] });
  });

  it('refuses a department not on the list with a translated message, writing nothing and keeping what was typed', async () => {
    const before = (await departments()).length;
    const lead = await postOnce(t.app, `/admin/meetings/${fixture.meetingId}/candidates`, candidate({ name: '另一个项目', leadDepartment: '不存在局' }), as('mishu'));
    expect(lead.status).toBe(422);
    const html = await lead.text();
    expect(html).toContain('“不存在局”不在部门名单中');
    expect(html).toContain('value="另一个项目"');
    const co = await postOnce(t.app, `/admin/meetings/${fixture.meetingId}/candidates`, [...candidate({ name: '另一个项目' }), ['coDepartments', '影子局']], { ...as('mishu'), Cookie: `${cookie.mishu}; lang=en` });
    expect(co.status).toBe(422);
    expect(await co.text()).toContain('is not on the list of departments');
    expect((await departments()).length).toBe(before);
    expect((await listCandidates(database.db, fixture.meetingId)).some((c) => c.name === '另一个项目')).toBe(false);
  });

  it('corrects a candidate with departments from the list, and the form shows its co-departments ticked', async () => {
    const c = (await listCandidates(database.db, fixture.meetingId)).find((x) => x.name === '城区停车位建设')!;
    const page = await (await t.app.request(`/admin/candidates/${c.id}`, { headers: as('mishu') })).text();
    expect(page).toContain('<input type="checkbox" name="coDepartments" value="县住房和城乡建设局" checked=""/>');
    expect((await postOnce(t.app, `/admin/candidates/${c.id}`, candidate({ leadDepartment: '县住房和城乡建设局' }), as('mishu'))).status).toBe(303);
    expect((await listCandidates(database.db, fixture.meetingId)).find((x) => x.id === c.id)).toMatchObject({ leadDepartment: '县住房和城乡建设局', coDepartments: [] });
    expect((await postOnce(t.app, `/admin/candidates/${c.id}`, candidate({ leadDepartment: '别的局' }), as('mishu'))).status).toBe(422);
  });

  it('ties a new department officer account to a department of the same list', async () => {
    const page = await (await t.app.request('/admin/users', { headers: as('mishu') })).text();
    const id = await idOf('县住房和城乡建设局');
    expect(page).toContain(`<option value="${id}">县住房和城乡建设局</option>`);
    const res = await postOnce(t.app, '/admin/users', [['username', 'zhujian'], ['displayName', '住建局经办人'], ['roles', 'department'], ['departmentId', String(id)], ['deputyCode', '']], as('mishu'));
    expect(res.status).toBe(200);
    const user = await database.db.selectFrom('users').select('department_id').where('username', '=', 'zhujian').executeTakeFirstOrThrow();
    expect(user.department_id).toBe(id);
    const list = await (await t.app.request('/admin/departments', { headers: as('mishu') })).text();
    expect(list).toMatch(/<th scope="row">县住房和城乡建设局<\/th><td>1<\/td>/);
  });
});
