/**
 * Issue 11, item 9, "Phone and older eyes", in the browser at the tablet (1024×1366) and the phone
 * (390×844) size: no page wider than the phone, the result chart inside its card, a compact header
 * when signed in, touch targets of at least 44×44 px, large type on the ballot; axe and Nu clean.
 * Screenshots go to /tmp/shots/polish-*.png for people to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectCleanPage, formatNuMessages, launchBrowser, signInThroughForm, startServer, validateHtmlBatch, watchPageErrors,
  type HtmlDocument, type PageErrors, type RunningServer,
} from './harness.ts';

const SHOTS = '/tmp/shots';
const MEETING = '龙游县第十四届人民代表大会第三次会议';
const MEETING_2023 = '龙游县第十四届人民代表大会第二次会议';
const ELECTION = '2024年民生实事项目票决';
const SIZES = { tablet: { width: 1024, height: 1366 }, phone: { width: 390, height: 844 } } as const;
type Size = keyof typeof SIZES;

let server: RunningServer;
let browser: Browser;
let electionId: number;
/** The published 2023 vote's result page, a meeting page and a candidate page (found from the home page). */
const publicPaths: Record<string, string> = { home: '/', verify: '/verify' };
const documents: HtmlDocument[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  mkdirSync(SHOTS, { recursive: true });
  const staff = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
  const page = await staff.newPage();
  await signInThroughForm(page, 'mishu');
  await page.goto('/admin/meetings');
  await Promise.all([page.waitForURL(/\/admin\/meetings\/\d+$/), page.getByRole('link', { name: MEETING, exact: true }).click()]);
  await Promise.all([page.waitForURL(/\/admin\/elections\/\d+$/), page.getByRole('link', { name: ELECTION, exact: true }).click()]);
  electionId = Number(/\/admin\/elections\/(\d+)$/.exec(new URL(page.url()).pathname)![1]);
  await page.getByRole('button', { name: '开启投票' }).click();
  // Outside the meeting's days (the demo's meeting is in the past) opening asks for confirmation first.
  await page.waitForURL((u) => u.search === '?done=opened' || u.pathname.endsWith('/open'));
  if (new URL(page.url()).pathname.endsWith('/open')) {
    await Promise.all([page.waitForURL(`**/admin/elections/${electionId}?done=opened`), page.locator('form.review-actions button[type=submit]').click()]);
  }

  await page.goto('/');
  await Promise.all([page.waitForURL(/\/meetings\/[^/]+$/), page.getByRole('link', { name: MEETING_2023 }).click()]);
  publicPaths.meeting = new URL(page.url()).pathname;
  publicPaths.result = new URL(await page.locator('main a[href$="/result"]').first().evaluate((a) => (a as HTMLAnchorElement).href)).pathname;
  publicPaths.candidate = new URL(await page.locator('main a[href*="/candidates/"]').first().evaluate((a) => (a as HTMLAnchorElement).href)).pathname;
  await staff.close();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A browser of its own at one size, signed in as `username` unless null. */
async function browse(size: Size, username: string | null): Promise<{ context: BrowserContext; page: Page; errors: PageErrors }> {
  const context = await browser.newContext({ baseURL: server.url, viewport: SIZES[size] });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  if (username) await signInThroughForm(page, username);
  return { context, page, errors: watchPageErrors(page) };
}

/** The page's width, and the elements that stick out to the right of the screen, for the message. */
async function pageWidth(page: Page): Promise<{ width: number; wide: string }> {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > vw + 0.5)
      .slice(0, 5).map((el) => `<${el.tagName.toLowerCase()} class="${String(el.className)}"> ${Math.round(el.getBoundingClientRect().right)}`);
    return { width: document.documentElement.scrollWidth, wide: wide.join(', ') };
  });
}

