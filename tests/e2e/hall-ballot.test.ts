/**
 * Issue 11, "The day in the hall", in the browser, on the demo's 2024 vote (encrypted): unmarked items marked in the page (with and without
 * JavaScript), and a shared tablet that leaves nothing of a cast ballot on screen, in the history or
 * in the back/forward cache, whether the deputy leaves the receipt by hand or lets it time out.
 * Screenshots go to /tmp/shots/ for people to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkPageWithoutJs, openVoteInBrowser, expectCleanPage, formatNuMessages, launchBrowser, PHONE, selectedMarks, signInThroughForm, startServer,
  TABLET, validateHtmlBatch, watchPageErrors, type HtmlDocument, type PageErrors, type RunningServer,
} from './harness.ts';

const SHOTS = '/tmp/shots';
const MEETING = '龙游县第十四届人民代表大会第三次会议';
const ELECTION = '2024年民生实事项目票决';
const KEYS = Array.from({ length: 12 }, (_, i) => `c${String(i + 1).padStart(2, '0')}`);
/** A complete ballot: 赞成 for the first ten, 反对 for the eleventh, 弃权 for the twelfth. */
const FINAL: Record<string, 'F' | 'A' | 'N'> = Object.fromEntries(KEYS.map((k, i) => [k, i < 10 ? 'F' : i === 10 ? 'A' : 'N']));
/** Left unmarked in the unmarked-items tests. */
const UNMARKED = ['c03', 'c07'];

let server: RunningServer;
let browser: Browser;
let electionId: number;
const documents: HtmlDocument[] = [];
const checkPage = (page: Page, errors: PageErrors | undefined, name: string) => expectCleanPage(page, errors, name, documents);

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  mkdirSync(SHOTS, { recursive: true });
  // The secretariat opens the 2024 vote (the demo meeting uses shared tablets).
  const staff = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
  const page = await staff.newPage();
  await signInThroughForm(page, 'mishu', { landsOn: '/admin' });
  await page.goto('/admin/meetings');
  await Promise.all([page.waitForURL(/\/admin\/meetings\/\d+$/), page.getByRole('link', { name: MEETING, exact: true }).click()]);
  expect(await page.locator('input[name="sharedTablets"]').last().isChecked(), 'the demo meeting uses shared tablets').toBe(true);
  await Promise.all([page.waitForURL(/\/admin\/elections\/\d+$/), page.getByRole('link', { name: ELECTION, exact: true }).click()]);
  electionId = Number(/\/admin\/elections\/(\d+)$/.exec(new URL(page.url()).pathname)![1]);
  // Opening is confirmed on a page of its own.
  await openVoteInBrowser(page, electionId);
  await staff.close();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function newDeputyPage(opts: { viewport: { width: number; height: number }; javaScriptEnabled?: boolean }): Promise<{ context: BrowserContext; page: Page; errors: PageErrors }> {
  const context = await browser.newContext({ baseURL: server.url, ...opts });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return { context, page, errors: watchPageErrors(page) };
}

const choiceLabel = (page: Page, key: string, letter: string) =>
  page.locator(`label.choice.choice--${letter}:has(input[type="radio"][name="choice.${key}"][value="${letter}"])`);

async function mark(page: Page, marks: Record<string, string>): Promise<void> {
  for (const [key, letter] of Object.entries(marks)) await choiceLabel(page, key, letter).click();
}

