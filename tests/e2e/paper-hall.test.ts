import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectCleanPage, issuePaperInBrowser, formatNuMessages, launchBrowser, PHONE, postConfirmed, signedInPerson, startServer, TABLET, validateHtmlBatch,
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

/**
 * Types a count of paper ballots returned that exceeds those issued and saves it: answered 422 with
 * the page again, which Chromium logs as a console error (expected, then cleared).
 */
async function enterTooMany(page: Page, errors: PageErrors, count: string) {
  await page.getByLabel('收回张数').fill(count);
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/paper/returned')), page.waitForURL('**/paper/returned'),
    page.getByRole('button', { name: '保存', exact: true }).click(),
  ]);
  expect(answer.status()).toBe(422);
  await page.waitForLoadState('load');
  expect(errors.errors).toEqual([expect.stringMatching(/status of 422 .*\/paper\/returned/)]);
  errors.clear();
}

describe('more paper ballots back than handed out, in the hall', () => {
  it('is asked again with both figures, at tablet and phone widths, and the void form then offers the reason', async () => {
    const tablet = await signedInPerson(browser, server.url, 'mishu', TABLET);
    const meetings = await (await tablet.context.request.get('/api/meetings')).json() as { elections: { id: string }[] }[];
    const id = meetings[0]!.elections[0]!.id;
    // Opening and closing are irreversible: posted as a person who confirms them.
    const post = (path: string) => postConfirmed(tablet.context, server.url, path);
    expect((await post(`/admin/elections/${id}/open`)).status()).toBe(303);

    // Paper ballots to two deputies, typed with a full-width comma and in lower case.
    // Handing out is irreversible: asked first, then confirmed.
    await issuePaperInBrowser(tablet.page, id, 'D003，d005');
    expect(await tablet.page.locator('[role=status]').textContent()).toContain('已登记发放');
    expect((await post(`/admin/elections/${id}/close`)).status()).toBe(303);

    // Three counted back, two handed out: asked again, nothing saved.
    await tablet.page.goto(`/admin/elections/${id}/paper`);
    await enterTooMany(tablet.page, tablet.errors, '3');
    const alert = tablet.page.locator('[role=alert]');
    expect(await alert.textContent()).toContain('收回 3 张，多于发出的 2 张。请重新清点；如确实多收，可由秘书处作废本次表决。');
    expect(await tablet.page.getByLabel('收回张数').inputValue()).toBe('3');
    expect(await tablet.page.locator('.big-facts dd').allTextContents()).toEqual(['2', '—', '0']);
    await tablet.page.screenshot({ path: `${SHOTS}/paper-returned-exceeds-tablet.png`, fullPage: true });
    await checkPage(tablet.page, tablet.errors, 'paper: more returned than issued (tablet)');
    const state = async () => ((await (await tablet.context.request.get(`/api/elections/${id}`)).json()) as { state: string }).state;
    expect(await state()).toBe('closed');

    // On a phone: the same answer, readable; the link leads to the void form with the reason offered.
    const phone = await signedInPerson(browser, server.url, 'mishu', PHONE);
    await phone.page.goto(`/admin/elections/${id}/paper`);
    await enterTooMany(phone.page, phone.errors, '3');
    expect(await phone.page.locator('[role=alert]').textContent()).toContain('收回 3 张，多于发出的 2 张');
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await phone.page.screenshot({ path: `${SHOTS}/paper-returned-exceeds-phone.png`, fullPage: true });
    await checkPage(phone.page, phone.errors, 'paper: more returned than issued (phone)');
    await Promise.all([phone.page.waitForURL('**/scrutiny?void=paper-exceeds&returned=3#void'), phone.page.getByRole('link', { name: '前往计票页面作废本次表决' }).click()]);
    const reason = phone.page.getByLabel('无效原因');
    expect(await reason.isVisible()).toBe(true);
    expect(await reason.inputValue()).toBe('收回的选票多于发出的选票（收回 3 张，发出 2 张），本次表决无效。');
    expect(await state()).toBe('closed');
    await phone.page.screenshot({ path: `${SHOTS}/scrutiny-void-prefilled-phone.png`, fullPage: true });
    await checkPage(phone.page, phone.errors, 'scrutiny: void form with the reason (phone)');

    // Counted again on the tablet: two. Saved; the figures show what was recorded.
    await tablet.page.goto(`/admin/elections/${id}/paper`);
    await tablet.page.getByLabel('收回张数').fill('2');
    await Promise.all([tablet.page.waitForURL('**/paper?done=returned'), tablet.page.getByRole('button', { name: '保存', exact: true }).click()]);
    expect(await tablet.page.locator('.big-facts dd').allTextContents()).toEqual(['2', '2', '0']);
    await tablet.page.goto(`/admin/elections/${id}/scrutiny?void=paper-exceeds&returned=3`);
    expect(await tablet.page.getByLabel('无效原因').inputValue()).toBe('收回的选票多于发出的选票（收回 3 张，发出 2 张），本次表决无效。');
    await tablet.page.screenshot({ path: `${SHOTS}/scrutiny-void-prefilled-tablet.png`, fullPage: true });
    await checkPage(tablet.page, tablet.errors, 'scrutiny: void form with the reason (tablet)');
    await phone.context.close();
    await tablet.context.close();

    const nu = await validateHtmlBatch(documents);
    const problems = [...nu].filter(([, m]) => m.length).map(([url, m]) => formatNuMessages(url, m));
    expect(problems).toEqual([]);
  });
});
