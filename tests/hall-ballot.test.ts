/**
 * Issue 11, "The day in the hall", at the HTTP level: a ballot with unmarked items is refused by the
 * review step with the items marked and an error summary (the path a browser without JavaScript
 * takes), and on a shared tablet nothing of a cast ballot stays reachable once the deputy is signed out.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/demo/seed.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { testApp } from './support/app.ts';
import { postForm, sessionCookieFrom, signIn } from './support/auth.ts';
import { testEngines } from './support/databases.ts';

const KEYS = Array.from({ length: 12 }, (_, i) => `c${String(i + 1).padStart(2, '0')}`);
const CHOICES_OK: Record<string, string> = Object.fromEntries(KEYS.map((k, i) => [`choice.${k}`, i < 10 ? 'F' : i === 10 ? 'A' : 'N']));
/** The full ballot without marks for the 3rd and 7th items. */
const INCOMPLETE = Object.fromEntries(Object.entries(CHOICES_OK).filter(([k]) => k !== 'choice.c03' && k !== 'choice.c07'));

describe.each(testEngines())('the day in the hall (issue 11) on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let electionId: number;
  let meetingId: number;
  let secretariat: string;
  beforeAll(async () => {
    database = await engine.openDemo();
    t = testApp(database);
    const e = await database.db.selectFrom('elections').select(['id', 'meeting_id']).where('title', '=', '2024年民生实事项目票决').executeTakeFirstOrThrow();
    electionId = e.id;
    meetingId = e.meeting_id;
    secretariat = sessionCookieFrom(await signIn(t.app, 'mishu', DEMO_PASSWORD))!;
    const opened = await postForm(t.app, `/admin/elections/${electionId}/open`, {}, { Cookie: secretariat });
    expect(opened.headers.get('location')).toBe(`/admin/elections/${electionId}?done=opened`);
  });
  afterAll(async () => { await database.close(); });

  const deputy = async (username: string) => sessionCookieFrom(await signIn(t.app, username, DEMO_PASSWORD))!;
  const get = (path: string, cookie?: string) => t.app.request(path, { headers: cookie ? { Cookie: cookie } : {} });
  const counts = async () => (await sql<{ ballots: number; marked: number }>`
    select (select count(*) from ballots where election_id = ${electionId}) as ballots,
           (select count(*) from roll where election_id = ${electionId} and channel is not null) as marked`.execute(database.db)).rows[0]!;

  it('refuses an incomplete ballot at the review step: 422, the marks kept, each unmarked item marked and linked from an error summary, nothing cast', async () => {
    const cookie = await deputy('d001');
    const res = await postForm(t.app, `/elections/${electionId}/ballot/review`, INCOMPLETE, { Cookie: cookie });
    expect(res.status).toBe(422);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();

    // The summary: first in the ballot area, focusable, an alert, focused on load, one link per unmarked item.
    const summary = /<div class="error-summary"[^>]*>[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
    expect(summary, 'no error summary').not.toBe('');
    expect(summary).toContain('role="alert"');
    expect(summary).toContain('tabindex="-1"');
    expect(summary).toContain('autofocus');
    expect(summary).not.toMatch(/<div class="error-summary"[^>]*\bhidden\b/);
    expect(summary).toContain('请检查您的选票');
    expect(summary).toContain('<a href="#choice-c03-F">第 3 项“');
    expect(summary).toContain('<a href="#choice-c07-F">第 7 项“');
    expect(summary.match(/<li data-missing-link="[^"]+">/g), 'summary entries shown').toEqual(['<li data-missing-link="c03">', '<li data-missing-link="c07">']);

    // Each unmarked item: marked in words, its group described by the message, its choices aria-invalid.
    for (const key of ['c03', 'c07']) {
      const item = new RegExp(`<li class="ballot-item ballot-item--missing" id="item-${key}"[\\s\\S]*?</fieldset>`).exec(html)?.[0] ?? '';
      expect(item, `${key} is not marked`).not.toBe('');
      expect(item).toContain(`aria-describedby="missing-${key}"`);
      expect(item).toMatch(new RegExp(`<p class="ballot-item__error" id="missing-${key}">未选择：`));
      expect(item.match(/aria-invalid="true"/g)).toHaveLength(3);
      expect(item).not.toContain('checked');
    }
    // The other items are not marked, and keep the deputy's choices.
    expect(html.match(/ballot-item--missing/g)).toHaveLength(2);
    expect(html.match(/aria-invalid="true"/g)).toHaveLength(6);
    expect(html.match(/ checked=""/g)).toHaveLength(10);
    expect(html).toMatch(/id="choice-c01-F" name="choice.c01" value="F" checked=""/);
    expect(html).toMatch(/id="choice-c11-A" name="choice.c11" value="A" checked=""/);
    // No review step: no tracker handed out; nothing cast.
    expect(html).not.toContain('name="tracker"');
    expect(await counts()).toEqual({ ballots: 0, marked: 0 });
  });

  it('lists other problems in the same summary, and a complete ballot shows no summary', async () => {
    const cookie = await deputy('d001');
    // Eleven 赞成 and the 7th item unmarked.
    const tooManyAndOneMissing: Record<string, string> = { ...CHOICES_OK, 'choice.c11': 'F', 'choice.c12': 'F' };
    delete tooManyAndOneMissing['choice.c07'];
    const tooMany = await postForm(t.app, `/elections/${electionId}/ballot/review`, tooManyAndOneMissing, { Cookie: cookie });
    expect(tooMany.status).toBe(422);
    const html = await tooMany.text();
    const summary = /<div class="error-summary"[^>]*>[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
    expect(summary).toContain('您选了 11 项“赞成”，最多只能选 10 项');
    expect(summary.match(/<li data-missing-link="[^"]+">/g)).toEqual(['<li data-missing-link="c07">']);
    expect(html.match(/ballot-item--missing/g)).toHaveLength(1);
    const ballot = await (await get(`/elections/${electionId}/ballot`, cookie)).text();
    expect(ballot).toMatch(/<div class="error-summary"[^>]*\bhidden\b/);
    expect(ballot).not.toContain('ballot-item--missing');
    expect(ballot).not.toContain('aria-invalid');
    // No "required": a browser without JavaScript sends the ballot and gets the marked page back.
    expect(ballot).not.toMatch(/type="radio"[^>]*required/);
  });

  it('on a shared tablet: the receipt keeps the tracker until the deputy leaves or 60 s pass, and afterwards nothing of the ballot can be reached', async () => {
    const cookie = await deputy('d001');
    const sessions = async () => (await sql<{ n: number }>`select count(*)::int as n from sessions s join users u on u.id = s.user_id where u.username = 'd001'`.execute(database.db)).rows[0]!.n;
    const before = await sessions();
    const review = await (await postForm(t.app, `/elections/${electionId}/ballot/review`, CHOICES_OK, { Cookie: cookie })).text();
    const tracker = /name="tracker" value="([^"]+)"/.exec(review)![1]!;
    const trackerMac = /name="trackerMac" value="([^"]+)"/.exec(review)![1]!;
    const cast = await postForm(t.app, `/elections/${electionId}/ballot`, { ...CHOICES_OK, tracker, trackerMac }, { Cookie: cookie });
    expect(cast.status).toBe(200);
    expect(cast.headers.get('cache-control')).toBe('no-store');
    const receipt = await cast.text();
    // The receipt: the tracker, and a way out to the neutral sign-in page, by hand or after a countdown.
    expect(receipt).toContain(tracker);
    expect(receipt).toContain('data-shared-receipt');
    expect(receipt).toMatch(/<a class="button button--primary button--big" href="\/login" data-leave="true">我已看完，退出<\/a>/);
    expect(receipt).toContain('60 秒后将自动回到登录页');
    expect(receipt).toContain('<noscript><meta http-equiv="refresh" content="60; url=/login"/></noscript>');

    // The session is gone, in the cookie and on the server.
    expect(cast.headers.getSetCookie().join()).toContain('minsheng_session=;');
    expect(await sessions()).toBe(before - 1);

    // The receipt has no URL of its own: the cast was a POST answered in place. What a signed-out
    // browser can ask for there (the ballot page, the cast or review again) shows nothing of the ballot.
    for (const [what, res] of [
      ['GET ballot, no cookie', await get(`/elections/${electionId}/ballot`)],
      ['GET ballot, old cookie', await get(`/elections/${electionId}/ballot`, cookie)],
      ['POST cast again, no cookie', await postForm(t.app, `/elections/${electionId}/ballot`, { ...CHOICES_OK, tracker, trackerMac })],
      ['POST cast again, old cookie', await postForm(t.app, `/elections/${electionId}/ballot`, { ...CHOICES_OK, tracker, trackerMac }, { Cookie: cookie })],
      ['POST review again, old cookie', await postForm(t.app, `/elections/${electionId}/ballot/review`, CHOICES_OK, { Cookie: cookie })],
      ['GET /login', await get('/login')],
    ] as const) {
      const body = await res.text();
      expect(body, what).not.toContain(tracker);
      expect(body, what).not.toContain('投票回执');
      expect(body, what).not.toContain('赞成</td>');
      if (what.startsWith('GET ballot')) {
        expect(res.status, what).toBe(303);
        expect(res.headers.get('location'), what).toMatch(/^\/login/);
      } else if (what.startsWith('POST')) {
        expect([303, 401], what).toContain(res.status);
      }
    }
    expect(await counts()).toEqual({ ballots: 1, marked: 1 });
  });

  it('without shared tablets nothing changes: the receipt keeps the deputy signed in and has no countdown', async () => {
    const saved = await postForm(t.app, `/admin/meetings/${meetingId}/settings`, {}, { Cookie: secretariat });
    expect(saved.status).toBe(303);
    expect((await database.db.selectFrom('meetings').select('shared_tablets').where('id', '=', meetingId).executeTakeFirstOrThrow()).shared_tablets).toBe(false);
    const cookie = await deputy('d002');
    const ballot = await (await get(`/elections/${electionId}/ballot`, cookie)).text();
    expect(ballot).not.toContain('data-shared-tablet');
    const review = await (await postForm(t.app, `/elections/${electionId}/ballot/review`, CHOICES_OK, { Cookie: cookie })).text();
    expect(review).not.toContain('data-shared-tablet');
    const tracker = /name="tracker" value="([^"]+)"/.exec(review)![1]!;
    const trackerMac = /name="trackerMac" value="([^"]+)"/.exec(review)![1]!;
    const cast = await postForm(t.app, `/elections/${electionId}/ballot`, { ...CHOICES_OK, tracker, trackerMac }, { Cookie: cookie });
    const receipt = await cast.text();
    expect(receipt).toContain(tracker);
    expect(receipt).not.toContain('data-shared');
    expect(receipt).not.toContain('http-equiv="refresh"');
    expect(receipt).not.toContain('我已看完，退出');
    expect(receipt).not.toContain('本设备已自动退出您的登录');
    expect(cast.headers.getSetCookie().join()).not.toContain('minsheng_session=;');
    expect((await get('/vote', cookie)).status).toBe(200);
  });
});
