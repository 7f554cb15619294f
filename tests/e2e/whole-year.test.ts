/**
 * Issue 12's one browser scenario for the whole year, on its own fresh data set up as the
 * secretariat would: a new term (第十五届) with a roster of seven imported from a CSV file, the
 * accounts (a department officer for a department added to the list, three deputies who are
 * scrutineers, slips for the others), a meeting with three candidates, attendance, a vote of two
 * seats over valid ballots in encrypted mode (issue 13): the three scrutineers, as trustees with
 * k = 2, run the key ceremony each in their own browser and keep their trustee files; one deputy
 * votes with JavaScript (the ballot encrypted in the page), one without (encrypted by the server),
 * one on paper keyed by two clerks; it is closed and sealed (解密总数中), two trustees decrypt the
 * totals in their browsers with their files, two scrutineers certify and it is published as a
 * version-2 record that the verifier accepts (in process and as `npm run verify`). The project it
 * chose is then tracked: its department plans it (the secretariat approves), reports with a photo
 * (returned with a comment, corrected, approved), a deputy files a note and the department replies,
 * a citizen follows it on a phone; the term's next meeting rates it (测评) and its page shows the
 * rating. Every page visited passes axe (WCAG 2.1 AA) and the Nu checker; the main pages are
 * photographed at tablet and phone width into /tmp/shots (kept by CI).
 *
 * The server runs on the real clock (a plan starts on the day its project is published), so the
 * dates follow today's: the vote's meeting is held today, the plan runs to the end of next year and
 * the rating meeting is held next January.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sodiumChecker } from '../../src/domain/crypto/sodium-checker.ts';
import { RECORD_FORMAT_V2, type ElectionRecordV2 } from '../../src/domain/record/format-v2.ts';
import { verifyRecordV2 } from '../../src/domain/record/verify-v2.ts';
import { ROSTER_HEADER } from '../support/roster.ts';
import { runTs } from '../support/server-process.ts';
import {
  checkPageWithoutJs, chooseOwnPassword, clickAndLand as go, closeVoteInBrowser, commitPaperInBrowser, confirmOnPage, createAccountWithSlip,
  certifyInBrowser, expectCleanPage, formatNuMessages, importRoster, issuePaperInBrowser, issueRosterSlips,
  keyPaperSheet, launchBrowser, openVoteInBrowser, PHONE, publishInBrowser, recordPaperReturned, sealInBrowser, signedInPerson, signInThroughForm,
  startServer, TABLET, validateHtmlBatch, watchPageErrors, type HtmlDocument, type PageErrors, type Person, type RunningServer, type Slip,
} from './harness.ts';
import { castEncryptedInBrowser, castEncryptedWithoutJs, ceremonyInBrowsers, decryptInBrowser, sealEncryptedInBrowser, startCeremonyInBrowser } from './encrypted-steps.ts';

const SHOTS = '/tmp/shots';
/** Today in Beijing (the server's real clock), and its year. */
const TODAY = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const YEAR = Number(TODAY.slice(0, 4));
const NEXT = YEAR + 1;
const TERM = '龙游县第十五届人民代表大会';
const MEETING = '龙游县第十五届人民代表大会第一次会议';
const RATING_MEETING = '龙游县第十五届人民代表大会第二次会议';
const DEPARTMENT = '农业农村局';
const PASSWORD = 'a sentence of my own to remember';
/** The new term's roster: seven deputies in two delegations. */
const ROSTER = [
  ['D501', '赵一鸣', '龙洲街道代表团'], ['D502', '钱二丽', '龙洲街道代表团'], ['D503', '孙三强', '龙洲街道代表团'],
  ['D504', '李四海', '湖镇镇代表团'], ['D505', '周五月', '湖镇镇代表团'], ['D506', '吴六平', '湖镇镇代表团'], ['D507', '郑七星', '湖镇镇代表团'],
] as const;
/** The three candidates, in ballot order: the first is led by the new department and is the one followed. */
const CANDIDATES = [
  { name: '高标准农田灌溉提升', category: '乡村振兴', lead: DEPARTMENT, investmentWan: '3000' },
  { name: '乡村学校饮水改造', category: '科技教育', lead: '教育局', investmentWan: '800' },
  { name: '农村客运站亭更新', category: '公共交通', lead: '交通运输局', investmentWan: '500' },
] as const;
const RETURN_COMMENT = '请补充已完工灌区名单并附现场照片说明。';
const NOTE = '视察发现部分灌渠衬砌进度较慢，建议加快施工并公开时间表。';
const REPLY = '已督促施工单位增加人手，预计明年三月底前完成首批灌渠改造。';
/** The vote's scrutineers, in the order named: trustees 1, 2 and 3 of its key ceremony (k = 2). */
const SCRUTINEERS = ['D505', 'D506', 'D507'] as const;
/** Each trustee's passphrase for their trustee file. */
const PASSPHRASES = ['赵钱孙李周吴郑王冯陈褚卫蒋沈', 'trustee six: keep it safe', '第三位受托人 D507 的口令'] as const;

