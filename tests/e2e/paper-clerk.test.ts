import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commitPaperInBrowser, expectCleanPage, issuePaperInBrowser, keyPaperSheet, recordPaperReturned, formatNuMessages, launchBrowser, PHONE, postConfirmed, signedInPerson, startServer, TABLET, validateHtmlBatch,
  type HtmlDocument, type PageErrors, type Person, type RunningServer,
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


/** Keys one sheet on the clerk's form: the sheet number offered is checked, item 1 marked as given. */
const keySheet = (p: Person, expectedSeq: string, item1: '赞成' | '反对' | '弃权') => keyPaperSheet(p.page, expectedSeq, [item1]);

const noSideways = async (page: Page) => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

describe('paper double entry by two clerks', () => {
  it('two clerks key, a mismatch is marked item by item, a clerk corrects with the change shown; tablet and phone', async () => {
    const mishu = await signedInPerson(browser, server.url, 'mishu', TABLET);
    const meetings = await (await mishu.context.request.get('/api/meetings')).json() as { elections: { id: string }[] }[];
    const id = meetings[0]!.elections[0]!.id;
    expect((await postConfirmed(mishu.context, server.url, `/admin/elections/${id}/open`)).status()).toBe(303);

    // Handing out paper asks first, naming who will no longer vote electronically.
    await issuePaperInBrowser(mishu.page, id, 'D003 D005', async () => {
      expect(await mishu.page.locator('.confirm__list').textContent()).toContain('D003、D005 此后不能再电子投票');
      await mishu.page.screenshot({ path: `${SHOTS}/clerk-issue-confirm-tablet.png`, fullPage: true });
      await checkPage(mishu.page, mishu.errors, 'paper: confirm hand-out (tablet)');
    });
    expect((await postConfirmed(mishu.context, server.url, `/admin/elections/${id}/close`)).status()).toBe(303);
    await recordPaperReturned(mishu.page, id, 2);
    // The secretariat no longer keys.
    expect(await mishu.page.getByRole('button', { name: '保存这张票' }).count()).toBe(0);

    // Clerk 甲 on a tablet: lands on the list, opens the vote, keys both sheets.
    const jia = await signedInPerson(browser, server.url, 'jipiao1', TABLET);
    expect(new URL(jia.page.url()).pathname).toBe('/paper');
    await jia.page.screenshot({ path: `${SHOTS}/clerk-list-tablet.png`, fullPage: true });
    await checkPage(jia.page, jia.errors, 'paper: the clerk\'s list (tablet)');
    await Promise.all([jia.page.waitForURL(`**/admin/elections/${id}/paper`), jia.page.locator(`a[href="/admin/elections/${id}/paper"]`).click()]);
    // Nobody has keyed: nothing waits for a second clerk yet.
    expect(await jia.page.locator('main').textContent()).not.toContain('尚待第二');
    await jia.page.screenshot({ path: `${SHOTS}/clerk-form-tablet.png`, fullPage: true });
    await checkPage(jia.page, jia.errors, 'paper: the clerk\'s form (tablet)');
    await keySheet(jia, '1', '赞成');
    await keySheet(jia, '2', '弃权');
    expect(await jia.page.locator('main').textContent()).toContain('尚待第二位计票人录入：第 1、2 张');

    // Clerk 乙 on a phone: keys sheet 1 differently.
    const yi = await signedInPerson(browser, server.url, 'jipiao2', PHONE);
    await yi.page.goto(`/admin/elections/${id}/paper`);
    await noSideways(yi.page);
    await keySheet(yi, '1', '反对');
    await keySheet(yi, '2', '弃权');
    const flagged = yi.page.locator('table mark.keying__differs');
    expect(await flagged.allTextContents()).toEqual(['1:赞成（不一致）', '1:反对（不一致）']);
    expect(await yi.page.locator('table').first().textContent()).toContain('第 1 项');
    await noSideways(yi.page);
    await yi.page.screenshot({ path: `${SHOTS}/clerk-mismatch-phone.png`, fullPage: true });
    await checkPage(yi.page, yi.errors, 'paper: mismatch marked (phone)');

    await jia.page.goto(`/admin/elections/${id}/paper`);
    expect(await jia.page.locator('table mark.keying__differs').count()).toBe(2);
    await jia.page.screenshot({ path: `${SHOTS}/clerk-mismatch-tablet.png`, fullPage: true });
    await checkPage(jia.page, jia.errors, 'paper: mismatch marked (tablet)');

    // A scrutineer watches every entry, read-only.
    const jian = await signedInPerson(browser, server.url, 'jianpiao1', TABLET);
    await jian.page.goto(`/admin/elections/${id}/paper`);
    const all = jian.page.locator('section[aria-labelledby="paper-entries-title"]');
    expect(await all.textContent()).toContain('计票人甲（演示）');
    expect(await all.textContent()).toContain('不一致：第 1 项');
    expect(await jian.page.getByRole('button', { name: '保存这张票' }).count()).toBe(0);
    await jian.page.screenshot({ path: `${SHOTS}/clerk-scrutineer-tablet.png`, fullPage: true });
    await checkPage(jian.page, jian.errors, 'paper: every entry, for a scrutineer (tablet)');

    // Clerk 乙 checks the sheet and corrects: the change is shown before it is made.
    await yi.page.getByLabel(/第几张/).fill('1');
    await yi.page.locator('fieldset.ballot-item__group').first().getByLabel('赞成', { exact: true }).check();
    await yi.page.getByRole('button', { name: '保存这张票' }).click();
    await yi.page.getByRole('heading', { name: '修改第 1 张的录入？' }).waitFor();
    const change = await yi.page.locator('.confirm__list').textContent();
    expect(change).toContain('第 1 项：反对 → 赞成');
    await noSideways(yi.page);
    await yi.page.screenshot({ path: `${SHOTS}/clerk-rekey-confirm-phone.png`, fullPage: true });
    await checkPage(yi.page, yi.errors, 'paper: confirm a re-entry (phone)');
    await Promise.all([yi.page.waitForURL('**/paper?done=rekeyed'), yi.page.getByRole('button', { name: '确认修改' }).click()]);
    expect(await yi.page.locator('table mark.keying__differs').count()).toBe(0);

    // The secretariat commits, after the confirmation states how many go in.
    await commitPaperInBrowser(mishu.page, id, 2, async () => {
      await mishu.page.screenshot({ path: `${SHOTS}/clerk-commit-confirm-tablet.png`, fullPage: true });
      await checkPage(mishu.page, mishu.errors, 'paper: confirm commit (tablet)');
    });

    for (const p of [mishu, jia, yi, jian]) await p.context.close();
    const nu = await validateHtmlBatch(documents);
    const problems = [...nu].filter(([, m]) => m.length).map(([url, m]) => formatNuMessages(url, m));
    expect(problems).toEqual([]);
  });
});
