import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/platform/db/index.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { seedTestDemo } from '../support/demo-snapshot.ts';
import {
  checkPageWithoutJs, choiceLabel, openVoteInBrowser, postConfirmed, expectCleanPage, formatNuMessages, launchBrowser, PHONE, repoRoot, selectedMarks, signInThroughForm,
  startServer, TABLET, validateHtmlBatch, watchPageErrors, type HtmlDocument, type PageErrors, type RunningServer,
} from './harness.ts';

/** Screenshots for people to look at (test-results/ is gitignored); nothing asserts on the pixels. */
const SCREENSHOT_DIR = join(repoRoot, 'test-results', 'e2e');
const MEETING = '龙游县第十四届人民代表大会第三次会议';
const ELECTION = '2024年民生实事项目票决';
const SEATS = 10;
/** The vote's options in ballot order. */
const KEYS = Array.from({ length: 12 }, (_, i) => `c${String(i + 1).padStart(2, '0')}`);
/** The ballot finally cast: 赞成 for the first ten, 反对 for the eleventh, 弃权 for the twelfth. */
const FINAL: Record<string, 'F' | 'A' | 'N'> = Object.fromEntries(KEYS.map((k, i) => [k, i < 10 ? 'F' : i === 10 ? 'A' : 'N']));
const LABEL = { F: '赞成', A: '反对', N: '弃权' } as const;
const TRACKER = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;

let server: RunningServer;
let browser: Browser;
/** Every document visited (and every state after an in-place swap), validated in one Nu run at the end. */
const documents: HtmlDocument[] = [];

/** The secretariat's browser stays open on the election page throughout, watching turnout. */
let staff: BrowserContext;
let staffPage: Page;
let staffErrors: PageErrors;
let electionId: number;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const checkPage = (page: Page, errors: PageErrors | undefined, name: string) => expectCleanPage(page, errors, name, documents);


/** The marks in the review's table, in row order: 赞成/反对/弃权. */
async function tableMarks(page: Page): Promise<string[]> {
  return page.locator('#ballot-area table.review-table tbody tr td:last-child').allTextContents();
}

/**
 * With JavaScript: 下一步 on a complete ballot; the page encrypts it and shows the review in place.
 * Asserts the review lists the FINAL marks and returns the tracker it shows (before casting).
 */
async function reviewInPage(page: Page): Promise<string> {
  await page.getByRole('button', { name: /下一步/ }).click();
  const review = page.locator('#encrypted-review');
  // Encrypting and proving twelve options takes a moment on a slow machine.
  await review.waitFor({ state: 'visible', timeout: 60_000 });
  expect(await review.getByRole('heading', { level: 2 }).textContent()).toBe('核对并投出加密选票');
  expect(await tableMarks(page)).toEqual(KEYS.map((k) => LABEL[FINAL[k]!]));
  const tracker = (await review.locator('[data-review-tracker]').textContent())!.trim();
  expect(tracker).toMatch(TRACKER);
  expect(await page.evaluate(() => document.activeElement?.id), 'the review has the focus').toBe('encrypted-review');
  return tracker;
}

/** Problems with a receipt of an encrypted ballot that shows anything of the marks (the server never had them). */
async function noMarksOnReceipt(page: Page): Promise<string[]> {
  const problems: string[] = [];
  if (await page.locator('#ballot-area table.review-table').count()) problems.push('a table of marks');
  const text = await page.locator('#ballot-area').innerText();
  for (const label of Object.values(LABEL)) if (text.includes(label)) problems.push(`“${label}”`);
  if (await page.locator('input[type="radio"], input[name^="choice."]').count()) problems.push('choice fields');
  return problems;
}

