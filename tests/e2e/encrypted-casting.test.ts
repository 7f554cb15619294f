import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/platform/db/index.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { systemClock } from '../../src/platform/time.ts';
import { openEncrypted } from '../support/encrypted-election.ts';
import { buildFixture, FIXTURE_PASSWORD } from '../support/fixtures.ts';
import {
  checkAccessibility, choiceLabel, formatNuMessages, formatViolations, type HtmlDocument, launchBrowser, PHONE, signedInPerson, signInThroughForm, startServer, TABLET,
  type RunningServer, validateHtmlBatch,
} from './harness.ts';

/**
 * Casting in encrypted mode through the pages (docs/encrypted-casting.md): the ballot page's module
 * (views/assets/ballot-page.ts) encrypts in Chromium, shows the tracker before casting, and posts
 * only the nonce, its MAC and the encrypted ballot; the Benaloh check publishes a ballot that the
 * check page (views/assets/check-ballot.ts) verifies; without JavaScript the server encrypts.
 */
let server: RunningServer;
let browser: Browser;
let dataDir: string;
let electionId: number;
const SHOTS = process.env.SCREENSHOT_DIR;
/** The pages seen, for one Nu Html Checker run at the end. */
const documents: HtmlDocument[] = [];
const keep = async (page: Page, name: string) => documents.push({ url: name, html: await page.content() });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'minsheng-encrypted-casting-'));
  const database = await createDb({ databaseUrl: undefined, dataDir }, { holder: 'test' });
  try {
    await migrateToLatest(database.db);
    const f = await buildFixture(database, systemClock, {
      deputies: 9, candidates: 3, election: { seats: 2, scrutineers: ['D001', 'D002', 'D003'] },
      accounts: [
        { username: 'jp1', roles: ['scrutineer', 'deputy'], deputyCode: 'D001' },
        { username: 'jp2', roles: ['scrutineer', 'deputy'], deputyCode: 'D002' },
        { username: 'jp3', roles: ['scrutineer', 'deputy'], deputyCode: 'D003' },
        { username: 'd4', roles: ['deputy'], deputyCode: 'D004' },
        { username: 'd5', roles: ['deputy'], deputyCode: 'D005' },
        { username: 'd6', roles: ['deputy'], deputyCode: 'D006' },
      ],
    });
    electionId = f.electionId!;
    await openEncrypted(database.db, f.acting, electionId, ['jp1', 'jp2', 'jp3'].map((u) => f.account(u)));
  } finally {
    await database.close();
  }
  [server, browser] = await Promise.all([startServer({ DATA_DIR: dataDir, DEMO: 'false', SIGNING_KEY_SECRET: 'e2e-encrypted-casting-signing-secret-0123456789' }), launchBrowser()]);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const LETTER_LABEL = { F: '赞成', A: '反对', N: '弃权' } as const;
type Letter = keyof typeof LETTER_LABEL;

/** Every request body the page sends from now on. */
function recordBodies(page: Page): string[] {
  const bodies: string[] = [];
  page.on('request', (r) => {
    const body = r.postData();
    if (body !== null) bodies.push(body);
  });
  return bodies;
}

/** A body carries the marks if it has a ballot choice field, a marks field, or the marks string itself. */
function carriesMarks(body: string, marks: string): boolean {
  const text = decodeURIComponent(body.replace(/\+/g, ' '));
  return /(^|&)choice\./.test(text) || /(^|&)marks=/.test(text) || text.includes(marks) || /"marks"/.test(text);
}

async function mark(page: Page, marks: string) {
  for (const [i, l] of [...marks].entries()) await choiceLabel(page, `c0${i + 1}`, l as Letter).click();
}

