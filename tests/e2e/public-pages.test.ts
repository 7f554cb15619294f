import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAccessibility,
  formatNuMessages,
  summarizeViolations,
  launchBrowser,
  repoRoot,
  startServer,
  validateHtmlBatch,
  watchPageErrors,
  type AxeViolation,
  type HtmlDocument,
  type RunningServer,
} from './harness.ts';

const CURRENT_MEETING = '龙游县第十四届人民代表大会第三次会议';
const MEETING_2023 = '龙游县第十四届人民代表大会第二次会议';
const CANDIDATES_PER_MEETING = 12;
const MAX_PAGES = 200;
/** Screenshots for people to look at (test-results/ is gitignored); nothing asserts on them. */
const SCREENSHOT_DIR = join(repoRoot, 'test-results', 'e2e');

/** Links that lead to data rather than pages (open data, keys, evidence photos and PDFs): checked for 200, not rendered. */
const NON_PAGE = /^\/api\/|^\/\.well-known\/|^\/evidence\/|\.(json|csv|xml|atom|md|pem|txt)$/;

let server: RunningServer;
let browser: Browser;
/** Every HTML document served during the crawls, validated in one Nu run at the end. */
const documents: HtmlDocument[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function newContext(lang?: 'zh-CN' | 'en'): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: server.url });
  if (lang) await context.addCookies([{ name: 'lang', value: lang, url: server.url }]);
  return context;
}

