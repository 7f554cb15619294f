import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBallotMode } from '../../src/ceremonies/store.ts';
import { createDb } from '../../src/platform/db/index.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { systemClock } from '../../src/platform/time.ts';
import { buildFixture, FIXTURE_PASSWORD } from '../support/fixtures.ts';
import {
  checkAccessibility, formatViolations, launchBrowser, postConfirmed, type Person, signedInPerson, startServer, TABLET, type RunningServer,
} from './harness.ts';
import { clickAndDownload } from './encrypted-steps.ts';

/**
 * The whole key ceremony through the pages (docs/key-ceremony.md): three trustees, each in a browser
 * context of its own, run every step in the bundled module (views/assets/ceremony.ts): passphrase,
 * exchange key with the ceremony file downloaded, dealing, receiving with the final file downloaded
 * and the confirmation, the same fingerprints on every page, and the proof of possession with the
 * final file; then the secretariat opens the vote.
 */
let server: RunningServer;
let browser: Browser;
let dataDir: string;
let electionId: number;
const PASSPHRASES = ['第一位受托人的口令真的很长', 'trustee two passphrase', '第三位 trustee 的口令'];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'minsheng-ceremony-'));
  const database = await createDb({ databaseUrl: undefined, dataDir }, { holder: 'test' });
  try {
    await migrateToLatest(database.db);
    const f = await buildFixture(database, systemClock, {
      deputies: 9, candidates: 3, election: { seats: 2, scrutineers: ['D001', 'D002', 'D003'] },
      accounts: [
        { username: 'mishu', roles: ['secretariat'] },
        { username: 'jp1', roles: ['scrutineer', 'deputy'], deputyCode: 'D001' },
        { username: 'jp2', roles: ['scrutineer', 'deputy'], deputyCode: 'D002' },
        { username: 'jp3', roles: ['scrutineer', 'deputy'], deputyCode: 'D003' },
      ],
    });
    electionId = f.electionId!;
    await setBallotMode(database.db, f.acting, electionId, { mode: 'encrypted', threshold: 2 });
  } finally {
    await database.close();
  }
  [server, browser] = await Promise.all([startServer({ DATA_DIR: dataDir, DEMO: 'false', SIGNING_KEY_SECRET: 'e2e-ceremony-signing-secret-0123456789abcdef' }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the key ceremony in the browser', () => {
  it('runs with three trustees from the exchange keys to the proofs of possession, and the vote opens', async () => {
    const mishu = await signedInPerson(browser, server.url, 'mishu', TABLET, FIXTURE_PASSWORD);
    await mishu.page.goto(`/admin/elections/${electionId}`);
    // Starting is confirmed first, on a page naming the trustees.
    await Promise.all([mishu.page.waitForURL(/ceremony\/start$/), mishu.page.getByRole('button', { name: '开始密钥仪式' }).click()]);
    await Promise.all([mishu.page.waitForURL(/done=ceremony-started/), mishu.page.getByRole('button', { name: '确认开始密钥仪式' }).click()]);

    const trustees: Person[] = [];
    for (const name of ['jp1', 'jp2', 'jp3']) trustees.push(await signedInPerson(browser, server.url, name, TABLET, FIXTURE_PASSWORD));
    const ceremonyFiles: string[] = [];
    for (const [i, t] of trustees.entries()) {
      // The scrutiny list leads each trustee to the ceremony page.
      await t.page.goto('/scrutiny');
      await Promise.all([t.page.waitForURL(`**/scrutiny/elections/${electionId}/ceremony`), t.page.getByRole('link', { name: /密钥仪式/ }).click()]);
      await t.page.locator('[data-step=exchange]').waitFor({ state: 'visible' });
      // A passphrase the rules refuse is refused in the page, before anything is made.
      await t.page.fill('#ceremony-passphrase', 'short');
      await t.page.click('[data-action=exchange]');
      await expect.poll(() => t.page.textContent('#ceremony-status')).toContain('口令太短');
      await t.page.fill('#ceremony-passphrase', PASSPHRASES[i]!);
      ceremonyFiles.push(await clickAndDownload(t.page, 'exchange', dataDir));
      expect(JSON.parse(readFileSync(ceremonyFiles[i]!, 'utf8'))).toMatchObject({ format: 'minsheng-trustee-file/1', index: i + 1, electionId: String(electionId) });
      // While waiting, the page says how far the others are, in a neutral info style.
      if (i === 0) {
        await expect.poll(() => t.page.textContent('#ceremony-status'), { timeout: 30_000 }).toMatch(/已有 [1-3]\/3 位受托人完成这一步/);
        expect(await t.page.getAttribute('#ceremony-status', 'class')).toContain('notice--info');
      }
    }
    for (const t of trustees) {
      await t.page.locator('[data-step=deal]').waitFor({ state: 'visible', timeout: 30_000 });
      // The earlier "waiting" message does not linger under the step to take now.
      expect(await t.page.textContent('#ceremony-status')).not.toContain('正在等待');
      await t.page.click('[data-action=deal]');
    }
    const finalFiles: string[] = [];
    for (const t of trustees) {
      await t.page.locator('[data-step=receive]').waitFor({ state: 'visible', timeout: 30_000 });
      expect(await t.page.textContent('#ceremony-status')).not.toContain('正在等待');
      finalFiles.push(await clickAndDownload(t.page, 'receive', dataDir));
    }
    const prints = await Promise.all(trustees.map(async (t) => {
      await t.page.locator('[data-step=possession]').waitFor({ state: 'visible', timeout: 30_000 });
      return [await t.page.textContent('[data-fingerprint=exchange]'), await t.page.textContent('[data-fingerprint=election]')];
    }));
    expect(prints[0]![1]).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$/);
    expect(new Set(prints.map((p) => p.join(' '))).size).toBe(1);
    const panel = await (await mishu.context.request.get(`/admin/elections/${electionId}`)).text();
    expect(panel).toContain(prints[0]![1]!);
    expect(panel).toContain('已完成');

    // Opening is refused before the proofs of possession.
    const early = await postConfirmed(mishu.context, server.url, `/admin/elections/${electionId}/open`);
    expect(early.headers()['location']).toContain('error=possession-missing');
    for (const [i, t] of trustees.entries()) {
      // The ceremony file is not the final one: refused in the page.
      await t.page.setInputFiles('#ceremony-file', ceremonyFiles[i]!);
      await t.page.fill('#ceremony-passphrase', PASSPHRASES[i]!);
      await t.page.click('[data-action=possession]');
      await expect.poll(() => t.page.textContent('#ceremony-status'), { timeout: 30_000 }).toContain('这是第一步的仪式文件。请选择第三步下载的最终文件');
      expect(await t.page.textContent('#ceremony-file-hint')).toContain('-final.json');
      await t.page.setInputFiles('#ceremony-file', finalFiles[i]!);
      await t.page.click('[data-action=possession]');
      await expect.poll(() => t.page.textContent('#ceremony-status'), { timeout: 30_000 }).toContain('已证明您仍持有密钥份额');
      // Done: the possession form is gone and the page says so.
      expect(await t.page.textContent('#ceremony-status')).toContain('全部完成，可以关闭本页');
      await t.page.locator('[data-step=possession]').waitFor({ state: 'hidden', timeout: 10_000 });
      expect(await t.page.locator('#ceremony-file').isVisible()).toBe(false);
      const violations = await checkAccessibility(t.page);
      expect(violations, formatViolations(violations, `trustee ${i + 1}`)).toEqual([]);
      expect(t.errors.errors).toEqual([]);
    }
    const open = await postConfirmed(mishu.context, server.url, `/admin/elections/${electionId}/open`);
    expect(open.headers()['location']).toBe(`/admin/elections/${electionId}?done=opened`);
  });
});