/** Full-page screenshots at the tablet and the phone size; leaves the page at `restore`. */
async function screenshots(page: Page, name: string, restore: { width: number; height: number }): Promise<void> {
  for (const [size, viewport] of [['tablet', TABLET], ['phone', PHONE]] as const) {
    await page.setViewportSize(viewport);
    // From the top, so the sticky counter is drawn where it belongs in a full-page capture.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SCREENSHOT_DIR, `voting-${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(restore);
}

/** Elements narrower or shorter than 44 CSS px among the ballot's choice labels (WCAG 2.5.5 size). */
async function smallTargets(page: Page): Promise<string[]> {
  return page.locator('label.choice').evaluateAll((labels) => labels.flatMap((l) => {
    const r = l.getBoundingClientRect();
    const input = l.querySelector('input') as HTMLInputElement;
    return r.width < 44 || r.height < 44 ? [`${input.name}=${input.value}: ${Math.round(r.width)}×${Math.round(r.height)}`] : [];
  }));
}

/**
 * Problems with the site header after a deputy was signed out on casting: it must not go on showing
 * their name and a sign-out button to whoever picks up the shared tablet next.
 */
async function signedInHeader(page: Page, displayName: string): Promise<string[]> {
  // On a phone the navigation waits, closed, behind 菜单: what it holds counts all the same.
  const nav = page.locator('header .site-nav');
  const problems: string[] = [];
  if ((await nav.textContent())!.includes(displayName)) problems.push(`the header still shows “${displayName}”`);
  if (await nav.getByRole('button', { name: '退出登录', includeHidden: true }).count()) problems.push('the header still offers 退出登录');
  if (!(await nav.getByRole('link', { name: '登录', exact: true, includeHidden: true }).count())) problems.push('the header offers no 登录 link');
  return problems;
}

/** The value shown under 已投票 in the turnout panel. */
const votedCount = (page: Page) => page.locator('#turnout dl div').filter({ has: page.locator('dt', { hasText: /^已投票$/ }) }).locator('dd');

describe('voting in the browser', () => {
  it('the secretariat opens the 2024 vote from the admin pages', async () => {
    staff = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    staff.setDefaultTimeout(15_000);
    staffPage = await staff.newPage();
    staffErrors = watchPageErrors(staffPage);
    const page = staffPage;
    await signInThroughForm(page, 'mishu', { landsOn: '/admin' });
    await checkPage(page, staffErrors, 'staff /admin');

    await Promise.all([page.waitForURL('**/admin/meetings'), page.getByRole('link', { name: /会议、候选项目与票决/ }).click()]);
    await checkPage(page, staffErrors, 'staff /admin/meetings');

    await Promise.all([page.waitForURL(/\/admin\/meetings\/\d+$/), page.getByRole('link', { name: MEETING, exact: true }).click()]);
    await checkPage(page, staffErrors, 'staff /admin/meetings/:id');

    await Promise.all([page.waitForURL(/\/admin\/elections\/\d+$/), page.getByRole('link', { name: ELECTION, exact: true }).click()]);
    electionId = Number(/\/admin\/elections\/(\d+)$/.exec(new URL(page.url()).pathname)![1]);
    const heading = page.getByRole('heading', { level: 1 });
    expect(await heading.textContent()).toContain('未开启');
    await checkPage(page, staffErrors, 'staff /admin/elections/:id (draft)');

    // Opening is asked first: the page says 应到, 实到 and who the scrutineers are.
    await openVoteInBrowser(page, electionId, async () => {
      expect(await page.locator('.confirm__list').textContent()).toContain('监票人：');
      await checkPage(page, staffErrors, 'staff open confirmation');
    });
    expect(await heading.textContent()).toContain('投票中');
    expect(await page.getByRole('button', { name: '开启投票' }).count()).toBe(0);
    // Turnout is shown (and polled) once the vote is open; nobody has voted yet.
    await expect.poll(() => votedCount(page).textContent()).toBe('0');
    await checkPage(page, staffErrors, 'staff /admin/elections/:id (open)');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'voting-admin-open.png'), fullPage: true });
  });

  it('a deputy votes with JavaScript: live counter, client-side limit, encrypted and reviewed in the page with the tracker, change, cast without the marks, signed out', async () => {
    const context = await browser.newContext({ baseURL: server.url, viewport: TABLET });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    const ballotUrl = `${server.url}/elections/${electionId}/ballot`;

    await signInThroughForm(page, 'd001', { landsOn: '/vote' });
    await page.goto('/vote');
    await checkPage(page, errors, 'd001 /vote');
    const tile = page.locator(`a.tile[href="/elections/${electionId}/ballot"]`);
    expect(await tile.textContent()).toContain('待投票');
    await Promise.all([page.waitForURL(ballotUrl), tile.click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(ELECTION);
    expect(await page.locator('input[type="radio"]').count()).toBe(KEYS.length * 3);
    const counter = page.locator('[data-count]');
    const over = page.locator('[data-over]');
    const review = page.locator('#encrypted-review');
    expect(await counter.textContent()).toBe('0');
    expect(await page.textContent('#ballot-area')).toContain('本次表决使用加密选票');
    expect(await review.isHidden()).toBe(true);
    // Soft: a wrongly shown warning is a defect to report, but the rest of the flow still runs.
    expect.soft(await over.isVisible(), 'the over-limit warning is shown with 0 赞成').toBe(false);
    expect(await smallTargets(page), 'choice labels under 44×44 px at the tablet size').toEqual([]);
    await checkPage(page, errors, 'd001 ballot (empty)');
    await screenshots(page, 'ballot', TABLET);
    await page.setViewportSize(PHONE);
    expect(await smallTargets(page), 'choice labels under 44×44 px at the phone size').toEqual([]);
    await page.setViewportSize(TABLET);

    // Watch every request body, and for any step that replaces the document instead of working in
    // place: a property set on window now survives only as long as this document does.
    const bodies: { url: string; body: string }[] = [];
    page.on('request', (r) => { if (r.method() === 'POST') bodies.push({ url: r.url(), body: r.postData() ?? '' }); });
    await page.evaluate(() => { (window as unknown as { sameDocument: boolean }).sameDocument = true; });
    const sameDocument = () => page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true);

    // 赞成 for eleven options, one click on the label each; the counter follows every click.
    for (const [i, key] of KEYS.slice(0, 11).entries()) {
      await choiceLabel(page, key, 'F').click();
      expect(await counter.textContent(), `after 赞成 on ${key}`).toBe(String(i + 1));
    }
    await choiceLabel(page, 'c12', 'N').click();
    expect(await counter.textContent(), '弃权 does not count').toBe('11');
    expect(await selectedMarks(page, KEYS)).toEqual({ ...Object.fromEntries(KEYS.map((k) => [k, 'F'])), c12: 'N' });
    expect(await over.isVisible()).toBe(true);
    expect(await over.textContent()).toContain(`已超过 ${SEATS} 项`);
    await checkPage(page, errors, 'd001 ballot (11 赞成, warning shown)');
    await screenshots(page, 'over-limit', TABLET);

    // Every option has a mark, so only the page's scripts can stop the ballot: nothing is encrypted
    // (no review shown), nothing sent, the page not left.
    await page.getByRole('button', { name: /下一步/ }).click();
    await page.waitForTimeout(750);
    expect(bodies, 'something was posted for the over-limit ballot').toEqual([]);
    expect(await sameDocument(), 'the page was reloaded').toBe(true);
    expect(page.url()).toBe(ballotUrl);
    expect(await review.isVisible(), 'the over-limit ballot was encrypted for review').toBe(false);
    expect(await page.locator('form[data-ballot]').isVisible()).toBe(true);
    expect(await over.isVisible()).toBe(true);
    expect(await over.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }), 'the warning is scrolled into view').toBe(true);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'voting-over-limit-blocked-tablet.png') });
    expect(errors.errors).toEqual([]);

    // Back to ten: 反对 on the eleventh.
    await choiceLabel(page, 'c11', 'A').click();
    expect(await counter.textContent()).toBe(String(SEATS));
    expect.soft(await over.isVisible(), 'the over-limit warning is still shown with 10 赞成').toBe(false);
    expect(await selectedMarks(page, KEYS)).toEqual(FINAL);

    // The review is in the page: encrypted here, the tracker shown before casting, nothing sent.
    const firstTracker = await reviewInPage(page);
    expect(page.url()).toBe(ballotUrl);
    expect(await sameDocument(), 'the page was reloaded').toBe(true);
    expect(bodies, 'the review step sent something').toEqual([]);
    expect(await page.locator('form[data-ballot]').isHidden(), 'the ballot form is still shown beside the review').toBe(true);
    expect(await page.locator('[data-election-fingerprint]').textContent()).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4})+$/);
    await checkPage(page, errors, 'd001 encrypted review (in the page)');
    await screenshots(page, 'review', TABLET);

    // 修改: the ballot comes back with every choice as it was.
    await page.getByRole('button', { name: '修改', exact: true }).click();
    await page.locator('#ballot-area form[data-ballot]').waitFor({ state: 'visible' });
    expect(await review.isHidden()).toBe(true);
    expect(page.url()).toBe(ballotUrl);
    expect(await sameDocument(), 'the page was reloaded').toBe(true);
    expect(await selectedMarks(page, KEYS)).toEqual(FINAL);
    expect(await counter.textContent()).toBe(String(SEATS));
    expect.soft(await over.isVisible(), 'the over-limit warning is shown after 修改 with 10 赞成').toBe(false);
    await checkPage(page, errors, 'd001 ballot after 修改');

    // Review again (a fresh encryption, so another tracker) and cast: only the nonce, its MAC and
    // the encrypted ballot are sent, a whole page load (the header must show the deputy signed out).
    const tracker = await reviewInPage(page);
    expect(tracker, 'a second encryption of the same choices has the same tracker').not.toBe(firstTracker);
    await Promise.all([page.waitForURL(ballotUrl), page.getByRole('button', { name: '投出加密选票' }).click()]);
    await page.locator('#ballot-area h1', { hasText: '投票回执' }).waitFor();
    expect(bodies.map((b) => b.url)).toEqual([ballotUrl]);
    expect(bodies[0]!.body).toMatch(/^nonce=[0-9a-f]{32}&nonceMac=[A-Za-z0-9_-]{22}&ballot=[^&]+$/);
    const shown = (await page.locator('#ballot-area .tracker').textContent())!.trim();
    expect(shown).toMatch(TRACKER);
    expect(shown, 'the receipt’s tracker is not the one the review showed').toBe(tracker);
    const receipt = (await page.locator('#ballot-area').textContent())!;
    expect(receipt).toContain('您的选票已加密记录');
    expect(receipt).toContain('本设备已自动退出您的登录');
    expect(await noMarksOnReceipt(page), 'the receipt shows marks').toEqual([]);
    expect.soft(await signedInHeader(page, '代表 D001（演示）'), 'receipt after the cast: the signed-out deputy is still shown as signed in').toEqual([]);
    await checkPage(page, errors, 'd001 receipt');
    await screenshots(page, 'receipt', TABLET);

    // The shared tablet is signed out: the next person cannot reach this deputy's votes.
    await page.goto('/vote');
    expect(new URL(page.url()).pathname).toBe('/login');
    await checkPage(page, errors, 'd001 /vote after casting → /login');
    errors.dispose();
    await context.close();

    // The secretariat's page picks up the first ballot on its 3-second poll.
    await expect.poll(() => votedCount(staffPage).textContent(), { timeout: 10_000 }).toBe('1');
  });

  it('a deputy votes without JavaScript: plain form posts, the server refuses too many 赞成, then encrypts for review, and the deputy casts', async () => {
    const context = await browser.newContext({ baseURL: server.url, viewport: PHONE, javaScriptEnabled: false });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    const auditing = await browser.newContext({ baseURL: server.url });
    const auditor = await auditing.newPage();
    const checkPage = (p: Page, e: PageErrors, name: string) => checkPageWithoutJs(p, e, auditor, name, KEYS, documents);
    const reviewUrl = `${server.url}/elections/${electionId}/ballot/review`;

    await signInThroughForm(page, 'd002', { landsOn: '/vote' });
    await page.goto('/vote');
    await checkPage(page, errors, 'd002 (no JS) /vote');
    await Promise.all([page.waitForURL(`**/elections/${electionId}/ballot`), page.locator(`a.tile[href="/elections/${electionId}/ballot"]`).click()]);
    await checkPage(page, errors, 'd002 (no JS) ballot');

    // Eleven 赞成: nothing stops the form in the browser; the server refuses it.
    for (const key of KEYS.slice(0, 11)) await choiceLabel(page, key, 'F').click();
    await choiceLabel(page, 'c12', 'N').click();
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === reviewUrl),
      page.waitForURL(reviewUrl),
      page.getByRole('button', { name: /下一步/ }).click(),
    ]);
    expect(refused.status()).toBe(422);
    await page.waitForLoadState();
    // Chromium logs any 4xx document as a console error; this one is the expected refusal.
    expect(errors.errors).toEqual([expect.stringMatching(/status of 422 .*\/ballot\/review/)]);
    errors.clear();
    const alert = page.locator('#ballot-area [role="alert"]');
    expect(await alert.textContent()).toContain(`最多只能选 ${SEATS} 项`);
    expect(await page.locator('[data-count]').textContent(), 'the server counts the 赞成 it refused').toBe('11');
    expect(await selectedMarks(page, KEYS), 'the choices come back as they were').toEqual({ ...Object.fromEntries(KEYS.map((k) => [k, 'F'])), c12: 'N' });
    await checkPage(page, errors, 'd002 (no JS) ballot refused: 11 赞成');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'voting-nojs-over-limit-phone.png'), fullPage: true });

    // Nothing was cast: the vote is still waiting for this deputy, and turnout is still 1.
    const list = await (await context.request.get('/vote')).text();
    expect(list).toContain(`href="/elections/${electionId}/ballot"`);
    await staffPage.reload();
    expect(await votedCount(staffPage).textContent()).toBe('1');

    // Fix it and review: the server encrypts (a full page at /ballot/review) and says it is weaker.
    await choiceLabel(page, 'c11', 'A').click();
    const [review] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === reviewUrl),
      page.waitForURL(reviewUrl),
      page.getByRole('button', { name: /下一步/ }).click(),
    ]);
    expect(review.status()).toBe(200);
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('核对并投出加密选票');
    expect(await page.locator('main').textContent()).toContain('服务器在加密时短暂看到了您的选择');
    expect(await tableMarks(page)).toEqual(KEYS.map((k) => LABEL[FINAL[k]!]));
    const firstTracker = (await page.locator('[data-review-tracker]').textContent())!.trim();
    expect(firstTracker).toMatch(TRACKER);
    await checkPage(page, errors, 'd002 (no JS) server-encrypted review');

    // 修改 posts to ?edit=1 and shows the ballot with the choices kept.
    await Promise.all([page.waitForURL(`${reviewUrl}?edit=1`), page.getByRole('button', { name: '修改', exact: true }).click()]);
    await page.waitForLoadState();
    expect(await selectedMarks(page, KEYS)).toEqual(FINAL);
    expect(await page.locator('[data-count]').textContent()).toBe(String(SEATS));
    await checkPage(page, errors, 'd002 (no JS) ballot after 修改');

    await Promise.all([page.waitForURL(reviewUrl), page.getByRole('button', { name: /下一步/ }).click()]);
    await page.waitForLoadState();
    const tracker = (await page.locator('[data-review-tracker]').textContent())!.trim();
    expect(tracker).toMatch(TRACKER);
    expect(tracker, 'a second encryption of the same choices has the same tracker').not.toBe(firstTracker);
    const bodies: string[] = [];
    page.on('request', (r) => { if (r.method() === 'POST') bodies.push(r.postData() ?? ''); });
    const [cast] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === `${server.url}/elections/${electionId}/ballot`),
      page.waitForURL(`**/elections/${electionId}/ballot`),
      page.getByRole('button', { name: '投出加密选票' }).click(),
    ]);
    expect(cast.status()).toBe(200);
    // The cast carries the server's encryption only, not the choices.
    expect(bodies).toEqual([expect.stringMatching(/^nonce=[0-9a-f]{32}&nonceMac=[A-Za-z0-9_-]{22}&ballot=[^&]+$/)]);
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('投票回执');
    const shown = (await page.locator('.tracker').textContent())!.trim();
    expect(shown).toBe(tracker);
    expect(await page.locator('main').textContent()).toContain('本设备已自动退出您的登录');
    expect(await noMarksOnReceipt(page), 'the receipt shows marks').toEqual([]);
    expect.soft(await signedInHeader(page, '代表 D002（演示）'), 'receipt page (no JS): the signed-out deputy is still shown as signed in').toEqual([]);
    await checkPage(page, errors, 'd002 (no JS) receipt');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'voting-nojs-receipt-phone.png'), fullPage: true });

    await page.goto('/vote');
    expect(new URL(page.url()).pathname).toBe('/login');
    await checkPage(page, errors, 'd002 (no JS) /vote after casting → /login');
    errors.dispose();
    await context.close();
    await auditing.close();
  });

  it('the secretariat sees both ballots in the turnout', async () => {
    // The panel polls every 3 s; wait for it rather than reloading.
    await expect.poll(() => votedCount(staffPage).textContent(), { timeout: 10_000 }).toBe('2');
    await checkPage(staffPage, staffErrors, 'staff /admin/elections/:id (turnout after polling)');
    await staffPage.screenshot({ path: join(SCREENSHOT_DIR, 'voting-turnout.png'), fullPage: true });
    staffErrors.dispose();
    await staff.close();
  });

  it('serves valid HTML on every page and state visited (Nu Html Checker)', async () => {
    expect(documents.length).toBeGreaterThan(10);
    const results = await validateHtmlBatch(documents);
    const report = [...results].filter(([, errors]) => errors.length > 0).map(([url, errors]) => formatNuMessages(url, errors));
    expect(report, report.join('\n')).toEqual([]);
  });
});

