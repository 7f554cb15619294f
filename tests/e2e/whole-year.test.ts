/**
 * Issue 12's year after the vote, in the browser, as people would: the lead department's officer
 * drafts and submits a plan with milestones, the secretariat approves it; the officer files a report
 * with a photo, the secretariat returns it with a comment, the officer corrects and resubmits, the
 * secretariat approves; a deputy files an inspection note from the project page and the department
 * replies; a citizen on a 390 px phone follows the project; the next meeting's 测评 rates it and the
 * project page shows the rating. Every page visited passes axe (WCAG 2.1 AA) and the Nu checker;
 * the main pages are photographed at tablet and phone width into /tmp/shots (kept by CI).
 *
 * The projects are the demo's 2023 ones, made by the real code from the demo's published 2023 vote;
 * the vote itself (roster, slips, attendance, casting with and without JavaScript, paper, counting,
 * certification, publication) is driven in the browser by the other files in this folder.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectCleanPage, formatNuMessages, launchBrowser, PHONE, postConfirmed, signedInPerson, startServer, TABLET, validateHtmlBatch,
  watchPageErrors, type HtmlDocument, type PageErrors, type Person, type RunningServer,
} from './harness.ts';

const SHOTS = '/tmp/shots';
const MEETING_2024 = '龙游县第十四届人民代表大会第三次会议';
const RETURN_COMMENT = '请补充开工学校名单并附现场照片说明。';
const NOTE = '视察发现部分学校食堂改造进度较慢，建议加快施工并公开时间表。';
const REPLY = '已督促施工单位增加人手，预计下月底前完成全部食堂改造。';

let server: RunningServer;
let browser: Browser;
let files: string;
let photo: string;
const documents: HtmlDocument[] = [];
/** The project the scenario follows: the first one the education bureau leads. */
let projectId: number;
let projectTitle: string;
let officer: Person;
let mishu: Person;

const checkPage = (page: Page, errors: PageErrors | undefined, name: string) => expectCleanPage(page, errors, name, documents);

/** Full-page screenshots at tablet and phone width, each checked for sideways scrolling; back to `restore`. */
async function shots(page: Page, name: string, restore: { width: number; height: number } = TABLET): Promise<void> {
  for (const [size, viewport] of [['tablet', TABLET], ['phone', PHONE]] as const) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => window.scrollTo(0, 0));
    expect(await sideways(page), `${name} at ${size} width: wider than the screen`).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `year-${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(restore);
}

/** Elements that stick out of the viewport on the right, other than what sits inside a .table-wrap. */
function sideways(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    return [...document.body.querySelectorAll('*')].filter((el) => {
      if (el.closest('.table-wrap')) return false;
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.right > width + 1;
    }).slice(0, 5).map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')} right=${Math.round(el.getBoundingClientRect().right)}`);
  });
}

/**
 * Clicks (the promise given) and waits for the navigation it causes to land where `path` says and
 * load: a form posted back to its own URL counts too, so no step reads the page it is leaving.
 */