/** The page's width beyond the viewport's (0 when nothing overflows sideways). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/**
 * Interactive elements smaller than 44×44 CSS px (WCAG 2.5.5 AAA size, asked for older deputies).
 * Measured: visible `a, button, input[type=radio], input[type=checkbox], summary, label`.
 * - A radio or checkbox inside its label is measured by that label: the whole label is what the
 *   finger hits (clicking anywhere on it checks the box).
 * - A label of a text field is measured by its field (the field, 52 px high, is the target).
 * - WCAG 2.5.8's inline exception: a link inside a paragraph or list item of running text (the
 *   paragraph holds text besides the link) is sized by the line height of that text, and is allowed.
 */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const MIN = 44 - 0.5;
    const describe = (el: Element) => `<${el.tagName.toLowerCase()}${el.className ? ` class="${String(el.className)}"` : ''}> “${(el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40)}”`;
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') return false;
      if (r.bottom <= 0 || r.right <= 0) return false; // moved off screen until focused (the skip link)
      return !el.closest('.visually-hidden') && !el.closest('details:not([open]) > :not(summary)');
    };
    const inline = (el: Element) => {
      const block = el.closest('p, li, dd, td, figcaption');
      if (!block || el.tagName !== 'A') return false;
      const own = (el.textContent ?? '').replace(/\s+/g, '');
      const all = (block.textContent ?? '').replace(/\s+/g, '');
      return all.length > own.length && getComputedStyle(el).display === 'inline';
    };
    const small: string[] = [];
    for (const el of document.querySelectorAll('a, button, input[type=radio], input[type=checkbox], summary, label')) {
      let target: Element = el;
      if (el.tagName === 'INPUT' && el.closest('label')) target = el.closest('label')!;
      if (el.tagName === 'LABEL') {
        const control = (el as HTMLLabelElement).control;
        if (control && !(control instanceof HTMLInputElement && ['radio', 'checkbox'].includes(control.type))) target = control;
      }
      if (!visible(target) || inline(el)) continue;
      const r = target.getBoundingClientRect();
      if (r.width < MIN || r.height < MIN) small.push(`${describe(el)} ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return [...new Set(small)];
  });
}

/** Full-page screenshot at /tmp/shots/polish-<name>-<size>.png. */
async function shot(page: Page, name: string, size: Size): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `polish-${name}-${size}.png`), fullPage: true });
  // The first screen as it is seen (a full page of a phone is too tall to look at whole).
  await page.screenshot({ path: join(SHOTS, `polish-${name}-${size}-top.png`) });
}

describe.each(Object.keys(SIZES) as Size[])('at the %s size', (size) => {
  const { width, height } = SIZES[size];

  it('public pages: nothing wider than the screen, every target at least 44×44, axe clean', async () => {
    const { context, page, errors } = await browse(size, null);
    try {
      for (const [name, path] of Object.entries(publicPaths)) {
        await page.goto(path);
        await shot(page, name, size);
        expect(await overflow(page), `${name} (${path}) overflows sideways`).toBeLessThanOrEqual(0);
        const seen = await pageWidth(page);
        expect(seen.width, `${name}: ${seen.wide}`).toBeLessThanOrEqual(width);
        expect(await smallTargets(page), `${name} (${path}): targets under 44×44`).toEqual([]);
        await expectCleanPage(page, errors, `${size} ${name}`, documents);
      }
      // The header menu of the phone, open.
      if (size === 'phone') {
        await page.goto('/');
        await page.locator('.site-menu > summary').click();
        await shot(page, 'home-menu', size);
        expect(await smallTargets(page), 'the open menu').toEqual([]);
        await expectCleanPage(page, errors, `${size} home, menu open`, documents);
      }
    } finally {
      await context.close();
    }
  });

  it.each(['zh-CN', 'en'] as const)('the result chart (%s): its bars and numbers inside the card', async (lang) => {
    const { context, page } = await browse(size, null);
    try {
      await context.addCookies([{ name: 'lang', value: lang, url: server.url }]);
      await page.goto(publicPaths.result!);
      await page.locator('figure.chart').screenshot({ path: join(SHOTS, `polish-result-chart-${lang}-${size}.png`) });
      const outside = await page.evaluate(() => {
        const card = document.querySelector('.chart')!.getBoundingClientRect();
        const out: string[] = [];
        for (const el of document.querySelectorAll('.chart svg rect.chart__bar, .chart svg text')) {
          const r = el.getBoundingClientRect();
          if (r.left < card.left - 0.5 || r.right > card.right + 0.5 || r.top < card.top - 0.5 || r.bottom > card.bottom + 0.5) {
            out.push(`${el.tagName} “${el.textContent ?? ''}” ${Math.round(r.left)}–${Math.round(r.right)} outside ${Math.round(card.left)}–${Math.round(card.right)}`);
          }
        }
        // And the card itself on the screen, not scrolled inside.
        const figure = document.querySelector('.chart')!;
        if (card.right > document.documentElement.clientWidth + 0.5) out.push(`the card ends at ${card.right}`);
        if (figure.scrollWidth > figure.clientWidth) out.push(`the card scrolls sideways (${figure.scrollWidth} > ${figure.clientWidth})`);
        return out;
      });
      expect(outside).toEqual([]);
      // The chart's type stays legible on a phone.
      const smallest = await page.evaluate(() => Math.min(...[...document.querySelectorAll('.chart svg text')].map((t) => t.getBoundingClientRect().height)));
      expect(smallest, 'chart text height in px').toBeGreaterThanOrEqual(size === 'phone' ? 11 : 14);
    } finally {
      await context.close();
    }
  });

  it('the ballot and its encrypted review: nothing wider than the screen, targets at least 44×44, body text at least 18 px, a compact header', async () => {
    const { context, page, errors } = await browse(size, 'd001');
    try {
      await page.goto(`/elections/${electionId}/ballot`);
      await shot(page, 'ballot', size);
      const seen = await pageWidth(page);
      expect(seen.width, seen.wide).toBeLessThanOrEqual(width);
      expect(await smallTargets(page), 'ballot targets under 44×44').toEqual([]);
      const smallText = await page.evaluate(() => {
        const out: string[] = [];
        const walker = document.createTreeWalker(document.querySelector('main')!, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const el = n.parentElement!;
          if (!(n.textContent ?? '').trim() || el.closest('.visually-hidden, [hidden], details:not([open]) > :not(summary)')) continue;
          if (el.getBoundingClientRect().width === 0) continue;
          const px = parseFloat(getComputedStyle(el).fontSize);
          if (px < 18) out.push(`${el.tagName.toLowerCase()}.${el.className} “${(n.textContent ?? '').trim().slice(0, 30)}” ${px}px`);
        }
        return out;
      });
      expect(smallText, 'ballot text under 18 px').toEqual([]);
      // Project details open: still large.
      await page.locator('.ballot-details > summary').first().click();
      expect(await smallTargets(page)).toEqual([]);
      expect(await page.locator('.ballot-details[open] .facts dd').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(18);
      await shot(page, 'ballot-details', size);
      const header = await page.locator('.site-header').boundingBox();
      expect(header!.height, 'signed-in header height').toBeLessThanOrEqual(height * 0.25);
      await expectCleanPage(page, errors, `${size} ballot`, documents);

      // The vote is encrypted: the review (the marks, the tracker, the key's fingerprint) is shown
      // in the page. It fits too, with large targets; nothing is cast here.
      const keys = await page.locator('[data-item]').evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.item!));
      for (const key of keys) await page.locator(`label.choice--N:has(input[name="choice.${key}"])`).click();
      await page.getByRole('button', { name: /下一步/ }).click();
      await page.locator('#encrypted-review').waitFor({ state: 'visible', timeout: 60_000 });
      await shot(page, 'ballot-review', size);
      const review = await pageWidth(page);
      expect(review.width, review.wide).toBeLessThanOrEqual(width);
      expect(await smallTargets(page), 'review targets under 44×44').toEqual([]);
      await expectCleanPage(page, errors, `${size} encrypted review`, documents);
    } finally {
      await context.close();
    }
  });

  it.each([
    ['admin-users', 'mishu', '/admin/users'],
    ['scrutiny-list', 'jianpiao1', '/scrutiny'],
  ])('%s: nothing wider than the screen, a compact header', async (name, username, path) => {
    const { context, page, errors } = await browse(size, username);
    try {
      await page.goto(path);
      await shot(page, name, size);
      const seen = await pageWidth(page);
      expect(seen.width, seen.wide).toBeLessThanOrEqual(width);
      const header = await page.locator('.site-header').boundingBox();
      expect(header!.height, 'signed-in header height').toBeLessThanOrEqual(height * 0.25);
      // Wide tables scroll inside their own box.
      const unboxed = await page.evaluate(() => [...document.querySelectorAll('main table')]
        .filter((t) => !t.closest('.table-wrap') || t.closest('.table-wrap')!.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .map((t) => (t.querySelector('caption')?.textContent ?? t.className).trim()));
      expect(unboxed).toEqual([]);
      await expectCleanPage(page, errors, `${size} ${name}`, documents);
    } finally {
      await context.close();
    }
  });

  it('the signed-in header without JavaScript: the menu opens and leads on', async () => {
    const context = await browser.newContext({ baseURL: server.url, viewport: SIZES[size], javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await signInThroughForm(page, 'mishu');
      await page.goto('/');
      const header = await page.locator('.site-header').boundingBox();
      expect(header!.height).toBeLessThanOrEqual(height * 0.25);
      const admin = page.locator('.site-nav').getByRole('link', { name: '秘书处', exact: true });
      if (size === 'phone') {
        expect(await admin.isVisible(), 'the navigation waits in the menu').toBe(false);
        await page.locator('.site-menu > summary').click();
      }
      expect(await admin.isVisible()).toBe(true);
      await Promise.all([page.waitForURL('**/admin'), admin.click()]);
    } finally {
      await context.close();
    }
  });
});

describe('valid HTML', () => {
  it('on every page seen above (Nu Html Checker)', async () => {
    expect(documents.length).toBeGreaterThan(0);
    const results = await validateHtmlBatch(documents);
    const report = [...results].filter(([, e]) => e.length > 0).map(([url, e]) => formatNuMessages(url, e));
    expect(report, report.join('\n')).toEqual([]);
  });
});
