import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAccessibility, importRoster, formatNuMessages, formatViolations, launchBrowser, repoRoot, startServer, validateHtmlBatch,
  watchPageErrors, type HtmlDocument, type RunningServer,
} from './harness.ts';

/** Screenshots for people to look at (test-results/ is gitignored); nothing asserts on them. */
const SCREENSHOT_DIR = join(repoRoot, 'test-results', 'e2e');
const HEADER = '代表编号,姓名,代表团,常委会组成人员,手机';

let server: RunningServer;
let browser: Browser;
let files: string;
const documents: HtmlDocument[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  files = mkdtempSync(join(tmpdir(), 'minsheng-roster-'));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

/** Checks the page the browser is on (axe, one h1, no console errors), keeps its HTML for Nu, screenshots it. */
async function checkPage(page: Page, name: string, html?: string): Promise<void> {
  // The served document, not Chromium's serialisation of the DOM, is what Nu should judge.
  documents.push({ url: name, html: html ?? await (await page.context().request.get(page.url())).text() });
  expect((await page.locator('h1').allTextContents()).filter((s) => s.trim() !== '')).toHaveLength(1);
  const violations = await checkAccessibility(page);
  expect(violations, formatViolations(violations, name)).toEqual([]);
  // A 240-deputy roster is ~12,000 px tall: its top says all there is to see.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const width = page.viewportSize()!.width;
  await page.screenshot({ path: join(SCREENSHOT_DIR, `roster-${name}.png`), fullPage: true, clip: { x: 0, y: 0, width, height: Math.min(height, 1800) } });
}

describe('the secretariat imports a roster in the browser', () => {
  it('signs in, finds the term, sees a refused file\'s problems by row, then imports a good file', async () => {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    const errors = watchPageErrors(page);

    await page.goto('/login?next=%2Fadmin%2Fterms');
    await page.getByLabel('用户名').fill('mishu');
    await page.getByLabel('密码').fill('minsheng-demo');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL('**/admin/terms');
    await checkPage(page, 'terms');
    expect(await page.locator('table').textContent()).toContain('龙游县第十四届人民代表大会');

    await page.getByRole('link', { name: /代表名单.*龙游县第十四届人民代表大会/ }).click();
    await page.waitForURL('**/admin/terms/*/roster');
    expect(await page.locator('h2#roster-list-title').textContent()).toContain('共 240 名代表');
    await checkPage(page, 'roster');

    const bad = join(files, '代表名单（有误）.csv');
    writeFileSync(bad, `\ufeff${HEADER},邮箱\r\nD001,王伟,龙洲街道代表团,是,13812345678,\r\nD002,,湖镇镇代表团,也许,1381234,\r\nD001,李娜,湖镇镇代表团,否,,\r\nD004,"张强,县直机关代表团,,,\r\n`);
    await page.setInputFiles('input[type=file]', bad);
    const refused = page.waitForResponse((r) => r.url().endsWith('/roster/preview'));
    await page.getByRole('button', { name: '上传并预览' }).click();
    const refusal = await refused;
    expect(refusal.status()).toBe(422);
    await page.waitForLoadState('load');
    expect(await page.locator('h1').textContent()).toBe('名单有误，未导入');
    await checkPage(page, 'preview-errors', await refusal.text());

    const bad2 = join(files, 'roster-errors.csv');
    writeFileSync(bad2, `\ufeff${HEADER},邮箱\r\nD001,王伟,龙洲街道代表团,是,13812345678,\r\nD002,,湖镇镇代表团,也许,1381234x,\r\nD001,李娜,湖镇镇代表团,否,,\r\nD005,${'很长的名字'.repeat(12)},县直机关代表团,,,\r\n`);
    await page.setInputFiles('input[type=file]', bad2);
    const refused2 = page.waitForResponse((r) => r.url().endsWith('/roster/preview'));
    await page.getByRole('button', { name: '上传并预览' }).click();
    const refusal2 = await refused2;
    expect(refusal2.status()).toBe(422);
    await page.waitForLoadState('load');
    expect(await page.locator('tbody tr').count()).toBe(6);
    await checkPage(page, 'preview-errors-rows', await refusal2.text());

    const good = join(files, 'roster.csv');
    writeFileSync(good, `\ufeff${HEADER}\r\nD001,王玮,龙洲街道代表团,是,13812345678\r\nD241,陈静,东华街道代表团,否,13900001111\r\n`);
    const termId = Number(/\/admin\/terms\/(\d+)\//.exec(page.url())![1]);
    const summary = await importRoster(page, termId, good, 2, () => checkPage(page, 'import'));
    expect(summary).toContain('新增 1 名，更新 1 名');
    expect(await page.locator('.notice--ok').textContent()).toContain('新增 1 名代表，更新 1 名');
    expect(await page.locator('h2#roster-list-title').textContent()).toContain('共 241 名代表');
    await checkPage(page, 'roster-after');
    // A refused upload is answered 422 on purpose; Chromium logs every 4xx document as an error.
    expect(errors.errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
    await context.close();

    const nu = await validateHtmlBatch(documents);
    const problems = [...nu].filter(([, m]) => m.length > 0).map(([url, m]) => formatNuMessages(url, m));
    expect(problems).toEqual([]);
  });
});