/**
 * The plaintext mode (a vote without a key ceremony) in the browser, on a server of its own whose
 * demo has the 2024 vote in plaintext mode (tests/support/demo-snapshot.ts): the review is the
 * server's, swapped in place by htmx with the tracker issued, and the receipt lists the marks. The
 * plaintext pages without JavaScript are covered over HTTP by tests/voting.test.ts.
 */
describe('voting in the browser, plaintext mode', () => {
  let plain: RunningServer;
  let dataDir: string;
  const plainDocuments: HtmlDocument[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'minsheng-voting-plaintext-'));
    const database = await createDb({ databaseUrl: undefined, dataDir }, { holder: 'test' });
    try {
      await migrateToLatest(database.db);
      await seedTestDemo(database.db);
    } finally {
      await database.close();
    }
    plain = await startServer({ DATA_DIR: dataDir, SIGNING_KEY_SECRET: 'e2e-voting-plaintext-signing-secret-0123456789' });
  }, 180_000);
  afterAll(async () => {
    await plain?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('with JavaScript: the review swapped in place with its tracker, 返回修改, cast; the receipt has the tracker and the marks', async () => {
    const staff = await browser.newContext({ baseURL: plain.url });
    const staffPage = await staff.newPage();
    await signInThroughForm(staffPage, 'mishu', { landsOn: '/admin' });
    const meetings = await (await staff.request.get('/api/meetings')).json() as { title: string; elections: { id: string; title: string }[] }[];
    const id = meetings.flatMap((m) => m.elections).find((e) => e.title === ELECTION)!.id;
    expect((await postConfirmed(staff, plain.url, `/admin/elections/${id}/open`)).status()).toBe(303);
    await staff.close();

    const context = await browser.newContext({ baseURL: plain.url, viewport: TABLET });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    const ballotUrl = `${plain.url}/elections/${id}/ballot`;
    await signInThroughForm(page, 'd001', { landsOn: '/vote' });
    await page.goto(ballotUrl);
    expect(await page.locator('#encrypted-review').count(), 'a plaintext vote has the encrypted review').toBe(0);
    expect(await page.textContent('#ballot-area')).not.toContain('加密');
    const reviewPosts: string[] = [];
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/ballot/review')) reviewPosts.push(r.url()); });
    await page.evaluate(() => { (window as unknown as { sameDocument: boolean }).sameDocument = true; });
    const sameDocument = () => page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true);

    for (const key of KEYS) await choiceLabel(page, key, FINAL[key]!).click();
    expect(await page.locator('[data-count]').textContent()).toBe(String(SEATS));
    await page.getByRole('button', { name: /下一步/ }).click();
    await page.locator('#ballot-area h1', { hasText: '请核对您的选票' }).waitFor();
    expect(page.url()).toBe(ballotUrl);
    expect(await sameDocument(), 'the page was reloaded').toBe(true);
    expect(reviewPosts).toHaveLength(1);
    expect(await tableMarks(page)).toEqual(KEYS.map((k) => LABEL[FINAL[k]!]));
    expect(await page.locator('#ballot-area input[name="tracker"]').inputValue()).toMatch(TRACKER);
    await expectCleanPage(page, errors, 'plaintext review (htmx swap)', plainDocuments);

    await page.getByRole('button', { name: '返回修改' }).click();
    await page.locator('#ballot-area form[data-ballot]').waitFor();
    expect(await sameDocument(), 'the page was reloaded').toBe(true);
    expect(await selectedMarks(page, KEYS)).toEqual(FINAL);
    expect(await page.locator('[data-count]').textContent()).toBe(String(SEATS));
    await expectCleanPage(page, errors, 'plaintext ballot after 返回修改 (htmx swap)', plainDocuments);

    await page.getByRole('button', { name: /下一步/ }).click();
    await page.locator('#ballot-area h1', { hasText: '请核对您的选票' }).waitFor();
    const tracker = await page.locator('#ballot-area input[name="tracker"]').inputValue();
    await page.getByRole('button', { name: '确认投出' }).click();
    await page.locator('#ballot-area h1', { hasText: '投票回执' }).waitFor();
    expect(page.url()).toBe(ballotUrl);
    expect((await page.locator('#ballot-area .tracker').textContent())!.trim()).toBe(tracker);
    const receipt = (await page.locator('#ballot-area').textContent())!;
    expect(receipt).toContain('您的选票已投出');
    expect(receipt).toContain('本设备已自动退出您的登录');
    expect(await tableMarks(page)).toEqual(KEYS.map((k) => LABEL[FINAL[k]!]));
    expect.soft(await signedInHeader(page, '代表 D001（演示）'), 'plaintext receipt: the signed-out deputy is still shown as signed in').toEqual([]);
    await expectCleanPage(page, errors, 'plaintext receipt', plainDocuments);
    await page.goto('/vote');
    expect(new URL(page.url()).pathname).toBe('/login');
    errors.dispose();
    await context.close();

    const results = await validateHtmlBatch(plainDocuments);
    const report = [...results].filter(([, m]) => m.length > 0).map(([url, m]) => formatNuMessages(url, m));
    expect(report, report.join('\n')).toEqual([]);
  });
});