async function shot(page: Page, name: string) {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Marks, reviews (encrypted in the page) and returns the tracker the review shows. */
async function encryptInPage(page: Page, marks: string, audit = false): Promise<string> {
  await page.goto(`/elections/${electionId}/ballot`);
  if (audit) expect(formatViolations(await checkAccessibility(page), 'encrypted ballot')).toBe('');
  await mark(page, marks);
  await page.getByRole('button', { name: '下一步：核对选票' }).click();
  const review = page.locator('#encrypted-review');
  await review.waitFor({ state: 'visible', timeout: 60_000 });
  for (const [i, l] of [...marks].entries()) await expect(page.locator(`[data-mark-of="c0${i + 1}"]`).textContent()).resolves.toBe(LETTER_LABEL[l as Letter]);
  const tracker = (await page.locator('[data-review-tracker]').textContent())!;
  expect(tracker).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
  expect(await page.locator('form[data-ballot]').isHidden()).toBe(true);
  return tracker;
}

describe('casting an encrypted ballot in the browser', () => {
  it('encrypts in the page, shows the tracker before casting, casts without sending the marks, and the receipt has the same tracker', async () => {
    const { page, errors, context } = await signedInPerson(browser, server.url, 'd4', TABLET, FIXTURE_PASSWORD);
    const bodies = recordBodies(page);
    const tracker = await encryptInPage(page, 'FAN', true);
    expect(await page.locator('[data-election-fingerprint]').textContent()).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$/);
    expect(formatViolations(await checkAccessibility(page), 'encrypted review')).toBe('');
    await keep(page, 'encrypted review');
    await shot(page, 'review-tablet');
    await page.setViewportSize(PHONE);
    await shot(page, 'review-phone');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await Promise.all([page.waitForURL(`**/elections/${electionId}/ballot`), page.getByRole('button', { name: '投出加密选票' }).click()]);
    await expect(page.locator('p.tracker').textContent()).resolves.toBe(tracker);
    expect(await page.textContent('body')).toContain('您的选票已加密记录');
    await shot(page, 'receipt-phone');
    // Every body the page sent: the cast only (nonce, nonceMac, ballot), none with the marks.
    expect(bodies.length).toBeGreaterThan(0);
    for (const b of bodies) expect(carriesMarks(b, 'FAN'), b.slice(0, 200)).toBe(false);
    expect(bodies.some((b) => /^nonce=[0-9a-f]{32}&nonceMac=[A-Za-z0-9_-]{22}&ballot=/.test(b))).toBe(true);
    expect(errors.errors).toEqual([]);
    await context.close();
  });

  it('checks the encryption (Benaloh), the check page verifies it, then the deputy casts without sending the marks', async () => {
    const { page, errors, context } = await signedInPerson(browser, server.url, 'd5', TABLET, FIXTURE_PASSWORD);
    const checked = await encryptInPage(page, 'FFN');
    const spoilBodies = recordBodies(page);
    // The check asks in the page first: nothing is sent until the deputy confirms; going back sends nothing.
    await page.getByRole('button', { name: '检查加密', exact: true }).click();
    await page.locator('#spoil-confirm').waitFor({ state: 'visible' });
    expect(await page.textContent('#spoil-confirm')).toContain('永不计入结果');
    expect(formatViolations(await checkAccessibility(page), 'check question')).toBe('');
    await shot(page, 'spoil-ask-tablet');
    await page.setViewportSize(PHONE);
    await shot(page, 'spoil-ask-phone');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.setViewportSize(TABLET);
    await page.getByRole('button', { name: '返回，不执行', exact: true }).click();
    expect(await page.locator('#spoil-confirm').isHidden()).toBe(true);
    expect(await page.locator('#spoil-confirm input[name="marks"]').inputValue()).toBe('');
    await page.getByRole('button', { name: '检查加密', exact: true }).click();
    expect(spoilBodies).toEqual([]);
    await Promise.all([page.waitForURL(`**/ballot/spoil`), page.getByRole('button', { name: '确认检查加密' }).click()]);
    // The check, unlike the cast, sends the marks (they are published): only in the one confirmed post.
    expect(spoilBodies.filter((b) => carriesMarks(b, 'FFN'))).toHaveLength(1);
    for (const b of spoilBodies) if (carriesMarks(b, 'FFN')) expect(b).toMatch(/(^|&)confirm=1(&|$)/);
    await expect(page.locator('[data-spoiled-tracker]').textContent()).resolves.toBe(checked);
    await shot(page, 'spoiled-tablet');
    expect(formatViolations(await checkAccessibility(page), 'checked ballot')).toBe('');
    await keep(page, 'checked ballot');
    await Promise.all([page.waitForURL(/\/check\?tracker=/), page.getByRole('link', { name: '打开检查页面' }).click()]);
    const outcome = page.locator('#check-result [data-outcome]:not([data-outcome="warn"])');
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.getAttribute('data-outcome')).toBe('ok');
    expect(await outcome.textContent()).toContain('核对通过');
    expect(formatViolations(await checkAccessibility(page), 'check page')).toBe('');
    await keep(page, 'check page');
    await page.setViewportSize(PHONE);
    await shot(page, 'check-phone');
    await page.setViewportSize(TABLET);
    // A pasted copy with other marks fails, named.
    const lookup = await (await page.request.get(`/api/trackers/${checked}`)).json() as { check: { marks: string } };
    await page.locator('#check-json-input').fill(JSON.stringify({ ...lookup, check: { ...lookup.check, marks: 'NFF' } }));
    await page.getByRole('button', { name: '检查粘贴的 JSON' }).click();
    await page.locator('#check-result [data-outcome="error"]').waitFor({ timeout: 60_000 });
    expect(await page.textContent('#check-result')).toContain('密文与公布的选择和随机数不一致');

    // Voting now: a fresh ballot page, and nothing of these marks is sent.
    const bodies = recordBodies(page);
    const tracker = await encryptInPage(page, 'NAF');
    expect(tracker).not.toBe(checked);
    await Promise.all([page.waitForURL(`**/elections/${electionId}/ballot`), page.getByRole('button', { name: '投出加密选票' }).click()]);
    await expect(page.locator('p.tracker').textContent()).resolves.toBe(tracker);
    for (const b of bodies) expect(carriesMarks(b, 'NAF'), b.slice(0, 200)).toBe(false);
    expect(errors.errors).toEqual([]);
    await context.close();
  });

  it('without JavaScript, the server encrypts, says it is weaker, and the deputy casts', async () => {
    const context = await browser.newContext({ baseURL: server.url, viewport: PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    await signInThroughForm(page, 'd6', { password: FIXTURE_PASSWORD });
    await page.goto(`/elections/${electionId}/ballot`);
    expect(await page.textContent('body')).toContain('本设备的浏览器未启用 JavaScript');
    await mark(page, 'ANF');
    await Promise.all([page.waitForURL(`**/ballot/review`), page.getByRole('button', { name: '下一步：核对选票' }).click()]);
    expect(await page.textContent('body')).toContain('服务器在加密时短暂看到了您的选择');
    const tracker = (await page.locator('[data-review-tracker]').textContent())!;
    await shot(page, 'server-review-phone');
    await keep(page, 'server-encrypted review');
    await Promise.all([page.waitForURL(`**/elections/${electionId}/ballot`), page.getByRole('button', { name: '投出加密选票' }).click()]);
    await expect(page.locator('p.tracker').textContent()).resolves.toBe(tracker);
    await context.close();
  });

  it('serves valid HTML on every page above', async () => {
    expect(documents.map((d) => d.url)).toEqual(['encrypted review', 'checked ballot', 'check page', 'server-encrypted review']);
    const found = await validateHtmlBatch(documents);
    for (const [url, messages] of found) expect(messages, formatNuMessages(url, messages)).toEqual([]);
  }, 120_000);
});
