import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectCleanPage, formatNuMessages, launchBrowser, PHONE, signedInPerson, startServer, TABLET, validateHtmlBatch,
  type HtmlDocument, type PageErrors, type RunningServer,
} from './harness.ts';

const SHOTS = '/tmp/shots';

let server: RunningServer;
let browser: Browser;
const documents: HtmlDocument[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  await mkdir(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const checkPage = (page: Page, errors: PageErrors, name: string) => expectCleanPage(page, errors, name, documents);

/** Every visible button and link on the page at least 44 px tall (targets for older eyes and fingers). */
async function smallTargets(page: Page): Promise<string[]> {
  return page.locator('main button:visible, main summary:visible, main a.button:visible').evaluateAll((els) => els
    .map((el) => ({ text: (el.textContent ?? '').trim().slice(0, 30), h: el.getBoundingClientRect().height }))
    .filter((x) => x.h < 44).map((x) => `${x.text}: ${x.h}px`));
}

const codes = (page: Page) => page.locator('td.attendance-code:visible').allTextContents();
const overall = async (page: Page) => (await page.locator('.attendance-bar dd').allTextContents()).map((x) => x.trim());

async function search(page: Page, q: string) {
  await page.getByLabel('查找代表（姓名或编号）').fill(q);
  await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === q), page.getByRole('button', { name: '查找', exact: true }).click()]);
}

describe('attendance for the demo\'s 240 deputies', () => {
  it('finds d001 and 001, marks a delegation at once and undoes a check-in after confirming, at tablet and phone widths', async () => {
    const tablet = await signedInPerson(browser, server.url, 'mishu', TABLET);
    const meetings = await (await tablet.context.request.get('/api/meetings')).json() as { id: string }[];
    const base = `/admin/meetings/${meetings[0]!.id}/attendance`;

    // The whole sheet: 16 delegations, collapsed, in pinyin order, the counts in a bar that stays in view.
    await tablet.page.goto(base);
    const headings = await tablet.page.locator('summary h2').allTextContents();
    expect(headings).toHaveLength(16);
    expect(headings).toEqual([...headings].sort(new Intl.Collator('zh-CN').compare));
    expect(await overall(tablet.page)).toEqual(['240', '228', '符合法定人数']);
    const height = await tablet.page.evaluate(() => document.documentElement.scrollHeight);
    expect(height).toBeLessThan(3000);
    expect(await smallTargets(tablet.page)).toEqual([]);
    await tablet.page.screenshot({ path: `${SHOTS}/attendance-overview-tablet.png`, fullPage: true });
    await checkPage(tablet.page, tablet.errors, 'attendance: overview (tablet)');

    // d001 and 001 both find D001.
    await search(tablet.page, 'd001');
    expect(await codes(tablet.page)).toEqual(['D001']);
    await search(tablet.page, '001');
    expect(await codes(tablet.page)).toEqual(['D001']);
    await tablet.page.screenshot({ path: `${SHOTS}/attendance-search-tablet.png`, fullPage: true });
    await checkPage(tablet.page, tablet.errors, 'attendance: search 001 (tablet)');

    // Only the absent (未到): twelve in the demo; 本团全部到会 for one delegation that has some.
    await tablet.page.goto(`${base}?show=absent`);
    const absentBefore = (await codes(tablet.page)).length;
    expect(absentBefore).toBe(12);
    const group = tablet.page.locator('details.attendance-group').first();
    const delegation = (await group.locator('summary h2').textContent())!;
    const inGroup = (await group.locator('td.attendance-code').allTextContents()).length;
    await Promise.all([tablet.page.waitForURL((u) => u.searchParams.has('updated')), group.getByRole('button', { name: `本团全部到会 ${delegation}` }).click()]);
    expect(await tablet.page.locator('[role=status]').first().textContent()).toContain(`已更新 ${inGroup} 名代表`);
    expect((await codes(tablet.page)).length).toBe(absentBefore - inGroup);
    expect(await overall(tablet.page)).toEqual(['240', String(228 + inGroup), '符合法定人数']);
    await tablet.page.evaluate(() => window.scrollTo(0, 0));
    await tablet.page.screenshot({ path: `${SHOTS}/attendance-absent-only-tablet.png`, fullPage: true });
    await checkPage(tablet.page, tablet.errors, 'attendance: absent only after a bulk check-in (tablet)');

    // A mistaken check-in undone on the phone: asked first, naming the deputy.
    const phone = await signedInPerson(browser, server.url, 'mishu', PHONE);
    await phone.page.goto(base);
    await search(phone.page, 'D002');
    expect(await codes(phone.page)).toEqual(['D002']);
    expect(await smallTargets(phone.page)).toEqual([]);
    await phone.page.screenshot({ path: `${SHOTS}/attendance-search-phone.png`, fullPage: true });
    await checkPage(phone.page, phone.errors, 'attendance: search D002 (phone)');
    await phone.page.getByRole('button', { name: /^撤销签到 D002/ }).click();
    await phone.page.waitForLoadState('load');
    expect(await phone.page.locator('h1').textContent()).toBe('撤销签到？');
    expect(await phone.page.locator('.confirm__list').textContent()).toContain('D002');
    await phone.page.screenshot({ path: `${SHOTS}/attendance-undo-confirm-phone.png`, fullPage: true });
    await checkPage(phone.page, phone.errors, 'attendance: undo asked (phone)');
    await Promise.all([phone.page.waitForURL((u) => u.searchParams.has('undone')), phone.page.getByRole('button', { name: '确认撤销签到' }).click()]);
    expect(await phone.page.locator('[role=status]').first().textContent()).toContain('已撤销 1 名代表的签到');
    expect(await phone.page.locator('tr', { hasText: 'D002' }).locator('.chip').textContent()).toBe('未到');
    expect(await overall(phone.page)).toEqual(['240', String(228 + inGroup - 1), '符合法定人数']);
    expect(await smallTargets(phone.page)).toEqual([]);
    await phone.page.evaluate(() => window.scrollTo(0, 0));
    await phone.page.screenshot({ path: `${SHOTS}/attendance-undone-phone.png`, fullPage: true });
    await checkPage(phone.page, phone.errors, 'attendance: undone (phone)');

    // The tablet's overview, after: a delegation opened by a tap on its heading.
    await tablet.page.goto(base);
    await tablet.page.locator('summary', { hasText: '东华街道代表团' }).click();
    await expect.poll(() => tablet.page.locator('details.attendance-group[open]').count()).toBe(1);
    await tablet.page.screenshot({ path: `${SHOTS}/attendance-delegation-tablet.png`, fullPage: true });
    await checkPage(tablet.page, tablet.errors, 'attendance: one delegation open (tablet)');

    await phone.context.close();
    await tablet.context.close();
    const nu = await validateHtmlBatch(documents);
    const problems = [...nu].filter(([, m]) => m.length).map(([url, m]) => formatNuMessages(url, m));
    expect(problems).toEqual([]);
  });
});
