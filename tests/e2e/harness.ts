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

/** A browser of its own at this size, signed in through the form as `username`. */
export async function signedInPerson(browser: Browser, baseURL: string, username: string, viewport: { width: number; height: number }): Promise<Person> {
  const context = await browser.newContext({ baseURL, viewport });
  const page = await context.newPage();
  const errors = watchPageErrors(page);
  await signInThroughForm(page, username);
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