/** Full-page screenshots at the tablet and the phone size, then back to `restore`. */
async function screenshots(page: Page, name: string, restore: { width: number; height: number }): Promise<void> {
  for (const [size, viewport] of [['tablet', TABLET], ['phone', PHONE]] as const) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, `hall-${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(restore);
}

/** What the page says about unmarked items: the summary (shown, its visible entries), each item's state. */
async function unmarkedState(page: Page) {
  return page.evaluate(() => {
    const summary = document.querySelector('[data-error-summary]') as HTMLElement | null;
    const items = [...document.querySelectorAll('[data-item]')].map((item) => {
      const key = (item as HTMLElement).dataset.item!;
      const message = item.querySelector('.ballot-item__error') as HTMLElement;
      const radios = [...item.querySelectorAll('input[type="radio"]')];
      return {
        key,
        marked: item.classList.contains('ballot-item--missing'),
        message: message.hidden ? null : message.textContent,
        describedBy: item.querySelector('fieldset')!.getAttribute('aria-describedby'),
        invalid: radios.filter((r) => r.getAttribute('aria-invalid') === 'true').length,
      };
    });
    return {
      summaryShown: summary !== null && !summary.hidden && summary.getBoundingClientRect().height > 0,
      summaryRole: summary?.getAttribute('role'),
      summaryFocused: document.activeElement === summary,
      links: [...(summary?.querySelectorAll('li:not([hidden]) a') ?? [])].map((a) => [a.textContent, a.getAttribute('href')]),
      flagged: items.filter((i) => i.marked || i.message || i.describedBy || i.invalid),
    };
  });
}

/** The unmarked items as they must be flagged: in words, tied to their group, each choice aria-invalid. */
const flaggedAsExpected = (keys: string[]) => keys.map((key) => ({ key, marked: true, message: '未选择：请在本项中选择一项。', describedBy: `missing-${key}`, invalid: 3 }));

/**
 * Problems with a page seen after a shared-tablet cast: anything of the previous deputy's ballot
 * (tracker, receipt, marks, checked choices) or their name.
 */
async function leftovers(page: Page, tracker: string, displayName: string): Promise<string[]> {
  const text = await page.evaluate(() => document.documentElement.innerText);
  const html = await page.content();
  const problems: string[] = [];
  if (html.includes(tracker) || text.includes(tracker)) problems.push('the tracker is on the page');
  if (text.includes('投票回执')) problems.push('the receipt is on the page');
  if (text.includes('请核对您的选票') || text.includes('核对并投出加密选票')) problems.push('the review step is on the page');
  if (/赞成|反对|弃权/.test(text)) problems.push('marks are on the page');
  if (await page.locator('input[type="radio"]:checked, table.review-table').count()) problems.push('choices are on the page');
  if (text.includes(displayName)) problems.push(`“${displayName}” is on the page`);
  return problems;
}

/** Goes back one entry with history.back() and waits for whatever the browser then shows to settle. */
async function back(page: Page): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { timeout: 10_000 });
  await page.evaluate(() => history.back());
  await navigated;
  await page.waitForLoadState('load');
  // A page brought back from the back/forward cache may go on somewhere by itself (pageshow).
  await page.waitForTimeout(750);
  await page.waitForLoadState('load');
}

const TRACKER = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;

/**
 * Reviews and casts a complete ballot on the ballot page; returns the tracker. The vote is encrypted:
 * with JavaScript the page encrypts and shows the review in place, without it the server encrypts
 * and shows the review page; either way the review shows the tracker before the cast, and the
 * receipt the same tracker and none of the marks.
 */
async function castComplete(page: Page): Promise<string> {
  await mark(page, FINAL);
  await page.getByRole('button', { name: /下一步/ }).click();
  // Encrypting and proving twelve options in the page takes a moment on a slow machine.
  await page.locator('[data-review-tracker]').filter({ hasText: /\S/ }).waitFor({ timeout: 60_000 });
  await page.waitForLoadState('load');
  expect(await page.getByRole('heading', { name: '核对并投出加密选票' }).isVisible()).toBe(true);
  const tracker = (await page.locator('[data-review-tracker]').textContent())!.trim();
  expect(tracker).toMatch(TRACKER);
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === `${server.url}/elections/${electionId}/ballot`),
    page.getByRole('button', { name: '投出加密选票' }).click(),
  ]);
  await page.locator('#ballot-area h1', { hasText: '投票回执' }).waitFor();
  await page.waitForLoadState('load');
  expect((await page.locator('.tracker').textContent())!.trim()).toBe(tracker);
  expect(await page.locator('#ballot-area').innerText(), 'the receipt of an encrypted ballot shows marks').not.toMatch(/赞成|反对|弃权/);
  return tracker;
}

describe('unmarked items on the ballot', () => {
  it('with JavaScript: marked in the page before anything is sent, with a focused error summary linking them', async () => {
    const { context, page, errors } = await newDeputyPage({ viewport: TABLET });
    await signInThroughForm(page, 'd001', { landsOn: '/vote' });
    await page.goto(`/elections/${electionId}/ballot`);
    const posts: string[] = [];
    page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });
    await mark(page, Object.fromEntries(Object.entries(FINAL).filter(([k]) => !UNMARKED.includes(k))));
    await page.getByRole('button', { name: /下一步/ }).click();
    await page.waitForTimeout(500);

    expect(posts, 'an incomplete ballot was sent').toEqual([]);
    const state = await unmarkedState(page);
    expect(state.summaryShown, 'no error summary in the page (the browser’s own bubble only?)').toBe(true);
    expect(state.summaryRole).toBe('alert');
    expect(state.summaryFocused, 'the summary has the focus').toBe(true);
    expect(state.links).toEqual([
      ['第 3 项“老年助餐服务扩面”尚未选择', '#choice-c03-F'],
      ['第 7 项“全民健身设施补短板”尚未选择', '#choice-c07-F'],
    ]);
    expect(state.flagged).toEqual(flaggedAsExpected(UNMARKED));
    expect(await selectedMarks(page, KEYS), 'the marks given are kept').toEqual({ ...FINAL, c03: undefined, c07: undefined });
    await checkPage(page, errors, 'd001 ballot, two items unmarked (JS)');
    await screenshots(page, 'unmarked-js', TABLET);

    // The summary's link takes the deputy to the item's first choice.
    await page.getByRole('link', { name: /第 7 项/ }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('choice-c07-F');
    // Marking an item clears its flag; the summary goes with the last one.
    await choiceLabel(page, 'c07', 'A').click();
    expect((await unmarkedState(page)).flagged).toEqual(flaggedAsExpected(['c03']));
    expect((await unmarkedState(page)).links).toHaveLength(1);
    await choiceLabel(page, 'c03', 'F').click();
    const cleared = await unmarkedState(page);
    expect(cleared.summaryShown).toBe(false);
    expect(cleared.flagged).toEqual([]);
    await checkPage(page, errors, 'd001 ballot, all marked again (JS)');
    // Complete now: the review step comes, in the page (encrypted here: still nothing sent).
    await page.getByRole('button', { name: /下一步/ }).click();
    await page.locator('#encrypted-review').waitFor({ state: 'visible', timeout: 60_000 });
    expect((await unmarkedState(page)).summaryShown, 'the error summary is shown beside the review').toBe(false);
    expect(posts).toEqual([]);
    errors.dispose();
    await context.close();
  });

  it('without JavaScript: the server refuses the ballot (422) and sends it back marked, with the summary, the marks kept', async () => {
    const { context, page, errors } = await newDeputyPage({ viewport: PHONE, javaScriptEnabled: false });
    const auditing = await browser.newContext({ baseURL: server.url });
    const auditor = await auditing.newPage();
    const reviewUrl = `${server.url}/elections/${electionId}/ballot/review`;
    await signInThroughForm(page, 'd002', { landsOn: '/vote' });
    await page.goto(`/elections/${electionId}/ballot`);
    await mark(page, Object.fromEntries(Object.entries(FINAL).filter(([k]) => !UNMARKED.includes(k))));
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === reviewUrl),
      page.waitForURL(reviewUrl),
      page.getByRole('button', { name: /下一步/ }).click(),
    ]);
    expect(refused.status(), 'the browser did not send the ballot, or the server took it').toBe(422);
    await page.waitForLoadState();
    // Chromium logs any 4xx document as a console error; this one is the expected refusal.
    expect(errors.errors).toEqual([expect.stringMatching(/status of 422 .*\/ballot\/review/)]);
    errors.clear();

    const state = await unmarkedState(page);
    expect(state.summaryShown).toBe(true);
    expect(state.summaryRole).toBe('alert');
    expect(state.summaryFocused, 'the summary has the focus (autofocus)').toBe(true);
    expect(state.links.map(([, href]) => href)).toEqual(['#choice-c03-F', '#choice-c07-F']);
    expect(state.flagged).toEqual(flaggedAsExpected(UNMARKED));
    expect(await selectedMarks(page, KEYS)).toEqual({ ...FINAL, c03: undefined, c07: undefined });
    await checkPageWithoutJs(page, errors, auditor, 'd002 ballot refused, two items unmarked (no JS)', KEYS, documents);
    await screenshots(page, 'unmarked-nojs', PHONE);

    // The link goes to the item (a plain fragment link).
    await page.getByRole('link', { name: /第 3 项/ }).click();
    expect(new URL(page.url()).hash).toBe('#choice-c03-F');
    // Marked and sent again: the review step.
    await mark(page, { c03: 'F', c07: 'F' });
    const [review] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === reviewUrl),
      page.getByRole('button', { name: /下一步/ }).click(),
    ]);
    expect(review.status()).toBe(200);
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('核对并投出加密选票');
    expect((await page.locator('[data-review-tracker]').textContent())!.trim()).toMatch(TRACKER);
    errors.dispose();
    await context.close();
    await auditing.close();
  });
});

describe('a shared tablet after a cast', () => {
  it('with JavaScript, leaving by hand: the sign-in page, and Back shows nothing of the ballot', async () => {
    const { context, page, errors } = await newDeputyPage({ viewport: TABLET });
    await signInThroughForm(page, 'd001', { landsOn: '/vote' });
    await Promise.all([page.waitForURL(`**/elections/${electionId}/ballot`), page.locator(`a.tile[href="/elections/${electionId}/ballot"]`).click()]);
    const tracker = await castComplete(page);

    // The receipt: the tracker stays until the deputy leaves; a countdown says when it goes by itself.
    const leave = page.getByRole('link', { name: '我已看完，退出' });
    expect(await leave.count(), 'no way to leave the receipt').toBeGreaterThan(0);
    expect(await page.locator('[data-countdown]').textContent()).toMatch(/^(60|59|58) 秒后将自动回到登录页。$/);
    expect(await page.locator('.button', { hasText: '我已看完，退出' }).first().evaluate((el) => el.getBoundingClientRect().height)).toBeGreaterThanOrEqual(44);
    await checkPage(page, errors, 'd001 shared receipt (JS)');
    await screenshots(page, 'shared-receipt-js', TABLET);

    await Promise.all([page.waitForURL((u) => u.pathname === '/login'), leave.first().click()]);
    await page.waitForLoadState('load');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('登录');
    expect(await leftovers(page, tracker, '代表 D001（演示）')).toEqual([]);
    await checkPage(page, errors, 'after leaving the shared receipt (JS)');
    await screenshots(page, 'shared-left-js', TABLET);

    // Back, and back again: the receipt's entry was replaced; the pages before it show nothing.
    for (const step of [1, 2]) {
      await back(page);
      expect(await leftovers(page, tracker, '代表 D001（演示）'), `after history.back() ×${step}: ${page.url()}`).toEqual([]);
      expect(new URL(page.url()).pathname, `after history.back() ×${step}`).toBe('/login');
      await screenshots(page, `shared-back${step}-js`, TABLET);
    }
    await checkPage(page, errors, 'after leaving the shared receipt and going back (JS)');
    errors.dispose();
    await context.close();
  });

  it('with JavaScript, leaving by timeout: after the countdown the sign-in page, and Back shows nothing of the ballot', async () => {
    const { context, page, errors } = await newDeputyPage({ viewport: PHONE });
    await signInThroughForm(page, 'd002', { landsOn: '/vote' });
    await page.goto(`/elections/${electionId}/ballot`);
    await page.clock.install();
    const tracker = await castComplete(page);
    await page.clock.fastForward(30_000);
    expect(await page.locator('[data-countdown]').textContent()).toMatch(/^(30|29) 秒后将自动回到登录页。$/);
    expect(await page.locator('.tracker').textContent(), 'the tracker is still shown before the timeout').toContain(tracker);
    await checkPage(page, errors, 'd002 shared receipt after 30 s (JS)');
    await screenshots(page, 'shared-receipt-30s-js', PHONE);
    await Promise.all([page.waitForURL((u) => u.pathname === '/login'), page.clock.fastForward(31_000)]);
    await page.waitForLoadState('load');
    expect(await leftovers(page, tracker, '代表 D002（演示）')).toEqual([]);
    await checkPage(page, errors, 'after the shared receipt timed out (JS)');
    await screenshots(page, 'shared-timeout-js', PHONE);
    await back(page);
    expect(await leftovers(page, tracker, '代表 D002（演示）'), `after history.back(): ${page.url()}`).toEqual([]);
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshots(page, 'shared-timeout-back-js', PHONE);
    errors.dispose();
    await context.close();
  });

  it('without JavaScript, leaving by hand: the sign-in page, and Back shows nothing of the ballot', async () => {
    const { context, page, errors } = await newDeputyPage({ viewport: PHONE, javaScriptEnabled: false });
    const auditing = await browser.newContext({ baseURL: server.url });
    const auditor = await auditing.newPage();
    await signInThroughForm(page, 'jianpiao1', { landsOn: '/vote' });
    await page.goto(`/elections/${electionId}/ballot`);
    const tracker = await castComplete(page);
    expect(await page.locator('head noscript').innerHTML()).toContain('http-equiv="refresh" content="60; url=/login"');
    await checkPageWithoutJs(page, errors, auditor, 'jianpiao1 shared receipt (no JS)', KEYS, documents);
    await screenshots(page, 'shared-receipt-nojs', PHONE);

    await Promise.all([page.waitForURL((u) => u.pathname === '/login'), page.getByRole('link', { name: '我已看完，退出' }).first().click()]);
    expect(await leftovers(page, tracker, '监票人甲（演示）')).toEqual([]);
    await checkPageWithoutJs(page, errors, auditor, 'after leaving the shared receipt (no JS)', KEYS, documents);
    for (const step of [1, 2]) {
      await back(page);
      expect(await leftovers(page, tracker, '监票人甲（演示）'), `after history.back() ×${step}: ${page.url()}`).toEqual([]);
      await screenshots(page, `shared-back${step}-nojs`, PHONE);
    }
    errors.dispose();
    await context.close();
    await auditing.close();
  });

  it('without JavaScript, leaving by timeout: the page refreshes to sign-in after 60 s, and Back shows nothing of the ballot', async () => {
    const { context, page, errors } = await newDeputyPage({ viewport: TABLET, javaScriptEnabled: false });
    await signInThroughForm(page, 'jianpiao2', { landsOn: '/vote' });
    await page.goto(`/elections/${electionId}/ballot`);
    const tracker = await castComplete(page);
    const shown = Date.now();
    await page.waitForURL((u) => u.pathname === '/login', { timeout: 75_000 });
    expect(Date.now() - shown).toBeGreaterThan(50_000);
    await page.waitForLoadState('load');
    expect(await leftovers(page, tracker, '监票人乙（演示）')).toEqual([]);
    await screenshots(page, 'shared-timeout-nojs', TABLET);
    await back(page);
    expect(await leftovers(page, tracker, '监票人乙（演示）'), `after history.back(): ${page.url()}`).toEqual([]);
    await screenshots(page, 'shared-timeout-back-nojs', TABLET);
    errors.dispose();
    await context.close();
  }, 150_000);

  it('serves valid HTML on every page and state visited (Nu Html Checker)', async () => {
    expect(documents.length).toBeGreaterThan(5);
    const results = await validateHtmlBatch(documents);
    const report = [...results].filter(([, errors]) => errors.length > 0).map(([url, errors]) => formatNuMessages(url, errors));
    expect(report, report.join('\n')).toEqual([]);
  });
});
