import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectCleanPage, formatNuMessages, launchBrowser, signedInPerson, startServer, validateHtmlBatch, type HtmlDocument,
  type Person, type RunningServer,
} from './harness.ts';

/**
 * Irreversible steps in the browser (issue 11, items 2 and 7): opening a vote and publishing a
 * meeting each stop at a page that says what follows, at tablet and phone widths, without
 * JavaScript dialogs; going back changes nothing; confirming acts. Screenshots in /tmp/shots.
 */
let server: RunningServer;
let browser: Browser;
const documents: HtmlDocument[] = [];
const WIDTHS = [['tablet', 1024, 1366], ['phone', 390, 844]] as const;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  await mkdir('/tmp/shots', { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function secretariat(width: number, height: number): Promise<Person> {
  const person = await signedInPerson(browser, server.url, 'mishu', { width, height });
  // A JavaScript dialog is no confirmation: none may appear.
  person.page.on('dialog', (d) => { person.errors.errors.push(`unexpected dialog: ${d.message()}`); void d.dismiss(); });
  return person;
}

describe('confirmation pages in the browser', () => {
  it('asks before opening a vote, stating what follows; back changes nothing, confirming opens it', async () => {
    const meetings = await (await fetch(`${server.url}/api/meetings`)).json() as { elections: { id: string; state: string }[] }[];
    const id = meetings[0]!.elections.find((e) => e.state === 'draft')!.id;
    for (const [name, width, height] of WIDTHS) {
      const { context, page, errors } = await secretariat(width, height);
      await page.goto(`/admin/elections/${id}`);
      await Promise.all([page.waitForURL(`**/admin/elections/${id}/open`), page.getByRole('button', { name: '开启投票' }).click()]);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('开启投票？');
      const said = await page.locator('.confirm__list').textContent();
      expect(said).toContain('应到 240 人，实到 228 人。');
      expect(said).toContain('监票人：');
      await expectCleanPage(page, errors, `open confirmation (${name})`, documents);
      await page.screenshot({ path: `/tmp/shots/confirm-open-${name}.png`, fullPage: true });
      // Going back leaves the vote in draft.
      await Promise.all([page.waitForURL(`**/admin/elections/${id}`), page.getByRole('link', { name: '返回，不执行' }).click()]);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('未开启');
      await context.close();
    }
    const { context, page } = await secretariat(390, 844);
    await page.goto(`/admin/elections/${id}`);
    await Promise.all([page.waitForURL(`**/admin/elections/${id}/open`), page.getByRole('button', { name: '开启投票' }).click()]);
    await Promise.all([page.waitForURL(`**/admin/elections/${id}?done=opened`), page.getByRole('button', { name: '确认开启投票' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('投票中');
    await context.close();
  });

  it('keeps a new meeting off the public pages until it is published, asking first', async () => {
    for (const [name, width, height] of WIDTHS) {
      const { context, page, errors } = await secretariat(width, height);
      await page.goto('/admin/meetings');
      const title = `龙游县第十四届人民代表大会第${name === 'tablet' ? '四' : '五'}次会议`;
      await page.getByLabel('会议名称').fill(title);
      await page.getByLabel('第几次会议').fill(name === 'tablet' ? '4' : '5');
      await page.getByLabel('年度').fill('2025');
      await page.getByLabel('开幕日期').fill('2025-01-10');
      await page.getByLabel('闭幕日期').fill('2025-01-13');
      await Promise.all([page.waitForURL(/\/admin\/meetings\/\d+\?done=meeting$/), page.getByRole('button', { name: '设立会议' }).click()]);
      const meetingId = /\/admin\/meetings\/(\d+)/.exec(page.url())![1];
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('未公开');
      expect((await fetch(`${server.url}/meetings/${meetingId}`)).status).toBe(404);
      await Promise.all([page.waitForURL(`**/admin/meetings/${meetingId}/publish`), page.getByRole('button', { name: '公开本次会议' }).click()]);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('公开本次会议？');
      await expectCleanPage(page, errors, `publish confirmation (${name})`, documents);
      await page.screenshot({ path: `/tmp/shots/confirm-publish-meeting-${name}.png`, fullPage: true });
      await Promise.all([page.waitForURL(`**/admin/meetings/${meetingId}?done=published`), page.getByRole('button', { name: '确认公开' }).click()]);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('已公开');
      expect((await fetch(`${server.url}/meetings/${meetingId}`)).status).toBe(200);
      await context.close();
    }
  });

  it('serves valid HTML (Nu Html Checker)', async () => {
    const nu = await validateHtmlBatch(documents);
    const problems = [...nu].filter(([, m]) => m.length).map(([url, m]) => formatNuMessages(url, m));
    expect(problems).toEqual([]);
  });
});
