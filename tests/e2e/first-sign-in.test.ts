import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAccountWithSlip, expectCleanPage, formatNuMessages, launchBrowser, repoRoot, signInThroughForm, startServer, validateHtmlBatch, watchPageErrors,
  type HtmlDocument, type PageErrors, type RunningServer,
} from './harness.ts';

/** Screenshots and PDFs for people to look at (test-results/ is gitignored); nothing asserts on the pixels. */
const SCREENSHOT_DIR = join(repoRoot, 'test-results', 'e2e');
const NEW_PASSWORD = 'my own sentence to remember';

let server: RunningServer;
let browser: Browser;
/** Every document visited, validated in one Nu run at the end. */
const documents: HtmlDocument[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const checkPage = (page: Page, errors: PageErrors | undefined, name: string) => expectCleanPage(page, errors, name, documents);

describe('first sign-in with a credential slip', () => {
  it('the secretariat creates an account, prints its slip, and the deputy signs in and chooses a password', async () => {
    // The secretariat, in one browser.
    const staff = await browser.newContext({ baseURL: server.url });
    const page = await staff.newPage();
    const errors = watchPageErrors(page);
    await page.goto('/login');
    await checkPage(page, errors, 'sign-in page');
    await signInThroughForm(page, 'mishu', { landsOn: '/admin' });

    await page.goto('/admin/users');
    await checkPage(page, errors, '/admin/users');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'admin-users.png'), fullPage: true });

    // The response to the post is the slip page, at the same URL.
    const { username, password } = await createAccountWithSlip(page, { username: 'Daibiao.E2E', displayName: '代表 D100（浏览器测试）', roles: ['代表'], deputyCode: 'D100' });
    const slip = page.locator('.slip');
    expect(await slip.count()).toBe(1);
    expect(username).toBe('daibiao.e2e');
    expect(password).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect(await slip.textContent()).toContain(`${server.url}/login`);
    await checkPage(page, errors, 'slip page');

    // The Print button (a plain button, wired up by app.js) opens the print dialog.
    await page.evaluate(() => { (window as unknown as { printed: number }).printed = 0; window.print = () => { (window as unknown as { printed: number }).printed++; }; });
    await page.getByRole('button', { name: '打印凭条' }).click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'slip-staff.png'), fullPage: true });

    // Leaving the page and coming back does not show the password again.
    await page.goto('/admin/users');
    expect(await page.content()).not.toContain(password);

    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(`${server.url}/`);
    errors.dispose();
    await staff.close();

    // The deputy, in a fresh browser (another tablet).
    const deputy = await browser.newContext({ baseURL: server.url });
    const tablet = await deputy.newPage();
    const tabletErrors = watchPageErrors(tablet);
    await signInThroughForm(tablet, username, { password, landsOn: '/account/password' });
    expect(await tablet.getByRole('heading', { level: 1 }).textContent()).toBe('设置您的密码');
    await checkPage(tablet, tabletErrors, 'choose-password page');

    // Anything else waits until the one-time password is replaced.
    await tablet.goto('/account');
    expect(new URL(tablet.url()).pathname).toBe('/account/password');

    await tablet.getByLabel('新密码', { exact: true }).fill(NEW_PASSWORD);
    await tablet.getByLabel('再次输入新密码').fill(NEW_PASSWORD);
    await Promise.all([tablet.waitForURL('**/account?done=password'), tablet.getByRole('button', { name: '保存新密码' }).click()]);
    expect(await tablet.getByRole('heading', { level: 1 }).textContent()).toBe('我的账户');
    expect(await tablet.getByRole('main').textContent()).toContain('daibiao.e2e');
    await checkPage(tablet, tabletErrors, '/account');
    tabletErrors.dispose();
    await deputy.close();

    // The one-time password is used up; the chosen one works.
    const again = await browser.newContext({ baseURL: server.url });
    const check = await again.newPage();
    await check.goto('/login');
    await check.getByLabel('用户名', { exact: true }).fill(username);
    await check.getByLabel('密码', { exact: true }).fill(password);
    await check.getByRole('button', { name: '登录' }).click();
    await check.getByText('用户名或密码不正确。').waitFor();
    await signInThroughForm(check, username, { password: NEW_PASSWORD, landsOn: '/vote' });
    await again.close();
  });

  it('prints the whole roster\'s slips eight to an A4 sheet', async () => {
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await signInThroughForm(page, 'mishu', { landsOn: '/admin' });
    await page.goto('/admin/users');
    const issue = page.getByRole('button', { name: /^为其余 \d+ 名代表生成凭条$/ });
    const count = Number(/\d+/.exec((await issue.textContent())!)![0]);
    await Promise.all([page.waitForURL(/\/admin\/terms\/\d+\/credentials$/), issue.click()]);
    expect(await page.locator('.slip').count()).toBe(count);
    const sheets = Math.ceil(count / 8);
    expect(await page.locator('.slip-sheet').count()).toBe(sheets);
    await checkPage(page, errors, 'roster slips page');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'slips-screen.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1600 } });

    // Print media at A4's width in CSS pixels (210 mm at 96 dpi): the first two sheets as on paper.
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'slips-print.png'), fullPage: true, clip: { x: 0, y: 0, width: 794, height: 2 * 1123 } });
    // Nothing on a slip is cut off or wraps out of its box; each password sits on one line.
    const overflowing = await page.locator('.slip').evaluateAll((slips) => slips.flatMap((slip, i) => {
      const box = slip as HTMLElement;
      const password = box.querySelector('.slip__password') as HTMLElement;
      const problems: string[] = [];
      if (box.scrollHeight > box.clientHeight + 1) problems.push(`slip ${i}: content is ${box.scrollHeight - box.clientHeight}px too tall`);
      if (box.scrollWidth > box.clientWidth + 1) problems.push(`slip ${i}: content is ${box.scrollWidth - box.clientWidth}px too wide`);
      if (password.scrollWidth > password.clientWidth + 1) problems.push(`slip ${i}: the password does not fit its line`);
      return problems;
    }));
    expect(overflowing).toEqual([]);
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(join(SCREENSHOT_DIR, 'slips.pdf'), pdf);
    // One A4 page per sheet of eight: nothing spills over, no blank pages.
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
    expect(pages).toHaveLength(sheets);
    const mediaBox = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf.toString('latin1'))!;
    // A4 is 595.28 × 841.89 points.
    expect(Math.round(Number(mediaBox[1]))).toBe(595);
    expect(Math.round(Number(mediaBox[2]))).toBe(842);
    errors.dispose();
    await context.close();
  });

  it('serves valid HTML on every page visited (Nu Html Checker)', async () => {
    expect(documents.length).toBeGreaterThan(0);
    const results = await validateHtmlBatch(documents);
    const report = [...results].filter(([, errors]) => errors.length > 0).map(([url, errors]) => formatNuMessages(url, errors));
    expect(report, report.join('\n')).toEqual([]);
  });
});
