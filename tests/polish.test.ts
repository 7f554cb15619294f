/**
 * Issue 11, item 8 (consistency): one date-time formatter, one validator for names, error pages
 * that show who is signed in, and the rating form's own words.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/demo/seed.ts';
import { openElection } from '../src/elections/store.ts';
import { SYSTEM_ACTOR } from '../src/platform/acting.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { dictionary, formatDateTime } from '../src/platform/i18n/index.ts';
import { isName, nameText } from '../src/platform/validation.ts';
import { deputyInput, termInput } from '../src/terms/rules.ts';
import { meetingInput } from '../src/meetings/rules.ts';
import { staffAccountInput } from '../src/users/rules.ts';
import { testApp } from './support/app.ts';
import { postForm, sessionCookieFrom, signIn } from './support/auth.ts';
import { testEngines } from './support/databases.ts';

describe('formatDateTime: the one way a date and time is shown', () => {
  it('shows an instant in Beijing time, to the second, per language', () => {
    expect(formatDateTime('zh-CN', new Date('2026-11-30T11:46:31Z'))).toBe('2026年11月30日 19:46:31');
    expect(formatDateTime('en', new Date('2026-11-30T11:46:31Z'))).toBe('30 November 2026, 19:46:31');
    // Past midnight in Beijing while still the day before in UTC.
    expect(formatDateTime('zh-CN', new Date('2026-11-30T16:05:09.999Z'))).toBe('2026年12月1日 00:05:09');
    expect(formatDateTime('en', '2026-12-31T16:00:00Z')).toBe('1 January 2027, 00:00:00');
    // RFC 3339 times as records carry them.
    expect(formatDateTime('zh-CN', '2024-01-16T09:30:00+08:00')).toBe('2024年1月16日 09:30:00');
  });

  it('does not depend on the server\'s time zone', () => {
    const tz = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      expect(formatDateTime('zh-CN', new Date('2026-11-30T11:46:31Z'))).toBe('2026年11月30日 19:46:31');
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});

describe('the name validator', () => {
  const cjk = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((n) => String.fromCodePoint(n));
  const cjkWord = fc.array(cjk, { minLength: 1, maxLength: 6 }).map((cs) => cs.join(''));
  const control = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f })).map((n) => String.fromCodePoint(n));
  const schema = nameText(200);

  it('refuses any string with < or > in it', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.constantFrom('<', '>'), fc.string({ maxLength: 40 }), (a, bad, b) => {
      expect(isName(a + bad + b)).toBe(false);
      expect(schema.safeParse(a + bad + b).success).toBe(false);
    }));
  });

  it('refuses any string with a control character in it, wherever it stands', () => {
    fc.assert(fc.property(cjkWord, control, cjkWord, (a, bad, b) => {
      expect(isName(a + bad + b)).toBe(false);
      expect(schema.safeParse(a + bad + b).success).toBe(false);
    }));
  });

  it('accepts CJK names, with the middle dot between their parts', () => {
    fc.assert(fc.property(fc.array(cjkWord, { minLength: 1, maxLength: 4 }), (parts) => {
      const name = parts.join('·');
      expect(schema.parse(name)).toBe(name);
    }));
    for (const name of ['阿依古丽·买买提', '龙游县第十四届人民代表大会第三次会议', '大会秘书处（演示）', '代表 D001（演示）', '住房和城乡建设局、自然资源和规划局',
      'Zhang Wei', "O'Brien-Smith", '副县长 方敏', '《条例》执法队']) {
      expect(isName(name), name).toBe(true);
    }
  });

  it('is the rule for names of people, terms, meetings and departments, and says what is allowed', () => {
    const issue = (r: { success: boolean; error?: { issues: { message: string; path: PropertyKey[] }[] } }) => r.error?.issues.map((i) => `${i.path.join('.')}:${i.message}`);
    expect(issue(termInput.safeParse({ name: '<script>第十四届', ordinal: 14, startsOn: '2022-01-01', endsOn: '2026-12-31' }))).toEqual(['name:validation.name']);
    expect(issue(deputyInput.safeParse({ code: 'D1', name: '<b>王</b>', delegation: '城关\u0007代表团' }))).toEqual(['name:validation.name', 'delegation:validation.name']);
    expect(issue(meetingInput.safeParse({ termId: 1, title: '会议<img src=x>', sessionOrdinal: 1, year: 2024, startsOn: '2024-01-01', endsOn: '2024-01-02' }))).toEqual(['title:validation.name']);
    expect(issue(staffAccountInput.safeParse({ username: 'wang', displayName: '王<script>', roles: ['secretariat'], departmentId: null, deputyCode: '' }))).toEqual(['displayName:validation.name']);
    expect(dictionary('zh-CN')['validation.name']).toContain('·');
    expect(dictionary('en')['validation.name']).toContain('·');
  });
});

describe('Chinese punctuation in Chinese text', () => {
  it('no Chinese message holds an ASCII ; or , (；，instead)', () => {
    const zh = dictionary('zh-CN');
    const ascii = Object.entries(zh).filter(([, text]) => /\p{Script=Han}/u.test(text) && /[;,]/.test(text));
    expect(ascii).toEqual([]);
    expect(zh['list.clauseSeparator']).toBe('；');
  });
});

describe.each(testEngines())('pages on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let mishu: string;
  beforeAll(async () => {
    database = await engine.openDemo();
    t = testApp(database);
    mishu = sessionCookieFrom(await signIn(t.app, 'mishu', DEMO_PASSWORD))!;
  });
  afterAll(() => database.close());

  it('the audit log shows its times with the one formatter', async () => {
    const entries = await database.db.selectFrom('audit_log').select(['id', 'at']).orderBy('id', 'desc').limit(3).execute();
    expect(entries.length).toBeGreaterThan(0);
    const html = await (await t.app.request('/admin/audit', { headers: { Cookie: mishu } })).text();
    for (const e of entries) expect(html).toContain(`<td>${e.id}</td><td>${formatDateTime('zh-CN', e.at)}</td>`);
    const en = await (await t.app.request('/admin/audit', { headers: { Cookie: `${mishu}; lang=en` } })).text();
    expect(en).toContain(`<td>${entries[0]!.id}</td><td>${formatDateTime('en', entries[0]!.at)}</td>`);
  });

  it('an error page refusing a request (415, 413, 400) shows the header of the person signed in', async () => {
    const headers = { Cookie: mishu, Origin: 'http://localhost:3000', 'Sec-Fetch-Site': 'same-origin' };
    const refusals = [
      { status: 415, res: await t.app.request('/admin/terms', { method: 'POST', body: '{}', headers: { ...headers, 'Content-Type': 'application/json' } }) },
      { status: 413, res: await t.app.request('/admin/terms', { method: 'POST', body: `name=${'x'.repeat(70 * 1024)}`, headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' } }) },
      { status: 400, res: await t.app.request('/admin/terms', { method: 'POST', body: 'name=%00', headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' } }) },
    ];
    for (const { status, res } of refusals) {
      expect(res.status).toBe(status);
      const html = await res.text();
      expect(html, String(status)).toContain('<span class="nav-user">大会秘书处（演示）</span>');
      expect(html, String(status)).toContain('退出登录');
      expect(html, String(status)).not.toContain('href="/login"');
    }
  });

  it('the ballot lists a project\'s targets with ；in Chinese and ; in English', async () => {
    const e = await database.db.selectFrom('elections').select('id').where('state', '=', 'draft').orderBy('id', 'desc').executeTakeFirstOrThrow();
    await openElection(database.db, { clock: t.clock, actor: SYSTEM_ACTOR }, e.id);
    const d001 = sessionCookieFrom(await signIn(t.app, 'd001', DEMO_PASSWORD))!;
    const html = await (await t.app.request(`/elections/${e.id}/ballot`, { headers: { Cookie: d001 } })).text();
    expect(html).toContain('<dd>新建改造供水管网60公里；农村规模化供水人口覆盖率达到90%</dd>');
    const en = await (await t.app.request(`/elections/${e.id}/ballot`, { headers: { Cookie: `${d001}; lang=en` } })).text();
    expect(en).toContain('<dd>新建改造供水管网60公里; 农村规模化供水人口覆盖率达到90%</dd>');
  });

  it('a name with < in it is refused with the message saying what a name may hold', async () => {
    const res = await postForm(t.app, '/admin/terms', { name: '第十五届<script>', ordinal: '15', startsOn: '2027-01-01', endsOn: '2031-12-31' }, { Cookie: mishu });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain(dictionary('zh-CN')['validation.name'].replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/“/g, '“'));
  });
});