async function go(page: Page, path: string | RegExp | ((url: URL) => boolean), click: Promise<void>): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await click;
  await navigated;
  await page.waitForURL(path);
  await page.waitForLoadState('load');
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  mkdirSync(SHOTS, { recursive: true });
  files = mkdtempSync(join(tmpdir(), 'minsheng-year-'));
  // A photo made here (no downloads): a gradient with a few shapes, as a JPEG.
  photo = join(files, 'canteen.jpg');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><defs><linearGradient id="g"><stop offset="0" stop-color="#8ab"/><stop offset="1" stop-color="#dca"/></linearGradient></defs><rect width="800" height="600" fill="url(#g)"/><rect x="120" y="260" width="560" height="260" fill="#a55"/><polygon points="100,260 400,90 700,260" fill="#733"/></svg>`;
  await sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toFile(photo);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

describe('a tracked project\'s year in the browser', () => {
  it('the department officer lands on the workspace, drafts a plan with milestones and submits it', async () => {
    officer = await signedInPerson(browser, server.url, 'jiaoyu', TABLET);
    officer.context.setDefaultTimeout(15_000);
    const page = officer.page;
    expect(new URL(page.url()).pathname).toBe('/workspace');
    await checkPage(page, officer.errors, 'workspace');
    await shots(page, 'workspace');

    const planLink = page.getByRole('link', { name: /需编制实施方案/ }).first();
    const href = (await planLink.getAttribute('href'))!;
    projectId = Number(/\/workspace\/projects\/(\d+)\/plan/.exec(href)![1]);
    await go(page, `**/workspace/projects/${projectId}/plan`, planLink.click());
    projectTitle = (await page.getByRole('heading', { level: 1 }).textContent())!.replace(/^[^:：]*[:：]\s*/, '').trim();
    await checkPage(page, officer.errors, 'plan form (empty)');
    await shots(page, 'plan-form');

    await page.getByLabel('年度计划投资', { exact: true }).fill('500');
    await page.getByLabel('完成期限', { exact: true }).fill('2026-12-31');
    await page.getByLabel(/实施地点/).fill('龙洲街道');
    await page.getByLabel('进度报送周期').selectOption('quarterly');
    const form = page.locator('#plan-form');
    await form.locator('input[name="target.0.metric"]').fill('改造学校食堂');
    await form.locator('input[name="target.0.value"]').fill('12');
    await form.locator('input[name="target.0.unit"]').fill('所');
    await form.locator('input[name="ms.0.title"]').fill('完成招标');
    await form.locator('input[name="ms.0.due"]').fill('2026-06-30');
    await form.locator('input[name="ms.0.weight"]').fill('1');
    await form.locator('input[name="ms.1.title"]').fill('全部完工验收');
    await form.locator('input[name="ms.1.due"]').fill('2026-12-31');
    await form.locator('input[name="ms.1.weight"]').fill('3');
    await go(page, (u) => u.pathname === `/workspace/projects/${projectId}/plan`, page.getByRole('button', { name: '保存草稿' }).click());
    await page.getByText('实施方案已保存。').waitFor();
    await checkPage(page, officer.errors, 'plan form (saved draft)');

    // Submitting asks first.
    await go(page, () => true, page.getByRole('button', { name: '提交审核' }).click());
    await checkPage(page, officer.errors, 'plan submit confirmation');
    await go(page, (u) => u.pathname === `/workspace/projects/${projectId}/plan`, page.locator('main form button[type="submit"]').first().click());
    await page.getByText('已提交秘书处审核。').waitFor();
    await checkPage(page, officer.errors, 'plan (submitted)');
  });

  it('the secretariat approves the plan from the console, after a confirmation page', async () => {
    mishu = await signedInPerson(browser, server.url, 'mishu', TABLET);
    mishu.context.setDefaultTimeout(15_000);
    const page = mishu.page;
    await page.goto('/admin/tracking');
    await checkPage(page, mishu.errors, 'tracking console');
    await shots(page, 'console');
    await page.goto('/admin/tracking/plans');
    await checkPage(page, mishu.errors, 'plan queue');
    await go(page, /\/admin\/tracking\/plans\/\d+$/, page.getByRole('link', { name: new RegExp(projectTitle) }).first().click());
    await checkPage(page, mishu.errors, 'plan review');
    await shots(page, 'plan-review');
    await go(page, () => true, page.getByRole('button', { name: '批准', exact: true }).click());
    await page.getByRole('heading', { level: 1 }).filter({ hasText: /？|\?/ }).waitFor();
    await checkPage(page, mishu.errors, 'plan approve confirmation');
    await go(page, (u) => !u.pathname.endsWith('/approve'), page.locator('main form button[type="submit"]').first().click());
    await page.getByText('实施方案已批准并公开。').waitFor();
    await checkPage(page, mishu.errors, 'plan review (approved)');
  });

  let reportId: number;

  it('the officer files a report with a photo; the secretariat returns it with a comment', async () => {
    const page = officer.page;
    await page.goto(`/workspace/projects/${projectId}`);
    await checkPage(page, officer.errors, 'workspace project');
    await shots(page, 'workspace-project');
    await page.getByLabel('工作进展').fill('已完成全县学校食堂改造招标，四所学校开工。');
    await page.locator('input[name="actual.t1"], input[name^="actual."]').first().fill('4');
    await page.getByLabel('累计完成投资（元）').fill('1200000');
    await page.locator('input[name="milestone"]').first().check();
    await go(page, /\/workspace\/reports\/\d+/, page.getByRole('button', { name: '保存草稿' }).click());
    reportId = Number(/\/workspace\/reports\/(\d+)/.exec(page.url())![1]);
    await checkPage(page, officer.errors, 'report (draft)');
    await shots(page, 'report-form');

    await page.locator('input[name="file"]').setInputFiles(photo);
    await page.getByLabel('说明').fill('龙洲小学食堂施工现场');
    await go(page, (u) => u.pathname === `/workspace/reports/${reportId}`, page.getByRole('button', { name: '上传' }).click());
    await page.locator('img[src^="/evidence/"], img[src*="evidence"]').first().waitFor();
    await checkPage(page, officer.errors, 'report (draft with photo)');

    await go(page, () => true, page.getByRole('button', { name: '报送审核' }).click());
    if (await page.getByRole('heading', { level: 1 }).filter({ hasText: /？|\?/ }).count()) {
      await checkPage(page, officer.errors, 'report submit confirmation');
      await go(page, (u) => u.pathname === `/workspace/reports/${reportId}`, page.locator('main form button[type="submit"]').first().click());
    }
    await checkPage(page, officer.errors, 'report (submitted)');

    const admin = mishu.page;
    await admin.goto('/admin/tracking/reports');
    await checkPage(admin, mishu.errors, 'report queue');
    await go(admin, `**/admin/tracking/reports/${reportId}`, admin.locator(`a[href="/admin/tracking/reports/${reportId}"]`).first().click());
    await checkPage(admin, mishu.errors, 'report review');
    await shots(admin, 'report-review');
    await admin.getByLabel('退回意见').fill(RETURN_COMMENT);
    await go(admin, (u) => !u.pathname.endsWith('/return'), admin.getByRole('button', { name: '退回部门' }).click());
    await checkPage(admin, mishu.errors, 'report review (returned)');
  });

  it('the officer sees the comment, corrects and resubmits; the secretariat approves', async () => {
    const page = officer.page;
    await page.goto('/workspace');
    const returned = page.getByRole('link', { name: /被退回/ }).first();
    expect(await returned.textContent()).toContain(RETURN_COMMENT);
    await checkPage(page, officer.errors, 'workspace (report returned)');
    await go(page, `**/workspace/reports/${reportId}`, returned.click());
    expect(await page.locator('main').textContent()).toContain(RETURN_COMMENT);
    await checkPage(page, officer.errors, 'report (returned)');
    await page.getByLabel('工作进展').fill('已完成全县学校食堂改造招标，龙洲小学等四所学校开工（名单：龙洲小学、东华小学、湖镇小学、溪口小学）。');
    await go(page, (u) => u.pathname === `/workspace/reports/${reportId}`, page.getByRole('button', { name: '保存草稿' }).click());
    await go(page, () => true, page.getByRole('button', { name: '修改后重新报送' }).click());
    if (await page.getByRole('heading', { level: 1 }).filter({ hasText: /？|\?/ }).count()) {
      await go(page, (u) => u.pathname === `/workspace/reports/${reportId}`, page.locator('main form button[type="submit"]').first().click());
    }

    const admin = mishu.page;
    await admin.goto(`/admin/tracking/reports/${reportId}`);
    await go(admin, () => true, admin.getByRole('button', { name: '批准并公开' }).click());
    if (await admin.getByRole('heading', { level: 1 }).filter({ hasText: /？|\?/ }).count()) {
      await checkPage(admin, mishu.errors, 'report approve confirmation');
      await go(admin, (u) => !u.pathname.endsWith('/approve'), admin.locator('main form button[type="submit"]').first().click());
    }
    await checkPage(admin, mishu.errors, 'report review (approved)');
  });

  it('a deputy files an inspection note from the project page; the department replies', async () => {
    const deputy = await signedInPerson(browser, server.url, 'd001', TABLET);
    const page = deputy.page;
    await page.goto(`/projects/${projectId}`);
    await go(page, `**/projects/${projectId}/notes/new`, page.getByRole('link', { name: /视察意见/ }).first().click());
    await checkPage(page, deputy.errors, 'note form');
    await shots(page, 'note-form');
    await page.locator('textarea[name="body"]').fill(NOTE);
    await go(page, (u) => u.pathname !== `/projects/${projectId}/notes/new`, page.locator('main form button[type="submit"]').click());
    await checkPage(page, deputy.errors, 'note filed');
    await deputy.context.close();

    const o = officer.page;
    await o.goto('/workspace/notes');
    await checkPage(o, officer.errors, 'workspace notes');
    await shots(o, 'workspace-notes');
    const item = o.locator('li', { hasText: NOTE }).first();
    await item.locator('textarea').fill(REPLY);
    await go(o, () => true, item.locator('button[type="submit"]').click());
    if (await o.getByRole('heading', { level: 1 }).filter({ hasText: /？|\?/ }).count()) {
      await checkPage(o, officer.errors, 'reply confirmation');
      await go(o, (u) => u.pathname === '/workspace/notes', o.locator('main form button[type="submit"]').first().click());
    }
    await checkPage(o, officer.errors, 'workspace notes (replied)');
  });

  it('a citizen on a phone sees the progress, the photo and the note with its reply', async () => {
    const context = await browser.newContext({ baseURL: server.url, viewport: PHONE });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto('/');
    await checkPage(page, errors, 'home (phone)');
    expect(await sideways(page)).toEqual([]);
    await page.goto('/projects?year=2023');
    await checkPage(page, errors, 'projects 2023 (phone)');
    await shots(page, 'projects', PHONE);
    await go(page, `**/projects/${projectId}`, page.locator(`a[href="/projects/${projectId}"]`).first().click());
    const main = page.locator('main');
    expect(await main.textContent()).toContain(NOTE);
    expect(await main.textContent()).toContain(REPLY);
    expect(await main.locator('img').count(), 'the report\'s photo').toBeGreaterThan(0);
    expect(await main.locator('[role="progressbar"], progress, .progress').count()).toBeGreaterThan(0);
    await checkPage(page, errors, 'project page (phone)');
    await shots(page, 'project', PHONE);
    await context.close();
  });

  it('the 2024 meeting rates the 2023 projects; the project page shows the rating', async () => {
    const page = mishu.page;
    await page.goto('/admin/meetings');
    await go(page, /\/admin\/meetings\/\d+$/, page.getByRole('link', { name: MEETING_2024, exact: true }).click());
    const meetingId = Number(/\/admin\/meetings\/(\d+)$/.exec(new URL(page.url()).pathname)![1]);
    await page.getByText('设置满意度测评').click();
    await checkPage(page, mishu.errors, 'meeting with the rating form');
    await shots(page, 'rating-form');
    expect(await page.locator(`input[name="project"]:checked`).count()).toBeGreaterThan(0);
    await page.locator('#rating-electorate').selectOption('all-deputies');
    await go(page, /\/admin\/elections\/\d+\?done=election$/, page.getByRole('button', { name: '保存测评设置' }).click());
    const id = Number(/\/admin\/elections\/(\d+)/.exec(page.url())![1]);
    await checkPage(page, mishu.errors, 'rating vote (draft)');
    const options = await page.evaluate(async (e) => (await (await fetch(`/api/elections/${e}`)).json()) as unknown, id).catch(() => null);
    void options; void meetingId;

    const post = (who: Person, path: string, form: Record<string, string> = {}) => postConfirmed(who.context, server.url, path, form);
    // The vote's scrutineers are named (the demo's two), then it opens after its confirmation page.
    await post(mishu, `/admin/elections/${id}/scrutineers`, { scrutineers: 'D011 D012' });
    const opened = await post(mishu, `/admin/elections/${id}/open`);
    expect(opened.headers().location, 'the rating vote did not open').toMatch(/done=opened/);
    expect(opened.status()).toBe(303);
    for (const username of ['d001', 'd002']) {
      const deputy = await signedInPerson(browser, server.url, username, TABLET);
      await deputy.page.goto(`/elections/${id}/ballot`);
      const keys = await deputy.page.locator('input[type="radio"][value="S"]').evaluateAll((rs) => rs.map((r) => (r as HTMLInputElement).name));
      expect(keys.length, `${username} on ${deputy.page.url()}: ${(await deputy.page.locator('main').textContent())?.slice(0, 300)}`).toBeGreaterThan(0);
      await checkPage(deputy.page, deputy.errors, `rating ballot (${username})`);
      const cast = await post(deputy, `/elections/${id}/ballot`, Object.fromEntries(keys.map((k) => [k, 'S'])));
      expect(cast.status()).toBeLessThan(400);
      await deputy.context.close();
    }
    expect((await post(mishu, `/admin/elections/${id}/close`)).status()).toBe(303);
    expect((await post(mishu, `/admin/elections/${id}/seal`)).status()).toBe(303);
    for (const username of ['jianpiao1', 'jianpiao2']) {
      const s = await signedInPerson(browser, server.url, username, TABLET);
      await s.page.goto(`/admin/elections/${id}/scrutiny`);
      await go(s.page, `**/admin/elections/${id}/certify`, s.page.getByRole('button', { name: '确认无误' }).click());
      await go(s.page, '**/scrutiny?done=certified', s.page.getByRole('button', { name: '确认，计票结果无误' }).click());
      await s.context.close();
    }
    expect((await post(mishu, `/admin/elections/${id}/publish`)).status()).toBe(303);

    const citizen = await browser.newContext({ baseURL: server.url, viewport: PHONE });
    const p = await citizen.newPage();
    const errors = watchPageErrors(p);
    await p.goto(`/projects/${projectId}`);
    expect(await p.locator('main').textContent()).toMatch(/满意/);
    await checkPage(p, errors, 'project page with its rating (phone)');
    await shots(p, 'project-rated', PHONE);
    await p.goto('/projects/2023/report').catch(() => undefined);
    await citizen.close();
  });

  it('serves valid HTML on every page visited (Nu Html Checker)', async () => {
    await officer?.context.close();
    await mishu?.context.close();
    expect(documents.length).toBeGreaterThan(20);
    const results = await validateHtmlBatch(documents);
    const report = [...results].filter(([, errors]) => errors.length > 0).map(([url, errors]) => formatNuMessages(url, errors));
    expect(report, report.join('\n')).toEqual([]);
  });
});
