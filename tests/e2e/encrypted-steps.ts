/**
 * Browser steps of an encrypted vote shared by scenarios (docs/key-ceremony.md, docs/encrypted-casting.md,
 * docs/decryption.md): the secretariat starts the key ceremony; the trustees (the named scrutineers),
 * each in a browser of their own, run it to the proofs of possession; a deputy casts with the ballot
 * encrypted in the page, or without JavaScript (encrypted by the server); the secretariat seals into
 * 解密总数中; a trustee decrypts the totals with the final file and its passphrase.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { clickAndLand, type Person } from './harness.ts';

/** What a step calls on each page it reaches (axe, Nu), by a short name. */
type Check = (name: string) => Promise<void>;
const none: Check = async () => {};

/** The secretariat starts the key ceremony from the vote's page, through the confirmation naming the trustees. */
export async function startCeremonyInBrowser(page: Page, electionId: number, check: Check = none): Promise<void> {
  await page.goto(`/admin/elections/${electionId}`);
  await Promise.all([page.waitForURL(/ceremony\/start$/), page.getByRole('button', { name: '开始密钥仪式' }).click()]);
  await check('ceremony start confirmation');
  await Promise.all([page.waitForURL(/done=ceremony-started/), page.getByRole('button', { name: '确认开始密钥仪式' }).click()]);
}

/** Clicks a ceremony step's button and saves the trustee file the page downloads into `dir`; returns its path. */
export async function clickAndDownload(page: Page, action: string, dir: string): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }).catch(async (e: unknown) => {
      throw new Error(`no download after ${action}: the page says "${await page.textContent('#ceremony-status')}"`, { cause: e });
    }),
    page.click(`[data-action=${action}]`),
  ]);
  const path = join(dir, download.suggestedFilename());
  await download.saveAs(path);
  return path;
}

/**
 * The whole key ceremony, trustee i (in ballot order of the named scrutineers) being `trustees[i]`,
 * each in their own browser: from 监票与计票 to the ceremony page; exchange key (ceremony file
 * downloaded under the passphrase), dealing, receiving (final file downloaded), the same two
 * fingerprints on every page, and the proof of possession with the final file. Files go to `dir`.
 * Returns the final files and the election key's fingerprint the trustees confirmed.
 */
export async function ceremonyInBrowsers(electionId: number, trustees: Person[], passphrases: readonly string[], dir: string, check: (t: Person, i: number, name: string) => Promise<void> = async () => {}): Promise<{ finalFiles: string[]; fingerprint: string }> {
  for (const [i, t] of trustees.entries()) {
    await t.page.goto('/scrutiny');
    await Promise.all([t.page.waitForURL(`**/scrutiny/elections/${electionId}/ceremony`), t.page.getByRole('link', { name: /密钥仪式/ }).click()]);
    await t.page.locator('[data-step=exchange]').waitFor({ state: 'visible' });
    await check(t, i, 'ceremony (exchange)');
    await t.page.fill('#ceremony-passphrase', passphrases[i]!);
    await clickAndDownload(t.page, 'exchange', dir);
  }
  for (const t of trustees) {
    await t.page.locator('[data-step=deal]').waitFor({ state: 'visible', timeout: 60_000 });
    await t.page.click('[data-action=deal]');
  }
  const finalFiles: string[] = [];
  for (const t of trustees) {
    await t.page.locator('[data-step=receive]').waitFor({ state: 'visible', timeout: 60_000 });
    finalFiles.push(await clickAndDownload(t.page, 'receive', dir));
  }
  const prints = await Promise.all(trustees.map(async (t) => {
    await t.page.locator('[data-step=possession]').waitFor({ state: 'visible', timeout: 60_000 });
    return [(await t.page.textContent('[data-fingerprint=exchange]'))!, (await t.page.textContent('[data-fingerprint=election]'))!] as const;
  }));
  // Every trustee reads the same two fingerprints (they compare them aloud).
  expect(new Set(prints.map((p) => p.join(' '))).size).toBe(1);
  const fingerprint = prints[0]![1];
  expect(fingerprint).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$/);
  for (const [i, t] of trustees.entries()) {
    await t.page.setInputFiles('#ceremony-file', finalFiles[i]!);
    await t.page.fill('#ceremony-passphrase', passphrases[i]!);
    await t.page.click('[data-action=possession]');
    await expect.poll(() => t.page.textContent('#ceremony-status'), { timeout: 60_000 }).toContain('已证明您仍持有密钥份额');
    await t.page.locator('[data-step=possession]').waitFor({ state: 'hidden', timeout: 10_000 });
    await check(t, i, 'ceremony (done)');
  }
  return { finalFiles, fingerprint };
}

/** The labels of the letters on an encrypted ballot's review. */
const LETTER_LABEL = { F: '赞成', A: '反对', N: '弃权' } as const;
export type Letter = keyof typeof LETTER_LABEL;

/**
 * A deputy with JavaScript casts an encrypted ballot from 我的投票: marks it, reviews it (the page
 * encrypts it and shows the marks, the tracker and the election key's fingerprint, which must be
 * `fingerprint`), and casts it; returns the tracker, which the receipt repeats. `check` is called on
 * the ballot, the review and the receipt.
 */