let server: RunningServer;
let browser: Browser;
let files: string;
let photo: string;
const documents: HtmlDocument[] = [];
let mishu: Person;
let termId: number;
let meetingId: number;
let electionId: number;
/** The trustees' final files (by trustee index − 1) and the election key's fingerprint they confirmed. */
let trusteeFiles: string[];
let fingerprint: string;
/** The slips handed out, by deputy code (the officer's under its username). */
const slips = new Map<string, Slip>();
/** The project the scenario follows: the one the vote chose that the new department leads. */
let projectId: number;
let projectTitle: string;
let officer: Person;

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

/** A person of the new term, signed in with the password they chose at their first sign-in. */
const deputy = (code: string, viewport = TABLET) => signedInPerson(browser, server.url, slips.get(code)!.username, viewport, PASSWORD);

/** A deputy of the new term signed in on a phone with JavaScript off. */
async function deputyWithoutJs(code: string): Promise<Person> {
  const context = await browser.newContext({ baseURL: server.url, viewport: PHONE, javaScriptEnabled: false });
  const page = await context.newPage();
  const errors = watchPageErrors(page);
  await signInThroughForm(page, slips.get(code)!.username, { password: PASSWORD });
  return { context, page, errors };
}

/** A fresh browser for someone holding a slip; they sign in with it and choose their own password. */
async function firstSignIn(key: string, opts: { viewport?: { width: number; height: number }; javaScriptEnabled?: boolean } = {}): Promise<Person> {
  const context = await browser.newContext({ baseURL: server.url, viewport: opts.viewport ?? TABLET, javaScriptEnabled: opts.javaScriptEnabled ?? true });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors = watchPageErrors(page);
  await chooseOwnPassword(page, slips.get(key)!, PASSWORD);
  return { context, page, errors };
}

/** Marks a ballot in the browser (JavaScript on or off), reviews it and casts it; returns the receipt's tracker. */
async function castInBrowser(page: Page, id: number, marks: Record<string, string>, check: (name: string) => Promise<void>): Promise<string> {
  await page.goto('/vote');
  await check('/vote');
  await go(page, `**/elections/${id}/ballot`, page.locator(`a.tile[href="/elections/${id}/ballot"]`).click());
  await check('ballot');
  for (const [key, letter] of Object.entries(marks)) await page.locator(`label:has(input[type="radio"][name="choice.${key}"][value="${letter}"])`).click();
  await page.getByRole('button', { name: /下一步/ }).click();
  await page.getByRole('heading', { level: 1, name: '请核对您的选票' }).waitFor();
  await check('review');
  await page.getByRole('button', { name: '确认投出' }).click();
  await page.getByRole('heading', { level: 1, name: '投票回执' }).waitFor();
  await check('receipt');
  return (await page.locator('.tracker').first().textContent())!.trim();
}

/** Every delegation of the meeting marked present at once (本团全部到会), on the attendance sheet. */
async function allPresent(page: Page, id: number): Promise<void> {
  // Only the absent, their delegations open.
  await page.goto(`/admin/meetings/${id}/attendance?show=absent`);
  for (;;) {
    const button = page.getByRole('button', { name: /^本团全部到会/ }).first();
    if (!(await button.count())) break;
    await go(page, (u) => u.searchParams.has('updated'), button.click());
  }
  expect((await page.locator('.attendance-bar dd').allTextContents()).map((x) => x.trim())).toEqual([String(ROSTER.length), String(ROSTER.length), '符合法定人数']);
}

