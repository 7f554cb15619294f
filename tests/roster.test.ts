import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../src/platform/db/index.ts';
import { MAX_ROSTER_ROWS } from '../src/terms/csv.ts';
import { createRosterImport, IMPORT_TTL_MS } from '../src/terms/store.ts';
import { fixedClock } from '../src/platform/time.ts';
import { createUser } from '../src/users/store.ts';
import { sameOrigin, testApp } from './support/app.ts';
import { testEngines } from './support/databases.ts';
import { encodeGb18030 } from './support/gb18030.ts';
import { generatedRoster, ROSTER_HEADER } from './support/roster.ts';

const PASSWORD = 'correct horse battery staple';
const utf8 = (s: string) => new TextEncoder().encode(s);
const bom = (s: string) => utf8(`\ufeff${s}`);

/** The good file of the brief: Chinese headers, a BOM, CRLF, one deputy with a phone number. */
const GOOD = bom(`${ROSTER_HEADER}\r\nD001,王伟,龙洲街道代表团,是,13812345678\r\nD002,李娜,湖镇镇代表团,否,\r\nD003,张强,县直机关代表团,,\r\n`);

describe.each(testEngines())('terms and rosters on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let admin: string;
  let deputy: string;
  let termId: number;

  async function signIn(app: ReturnType<typeof testApp>['app'], username: string): Promise<string> {
    const res = await app.request('/login', {
      method: 'POST', body: new URLSearchParams({ username, password: PASSWORD }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...sameOrigin },
    });
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('minsheng_session='));
    return cookie!.split(';')[0]!;
  }

  beforeAll(async () => {
    database = await engine.open();
    t = testApp(database);
    const acting = { clock: t.clock, actor: { userId: null, name: 'test' } };
    await createUser(database.db, acting, { username: 'secretary', displayName: '秘书处测试', password: PASSWORD, roles: ['secretariat'] });
    await createUser(database.db, acting, { username: 'deputy', displayName: '代表测试', password: PASSWORD, roles: ['deputy'] });
    admin = await signIn(t.app, 'secretary');
    deputy = await signIn(t.app, 'deputy');
    const res = await postForm('/admin/terms', { name: '龙游县第十四届人民代表大会', ordinal: '14', startsOn: '2022-01-01', endsOn: '2026-12-31' });
    expect(res.status).toBe(303);
    termId = Number(/^\/admin\/terms\/(\d+)\/roster\?done=term$/.exec(res.headers.get('location')!)![1]);
  });
  afterAll(async () => { await database.close(); });

  const get = (path: string, cookie = admin, headers: Record<string, string> = {}) => t.app.request(path, { headers: { Cookie: cookie, ...headers } });
  function postForm(path: string, fields: Record<string, string>, cookie = admin, headers: Record<string, string> = sameOrigin) {
    return t.app.request(path, {
      method: 'POST', body: new URLSearchParams(fields),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie, ...headers },
    });
  }
  function upload(bytes: Uint8Array<ArrayBuffer>, opts: { term?: number; cookie?: string; name?: string; headers?: Record<string, string> } = {}) {
    const form = new FormData();
    form.append('file', new File([bytes], opts.name ?? 'roster.csv', { type: 'text/csv' }));
    return t.app.request(`/admin/terms/${opts.term ?? termId}/roster/preview`, {
      method: 'POST', body: form, headers: { Cookie: opts.cookie ?? admin, ...(opts.headers ?? sameOrigin) },
    });
  }
  /** Uploads a valid file and returns the preview's path (/admin/roster-imports/:id, maybe with a query). */
  async function preview(bytes: Uint8Array<ArrayBuffer>, term = termId): Promise<string> {
    const res = await upload(bytes, { term });
    expect(res.status, await res.clone().text()).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/admin\/roster-imports\/[a-z2-7]{24}(\?read=gb18030)?$/);
    return location;
  }
  const apply = (location: string, cookie = admin) => postForm(`${location.split('?')[0]}/apply`, {}, cookie);
  const deputies = (term = termId) => database.db.selectFrom('deputies').select(['code', 'name', 'delegation', 'standing_committee', 'phone'])
    .where('term_id', '=', term).orderBy('code').execute();
  const importCount = async () => Number((await database.db.selectFrom('roster_imports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  async function newTerm(name: string): Promise<number> {
    const res = await postForm('/admin/terms', { name, ordinal: '15', startsOn: '2027-01-01', endsOn: '2031-12-31' });
    return Number(/\/admin\/terms\/(\d+)\//.exec(res.headers.get('location')!)![1]);
  }

  describe('GET /admin/terms', () => {
    it('lists the terms with their dates and number of deputies, and offers the form to set one up', async () => {
      const res = await get('/admin/terms');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).toContain('<th scope="row">龙游县第十四届人民代表大会</th>');
      expect(html).toContain('第十四届');
      expect(html).toContain('2022年1月1日 – 2026年12月31日');
      expect(html).toContain(`href="/admin/terms/${termId}/roster"`);
      expect(html).toContain('<form method="post" action="/admin/terms"');
      for (const label of ['名称', '届次', '任期开始日期', '任期结束日期']) expect(html).toContain(`>${label}</label>`);
      const en = await (await get('/admin/terms', admin, { Cookie: `${admin}; lang=en` })).text();
      expect(en).toContain('Set up a new term');
      expect(en).toContain('Term 14');
    });
  });

  describe('POST /admin/terms', () => {
    it('sets up a term, audits it and goes to its roster page', async () => {
      const res = await postForm('/admin/terms', { name: '测试县第一届人民代表大会', ordinal: '1', startsOn: '2020-01-01', endsOn: '2024-12-31' });
      expect(res.status).toBe(303);
      const page = await (await get(res.headers.get('location')!)).text();
      expect(page).toContain('<h1>测试县第一届人民代表大会</h1>');
      expect(page).toContain('届次已设立');
      const audit = await database.db.selectFrom('audit_log').select(['action', 'actor_name', 'details']).where('action', '=', 'term.create').orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(audit).toMatchObject({ actor_name: 'secretary', details: { name: '测试县第一届人民代表大会' } });
    });

    it('shows each problem next to its field, keeps what was typed, and answers 422', async () => {
      const res = await postForm('/admin/terms', { name: '', ordinal: '1.5', startsOn: '2024-01-01', endsOn: '2024-12-31' });
      expect(res.status).toBe(422);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).toContain('请更正下列问题。');
      expect(html).toContain('<p id="f-name-error" class="field__error">此项必填。</p>');
      expect(html).toContain('<p id="f-ordinal-error" class="field__error">请输入整数。</p>');
      expect(html).toContain('value="1.5"');
      expect(html).toContain('value="2024-12-31"');
      expect(html).toContain('aria-invalid="true"');
      const order = await postForm('/admin/terms', { name: '某届', ordinal: '1', startsOn: '2024-01-01', endsOn: '2023-01-01' });
      expect(order.status).toBe(422);
      expect(await order.text()).toContain('<p id="f-endsOn-error" class="field__error">结束日期不能早于开始日期。</p>');
    });

    it('says "required" for an empty number or date, and refuses a name already used', async () => {
      const res = await postForm('/admin/terms', { name: '龙游县第十四届人民代表大会', ordinal: '', startsOn: '', endsOn: '2023-02-30' });
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain('<p id="f-ordinal-error" class="field__error">此项必填。</p>');
      expect(html).toContain('<p id="f-startsOn-error" class="field__error">此项必填。</p>');
      expect(html).toContain('<p id="f-endsOn-error" class="field__error">请输入有效日期（年-月-日）。</p>');
      const dup = await postForm('/admin/terms', { name: '龙游县第十四届人民代表大会', ordinal: '14', startsOn: '2022-01-01', endsOn: '2026-12-31' });
      expect(dup.status).toBe(422);
      expect(await dup.text()).toContain('<p id="f-name-error" class="field__error">已存在同名记录。</p>');
    });
  });

  describe('GET /admin/terms/:id/roster', () => {
    it('shows an empty roster with the upload form (multipart, one required CSV file)', async () => {
      const res = await get(`/admin/terms/${termId}/roster`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).toContain('该届次还没有代表');
      expect(html).toContain(`<form method="post" action="/admin/terms/${termId}/roster/preview" enctype="multipart/form-data"`);
      expect(html).toContain('<label for="f-file">代表名单 CSV 文件</label>');
      expect(html).toMatch(/<input id="f-file" name="file" type="file" accept="\.csv,text\/csv" required/);
    });

    it.each(['999999', 'abc', '0', '1.5'])('answers 404 for term %s', async (id) => {
      expect((await get(`/admin/terms/${id}/roster`)).status).toBe(404);
      expect((await upload(GOOD, { term: id as unknown as number })).status).toBe(404);
    });
  });

  describe('importing a roster', () => {
    it('previews a good file (Chinese headers, BOM), applies it, and audits the import without phone numbers', async () => {
      const location = await preview(GOOD);
      const page = await get(location);
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-store');
      const html = await page.text();
      expect(html).toContain('共 3 名代表：新增 3 名，更新 0 名，无变化 0 名。');
      for (const s of ['王伟', '李娜', '张强', '龙洲街道代表团', '138****5678', 'roster.csv', '确认导入 3 名代表']) expect(html).toContain(s);
      expect(html).not.toContain('13812345678');
      expect(await deputies()).toEqual([]);

      const applied = await apply(location);
      expect(applied.status).toBe(303);
      expect(applied.headers.get('location')).toBe(`/admin/terms/${termId}/roster?done=imported&created=3&updated=0`);
      expect(await deputies()).toEqual([
        { code: 'D001', name: '王伟', delegation: '龙洲街道代表团', standing_committee: true, phone: '13812345678' },
        { code: 'D002', name: '李娜', delegation: '湖镇镇代表团', standing_committee: false, phone: null },
        { code: 'D003', name: '张强', delegation: '县直机关代表团', standing_committee: false, phone: null },
      ]);
      const audit = await database.db.selectFrom('audit_log').selectAll().where('action', '=', 'roster.import').orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(audit.subject).toBe(`term:${termId}`);
      expect(audit.actor_name).toBe('secretary');
      expect(audit.details).toMatchObject({ rows: 3, created: 3, updated: 0, unchanged: 0, file: 'roster.csv', import: location.split('/').pop() });
      expect(JSON.stringify(audit.details)).not.toContain('138');
      expect(JSON.stringify(t.logs)).not.toContain('13812345678');
      // Once applied, the upload keeps no phone numbers: the roster holds them.
      const stored = await database.db.selectFrom('roster_imports').select('rows').where('id', '=', location.split('/').pop()!).executeTakeFirstOrThrow();
      expect(JSON.stringify(stored.rows)).not.toContain('13812345678');

      const roster = await (await get(applied.headers.get('location')!)).text();
      expect(roster).toContain('名单已导入：新增 3 名代表，更新 0 名。');
      expect(roster).toContain('共 3 名代表');
      expect(roster).toContain('<th scope="row" class="code">D001</th>');
      expect(roster).toContain('138****5678');
      expect(roster).not.toContain('13812345678');
      expect(roster).toContain('未开通');
    });

    it('shows which deputies have an account', async () => {
      const d1 = await database.db.selectFrom('deputies').select('id').where('term_id', '=', termId).where('code', '=', 'D001').executeTakeFirstOrThrow();
      await createUser(database.db, { clock: t.clock, actor: { userId: null, name: 'test' } }, { username: 'd001', displayName: '王伟', password: PASSWORD, roles: ['deputy'], deputyId: d1.id });
      const html = await (await get(`/admin/terms/${termId}/roster`)).text();
      expect(html.match(/>已开通</g)).toHaveLength(1);
      expect(html.match(/>未开通</g)).toHaveLength(2);
    });

    it('re-imports by code: updates changed deputies, adds new ones, keeps those not in the file', async () => {
      const file = bom(`${ROSTER_HEADER}\r\nD001,王玮,龙洲街道代表团,是,13812345678\r\nD002,李娜,湖镇镇代表团,否,\r\nD004,陈静,东华街道代表团,是,13900001111\r\n`);
      const location = await preview(file);
      const html = await (await get(location)).text();
      expect(html).toContain('共 3 名代表：新增 1 名，更新 1 名，无变化 1 名。');
      expect(html).toContain('名单上另有 1 名代表不在此文件中');
      expect(html).toContain('原为：王伟');
      const applied = await apply(location);
      expect(applied.headers.get('location')).toBe(`/admin/terms/${termId}/roster?done=imported&created=1&updated=1`);
      const audit = await database.db.selectFrom('audit_log').select('details').where('action', '=', 'roster.import').orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(audit.details).toMatchObject({ rows: 3, created: 1, updated: 1, unchanged: 1 });
      expect((await deputies()).map((d) => [d.code, d.name])).toEqual([['D001', '王玮'], ['D002', '李娜'], ['D003', '张强'], ['D004', '陈静']]);
    });

    it('reads English headers in another order', async () => {
      const term = await newTerm('英文表头测试');
      const location = await preview(utf8('Name,Code,Delegation,Phone,Standing_Committee\nZhang Wei,E1,County organs,,yes\nLi Na,E2,County organs,13700001111,no\n'), term);
      expect((await apply(location)).status).toBe(303);
      expect(await deputies(term)).toEqual([
        { code: 'E1', name: 'Zhang Wei', delegation: 'County organs', standing_committee: true, phone: null },
        { code: 'E2', name: 'Li Na', delegation: 'County organs', standing_committee: false, phone: '13700001111' },
      ]);
    });

    it('accepts a GB18030 (GBK) file as Chinese Excel saves it, and says it was read so', async () => {
      const term = await newTerm('GB18030 测试');
      const location = await preview(encodeGb18030(`${ROSTER_HEADER}\r\nG001,欧阳修,龙洲街道代表团,是,\r\n`), term);
      expect(location).toMatch(/\?read=gb18030$/);
      const html = await (await get(location)).text();
      expect(html).toContain('已按 GB18030');
      expect(html).toContain('欧阳修');
      expect((await apply(location)).status).toBe(303);
      expect((await deputies(term)).map((d) => d.name)).toEqual(['欧阳修']);
    });

    const gbkNoise = new Uint8Array([...utf8('代表编号,姓名,代表团\nD9,'), 0xff, 0xfe, 0x80, ...utf8(',团\n')]);
    it.each([
      ['bytes that are neither UTF-8 nor GB18030', gbkNoise, ['整个文件', '它不是 UTF-8 文本', 'CSV UTF-8']],
      ['a missing required column', bom('代表编号,姓名\r\nD9,王五\r\n'), ['<th scope="row" class="num">1</th>', '缺少必填列：代表团 / delegation']],
      ['a duplicate code', bom(`${ROSTER_HEADER}\r\nD9,王五,团,,\r\nD8,赵六,团,,\r\nD9,孙七,团,,\r\n`), ['<th scope="row" class="num">4</th>', '代表编号与第 2 行重复', '<code>D9</code>']],
      ['an unknown column', bom('代表编号,姓名,代表团,手机号\r\nD9,王五,团,13800000000\r\n'), ['<th scope="row" class="num">1</th>', '无法识别的列：「手机号」']],
      ['an unclosed quotation mark', bom(`${ROSTER_HEADER}\r\nD9,王五,团,,\r\nD8,"赵六,团,,\r\nD7,孙七,团,,\r\n`), ['<th scope="row" class="num">3</th>', '引号没有闭合', '第 4 行']],
      ['nothing at all', new Uint8Array(), ['整个文件', '文件是空的']],
      ['an invalid phone number', bom(`${ROSTER_HEADER}\r\nD9,王五,团,,1381234567x\r\n`), ['<th scope="row" class="num">2</th>', '电话号码格式不正确', '138****567x']],
    ])('refuses a file with %s: lists the problem by row, imports nothing (422)', async (_, bytes, expected) => {
      const before = await deputies();
      const imports = await importCount();
      const res = await upload(bytes, { name: 'bad.csv' });
      expect(res.status).toBe(422);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).toContain('名单有误，未导入');
      expect(html).toContain('文件「bad.csv」中发现');
      for (const s of expected) expect(html).toContain(s);
      expect(html).toContain('改正后重新上传');
      expect(html).not.toContain('1381234567x');
      expect(await deputies()).toEqual(before);
      expect(await importCount()).toBe(imports);
    });

    it('speaks English when asked', async () => {
      const res = await upload(bom('code,name\r\nD9,Wang\r\n'), { headers: { ...sameOrigin, Cookie: `${admin}; lang=en` } });
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain('The roster has problems; nothing was imported');
      expect(html).toContain('Required columns are missing: 代表团 / delegation.');
      expect(html).toContain('<th scope="col" class="num">Row</th>');
      const location = await preview(GOOD, await newTerm('English preview'));
      const page = await (await get(location, admin, { Cookie: `${admin}; lang=en` })).text();
      expect(page).toContain('3 deputies: 3 new, 0 updated, 0 unchanged.');
      expect(page).toContain('Import 3 deputies');
    });

    it('asks for a file when none was chosen', async () => {
      const form = new FormData();
      form.append('file', new File([], '', { type: 'application/octet-stream' }));
      const res = await t.app.request(`/admin/terms/${termId}/roster/preview`, { method: 'POST', body: form, headers: { Cookie: admin, ...sameOrigin } });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain('请选择要上传的 CSV 文件。');
    });

    it('refuses to apply the same upload twice (409)', async () => {
      const term = await newTerm('重复导入测试');
      const location = await preview(GOOD, term);
      expect((await apply(location)).status).toBe(303);
      const again = await apply(location);
      expect(again.status).toBe(409);
      expect(again.headers.get('cache-control')).toBe('no-store');
      const html = await again.text();
      expect(html).toContain('此名单已于');
      expect(html).toContain('不能重复导入');
      expect(html).not.toContain('/apply"');
      expect(await database.db.selectFrom('audit_log').select('id').where('action', '=', 'roster.import').where('subject', '=', `term:${term}`).execute()).toHaveLength(1);
      // The page of an applied upload says so and offers no button either.
      const page = await (await get(location)).text();
      expect(page).toContain('此名单已于');
      expect(page).not.toContain('/apply"');
    });

    it('applies once when two people confirm at the same moment', async () => {
      const term = await newTerm('同时确认测试');
      const location = await preview(GOOD, term);
      const statuses = (await Promise.all([apply(location), apply(location)])).map((r) => r.status).sort();
      expect(statuses).toEqual([303, 409]);
      expect(await deputies(term)).toHaveLength(3);
    });

    it('refuses an upload larger than 5 MB (413)', async () => {
      const res = await upload(new Uint8Array(5 * 1024 * 1024 + 1).fill(0x41));
      expect(res.status).toBe(413);
    });

    it('refuses an upload confirmed more than 24 hours later (410)', async () => {
      const term = await newTerm('过期测试');
      const location = await preview(GOOD, term);
      // Moving the upload back in time, not the clock forward, which would end the test's sessions.
      await database.db.updateTable('roster_imports').set({ created_at: new Date(t.clock.now().getTime() - 25 * 60 * 60 * 1000) })
        .where('id', '=', location.split('/').pop()!).execute();
      expect(await (await get(location)).text()).toContain('此预览已超过 24 小时');
      const res = await apply(location);
      expect(res.status).toBe(410);
      expect(await res.text()).toContain('此预览已超过 24 小时');
      expect(await deputies(term)).toEqual([]);
    });

    it.each(['aaaaaaaaaaaaaaaaaaaaaaaa', 'nope', 'AAAAAAAAAAAAAAAAAAAAAAAA'])('answers 404 for upload %s', async (id) => {
      expect((await get(`/admin/roster-imports/${id}`)).status).toBe(404);
      expect((await postForm(`/admin/roster-imports/${id}/apply`, {})).status).toBe(404);
    });

    it('previews and applies a generated 10,000-row file in reasonable time', async () => {
      const term = await newTerm('一万行测试');
      const bytes = utf8(generatedRoster(10_000));
      let started = performance.now();
      const location = await preview(bytes, term);
      const uploadMs = performance.now() - started;
      started = performance.now();
      const page = await get(location);
      const html = await page.text();
      const pageMs = performance.now() - started;
      expect(html).toContain('共 10000 名代表：新增 10000 名');
      started = performance.now();
      const applied = await apply(location);
      const applyMs = performance.now() - started;
      expect(applied.headers.get('location')).toBe(`/admin/terms/${term}/roster?done=imported&created=10000&updated=0`);
      started = performance.now();
      const roster = await get(applied.headers.get('location')!);
      await roster.text();
      const rosterMs = performance.now() - started;
      expect((await deputies(term)).length).toBe(10_000);
      console.info(`[${engine.name}] 10,000 rows: upload+parse+store ${uploadMs.toFixed(0)} ms, preview page ${pageMs.toFixed(0)} ms (${(html.length / 1e6).toFixed(1)} MB), apply ${applyMs.toFixed(0)} ms, roster page ${rosterMs.toFixed(0)} ms`);
      expect(uploadMs + pageMs + applyMs).toBeLessThan(20_000);
    }, 60_000);

    it(`refuses a file of more than ${MAX_ROSTER_ROWS} rows`, async () => {
      const res = await upload(utf8(generatedRoster(MAX_ROSTER_ROWS + 1)));
      expect(res.status).toBe(422);
      expect(await res.text()).toContain(`超过了 ${MAX_ROSTER_ROWS} 行的上限`);
    });
  });

  describe('keeping an upload', () => {
    it('clears expired uploads and keeps the new one in one transaction: an upload the database refuses clears nothing', async () => {
      const old = fixedClock(new Date(t.clock.now().getTime() - 2 * IMPORT_TTL_MS).toISOString());
      const userId = (await database.db.selectFrom('users').select('id').where('username', '=', 'secretary').executeTakeFirstOrThrow()).id;
      const row = { line: 2, code: 'D001', name: '王伟', delegation: '龙洲街道代表团', standingCommittee: false, phone: null };
      const expired = await createRosterImport(database.db, old, { termId, userId, fileName: 'old.csv', rows: [row] });
      // A NUL is text no PostgreSQL column can hold: the insert fails after the clearing.
      await expect(createRosterImport(database.db, t.clock, { termId, userId, fileName: 'new.csv', rows: [{ ...row, name: '王\u0000伟' }] })).rejects.toThrow();
      expect(await database.db.selectFrom('roster_imports').select('id').where('id', '=', expired).execute()).toEqual([{ id: expired }]);
      // The next good upload clears it.
      await createRosterImport(database.db, t.clock, { termId, userId, fileName: 'new.csv', rows: [row] });
      expect(await database.db.selectFrom('roster_imports').select('id').where('id', '=', expired).execute()).toEqual([]);
    });
  });

  describe('who may use it', () => {
    const gets = () => ['/admin/terms', `/admin/terms/${termId}/roster`, '/admin/roster-imports/aaaaaaaaaaaaaaaaaaaaaaaa'];
    const posts = () => ['/admin/terms', '/admin/roster-imports/aaaaaaaaaaaaaaaaaaaaaaaa/apply'];

    it('forbids a deputy (403), for pages, forms and uploads', async () => {
      for (const path of gets()) expect((await get(path, deputy)).status, path).toBe(403);
      for (const path of posts()) expect((await postForm(path, {}, deputy)).status, path).toBe(403);
      expect((await upload(GOOD, { cookie: deputy })).status).toBe(403);
    });

    it('sends a signed-out visitor of a page to sign in (303), and refuses a signed-out post (401)', async () => {
      for (const path of gets()) {
        const res = await t.app.request(path);
        expect(res.status, path).toBe(303);
        expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
      }
      for (const path of posts()) expect((await postForm(path, {}, '')).status, path).toBe(401);
      expect((await upload(GOOD, { cookie: '' })).status).toBe(401);
    });

    it('refuses a post without Origin or Sec-Fetch-Site (CSRF, 403), importing nothing', async () => {
      const imports = await importCount();
      expect((await upload(GOOD, { headers: {} })).status).toBe(403);
      expect((await postForm('/admin/terms', { name: 'x', ordinal: '1', startsOn: '2020-01-01', endsOn: '2020-01-02' }, admin, {})).status).toBe(403);
      expect((await upload(GOOD, { headers: { Origin: 'https://evil.example' } })).status).toBe(403);
      expect(await importCount()).toBe(imports);
    });
  });
});
