import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORD_FORMAT_V2, type ElectionRecordV2 } from '../../src/domain/record/format-v2.ts';
import { verifyRecord } from '../../src/domain/record/verify.ts';
import {
  certifyInBrowser, choiceLabel, expectCleanPage, publishInBrowser, formatNuMessages, launchBrowser, postConfirmed, signedInPerson, startServer, TABLET, validateHtmlBatch,
  watchPageErrors, type HtmlDocument, type PageErrors, type Person, type RunningServer,
} from './harness.ts';

const KEYS = Array.from({ length: 12 }, (_, i) => `c${String(i + 1).padStart(2, '0')}`);
const TRACKER = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;

let server: RunningServer;
let browser: Browser;
const documents: HtmlDocument[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const checkPage = (page: Page, errors: PageErrors | undefined, name: string) => expectCleanPage(page, errors, name, documents);

/** The choices `marks` (F/A/N per option, in ballot order) on the ballot page of `id`, encrypted and reviewed in the page, then cast; returns the receipt's tracker. */
async function castInPage(page: Page, id: string, marks: string): Promise<string> {
  await page.goto(`/elections/${id}/ballot`);
  for (const [i, letter] of [...marks].entries()) await choiceLabel(page, KEYS[i]!, letter as 'F' | 'A' | 'N').click();
  await page.getByRole('button', { name: /下一步/ }).click();
  await page.locator('#encrypted-review').waitFor({ state: 'visible', timeout: 60_000 });
  const reviewed = (await page.locator('[data-review-tracker]').textContent())!.trim();
  await Promise.all([page.waitForURL(`**/elections/${id}/ballot`), page.getByRole('button', { name: '投出加密选票' }).click()]);
  await page.locator('#ballot-area h1', { hasText: '投票回执' }).waitFor();
  const shown = (await page.locator('#ballot-area .tracker').textContent())!.trim();
  expect(shown).toMatch(TRACKER);
  expect(shown).toBe(reviewed);
  return shown;
}

/**
 * A demo trustee (`username`) takes their file and passphrase from the demo's trustee-files page,
 * as the demo invites anyone to, and decrypts on their decryption page; returns what the page says
 * it did ('sent' or 'combined').
 */
async function decryptAsDemoTrustee(t: Person, id: string, username: string, check: (name: string) => Promise<void>): Promise<string> {
  await t.page.goto('/demo/trustee-files');
  // The page lists each demo vote's trustees (the 2024 selection's and the 测评's): this vote's list.
  const entry = t.page.locator(`ul.trustee-files[data-election="${id}"] .trustee-files__item`).filter({ has: t.page.locator('code', { hasText: new RegExp(`^${username}$`) }) });
  expect(await entry.count(), `the demo's trustee files list ${username} once for vote ${id}`).toBe(1);
  const passphrase = (await entry.locator('code.passphrase').textContent())!;
  const [download] = await Promise.all([t.page.waitForEvent('download'), entry.getByRole('link').click()]);
  const file = await download.path();
  await t.page.goto(`/scrutiny/elections/${id}/decryption`);
  await t.page.locator('#decryption-trustee').waitFor({ state: 'visible' });
  expect(await t.page.textContent('main')).toContain('封存的电子选票应正是 2 张');
  await check(`decryption page (${username})`);
  await t.page.setInputFiles('#decryption-file', file);
  await t.page.fill('#decryption-passphrase', passphrase);
  await t.page.click('[data-action=decrypt]');
  await expect.poll(() => t.page.getAttribute('#decryption-trustee', 'data-done'), { timeout: 120_000 }).not.toBeNull();
  await check(`decryption done (${username})`);
  return (await t.page.getAttribute('#decryption-trustee', 'data-done'))!;
}

describe('counting, certification and publication in the browser', () => {
  it('the encrypted 2024 vote: cast in the page, sealed, decrypted by two demo trustees, certified, published; the record and the trackers verify', { timeout: 300_000 }, async () => {
    const mishu = await signedInPerson(browser, server.url, 'mishu', TABLET);
    const meetings = await (await mishu.context.request.get('/api/meetings')).json() as { elections: { id: string }[] }[];
    const id = meetings[0]!.elections[0]!.id;
    const post = (who: { context: BrowserContext }, path: string, form: Record<string, string> = {}) => postConfirmed(who.context, server.url, path, form);
    expect((await post(mishu, `/admin/elections/${id}/open`)).status()).toBe(303);
    const trackers: string[] = [];
    for (const [i, username] of ['d001', 'd002'].entries()) {
      const deputy = await signedInPerson(browser, server.url, username, TABLET);
      trackers.push(await castInPage(deputy.page, id, KEYS.map((_, j) => (j < 10 - i ? 'F' : 'N')).join('')));
      expect(deputy.errors.errors).toEqual([]);
      await deputy.context.close();
    }
    expect((await post(mishu, `/admin/elections/${id}/close`)).status()).toBe(303);

    // The secretariat seals from the vote's page: the encrypted sum is fixed, the trustees must decrypt.
    const check = (who: Person) => (name: string) => checkPage(who.page, who.errors, name);
    await mishu.page.goto(`/admin/elections/${id}`);
    await Promise.all([mishu.page.waitForURL(`**/admin/elections/${id}/scrutiny`), mishu.page.getByRole('link', { name: '计票与公布' }).click()]);
    await checkPage(mishu.page, mishu.errors, 'scrutiny (closed)');
    await Promise.all([mishu.page.waitForURL(`**/admin/elections/${id}/seal`), mishu.page.getByRole('button', { name: '封存并计票' }).click()]);
    await checkPage(mishu.page, mishu.errors, 'seal confirmation (encrypted)');
    await Promise.all([mishu.page.waitForURL('**/scrutiny?done=decrypting'), mishu.page.getByRole('button', { name: '确认封存并计票' }).click()]);
    expect(await mishu.page.locator('[role=status]').first().textContent()).toContain('现在需要受托人解密总数');
    expect(await mishu.page.locator('code.digest').count(), 'a digest to certify before the decryption').toBe(0);
    await checkPage(mishu.page, mishu.errors, 'scrutiny (decrypting)');

    // Two of the three demo trustees decrypt, each in a browser of their own.
    for (const [i, username] of ['jianpiao1', 'jianpiao3'].entries()) {
      const trustee = await signedInPerson(browser, server.url, username, TABLET);
      expect(await decryptAsDemoTrustee(trustee, id, username, check(trustee))).toBe(i === 0 ? 'sent' : 'combined');
      await trustee.context.close();
    }

    // Tallied: the scrutiny page shows the digest, which two scrutineers confirm.
    await mishu.page.goto(`/admin/elections/${id}/scrutiny`);
    const digest = (await mishu.page.locator('code.digest').first().textContent())!;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    await checkPage(mishu.page, mishu.errors, 'scrutiny (tallied, secretariat)');
    for (const username of ['jianpiao1', 'jianpiao2']) {
      const s = await signedInPerson(browser, server.url, username, TABLET);
      await certifyInBrowser(s.page, id, '2024年民生实事项目票决', digest, (name) => checkPage(s.page, s.errors, `${name} (${username})`));
      await s.context.close();
    }

    // The hall display, open on the projector before publication, switches to the result by itself.
    const hall = await mishu.context.newPage();
    const hallErrors = watchPageErrors(hall);
    await hall.setViewportSize({ width: 1920, height: 1080 });
    await hall.goto(`/elections/${id}/display`);
    await expect.poll(() => hall.locator('.hall__state').textContent()).toBe('已确认');
    await checkPage(hall, hallErrors, 'hall display (certified)');

    await publishInBrowser(mishu.page, id);
    await checkPage(mishu.page, mishu.errors, 'scrutiny (published)');
    await expect.poll(() => hall.locator('.hall__state').textContent(), { timeout: 10_000 }).toBe('已公布');
    // Two ballots of 240 deputies: nothing passes (more than half of all deputies), all twelve are listed as not chosen.
    expect(await hall.locator('.hall__numbers--small dd').allTextContents()).toEqual(['240', '228', '2']);
    expect(await hall.locator('.hall__chosen li').count()).toBe(0);
    expect(await hall.locator('.hall__note').first().textContent()).toBe('没有项目获得通过所需的赞成票。');
    expect((await hall.locator('.hall__note').last().textContent())!.split('、')).toHaveLength(12);
    await mkdir('/tmp/shots', { recursive: true });
    await hall.screenshot({ path: '/tmp/shots/hall-result.png' });
    await checkPage(hall, hallErrors, 'hall display (published)');
    await hall.close();
    // The record (v2: the encrypted ballots, the trustees' partial decryptions) verifies, and its
    // totals are the two ballots': 赞成 2 for the first nine options, 1 for the tenth, 0 after.
    const record = await (await mishu.context.request.get(`/elections/${id}/record.json`)).json() as ElectionRecordV2;
    const key = await (await mishu.context.request.get('/.well-known/minsheng-signing-key')).text();
    expect(record.format).toBe(RECORD_FORMAT_V2);
    expect(verifyRecord(record, { key }).problems).toEqual([]);
    expect(record.ballots.map((b) => b.tracker).sort()).toEqual([...trackers].sort());
    expect(record.decryption.electronic).toEqual(KEYS.map((_, o) => ({ F: o < 9 ? 2 : o === 9 ? 1 : 0, A: 0, N: o < 9 ? 0 : o === 9 ? 1 : 2 })));
    await mishu.context.close();

    // Anyone: each tracker says its encrypted ballot was counted, and shows no marks.
    const citizen = await browser.newContext({ baseURL: server.url });
    const page = await citizen.newPage();
    const errors = watchPageErrors(page);
    for (const tracker of trackers) {
      await page.goto('/verify');
      await page.getByLabel('追踪码').fill(tracker.toLowerCase().replaceAll('-', ''));
      await Promise.all([page.waitForURL('**/verify?tracker=*'), page.getByRole('button', { name: '核验' }).click()]);
      const text = (await page.locator('main').textContent())!;
      expect(text).toContain(`追踪码 ${tracker} 对应的加密选票已计入公布的结果。`);
      expect(await page.locator('main table').count(), 'the verify page shows a table of marks').toBe(0);
      expect(text).not.toMatch(/赞成|反对|弃权/);
    }
    await checkPage(page, errors, 'verify (published, encrypted)');
    await citizen.close();

    const nu = await validateHtmlBatch(documents);
    const problems = [...nu].filter(([, m]) => m.length).map(([url, m]) => formatNuMessages(url, m));
    expect(problems).toEqual([]);
  });
});