/** A meeting of the new term set up on /admin/meetings; returns its id. */
async function createMeeting(page: Page, title: string, session: number, year: number, startsOn: string, endsOn: string): Promise<number> {
  await page.goto('/admin/meetings');
  const form = page.locator('form[action="/admin/meetings"]');
  await form.getByLabel('届次').selectOption({ label: TERM });
  await form.getByLabel('会议名称').fill(title);
  await form.getByLabel('第几次会议').fill(String(session));
  await form.getByLabel('年度').fill(String(year));
  await form.getByLabel('开幕日期').fill(startsOn);
  await form.getByLabel('闭幕日期').fill(endsOn);
  await go(page, /\/admin\/meetings\/\d+\?done=meeting$/, form.getByRole('button', { name: '设立会议' }).click());
  return Number(/\/admin\/meetings\/(\d+)/.exec(page.url())![1]);
}

/** Opens the <details> whose summary says `summary`, if it is closed. */
async function openDetails(page: Page, summary: string): Promise<void> {
  const details = page.locator('details', { has: page.locator(':scope > summary', { hasText: summary }) });
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator(':scope > summary').click();
}

/** Publishes the meeting the browser is on, through its confirmation page. */
async function publishMeeting(page: Page, id: number): Promise<void> {
  await go(page, `**/admin/meetings/${id}/publish`, page.getByRole('button', { name: '公开本次会议' }).click());
  await checkPage(page, mishu.errors, 'publish meeting confirmation');
  await confirmOnPage(page, `**/admin/meetings/${id}?done=published`);
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  mkdirSync(SHOTS, { recursive: true });
  files = mkdtempSync(join(tmpdir(), 'minsheng-year-'));
  // A photo made here (no downloads): a gradient with a few shapes, as a JPEG.
  photo = join(files, 'canal.jpg');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><defs><linearGradient id="g"><stop offset="0" stop-color="#8ab"/><stop offset="1" stop-color="#dca"/></linearGradient></defs><rect width="800" height="600" fill="url(#g)"/><rect x="120" y="260" width="560" height="260" fill="#a55"/><polygon points="100,260 400,90 700,260" fill="#733"/></svg>`;
  await sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toFile(photo);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

describe('the whole year in the browser: a new term votes, and the project it chose is tracked and rated', () => {
  it('the secretariat sets up a new term, imports its roster, adds a department and makes the accounts', async () => {
    mishu = await signedInPerson(browser, server.url, 'mishu', TABLET);
    mishu.context.setDefaultTimeout(15_000);
    const page = mishu.page;
    await page.goto('/admin/terms');
    const termForm = page.locator('form[action="/admin/terms"]');
    await termForm.getByLabel('名称').fill(TERM);
    await termForm.getByLabel('届次').fill('15');
    await termForm.getByLabel('任期开始日期').fill(`${YEAR}-01-01`);
    await termForm.getByLabel('任期结束日期').fill(`${YEAR + 4}-12-31`);
    await go(page, /\/admin\/terms\/\d+\/roster\?done=term$/, termForm.getByRole('button', { name: '设立届次' }).click());
    termId = Number(/\/admin\/terms\/(\d+)\//.exec(page.url())![1]);
    await checkPage(page, mishu.errors, 'new term\'s roster (empty)');

    const csv = join(files, '第十五届代表名单.csv');
    writeFileSync(csv, `\ufeff${ROSTER_HEADER}\r\n${ROSTER.map(([code, name, delegation], i) => `${code},${name},${delegation},${i === 0 ? '是' : '否'},`).join('\r\n')}\r\n`);
    expect(await importRoster(page, termId, csv, ROSTER.length)).toContain(`新增 ${ROSTER.length} 名`);
    expect(await page.locator('h2#roster-list-title').textContent()).toContain(`共 ${ROSTER.length} 名代表`);
    await checkPage(page, mishu.errors, 'new term\'s roster (imported)');

    await page.goto('/admin/departments');
    const add = page.locator('form[action="/admin/departments"]');
    await add.getByLabel('部门名称').fill(DEPARTMENT);
    await go(page, '**/admin/departments?done=added', add.getByRole('button', { name: '新增' }).click());
    await checkPage(page, mishu.errors, 'departments (one added)');

    slips.set('nongye', await createAccountWithSlip(page, { username: 'nongye', displayName: `${DEPARTMENT}（浏览器测试）`, roles: ['责任单位'], department: DEPARTMENT }));
    await checkPage(page, mishu.errors, 'slip of the department officer');
    // The scrutineers are deputies, on their own accounts (监票人 and 代表).
    for (const code of SCRUTINEERS) {
      slips.set(code, await createAccountWithSlip(page, { username: `jp.${code.toLowerCase()}`, displayName: `监票人 ${code}`, roles: ['代表', '监票人'], deputyCode: code }));
    }
    // The other five deputies' slips at once.
    const issued = await issueRosterSlips(page, termId);
    expect(issued).toHaveLength(ROSTER.length - SCRUTINEERS.length);
    for (const slip of issued) slips.set(ROSTER.find(([, name]) => name === slip.name)![0], slip);
    await checkPage(page, mishu.errors, 'the new term\'s slips');
    await page.goto('/admin/users');
    await checkPage(page, mishu.errors, 'accounts');
  });

  it('the secretariat sets up the meeting, its three candidates (published), attendance and the vote', async () => {
    const page = mishu.page;
    meetingId = await createMeeting(page, MEETING, 1, YEAR, TODAY, TODAY);
    for (const c of CANDIDATES) {
      await openDetails(page, '录入候选项目');
      const form = page.locator(`form[action="/admin/meetings/${meetingId}/candidates"]`);
      await form.getByLabel('项目名称').fill(c.name);
      await form.getByLabel('类别').selectOption({ label: c.category });
      await form.getByLabel('项目论述').fill(`${c.name}：惠及全县群众的民生实事。`);
      await form.getByLabel('目标任务').fill(`完成${c.name}年度任务`);
      await form.getByLabel('总投资（万元）').fill(c.investmentWan);
      await form.getByLabel('完成时间').fill(`${NEXT}-12-31`);
      await form.getByLabel('责任单位', { exact: true }).selectOption({ label: c.lead });
      await form.getByLabel('牵头领导').fill('王副县长');
      await go(page, `**/admin/meetings/${meetingId}?done=candidate`, form.getByRole('button', { name: '录入' }).click());
    }
    expect(await page.locator('main table').last().textContent()).toContain(CANDIDATES[2].name);
    await checkPage(page, mishu.errors, 'meeting with three candidates');
    await publishMeeting(page, meetingId);
    await checkPage(page, mishu.errors, 'meeting (published)');

    await allPresent(page, meetingId);
    await checkPage(page, mishu.errors, 'attendance (all present)');

    await page.goto(`/admin/meetings/${meetingId}`);
    await openDetails(page, '设置票决');
    const vote = page.locator(`form[action="/admin/meetings/${meetingId}/elections"]`);
    await vote.getByLabel('应选项目数').fill('2');
    await vote.getByLabel('通过基数').selectOption('valid-ballots');
    // Encrypted ballots are offered first, and this year's vote keeps them: any 2 of the 3 scrutineers can decrypt the totals.
    expect(await vote.getByRole('radio', { name: /加密投票/ }).isChecked()).toBe(true);
    await vote.getByLabel(/解密门限 k/).fill('2');
    await go(page, /\/admin\/elections\/\d+\?done=election$/, vote.getByRole('button', { name: '保存票决设置' }).click());
    electionId = Number(/\/admin\/elections\/(\d+)/.exec(page.url())![1]);
    await page.getByLabel('监票人的代表编号').fill(SCRUTINEERS.join(' '));
    await go(page, (u) => u.pathname === `/admin/elections/${electionId}`, page.getByRole('button', { name: '保存监票人名单' }).click());
    const main = (await page.locator('main').textContent())!;
    for (const name of ['周五月', '吴六平', '郑七星']) expect(main).toContain(name);
    expect(main).toContain('加密投票');
    await checkPage(page, mishu.errors, 'vote (draft, encrypted, scrutineers named)');
    await shots(page, 'vote-encrypted-draft');
    // Opening before the key ceremony is refused, saying what to do.
    await page.goto(`/admin/elections/${electionId}`);
    await go(page, `**/admin/elections/${electionId}/open`, page.getByRole('button', { name: '开启投票' }).click());
    await go(page, (u) => u.searchParams.get('error') === 'ceremony-incomplete', page.getByRole('button', { name: '确认开启投票' }).click());
    expect(await page.locator('main').textContent()).toContain('加密表决须在密钥仪式完成后才能开启。');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('未开启');
    await checkPage(page, mishu.errors, 'vote (opening refused before the ceremony)');
  });

  it('the three scrutineers, as trustees, run the key ceremony each in their own browser; the vote opens', { timeout: 300_000 }, async () => {
    await startCeremonyInBrowser(mishu.page, electionId, (name) => checkPage(mishu.page, mishu.errors, name));
    await checkPage(mishu.page, mishu.errors, 'vote (ceremony started)');
    // Each trustee signs in for the first time with their slip, on a tablet or (the third) a phone.
    const trustees: Person[] = [];
    for (const [i, code] of SCRUTINEERS.entries()) trustees.push(await firstSignIn(code, { viewport: i === 2 ? PHONE : TABLET }));
    ({ finalFiles: trusteeFiles, fingerprint } = await ceremonyInBrowsers(electionId, trustees, PASSPHRASES, files, async (t, i, name) => {
      if (i !== 2) return;
      await checkPage(t.page, t.errors, `${name} (trustee 3, phone)`);
      await shots(t.page, `ceremony-${name.includes('done') ? 'done' : 'start'}`, PHONE);
    }));
    for (const f of trusteeFiles) expect(f).toMatch(/-final\.json$/);
    for (const t of trustees) await t.context.close();

    // The secretariat's page shows the fingerprint the trustees confirmed; the vote opens.
    const page = mishu.page;
    await page.goto(`/admin/elections/${electionId}`);
    expect(await page.locator('main').textContent()).toContain(fingerprint);
    await checkPage(page, mishu.errors, 'vote (ceremony complete)');
    await openVoteInBrowser(page, electionId);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('投票中');
    await checkPage(page, mishu.errors, 'vote (open)');
    // One deputy will vote on paper: handed out by the secretariat.
    await issuePaperInBrowser(page, electionId, 'D503');
    await checkPage(page, mishu.errors, 'paper (one handed out)');
  });

  it('one deputy votes with the ballot encrypted in the page, one without JavaScript (each after choosing a password on their slip)', async () => {
    // 赞成 for the first two candidates; the third gets none.
    const withJs = await firstSignIn('D501');
    const tracker = await castEncryptedInBrowser(withJs.page, electionId, { c01: 'F', c02: 'F', c03: 'A' }, fingerprint, (name) => checkPage(withJs.page, withJs.errors, `D501 (JavaScript) ${name}`));
    // The vote is held on shared tablets: the deputy is signed out, and the receipt offers one way out.
    expect(await withJs.page.textContent('main')).toContain('本设备已自动退出您的登录');
    expect(await withJs.page.getByRole('link', { name: '我已看完，退出' }).count()).toBe(1);
    await shots(withJs.page, 'receipt-encrypted');
    await withJs.context.close();

    const noJs = await firstSignIn('D502', { viewport: PHONE, javaScriptEnabled: false });
    const auditing = await browser.newContext({ baseURL: server.url });
    const auditor = await auditing.newPage();
    const keys = ['c01', 'c02', 'c03'];
    const serverTracker = await castEncryptedWithoutJs(noJs.page, electionId, { c01: 'F', c02: 'F', c03: 'N' }, fingerprint, (name) => checkPageWithoutJs(noJs.page, noJs.errors, auditor, `D502 (no JavaScript) ${name}`, keys, documents));
    expect(serverTracker).not.toBe(tracker);
    await noJs.context.close();
    await auditing.close();
    // Both trackers are listed publicly as cast.
    for (const t of [tracker, serverTracker]) expect((await mishu.context.request.get(`/api/trackers/${t}`)).status()).toBe(200);
  });

  it('the vote is closed; the paper ballot is keyed twice by two clerks and committed', async () => {
    await closeVoteInBrowser(mishu.page, electionId);
    await recordPaperReturned(mishu.page, electionId, 1);
    for (const clerk of ['jipiao1', 'jipiao2']) {
      const p = await signedInPerson(browser, server.url, clerk, clerk === 'jipiao1' ? TABLET : PHONE);
      await p.page.goto(`/admin/elections/${electionId}/paper`);
      await checkPage(p.page, p.errors, `paper keying (${clerk})`);
      await keyPaperSheet(p.page, '1', ['赞成', '反对', '弃权']);
      await checkPage(p.page, p.errors, `paper keyed (${clerk})`);
      await p.context.close();
    }
    await commitPaperInBrowser(mishu.page, electionId, 1);
    await checkPage(mishu.page, mishu.errors, 'paper (committed)');
  });

  it('sealed (解密总数中); two trustees decrypt the totals in their browsers with their files; the vote is tallied', { timeout: 300_000 }, async () => {
    await sealEncryptedInBrowser(mishu.page, electionId, 2, (name) => checkPage(mishu.page, mishu.errors, name));
    await shots(mishu.page, 'scrutiny-decrypting');
    // Trustees 1 (tablet) and 3 (phone); trustee 2 is not needed.
    for (const [i, viewport, expected] of [[0, TABLET, 'sent'], [2, PHONE, 'combined']] as const) {
      const code = SCRUTINEERS[i];
      const t = await deputy(code, viewport);
      t.context.setDefaultTimeout(15_000);
      const done = await decryptInBrowser(t, electionId, trusteeFiles[i]!, PASSPHRASES[i], (name) => checkPage(t.page, t.errors, `${name} (${code})`));
      expect(done).toBe(expected);
      if (expected === 'combined') await shots(t.page, 'decryption-combined', PHONE);
      await t.context.close();
    }
    await mishu.page.goto(`/admin/elections/${electionId}/scrutiny`);
    expect(await mishu.page.textContent('main')).toContain('已计票');
    await checkPage(mishu.page, mishu.errors, 'scrutiny (tallied, secretariat)');
  });

  it('certified by two scrutineers (deputies of the term), published as a version-2 record that verifies: the vote chose two projects', { timeout: 300_000 }, async () => {
    // The record's digest, on the secretariat's scrutiny page (beside the ceremony's context id).
    const digest = (await mishu.page.locator('code.digest', { hasText: /^sha256:/ }).first().textContent())!;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    for (const code of ['D506', 'D507']) {
      const s = await deputy(code);
      await certifyInBrowser(s.page, electionId, `${YEAR}年民生实事项目票决`, digest, (name) => checkPage(s.page, s.errors, `${name} (${code})`));
      await s.context.close();
    }
    await publishInBrowser(mishu.page, electionId);
    await checkPage(mishu.page, mishu.errors, 'scrutiny (published)');

    const citizen = await browser.newContext({ baseURL: server.url, viewport: TABLET });
    const page = await citizen.newPage();
    const errors = watchPageErrors(page);
    await page.goto(`/elections/${electionId}/result`);
    await checkPage(page, errors, 'result');
    await page.goto(`/projects?year=${YEAR}`);
    const listed = await page.locator('main').textContent();
    expect(listed).toContain(CANDIDATES[0].name);
    expect(listed).toContain(CANDIDATES[1].name);
    expect(listed).not.toContain(CANDIDATES[2].name);
    await checkPage(page, errors, `projects ${YEAR} (just published)`);

    // The published record: format 2, two encrypted ballots whose decrypted totals and the paper
    // ballot's are the marks cast; it verifies here and through `npm run verify` with the signing key.
    const served = await page.request.get(`/elections/${electionId}/record.json`);
    expect(served.status()).toBe(200);
    const text = await served.text();
    const record = JSON.parse(text) as ElectionRecordV2;
    expect(record.format).toBe(RECORD_FORMAT_V2);
    expect(record.digest).toBe(digest);
    expect(record.crypto.threshold).toBe(2);
    expect(record.crypto.trustees).toHaveLength(3);
    expect(record.ballots).toHaveLength(2);
    expect(record.decryption.partials.map((p) => p.trustee)).toEqual([1, 3]);
    const count = (x: Record<string, number>) => ({ F: x['F'] ?? 0, A: x['A'] ?? 0, N: x['N'] ?? 0 });
    expect(record.decryption.electronic.map(count)).toEqual([{ F: 2, A: 0, N: 0 }, { F: 2, A: 0, N: 0 }, { F: 0, A: 1, N: 1 }]);
    expect(record.paper.valid).toBe(1);
    expect(record.paper.counts.map(count)).toEqual([{ F: 1, A: 0, N: 0 }, { F: 0, A: 1, N: 0 }, { F: 0, A: 0, N: 1 }]);
    const verified = verifyRecordV2(record, { checker: await sodiumChecker() });
    expect(verified.ok, JSON.stringify(verified).slice(0, 2000)).toBe(true);
    const key = /SHA-256 fingerprint \(of the DER public key\): ([0-9a-f]{64})/.exec(await (await page.request.get('/.well-known/minsheng-signing-key')).text())![1]!;
    writeFileSync(join(files, 'record.json'), text);
    const run = await runTs('scripts/verify.ts', {}, [join(files, 'record.json'), '--key', key], 180_000);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('electronic ballots 2: every tracker and proof checked');
    expect(run.stdout).toContain('OK: the recount matches, the digest, certifications and signature verify.');
    expect(run.code).toBe(0);
    await citizen.close();
  });

  it('the department officer lands on the workspace, drafts a plan with milestones and submits it', async () => {
    // First sign-in with the slip (choosing a password), then signing in as on any other day.
    await (await firstSignIn('nongye')).context.close();
    officer = await signedInPerson(browser, server.url, 'nongye', TABLET, PASSWORD);
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
    expect(projectTitle).toContain(CANDIDATES[0].name);
    await checkPage(page, officer.errors, 'plan form (empty)');
    await shots(page, 'plan-form');

    await page.getByLabel('年度计划投资', { exact: true }).fill('500');
    await page.getByLabel('完成期限', { exact: true }).fill(`${NEXT}-12-31`);
    await page.getByLabel(/实施地点/).fill('龙洲街道');
    await page.getByLabel('进度报送周期').selectOption('quarterly');
    const form = page.locator('#plan-form');
    await form.locator('input[name="target.0.metric"]').fill('改造灌渠');
    await form.locator('input[name="target.0.value"]').fill('12');
    await form.locator('input[name="target.0.unit"]').fill('公里');
    await form.locator('input[name="ms.0.title"]').fill('完成招标');
    await form.locator('input[name="ms.0.due"]').fill(`${NEXT}-03-31`);
    await form.locator('input[name="ms.0.weight"]').fill('1');
    await form.locator('input[name="ms.1.title"]').fill('全部完工验收');
    await form.locator('input[name="ms.1.due"]').fill(`${NEXT}-12-31`);
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
    await page.getByLabel('工作进展').fill('已完成灌区改造招标，四个灌区开工。');
    await page.locator('input[name="actual.t1"], input[name^="actual."]').first().fill('4');
    await page.getByLabel('累计完成投资（元）').fill('1200000');
    await page.locator('input[name="milestone"]').first().check();
    await go(page, /\/workspace\/reports\/\d+/, page.getByRole('button', { name: '保存草稿' }).click());
    reportId = Number(/\/workspace\/reports\/(\d+)/.exec(page.url())![1]);
    await checkPage(page, officer.errors, 'report (draft)');
    await shots(page, 'report-form');

    await page.locator('input[name="file"]').setInputFiles(photo);
    await page.getByLabel('说明').fill('湖镇灌区施工现场');
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
    await page.getByLabel('工作进展').fill('已完成灌区改造招标，四个灌区开工（名单：湖镇灌区、龙洲灌区、东华灌区、溪口灌区）。');
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
    const d = await deputy('D501');
    const page = d.page;
    await page.goto(`/projects/${projectId}`);
    await go(page, `**/projects/${projectId}/notes/new`, page.getByRole('link', { name: /视察意见/ }).first().click());
    await checkPage(page, d.errors, 'note form');
    await shots(page, 'note-form');
    await page.locator('textarea[name="body"]').fill(NOTE);
    await go(page, (u) => u.pathname !== `/projects/${projectId}/notes/new`, page.locator('main form button[type="submit"]').click());
    await checkPage(page, d.errors, 'note filed');
    await d.context.close();

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
    await page.goto(`/projects?year=${YEAR}`);
    await checkPage(page, errors, `projects ${YEAR} (phone)`);
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

  it('the term\'s next meeting rates the project (测评): cast by deputies, closed, sealed, certified, published; its page shows the rating', async () => {
    const page = mishu.page;
    const ratingMeeting = await createMeeting(page, RATING_MEETING, 2, NEXT, `${NEXT}-01-11`, `${NEXT}-01-14`);
    await publishMeeting(page, ratingMeeting);
    await allPresent(page, ratingMeeting);
    await page.goto(`/admin/meetings/${ratingMeeting}`);
    await openDetails(page, '设置满意度测评');
    await checkPage(page, mishu.errors, 'meeting with the rating form');
    await shots(page, 'rating-form');
    const form = page.locator(`form[action="/admin/meetings/${ratingMeeting}/ratings"]`);
    // The projects the vote chose are offered, preselected; the one followed is rated.
    expect(await form.locator('input[name="project"]:checked').count()).toBe(2);
    await form.getByLabel(new RegExp(CANDIDATES[1].name)).uncheck();
    await form.locator('#rating-electorate').selectOption('all-deputies');
    await form.locator('#rating-passBase').selectOption('valid-ballots');
    // The form offers encrypted mode first; this year's 测评 is held in plaintext (its selection was encrypted).
    expect(await form.locator('input[name="ballotMode"][value="encrypted"]').isChecked()).toBe(true);
    await form.getByLabel(/明文投票/).check();
    await go(page, /\/admin\/elections\/\d+\?done=election$/, form.getByRole('button', { name: '保存测评设置' }).click());
    const id = Number(/\/admin\/elections\/(\d+)/.exec(page.url())![1]);
    const title = (await page.getByRole('heading', { level: 1 }).textContent())!;
    expect(title).toContain('满意度测评');
    await page.getByLabel('监票人的代表编号').fill('D506 D507');
    await go(page, (u) => u.pathname === `/admin/elections/${id}`, page.getByRole('button', { name: '保存监票人名单' }).click());
    await checkPage(page, mishu.errors, 'rating vote (draft, scrutineers named)');
    await openVoteInBrowser(page, id);

    // Two deputies rate it 满意 with htmx, one 基本满意 without JavaScript.
    for (const [code, mark, js] of [['D501', 'S', true], ['D504', 'S', true], ['D502', 'B', false]] as const) {
      const p = code === 'D504' ? await firstSignIn(code) : js ? await deputy(code) : await deputyWithoutJs(code);
      p.context.setDefaultTimeout(15_000);
      const keys = await p.page.context().request.get(`/elections/${id}/ballot`).then(async (r) => [...(await r.text()).matchAll(/name="choice\.([^"]+)"/g)].map((m) => m[1]!));
      const options = [...new Set(keys)];
      expect(options).toHaveLength(1);
      if (js) {
        await castInBrowser(p.page, id, Object.fromEntries(options.map((k) => [k, mark])), (name) => checkPage(p.page, p.errors, `rating ${name} (${code})`));
      } else {
        const auditing = await browser.newContext({ baseURL: server.url });
        const auditor = await auditing.newPage();
        await castInBrowser(p.page, id, Object.fromEntries(options.map((k) => [k, mark])), (name) => checkPageWithoutJs(p.page, p.errors, auditor, `rating ${name} (${code}, no JavaScript)`, options, documents));
        await auditing.close();
      }
      await p.context.close();
    }

    await closeVoteInBrowser(page, id);
    const digest = await sealInBrowser(page, id, (name) => checkPage(page, mishu.errors, `rating ${name}`));
    for (const code of ['D506', 'D507']) {
      const s = await deputy(code);
      await certifyInBrowser(s.page, id, title.replace(/\s*(未开启|投票中|已结束投票|已封存|已确认|已公布).*$/, '').trim(), digest, (name) => checkPage(s.page, s.errors, `rating ${name} (${code})`));
      await s.context.close();
    }
    await publishInBrowser(page, id);
    await checkPage(page, mishu.errors, 'rating scrutiny (published)');

    const citizen = await browser.newContext({ baseURL: server.url, viewport: PHONE });
    const p = await citizen.newPage();
    const errors = watchPageErrors(p);
    await p.goto(`/projects/${projectId}`);
    // Two 满意 and one 基本满意 of three.
    const rating = p.locator('section.rating');
    expect(await rating.locator('tbody td').allTextContents()).toEqual(['2', '1', '0', '0']);
    expect(await rating.textContent()).toContain('满意');
    await checkPage(p, errors, 'project page with its rating (phone)');
    await shots(p, 'project-rated', PHONE);
    await citizen.close();
  });

  it('serves valid HTML on every page visited (Nu Html Checker)', async () => {
    await officer?.context.close();
    await mishu?.context.close();
    expect(documents.length).toBeGreaterThan(40);
    const results = await validateHtmlBatch(documents);
    const report = [...results].filter(([, errors]) => errors.length > 0).map(([url, errors]) => formatNuMessages(url, errors));
    expect(report, report.join('\n')).toEqual([]);
  });
});