export async function castEncryptedInBrowser(page: Page, electionId: number, marks: Record<string, Letter>, fingerprint: string, check: Check = none): Promise<string> {
  await page.goto('/vote');
  await clickAndLand(page, `**/elections/${electionId}/ballot`, page.locator(`a.tile[href="/elections/${electionId}/ballot"]`).click());
  await check('ballot');
  for (const [key, letter] of Object.entries(marks)) await page.locator(`label:has(input[type="radio"][name="choice.${key}"][value="${letter}"])`).click();
  await page.getByRole('button', { name: '下一步：核对选票' }).click();
  await page.locator('#encrypted-review').waitFor({ state: 'visible', timeout: 60_000 });
  for (const [key, letter] of Object.entries(marks)) expect(await page.locator(`[data-mark-of="${key}"]`).textContent()).toBe(LETTER_LABEL[letter]);
  expect(await page.locator('#encrypted-review [data-election-fingerprint]').textContent()).toBe(fingerprint);
  const tracker = (await page.locator('[data-review-tracker]').textContent())!.trim();
  expect(tracker).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
  await check('review (encrypted in the page)');
  await Promise.all([page.waitForURL(`**/elections/${electionId}/ballot`), page.getByRole('button', { name: '投出加密选票' }).click()]);
  expect((await page.locator('p.tracker').textContent())!.trim()).toBe(tracker);
  expect(await page.textContent('body')).toContain('您的选票已加密记录');
  // On a shared tablet (the deputy is signed out by now) one way out, not two side by side.
  expect(await page.locator('[data-leave]').count()).toBeLessThanOrEqual(1);
  await check('receipt (encrypted)');
  return tracker;
}

/**
 * A deputy without JavaScript casts an encrypted ballot: the ballot page says the server will
 * encrypt, the review says the server briefly saw the marks and shows the tracker and `fingerprint`;
 * returns the tracker, which the receipt repeats. `check` is called on the ballot, the review and the receipt.
 */
export async function castEncryptedWithoutJs(page: Page, electionId: number, marks: Record<string, Letter>, fingerprint: string, check: Check = none): Promise<string> {
  await page.goto('/vote');
  await clickAndLand(page, `**/elections/${electionId}/ballot`, page.locator(`a.tile[href="/elections/${electionId}/ballot"]`).click());
  expect(await page.textContent('body')).toContain('本设备的浏览器未启用 JavaScript');
  for (const [key, letter] of Object.entries(marks)) await page.locator(`label:has(input[type="radio"][name="choice.${key}"][value="${letter}"])`).click();
  await check('ballot');
  await Promise.all([page.waitForURL('**/ballot/review'), page.getByRole('button', { name: '下一步：核对选票' }).click()]);
  expect(await page.textContent('body')).toContain('服务器在加密时短暂看到了您的选择');
  expect(await page.locator('[data-election-fingerprint]').textContent()).toBe(fingerprint);
  const tracker = (await page.locator('[data-review-tracker]').textContent())!.trim();
  await check('review (encrypted by the server)');
  await Promise.all([page.waitForURL(`**/elections/${electionId}/ballot`), page.getByRole('button', { name: '投出加密选票' }).click()]);
  expect((await page.locator('p.tracker').textContent())!.trim()).toBe(tracker);
  await check('receipt (encrypted)');
  return tracker;
}

/**
 * The secretariat seals a closed encrypted vote from its page (计票与公布, then the confirmation):
 * the vote is 解密总数中 and waits for the trustees. `check` is called on each page on the way.
 */
export async function sealEncryptedInBrowser(page: Page, electionId: number, k: number, check: Check = none): Promise<void> {
  await page.goto(`/admin/elections/${electionId}`);
  await Promise.all([page.waitForURL(`**/admin/elections/${electionId}/scrutiny`), page.getByRole('link', { name: '计票与公布' }).click()]);
  await check('scrutiny (closed, encrypted)');
  await Promise.all([page.waitForURL(`**/admin/elections/${electionId}/seal`), page.getByRole('button', { name: '封存并计票' }).click()]);
  // The confirmation says what this seal fixes: the encrypted sum only, then k trustees decrypt.
  expect(await page.locator('main').textContent()).toContain(`之后需要 ${k} 位受托人各自解密总数`);
  await check('seal confirmation (encrypted)');
  await Promise.all([page.waitForURL('**/scrutiny?done=decrypting'), page.getByRole('button', { name: '确认封存并计票' }).click()]);
  await expect.poll(() => page.locator('[role=status]').first().textContent()).toContain('已封存，加密总和已固定');
  expect(await page.textContent('main')).toContain(`已有 0 位受托人完成解密，需要 ${k} 位`);
  await check('scrutiny (decrypting)');
}

/**
 * A trustee decrypts from the vote's scrutiny page (前往我的解密页面): chooses the final file, types
 * the passphrase; the page checks every ballot, then posts the partial decryption. Returns what the
 * page says it did: `sent` (more trustees needed) or `combined` (the k-th: the vote is tallied).
 */
export async function decryptInBrowser(t: Person, electionId: number, file: string, passphrase: string, check: Check = none): Promise<'sent' | 'combined'> {
  await t.page.goto(`/admin/elections/${electionId}/scrutiny`);
  await Promise.all([t.page.waitForURL(`**/scrutiny/elections/${electionId}/decryption`), t.page.getByRole('link', { name: '前往我的解密页面' }).click()]);
  await t.page.locator('#decryption-trustee').waitFor({ state: 'visible' });
  await check('decryption');
  await t.page.setInputFiles('#decryption-file', file);
  await t.page.fill('#decryption-passphrase', passphrase);
  await t.page.click('[data-action=decrypt]');
  await expect.poll(() => t.page.getAttribute('#decryption-trustee', 'data-done'), { timeout: 120_000 }).not.toBeNull();
  const done = (await t.page.getAttribute('#decryption-trustee', 'data-done'))!;
  expect(['sent', 'combined']).toContain(done);
  await check(`decryption (${done})`);
  return done as 'sent' | 'combined';
}