async function withPage<T>(lang: 'zh-CN' | 'en' | undefined, use: (page: Page, context: BrowserContext) => Promise<T>): Promise<T> {
  const context = await newContext(lang);
  try {
    return await use(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

/** The same-origin pages a document links to: no fragments, no assets, no language switches. */
async function pageLinks(page: Page, origin: string): Promise<string[]> {
  const hrefs = await page.$$eval('a[href]:not([download])', (as) => as.map((a) => (a as HTMLAnchorElement).href));
  const links: string[] = [];
  for (const href of hrefs) {
    const u = new URL(href);
    if (u.origin !== origin) continue;
    // The language switch sets a cookie and redirects; it has a test of its own.
    if (u.pathname.startsWith('/assets/') || u.pathname.startsWith('/lang/')) continue;
    u.hash = '';
    links.push(u.href);
  }
  return links;
}

/**
 * Breadth-first over every same-origin link from the home page. Each page must answer 200, have a
 * <main> with content and a non-empty <h1>, no axe violations (WCAG 2.1 A/AA) and no console or
 * page errors. Returns the problems found: axe violations grouped by rule and element (a layout
 * defect is one entry listing its pages), then everything else one entry per page and kind.
 */
async function crawl(lang: 'zh-CN' | 'en'): Promise<{ visited: string[]; problems: string[] }> {
  return withPage(lang, async (page, context) => {
    const pageErrors = watchPageErrors(page);
    const start = new URL('/', server.url).href;
    const queue = [start];
    const seen = new Set(queue);
    const visited: string[] = [];
    const problems: string[] = [];
    const axeFindings: { where: string; violations: AxeViolation[] }[] = [];
    while (queue.length > 0 && visited.length < MAX_PAGES) {
      const url = queue.shift()!;
      const path = url.slice(server.url.length);
      visited.push(path);

      if (NON_PAGE.test(new URL(url).pathname)) {
        const res = await context.request.get(url);
        if (res.status() !== 200) problems.push(`${path}: HTTP ${res.status()}`);
        continue;
      }

      pageErrors.clear();
      const response = await page.goto(url, { waitUntil: 'load' });
      if (!response) {
        problems.push(`${path}: no response`);
        continue;
      }
      if (response.status() !== 200) problems.push(`${path}: HTTP ${response.status()}`);
      if (!(response.headers()['content-type'] ?? '').startsWith('text/html')) {
        problems.push(`${path}: not HTML (${response.headers()['content-type']})`);
        continue;
      }
      documents.push({ url: `${lang} ${path}`, html: await response.text() });

      const htmlLang = await page.locator('html').getAttribute('lang');
      if (htmlLang !== lang) problems.push(`${path}: <html lang="${htmlLang}">, expected "${lang}"`);
      const h1 = (await page.locator('h1').allTextContents()).map((s) => s.trim());
      if (h1.length === 0 || h1.some((s) => s === '')) problems.push(`${path}: expected a non-empty <h1>, got ${JSON.stringify(h1)}`);
      const mains = await page.locator('main').allTextContents();
      if (mains.length !== 1 || mains[0]!.trim() === '') problems.push(`${path}: expected one <main> with content, got ${mains.length}`);

      const violations = await checkAccessibility(page);
      if (violations.length > 0) axeFindings.push({ where: path, violations });

      for (const link of await pageLinks(page, server.url)) {
        if (seen.has(link)) continue;
        seen.add(link);
        queue.push(link);
      }
      // Late console errors (deferred scripts) have had the axe run to arrive.
      for (const e of pageErrors.errors) problems.push(`${path}: ${e}`);
    }
    if (queue.length > 0) problems.push(`crawl stopped at ${MAX_PAGES} pages with ${queue.length} still queued`);
    pageErrors.dispose();
    return { visited, problems: [...summarizeViolations(axeFindings), ...problems] };
  });
}

describe('public pages', () => {
  it('shows the current meeting and its 12 candidates, in Chinese by default', async () => {
    await withPage(undefined, async (page) => {
      await page.goto('/');
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
      expect(await page.getByRole('heading', { name: CURRENT_MEETING }).isVisible()).toBe(true);
      const candidates = page.getByRole('region', { name: '候选项目' }).getByRole('article');
      expect(await candidates.count()).toBe(CANDIDATES_PER_MEETING);
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'home-zh-CN.png'), fullPage: true });
    });
  });

  it('switches to English with the language link and remembers the choice', async () => {
    await withPage(undefined, async (page, context) => {
      await page.goto('/');
      await page.getByRole('navigation').getByText('English', { exact: true }).click();
      await page.waitForURL(`${server.url}/`);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await page.getByRole('heading', { name: 'Candidate projects' }).isVisible()).toBe(true);
      expect((await context.cookies()).find((c) => c.name === 'lang')?.value).toBe('en');

      // A fresh load, as on the next visit: the cookie, not the redirect, decides.
      await page.goto('/');
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await page.getByRole('heading', { name: 'Candidate projects' }).isVisible()).toBe(true);
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'home-en.png'), fullPage: true });
    });
  });

  it('reaches the 2023 meeting and its 12 candidates in one click from the home page', async () => {
    await withPage(undefined, async (page) => {
      await page.goto('/');
      await page.getByRole('link', { name: MEETING_2023 }).click();
      await page.waitForURL(/\/meetings\/[^/]+$/);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(MEETING_2023);
      expect(await page.getByRole('main').getByRole('article').count()).toBe(CANDIDATES_PER_MEETING);
    });
  });

  it.each(['zh-CN', 'en'] as const)('every page reachable from the home page (%s) answers, has content, passes axe and logs no errors', async (lang) => {
    const { visited, problems } = await crawl(lang);
    // Home, two meetings and their 24 candidates at least.
    expect(visited.length).toBeGreaterThanOrEqual(1 + 2 + 2 * CANDIDATES_PER_MEETING);
    expect(problems.length, `${problems.length} problem(s) on ${visited.length} pages:\n${problems.join('\n')}`).toBe(0);
  });

  it('serves valid HTML on every crawled page (Nu Html Checker)', async () => {
    expect(documents.length, 'the crawls above collect the documents; run them too').toBeGreaterThan(0);
    const results = await validateHtmlBatch(documents);
    const report = [...results].filter(([, errors]) => errors.length > 0).map(([url, errors]) => formatNuMessages(url, errors));
    expect(report.length, `Nu Html Checker errors on ${report.length} of ${documents.length} documents:\n${report.join('\n')}`).toBe(0);
  });
});
