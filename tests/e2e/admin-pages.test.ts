import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAccessibility, formatNuMessages, launchBrowser, postConfirmed, startServer, summarizeViolations, validateHtmlBatch, watchPageErrors,
  type AxeViolation, type HtmlDocument, type RunningServer,
} from './harness.ts';

/** At most this many pages per route pattern (/admin/candidates/:id has 24 alike). */
const PER_PATTERN = 2;
const MAX_PAGES = 60;

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const pattern = (path: string) => path.replace(/\/\d+(?=\/|$)/g, '/:id').replace(/\?.*$/, '');

describe('secretariat pages', () => {
  it('every page reachable from /admin (with a vote open) passes axe and the Nu checker, without console errors', async () => {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1024, height: 1366 } });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto('/login');
    await page.fill('#f-username', 'mishu');
    await page.fill('#f-password', 'minsheng-demo');
    await page.click('main button[type=submit]');
    await page.waitForURL('**/admin');
    // Open the demo vote, so that turnout, paper and hall-display pages exist.
    const meetings = await (await context.request.get('/api/meetings')).json() as { elections: { id: string }[] }[];
    const electionId = meetings[0]!.elections[0]!.id;
    const opened = await postConfirmed(context, server.url, `/admin/elections/${electionId}/open`);
    expect(opened.status()).toBe(303);

    const queue = ['/admin', `/admin/elections/${electionId}/paper/ballot`, `/elections/${electionId}/display`];
    const seen = new Set(queue);
    const perPattern = new Map<string, number>();
    const visited: string[] = [];
    const problems: string[] = [];
    const axe: { where: string; violations: AxeViolation[] }[] = [];
    const documents: HtmlDocument[] = [];
    while (queue.length && visited.length < MAX_PAGES) {
      const path = queue.shift()!;
      visited.push(path);
      // Data, not a page (the demo's published 2023 record): checked for 200, not rendered.
      if (/\.json$/.test(new URL(path, server.url).pathname)) {
        const data = await context.request.get(path);
        if (data.status() !== 200) problems.push(`${path}: HTTP ${data.status()}`);
        continue;
      }
      errors.clear();
      const res = await page.goto(path, { waitUntil: 'load' });
      if (res?.status() !== 200) problems.push(`${path}: HTTP ${res?.status()}`);
      documents.push({ url: path, html: await res!.text() });
      const violations = await checkAccessibility(page);
      if (violations.length) axe.push({ where: path, violations });
      const hrefs = await page.$$eval('main a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).getAttribute('href')!));
      for (const href of hrefs) {
        const u = new URL(href, server.url);
        if (u.origin !== server.url || !/^\/(admin|elections)\//.test(u.pathname) || /\/stream$/.test(u.pathname)) continue;
        const p = u.pathname + u.search;
        const key = pattern(p);
        if (seen.has(p) || (perPattern.get(key) ?? 0) >= PER_PATTERN) continue;
        seen.add(p);
        perPattern.set(key, (perPattern.get(key) ?? 0) + 1);
        queue.push(p);
      }
      for (const e of errors.errors) problems.push(`${path}: ${e}`);
    }
    errors.dispose();
    await context.close();
    const nu = await validateHtmlBatch(documents);
    for (const [url, messages] of nu) if (messages.length) problems.push(formatNuMessages(url, messages));
    expect(visited.length).toBeGreaterThan(10);
    for (const must of ['/admin/meetings', '/admin/terms', '/admin/users', '/admin/audit', `/admin/elections/${electionId}`, `/admin/elections/${electionId}/paper`]) {
      expect(visited, must).toContain(must);
    }
    expect([...summarizeViolations(axe), ...problems]).toEqual([]);
  });
});
