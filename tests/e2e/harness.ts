/**
 * Browser-test harness: the real server as a child process, Debian's Chromium via playwright-core,
 * axe-core for accessibility and the Nu Html Checker (vnu.jar on the system Java) for HTML validity.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Result as AxeResult, RunOptions as AxeRunOptions } from 'axe-core';
import { type APIResponse, chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { confirmationFields } from '../support/auth.ts';

const require = createRequire(import.meta.url);

// The server as a child process: one implementation, shared with the fault tests.
export { freePort, ROOT as repoRoot, startServer, type RunningServer } from '../support/server-process.ts';

// ---------------------------------------------------------------------------------------------
// The browser

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Debian's Chromium (never a downloaded one); CHROMIUM_PATH overrides the location. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

export interface PageErrors {
  /** Console errors and uncaught exceptions since the last `clear()`, one line each. */
  readonly errors: string[];
  clear(): void;
  dispose(): void;
}

/**
 * Records console errors (including CSP violations and failed sub-resources, which Chromium logs
 * as console errors) and uncaught page exceptions.
 */
export function watchPageErrors(page: Page): PageErrors {
  const errors: string[] = [];
  const onConsole = (msg: ConsoleMessage) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    errors.push(`console.error: ${msg.text()}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
  };
  const onPageError = (err: Error) => errors.push(`page error: ${err.message}`);
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  return {
    errors,
    clear: () => void errors.splice(0),
    dispose: () => {
      page.off('console', onConsole);
      page.off('pageerror', onPageError);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Accessibility (axe-core)

let axeSource: string | undefined;

/** What a violation boils down to, serialisable and small. */
export interface AxeViolation {
  id: string;
  impact: string | null | undefined;
  help: string;
  helpUrl: string;
  nodes: { target: string; html: string; failureSummary: string | undefined }[];
}

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core on the page's current document against WCAG 2.1 A and AA. The source is injected
 * with `page.evaluate` because the Content-Security-Policy (rightly) blocks `addScriptTag`.
 */
export async function checkAccessibility(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const present = await page.evaluate(() => 'axe' in globalThis);
  if (!present) await page.evaluate(axeSource);
  const options: AxeRunOptions = { runOnly: { type: 'tag', values: AXE_TAGS }, resultTypes: ['violations'] };
  const violations = await page.evaluate(async (opts) => {
    const axe = (globalThis as unknown as { axe: typeof import('axe-core') }).axe;
    const results = await axe.run(document, opts);
    return results.violations.map((v: AxeResult) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), html: n.html, failureSummary: n.failureSummary })),
    }));
  }, options);
  return violations;
}

/** Violations as readable lines for an assertion message: rule, impact, help, each element. */
export function formatViolations(violations: AxeViolation[], where = ''): string {
  return violations.map((v) => [
    `${where ? `${where}: ` : ''}[${v.impact ?? 'n/a'}] ${v.id}: ${v.help} (${v.helpUrl})`,
    ...v.nodes.map((n) => `    ${n.target}  ${n.html.length > 160 ? `${n.html.slice(0, 160)}…` : n.html}`),
  ].join('\n')).join('\n');
}

/**
 * Violations found on many pages, grouped by rule and element so that a defect in the layout reads
 * as one entry listing the pages rather than one entry per page.
 */
export function summarizeViolations(found: { where: string; violations: AxeViolation[] }[]): string[] {
  const groups = new Map<string, { violation: AxeViolation; target: string; html: string; pages: string[] }>();
  for (const { where, violations } of found) {
    for (const v of violations) {
      for (const n of v.nodes) {
        const key = `${v.id}\u0000${n.target}`;
        const group = groups.get(key) ?? { violation: v, target: n.target, html: n.html, pages: [] };
        group.pages.push(where);
        groups.set(key, group);
      }
    }
  }
  return [...groups.values()].map(({ violation: v, target, html, pages }) => {
    const shown = pages.length > 8 ? `${pages.slice(0, 8).join(', ')} and ${pages.length - 8} more` : pages.join(', ');
    return [
      `axe [${v.impact ?? 'n/a'}] ${v.id}: ${v.help} (${v.helpUrl})`,
      `    element ${target}  ${html.length > 200 ? `${html.slice(0, 200)}…` : html}`,
      `    on ${pages.length} page(s): ${shown}`,
    ].join('\n');
  });
}

// ---------------------------------------------------------------------------------------------
// HTML validity (Nu Html Checker)

export interface NuMessage {
  type: string;
  subType?: string;
  message: string;
  extract?: string;
  lastLine?: number;
  firstColumn?: number;
  lastColumn?: number;
}

export interface HtmlDocument {
  /** Where the document came from; used only to report. */
  url: string;
  html: string;
}

/** The jar inside the vnu-jar package (its default export is the path as a String object). */
export function vnuJarPath(): string {
  return String(require('vnu-jar'));
}

/** htmx attributes (hx-*, data-hx-*) are the app's business, not the HTML spec's. */
const HTMX_ATTRIBUTE = /attribute\s+[“"](?:data-)?hx-/i;

function isReportable(m: NuMessage): boolean {
  if (m.type !== 'error' && m.type !== 'non-document-error') return false;
  return !HTMX_ATTRIBUTE.test(m.message);
}

/**
 * Validates many documents with ONE Java process (the JVM takes about a second to start): each is
 * written to `<index>.html` in a temporary directory and the messages are mapped back by file name.
 * Returns the errors per document URL (an empty list for a valid document); warnings and info are
 * left out, and so are messages about htmx attributes.
 */
export async function validateHtmlBatch(docs: HtmlDocument[]): Promise<Map<string, NuMessage[]>> {
  const byUrl = new Map<string, NuMessage[]>(docs.map((d) => [d.url, []]));
  if (docs.length === 0) return byUrl;
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-vnu-'));
  try {
    const files = docs.map((d, i) => {
      const file = join(dir, `${i}.html`);
      writeFileSync(file, d.html);
      return file;
    });
    const args = [
      '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xss4m',
      '-jar', vnuJarPath(),
      '--format', 'json', '--stdout', '--exit-zero-always', '--errors-only', '--no-langdetect', '--html',
      ...files,
    ];
    const { code, stdout, stderr } = await run(process.env.JAVA || 'java', args);
    let report: { messages?: (NuMessage & { url?: string })[] };
    try {
      report = JSON.parse(stdout) as typeof report;
    } catch {
      throw new Error(`the Nu Html Checker gave no JSON (exit ${code}):\n${stderr}\n${stdout.slice(0, 2000)}`);
    }
    for (const m of report.messages ?? []) {
      if (!isReportable(m)) continue;
      const index = m.url ? Number(basename(new URL(m.url).pathname, '.html')) : NaN;
      const doc = docs[index];
      if (!doc) throw new Error(`the Nu Html Checker reported on an unknown document: ${JSON.stringify(m)}`);
      byUrl.get(doc.url)!.push(m);
    }
    return byUrl;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Validates one document; prefer `validateHtmlBatch` when there are several. */
export async function validateHtml(html: string, url: string): Promise<NuMessage[]> {
  return (await validateHtmlBatch([{ url, html }])).get(url) ?? [];
}

/** Nu errors as readable lines: url:line:column message, and the offending extract. */
export function formatNuMessages(url: string, messages: NuMessage[]): string {
  return messages.map((m) => {
    const extract = m.extract ? `\n    ${m.extract.replace(/\s+/g, ' ').trim()}` : '';
    return `${url}:${m.lastLine ?? '?'}:${m.firstColumn ?? m.lastColumn ?? '?'} ${m.message}${extract}`;
  }).join('\n');
}

function run(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({
      code,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
    }));
  });
}

/**
 * Asserts a page as it stands has no axe violations and logged no errors (when watched), and keeps
 * its HTML in `documents` for one Nu Html Checker run at the end of the file.
 */
export async function expectCleanPage(page: Page, errors: PageErrors | undefined, name: string, documents: HtmlDocument[]): Promise<void> {
  const violations = await checkAccessibility(page);
  expect(violations, formatViolations(violations, name)).toEqual([]);
  if (errors) expect(errors.errors, `${name}: console or page errors`).toEqual([]);
  documents.push({ url: name, html: await page.content() });
}

/**
 * POSTs a form from a browser context as a person who confirms an irreversible step: when the
 * answer is the step's confirmation page, posts that page's form back (as its button would).
 */
export async function postConfirmed(context: BrowserContext, origin: string, path: string, form: Record<string, string> = {}): Promise<APIResponse> {
  const post = (body: Record<string, string> | [string, string][]) =>
    context.request.post(path, { headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' }, data: new URLSearchParams(body).toString(), maxRedirects: 0 });
  const first = await post(form);
  if (first.status() !== 200) return first;
  const fields = confirmationFields(await first.text());
  return fields ? post(fields) : first;
}

/** The demo accounts' password, and the two sizes hall pages are checked at. */
export const DEMO_PASSWORD = 'minsheng-demo';
export const TABLET = { width: 1024, height: 1366 };
export const PHONE = { width: 390, height: 844 };

/**
 * Signs in through the form and waits until the browser has left /login, or (with `landsOn`) has
 * landed on that path.
 */
export async function signInThroughForm(page: Page, username: string, opts: { password?: string; landsOn?: string } = {}): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('用户名', { exact: true }).fill(username);
  await page.getByLabel('密码', { exact: true }).fill(opts.password ?? DEMO_PASSWORD);
  const landed = (u: URL) => (opts.landsOn === undefined ? u.pathname !== '/login' : u.pathname === opts.landsOn);
  await Promise.all([page.waitForURL(landed), page.getByRole('button', { name: '登录' }).click()]);
}

/** A person with a browser of their own: its context, its page and the errors that page logs. */
export interface Person { context: BrowserContext; page: Page; errors: PageErrors }

/** A browser of its own at this size, signed in through the form as `username` (the demo password unless given). */
export async function signedInPerson(browser: Browser, baseURL: string, username: string, viewport: { width: number; height: number }, password?: string): Promise<Person> {
  const context = await browser.newContext({ baseURL, viewport });
  const page = await context.newPage();
  const errors = watchPageErrors(page);
  await signInThroughForm(page, username, { password });
  return { context, page, errors };
}

/** Which letter is selected for each ballot option, as the browser sees it (undefined: none). */
export async function selectedMarks(page: Page, keys: readonly string[]): Promise<Record<string, string | undefined>> {
  return page.evaluate((ks) => Object.fromEntries(ks.map((k) => [k, (document.querySelector(`input[name="choice.${k}"]:checked`) as HTMLInputElement | null)?.value])), [...keys]);
}

/**
 * axe cannot run in a context with JavaScript disabled (its timers never fire), so this audits a
 * ballot page seen without JavaScript by replaying its document, as the browser holds it,
 * in a separate JavaScript-enabled page (`auditor`) at the same URL and viewport: the server's
 * stylesheet loads as usual, the app's scripts are refused (so nothing enhances it), and the radio
 * buttons are set as they were. Keeps the HTML in `documents` for the Nu checker.
 */
export async function checkPageWithoutJs(page: Page, errors: PageErrors, auditor: Page, name: string, keys: readonly string[], documents: HtmlDocument[]): Promise<void> {
  const url = page.url();
  const html = await page.content();
  const marks = await selectedMarks(page, keys);
  await auditor.unrouteAll();
  await auditor.route('**/*', (route) => {
    const request = route.request();
    if (request.isNavigationRequest() && request.url() === url) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    if (request.resourceType() === 'script') return route.abort();
    return route.continue();
  });
  await auditor.setViewportSize(page.viewportSize()!);
  await auditor.goto(url);
  await auditor.evaluate((m) => {
    for (const [k, v] of Object.entries(m)) if (v) (document.querySelector(`input[name="choice.${k}"][value="${v}"]`) as HTMLInputElement).checked = true;
  }, marks);
  const violations = await checkAccessibility(auditor);
  expect(violations, formatViolations(violations, name)).toEqual([]);
  expect(errors.errors, `${name}: console or page errors`).toEqual([]);
  documents.push({ url: name, html });
}

// ---------------------------------------------------------------------------------------------
// Steps shared by several scenarios (the secretariat's, the clerks' and the scrutineers' clicks)

/**
 * Clicks (the promise given) and waits for the navigation it causes to land where `path` says and
 * load: a form posted back to its own URL counts too, so no step reads the page it is leaving.
 */
export async function clickAndLand(page: Page, path: string | RegExp | ((url: URL) => boolean), click: Promise<void>): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await click;
  await navigated;
  await page.waitForURL(path);
  await page.waitForLoadState('load');
}

/** Whether the page is a confirmation page (its h1 asks a question). */
export async function isConfirmationPage(page: Page): Promise<boolean> {
  return (await page.getByRole('heading', { level: 1 }).filter({ hasText: /？|\?/ }).count()) > 0;
}

/** On a confirmation page, presses its confirming button and waits to land where `path` says. */
export async function confirmOnPage(page: Page, path: string | RegExp | ((url: URL) => boolean)): Promise<void> {
  await clickAndLand(page, path, page.locator('main form button[type="submit"]').first().click());
}

/**
 * Uploads a roster file on the term's roster page (or the page of its refused preview), previews it
 * and confirms the import, calling `onPreview` on the preview; returns the preview's summary line
 * (新增 …，更新 …). Leaves the browser on the roster with the notice.
 */
export async function importRoster(page: Page, termId: number, file: string, rows: number, onPreview: () => Promise<void> = async () => {}): Promise<string> {
  if (!(await page.locator('input[type=file]').count())) await page.goto(`/admin/terms/${termId}/roster`);
  await page.setInputFiles('input[type=file]', file);
  await Promise.all([page.waitForURL('**/admin/roster-imports/*'), page.getByRole('button', { name: '上传并预览' }).click()]);
  const summary = (await page.locator('.import-summary').textContent())!;
  await onPreview();
  await Promise.all([page.waitForURL('**/admin/terms/*/roster?done=imported*'), page.getByRole('button', { name: `确认导入 ${rows} 名代表` }).click()]);
  return summary;
}

/** What a credential slip says. */
export interface Slip { name: string; username: string; password: string }

/** The slips on the page the browser is on (a slip page after an account is made or slips are issued). */
export function slipsOnPage(page: Page): Promise<Slip[]> {
  return page.locator('.slip').evaluateAll((slips) => slips.map((s) => ({
    name: s.querySelector('.slip__name')?.textContent?.trim() ?? '',
    username: s.querySelector('.slip__username')?.textContent?.trim() ?? '',
    password: s.querySelector('.slip__password')?.textContent?.trim() ?? '',
  })));
}

/** An account as the form on /admin/users makes it. */
export interface NewAccount {
  username: string;
  displayName: string;
  /** The 身份 boxes ticked, by their labels (代表, 监票人, 责任单位, 计票人, 大会秘书处). */
  roles: string[];
  deputyCode?: string;
  /** The department's name in 所属责任单位. */
  department?: string;
}

/**
 * Fills the form on /admin/users and makes the account; the answer is its slip page (at the same
 * URL), whose slip is returned. Leaves the browser on the slip page.
 */
export async function createAccountWithSlip(page: Page, account: NewAccount): Promise<Slip> {
  await page.goto('/admin/users');
  const form = page.locator('form[action="/admin/users"][method="post"]');
  await form.getByLabel('用户名', { exact: true }).fill(account.username);
  await form.getByLabel('姓名或名称').fill(account.displayName);
  for (const role of account.roles) await form.getByRole('group', { name: '身份' }).getByLabel(role, { exact: true }).check();
  if (account.deputyCode) await form.getByLabel('关联代表编号').fill(account.deputyCode);
  if (account.department) await form.getByLabel('所属责任单位').selectOption({ label: account.department });
  await form.getByRole('button', { name: '建立账户并显示登录凭条' }).click();
  await page.getByRole('heading', { level: 1, name: `登录凭条：${account.username.toLowerCase()}` }).waitFor();
  const [slip] = await slipsOnPage(page);
  return slip!;
}

/**
 * Issues the slips of every deputy of the term who has no account yet (the button on /admin/users)
 * and returns them. Leaves the browser on the slips page.
 */
export async function issueRosterSlips(page: Page, termId: number): Promise<Slip[]> {
  await page.goto('/admin/users');
  await Promise.all([
    page.waitForURL(new RegExp(`/admin/terms/${termId}/credentials$`)),
    page.locator(`form[action="/admin/terms/${termId}/credentials"] button[type="submit"]`).click(),
  ]);
  return slipsOnPage(page);
}

/**
 * First sign-in with a slip's one-time password: lands on 设置您的密码, chooses `newPassword` and
 * lands on /account. Leaves the browser signed in on /account.
 */
export async function chooseOwnPassword(page: Page, slip: Slip, newPassword: string): Promise<void> {
  await signInThroughForm(page, slip.username, { password: slip.password, landsOn: '/account/password' });
  await page.getByLabel('新密码', { exact: true }).fill(newPassword);
  await page.getByLabel('再次输入新密码').fill(newPassword);
  await Promise.all([page.waitForURL('**/account?done=password'), page.getByRole('button', { name: '保存新密码' }).click()]);
}

/**
 * Opens a vote from its admin page, through its confirmation page (应到, 实到, the scrutineers), on
 * which `onConfirmationPage` is called first.
 */
export async function openVoteInBrowser(page: Page, electionId: number | string, onConfirmationPage: () => Promise<void> = async () => {}): Promise<void> {
  if (new URL(page.url()).pathname !== `/admin/elections/${electionId}`) await page.goto(`/admin/elections/${electionId}`);
  await Promise.all([page.waitForURL(`**/admin/elections/${electionId}/open`), page.getByRole('button', { name: '开启投票' }).click()]);
  await onConfirmationPage();
  await Promise.all([page.waitForURL(`**/admin/elections/${electionId}?done=opened`), page.getByRole('button', { name: '确认开启投票' }).click()]);
}

/** Closes an open vote from its admin page, through its confirmation page. */
export async function closeVoteInBrowser(page: Page, electionId: number | string): Promise<void> {
  await page.goto(`/admin/elections/${electionId}`);
  await Promise.all([page.waitForURL(`**/admin/elections/${electionId}/close`), page.getByRole('button', { name: '结束投票' }).click()]);
  await confirmOnPage(page, (u) => u.pathname === `/admin/elections/${electionId}`);
}

/**
 * The paper ballots handed out to `codes` (typed as a list), after the confirmation naming them, on
 * which `onConfirmationPage` is called first.
 */
export async function issuePaperInBrowser(page: Page, electionId: number | string, codes: string, onConfirmationPage: () => Promise<void> = async () => {}): Promise<void> {
  await page.goto(`/admin/elections/${electionId}/paper`);
  await page.getByLabel('领取纸质选票的代表编号').fill(codes);
  await page.getByRole('button', { name: '登记发放' }).click();
  await page.getByRole('heading', { name: '登记发放纸质选票？' }).waitFor();
  await onConfirmationPage();
  await Promise.all([page.waitForURL('**/paper?done=issued'), page.getByRole('button', { name: '确认发放' }).click()]);
}

/** The count of paper ballots returned, saved on the paper page (after the vote is closed). */
export async function recordPaperReturned(page: Page, electionId: number | string, count: number): Promise<void> {
  await page.goto(`/admin/elections/${electionId}/paper`);
  await page.getByLabel('收回张数').fill(String(count));
  await Promise.all([page.waitForURL('**/paper?done=returned'), page.getByRole('button', { name: '保存', exact: true }).click()]);
}

/**
 * A clerk keys one sheet on the paper page they are on: the sheet number offered is checked, then
 * each item is marked as given, in ballot order (items not given are left as they are).
 */
export async function keyPaperSheet(page: Page, expectedSeq: string, marks: readonly ('赞成' | '反对' | '弃权')[]): Promise<void> {
  expect(await page.getByLabel(/第几张/).inputValue()).toBe(expectedSeq);
  const items = page.locator('fieldset.ballot-item__group');
  for (const [i, mark] of marks.entries()) await items.nth(i).getByLabel(mark, { exact: true }).check();
  await Promise.all([page.waitForURL('**/paper?done=keyed'), page.getByRole('button', { name: '保存这张票' }).click()]);
}

/**
 * The secretariat commits the paper ballots keyed alike by two clerks, after the confirmation saying
 * how many, on which `onConfirmationPage` is called first.
 */
export async function commitPaperInBrowser(page: Page, electionId: number | string, count: number, onConfirmationPage: () => Promise<void> = async () => {}): Promise<void> {
  await page.goto(`/admin/elections/${electionId}/paper`);
  await page.getByRole('button', { name: /计入票箱/ }).click();
  await page.getByRole('heading', { name: '将纸质选票计入票箱？' }).waitFor();
  expect(await page.locator('.confirm__list').textContent()).toContain(`${count} 张经两人录入且一致的纸质选票将计入票箱`);
  await onConfirmationPage();
  await Promise.all([page.waitForURL('**/paper?done=committed'), page.getByRole('button', { name: '确认计入票箱' }).click()]);
}

/**
 * The secretariat seals a closed vote from its page (计票与公布, then the confirmation page) and
 * returns the digest shown. `check` is called on each page on the way (axe, Nu).
 */
export async function sealInBrowser(page: Page, electionId: number | string, check: (name: string) => Promise<void> = async () => {}): Promise<string> {
  await page.goto(`/admin/elections/${electionId}`);
  await Promise.all([page.waitForURL(`**/admin/elections/${electionId}/scrutiny`), page.getByRole('link', { name: '计票与公布' }).click()]);
  await check('scrutiny (closed)');
  await Promise.all([page.waitForURL(`**/admin/elections/${electionId}/seal`), page.getByRole('button', { name: '封存并计票' }).click()]);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('封存并计票？');
  await check('seal confirmation');
  await Promise.all([page.waitForURL('**/scrutiny?done=sealed'), page.getByRole('button', { name: '确认封存并计票' }).click()]);
  await expect.poll(() => page.locator('[role=status]').textContent()).toContain('已封存并计票');
  await check('scrutiny (tallied, secretariat)');
  const digest = (await page.locator('code.digest').first().textContent())!;
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  return digest;
}

/**
 * A named scrutineer, signed in, finds the vote from their account (监票与计票, then the vote by its
 * title) and confirms the digest they see, through the confirmation page.
 */
export async function certifyInBrowser(page: Page, electionId: number | string, title: string, digest: string, check: (name: string) => Promise<void> = async () => {}): Promise<void> {
  await page.goto('/account');
  await Promise.all([page.waitForURL('**/scrutiny'), page.getByRole('link', { name: '监票与计票' }).click()]);
  await check('scrutiny list');
  await Promise.all([page.waitForURL(`**/admin/elections/${electionId}/scrutiny`), page.getByRole('link', { name: title }).click()]);
  await check('scrutiny');
  expect(await page.locator('form code.digest').textContent()).toBe(digest);
  await Promise.all([page.waitForURL(`**/admin/elections/${electionId}/certify`), page.getByRole('button', { name: '确认无误' }).click()]);
  expect(await page.locator('.confirm__list').textContent()).toContain(digest);
  await Promise.all([page.waitForURL('**/scrutiny?done=certified'), page.getByRole('button', { name: '确认，计票结果无误' }).click()]);
  await expect.poll(() => page.locator('[role=status]').textContent()).toContain('您的确认已记录');
  await check('scrutiny certified');
}

/** The secretariat signs and publishes a certified vote from its scrutiny page, through the confirmation page. */
export async function publishInBrowser(page: Page, electionId: number | string): Promise<void> {
  await page.goto(`/admin/elections/${electionId}/scrutiny`);
  await Promise.all([page.waitForURL(`**/admin/elections/${electionId}/publish`), page.getByRole('button', { name: '签名并公布' }).click()]);
  await Promise.all([page.waitForURL('**/scrutiny?done=published'), page.getByRole('button', { name: '确认签名并公布' }).click()]);
}

/** The big label that selects `letter` (F 赞成, A 反对, N 弃权) for ballot option `key`. */
export const choiceLabel = (page: Page, key: string, letter: 'F' | 'A' | 'N') =>
  page.locator(`label.choice.choice--${letter}:has(input[type="radio"][name="choice.${key}"][value="${letter}"])`);
