import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../src/platform/db/index.ts';
import { dictionary } from '../src/platform/i18n/index.ts';
import { sameOrigin, testApp } from './support/app.ts';
import { postForm } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture, type Fixture, FIXTURE_PASSWORD } from './support/fixtures.ts';

const zh = dictionary('zh-CN');

/** A multipart body whose boundary never closes: the form cannot be parsed. */
function brokenMultipart(app: ReturnType<typeof testApp>['app'], path: string, cookie?: string) {
  return app.request(path, {
    method: 'POST',
    body: '--xyz\r\nContent-Disposition: form-data; name="username"\r\n\r\nd001\r\n--xy',
    headers: { 'Content-Type': 'multipart/form-data; boundary=xyz', ...sameOrigin, ...(cookie ? { Cookie: cookie } : {}) },
  });
}

describe.each(testEngines())('hostile input ends in a clear 4xx, never a 500, on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let fixture: Fixture;
  let mishu: string;
  const counts = async () => {
    const [terms, meetings] = await Promise.all([
      database.db.selectFrom('terms').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      database.db.selectFrom('meetings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { terms: terms.n, meetings: meetings.n };
  };

  beforeAll(async () => {
    database = await engine.open();
    t = testApp(database);
    fixture = await buildFixture(database, t.clock, {
      deputies: 3, candidates: 3, election: { open: true }, accounts: [{ username: 'mishu', roles: ['secretariat'] }],
    });
    mishu = await fixture.account('mishu').cookie();
  });
  afterAll(() => database.close());

  it('refuses a malformed multipart body, on sign-in and on a signed-in form, with a translated 400', async () => {
    for (const res of [await brokenMultipart(t.app, '/login'), await brokenMultipart(t.app, '/admin/meetings', mishu)]) {
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(zh['error.malformedForm']);
    }
  });

  it('refuses a NUL character in a form field or a query, changing nothing', async () => {
    const before = await counts();
    const login = await postForm(t.app, '/login', { username: 'mi\u0000shu', password: 'x' });
    expect(login.status).toBe(400);
    expect(await login.text()).toContain(zh['error.nulByte']);
    const meeting = await postForm(t.app, '/admin/meetings', {
      termId: String(fixture.termId), title: '会议\u0000', sessionOrdinal: '9', year: '2025', startsOn: '2025-01-10', endsOn: '2025-01-12',
    }, { Cookie: mishu });
    expect(meeting.status).toBe(400);
    for (const path of [`/admin/meetings/${fixture.meetingId}/attendance?q=%00`, '/admin/audit?action=%00', '/verify?tracker=%00']) {
      const res = await t.app.request(path, { headers: { Cookie: mishu } });
      expect([path, res.status]).toEqual([path, 400]);
      expect(await res.text()).toContain(zh['error.nulByte']);
    }
    expect(await counts()).toEqual(before);
  });

  it('refuses a NUL character in an uploaded file\'s name with the translated message, changing nothing', async () => {
    const roster = '代表编号,姓名,代表团\r\nD009,新代表,湖镇镇代表团\r\n';
    const imports = async () => (await database.db.selectFrom('roster_imports').select('id').orderBy('id').execute()).map((r) => r.id);
    const before = await imports();
    const res = await t.app.request(`/admin/terms/${fixture.termId}/roster/preview`, {
      method: 'POST',
      body: `--xyz\r\nContent-Disposition: form-data; name="file"; filename="名册\u0000.csv"\r\nContent-Type: text/csv\r\n\r\n${roster}\r\n--xyz--\r\n`,
      headers: { 'Content-Type': 'multipart/form-data; boundary=xyz', ...sameOrigin, Cookie: mishu },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(zh['error.nulByte']);
    expect(await imports()).toEqual(before);
  });
  it('names a NUL character in a roster file\'s cell by row and column, in a translated 422, keeping nothing', async () => {
    const imports = async () => (await database.db.selectFrom('roster_imports').select('id').orderBy('id').execute()).map((r) => r.id);
    const before = await imports();
    const form = new FormData();
    form.append('file', new File(['代表编号,姓名,代表团\r\nD009,新\u0000代表,湖镇镇代表团\r\n'], 'roster.csv', { type: 'text/csv' }));
    const res = await t.app.request(`/admin/terms/${fixture.termId}/roster/preview`, { method: 'POST', body: form, headers: { ...sameOrigin, Cookie: mishu } });
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(page).toContain(zh['roster.csv.nulByte']);
    expect(page).toContain('姓名');
    expect(await imports()).toEqual(before);
  });
  it('refuses integers beyond what the database holds, naming the field, changing nothing', async () => {
    const before = await counts();
    const term = await postForm(t.app, '/admin/terms', { name: '第九十九届', ordinal: '99999999999', startsOn: '2030-01-01', endsOn: '2034-12-31' }, { Cookie: mishu });
    expect(term.status).toBe(422);
    expect(await term.text()).toContain(zh['validation.tooLarge']);
    const meeting = await postForm(t.app, '/admin/meetings', {
      termId: '99999999999', title: '会议', sessionOrdinal: '99999999999', year: '2025', startsOn: '2025-01-10', endsOn: '2025-01-12',
    }, { Cookie: mishu });
    expect(meeting.status).toBe(422);
    expect(await meeting.text()).toContain(zh['validation.tooLarge']);
    const returned = await postForm(t.app, `/admin/elections/${fixture.electionId}/paper/returned`, { returned: '99999999999' }, { Cookie: mishu });
    expect(returned.status).toBe(400);
    expect(await counts()).toEqual(before);
  });
  it('refuses a meeting of a term that does not exist, naming the field, changing nothing', async () => {
    const before = await counts();
    const res = await postForm(t.app, '/admin/meetings', {
      termId: '2147483647', title: '不存在的届的会议', sessionOrdinal: '2', year: '2024', startsOn: '2024-03-01', endsOn: '2024-03-02',
    }, { Cookie: mishu });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain(zh['validation.invalid']);
    expect(await counts()).toEqual(before);
  });

  it('marks a deputy named twice in one attendance form once', async () => {
    const id = String(fixture.deputyId('D003'));
    const res = await t.app.request(`/admin/meetings/${fixture.meetingId}/attendance`, {
      method: 'POST', body: new URLSearchParams([['deputy', id], ['deputy', id], ['present', '0'], ['confirm', '1'], ['fact.undo', id], ['fact.present', '3']]),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...sameOrigin, Cookie: mishu },
    });
    expect(res.status).toBe(303);
    const rows = await database.db.selectFrom('attendance').select('present')
      .where('meeting_id', '=', fixture.meetingId).where('deputy_id', '=', Number(id)).execute();
    expect(rows).toEqual([{ present: false }]);
    const audit = await database.db.selectFrom('audit_log').select('details').where('action', '=', 'attendance.absent').execute();
    expect(audit.map((a) => a.details)).toEqual([{ deputies: 1, codes: ['D003'] }]);
  });
  it('goes back only to a plain local path: a control character in `next` sends home, never a 500 or another site', async () => {
    for (const next of ['/admin\r\nSet-Cookie: x=1', '/\t/evil.example', '/\n/evil.example']) {
      const login = await postForm(t.app, '/login', { username: 'mishu', password: FIXTURE_PASSWORD, next });
      expect([JSON.stringify(next), login.status, login.headers.get('location')]).toEqual([JSON.stringify(next), 303, '/']);
      const lang = await t.app.request(`/lang/en?next=${encodeURIComponent(next)}`);
      expect([JSON.stringify(next), lang.status, lang.headers.get('location')]).toEqual([JSON.stringify(next), 303, '/']);
    }
  });
});
