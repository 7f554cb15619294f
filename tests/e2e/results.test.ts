import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectCleanPage, formatNuMessages, launchBrowser, startServer, validateHtmlBatch, watchPageErrors,
  type HtmlDocument, type RunningServer,
} from './harness.ts';

/** For people (and the session that wrote this) to look at; nothing asserts on them. */
const SHOTS = process.env.SCREENSHOT_DIR ?? '/tmp/shots';

let server: RunningServer;
let browser: Browser;
const documents: HtmlDocument[] = [];
/** The demo's published selection and its meeting, found in beforeAll. */
let electionId = '';
let meetingId = '';

interface ApiMeeting { id: string; year: number; elections: { id: string; kind: string; state: string }[] }

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  mkdirSync(SHOTS, { recursive: true });
  const context = await browser.newContext({ baseURL: server.url });
  const meetings = await (await context.request.get('/api/meetings')).json() as ApiMeeting[];
  await context.close();
  // The demo's published 2023 vote: a full hall's ballots, ten of twelve chosen (src/demo/history.ts).
  const published = meetings.flatMap((m) => m.elections.filter((e) => e.kind === 'selection' && e.state === 'published').map((e) => ({ meeting: m.id, election: e.id })))[0];
  expect(published, 'the demo publishes its 2023 vote').toBeDefined();
  electionId = published!.election;
  meetingId = published!.meeting;
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function visit<T>(lang: 'zh-CN' | 'en', use: (page: Page) => Promise<T>, viewport = { width: 1024, height: 1366 }): Promise<T> {
  const context = await browser.newContext({ baseURL: server.url, viewport });
  await context.addCookies([{ name: 'lang', value: lang, url: server.url }]);
  try {
    return await use(await context.newPage());
  } finally {
    await context.close();
  }
}

describe('published results in the browser', () => {
  it.each(['zh-CN', 'en'] as const)('shows the result page with its chart, chosen list and proof (%s), clean', async (lang) => {
    await visit(lang, async (page) => {
      const errors = watchPageErrors(page);
      const res = await page.goto(`/elections/${electionId}/result`);
      expect(res!.status()).toBe(200);
      const chart = page.getByRole('img', { name: lang === 'zh-CN' ? '各项目赞成票' : 'Votes for each project' });
      expect(await chart.isVisible()).toBe(true);
      const record = await (await page.request.get(`/elections/${electionId}/record.json`)).json() as { result: { options: { selected: boolean }[] }; digest: string };
      const selected = record.result.options.filter((o) => o.selected).length;
      expect(await page.locator('#chosen-title + p + ol.chosen-list > li').count()).toBe(selected);
      expect(await page.locator('code.digest').first().textContent()).toBe(record.digest);
      expect(await page.locator('svg .chart__bar').count()).toBe(record.result.options.length);
      await expectCleanPage(page, errors, `result (${lang})`, documents);
      await page.screenshot({ path: join(SHOTS, `result-${lang}.png`), fullPage: true });
    });
  });

  it('keeps the chart readable on a phone', async () => {
    await visit('zh-CN', async (page) => {
      await page.goto(`/elections/${electionId}/result`);
      await page.locator('figure.chart').screenshot({ path: join(SHOTS, 'result-chart-phone.png') });
      const box = await page.locator('figure.chart svg').boundingBox();
      const card = await page.locator('figure.chart').boundingBox();
      // Within its card on the phone (no sideways scrolling), its type at full size (17 px).
      expect(box!.x).toBeGreaterThanOrEqual(card!.x);
      expect(box!.x + box!.width).toBeLessThanOrEqual(card!.x + card!.width);
      expect(await page.locator('figure.chart svg text.chart__label').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBe(17);
    }, { width: 390, height: 844 });
  });

  it.each(['zh-CN', 'en'] as const)('prints the 公告 without the site around it (%s)', async (lang) => {
    await visit(lang, async (page) => {
      const errors = watchPageErrors(page);
      await page.goto(`/elections/${electionId}/result`);
      await Promise.all([page.waitForURL(`**/elections/${electionId}/announcement`), page.getByRole('link', { name: lang === 'zh-CN' ? '打印公告' : 'Printable announcement' }).click()]);
      const title = await page.getByRole('heading', { level: 1 }).textContent();
      expect(title).toContain(lang === 'zh-CN' ? '公告' : 'Announcement');
      // app.js shows the Print button.
      expect(await page.getByRole('button', { name: lang === 'zh-CN' ? '打印公告' : 'Print the announcement' }).isVisible()).toBe(true);
      await expectCleanPage(page, errors, `announcement (${lang})`, documents);
      await page.screenshot({ path: join(SHOTS, `announcement-${lang}.png`), fullPage: true });

      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('.site-header').isVisible()).toBe(false);
      expect(await page.locator('.site-footer').isVisible()).toBe(false);
      expect(await page.locator('.announcement-tools').isVisible()).toBe(false);
      expect(await page.locator('.announcement').isVisible()).toBe(true);
      const font = await page.locator('.announcement').evaluate((el) => getComputedStyle(el).fontFamily);
      expect(font).toMatch(/FangSong/);
      await page.screenshot({ path: join(SHOTS, `announcement-${lang}-print.png`), fullPage: true });
      if (lang === 'zh-CN') await page.pdf({ path: join(SHOTS, 'announcement-zh-CN.pdf'), format: 'A4', printBackground: true });
    });
  });

  it.each(['zh-CN', 'en'] as const)('lists the meeting\'s votes and its final chosen list (%s), linking to the result', async (lang) => {
    await visit(lang, async (page) => {
      const errors = watchPageErrors(page);
      await page.goto(`/meetings/${meetingId}`);
      const region = page.getByRole('region', { name: lang === 'zh-CN' ? '入选项目' : 'Selected projects' });
      expect(await region.locator('ol.chosen-list > li').count()).toBeGreaterThan(0);
      await expectCleanPage(page, errors, `meeting (${lang})`, documents);
      await page.screenshot({ path: join(SHOTS, `meeting-${lang}.png`), fullPage: true });
      await Promise.all([page.waitForURL(`**/elections/${electionId}/result`), page.locator(`a[href="/elections/${electionId}/result"]`).first().click()]);
    });
  });

  it('serves valid HTML (Nu Html Checker)', async () => {
    const nu = await validateHtmlBatch(documents);
    const problems = [...nu].filter(([, m]) => m.length).map(([url, m]) => formatNuMessages(url, m));
    expect(problems).toEqual([]);
  });
});
