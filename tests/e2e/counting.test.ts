import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyRecord } from '../../src/domain/record/verify.ts';
import {
  certifyInBrowser, expectCleanPage, publishInBrowser, sealInBrowser, formatNuMessages, launchBrowser, postConfirmed, signedInPerson, startServer, TABLET, validateHtmlBatch,
  watchPageErrors, type HtmlDocument, type PageErrors, type RunningServer,
} from './harness.ts';

const KEYS = Array.from({ length: 12 }, (_, i) => `c${String(i + 1).padStart(2, '0')}`);
const TRACKER = /[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}/;

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

describe('counting, certification and publication in the browser', () => {
  it('seals, is certified by two scrutineers, is published, and the record and ballot tracking verify', async () => {
    const mishu = await signedInPerson(browser, server.url, 'mishu', TABLET);
    const meetings = await (await mishu.context.request.get('/api/meetings')).json() as { elections: { id: string }[] }[];
    const id = meetings[0]!.elections[0]!.id;
    const post = (who: { context: BrowserContext }, path: string, form: Record<string, string> = {}) => postConfirmed(who.context, server.url, path, form);
    expect((await post(mishu, `/admin/elections/${id}/open`)).status()).toBe(303);
    let tracker = '';
    for (const [i, username] of ['d001', 'd002'].entries()) {
      const deputy = await signedInPerson(browser, server.url, username, TABLET);
      const choices = Object.fromEntries(KEYS.map((k, j) => [`choice.${k}`, j < 10 - i ? 'F' : 'N']));
      const receipt = await (await post(deputy, `/elections/${id}/ballot`, choices)).text();
      if (i === 0) tracker = TRACKER.exec(receipt)![0];
      await deputy.context.close();
    }
    expect((await post(mishu, `/admin/elections/${id}/close`)).status()).toBe(303);

    // The secretariat seals from the vote's page; each scrutineer finds the vote from their account
    // and confirms the digest they see.
    const digest = await sealInBrowser(mishu.page, id, (name) => checkPage(mishu.page, mishu.errors, name));
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
    const record = await (await mishu.context.request.get(`/elections/${id}/record.json`)).json();
    const key = await (await mishu.context.request.get('/.well-known/minsheng-signing-key')).text();
    expect(verifyRecord(record, { key }).problems).toEqual([]);
    await mishu.context.close();

    // Anyone: the tracker now shows the ballot's marks.
    const citizen = await browser.newContext({ baseURL: server.url });
    const page = await citizen.newPage();
    const errors = watchPageErrors(page);
    await page.goto('/verify');
    await page.getByLabel('追踪码').fill(tracker.toLowerCase().replaceAll('-', ''));
    await Promise.all([page.waitForURL('**/verify?tracker=*'), page.getByRole('button', { name: '核验' }).click()]);
    await expect.poll(() => page.locator('table caption').textContent()).toBe('这张选票的内容');
    expect(await page.locator('table tbody tr td:last-child').allTextContents()).toEqual([...Array(10).fill('赞成'), '弃权', '弃权']);
    await checkPage(page, errors, 'verify (published)');
    await citizen.close();

    const nu = await validateHtmlBatch(documents);
    const problems = [...nu].filter(([, m]) => m.length).map(([url, m]) => formatNuMessages(url, m));
    expect(problems).toEqual([]);
  });
});
