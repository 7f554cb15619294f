import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBallotMode } from '../../src/ceremonies/store.ts';
import { sealElection } from '../../src/counting/store.ts';
import { sealTrusteeFile } from '../../src/domain/crypto/trustee-file.ts';
import { closeElection, openElection } from '../../src/elections/store.ts';
import { createDb } from '../../src/platform/db/index.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { systemClock } from '../../src/platform/time.ts';
import { castEncryptedForTest, runCeremonyForTest } from '../support/encrypted-box.ts';
import { buildFixture, FIXTURE_PASSWORD } from '../support/fixtures.ts';
import {
  checkAccessibility, formatViolations, launchBrowser, PHONE, type Person, signedInPerson, startServer, TABLET, type RunningServer,
} from './harness.ts';

/**
 * The trustees' decryption through the pages (docs/decryption.md): an encrypted vote of 12 options
 * (ceremony and casting done beforehand with the protocol's own functions: test support), sealed
 * into `decrypting`; two of three trustees, each in a browser of their own (a tablet and a phone),
 * open their trustee file with its passphrase in the page, which checks every ballot's proofs,
 * recomputes the sum and posts only the partial decryption of the totals; the vote is then tallied.
 */
let server: RunningServer;
let browser: Browser;
let dataDir: string;
let electionId: number;
const BALLOTS = 40;
const PASSPHRASES = ['第一位受托人的口令真的很长', 'trustee two passphrase', '第三位 trustee 的口令'];
const files: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'minsheng-decryption-'));
  const database = await createDb({ databaseUrl: undefined, dataDir }, { holder: 'test' });
  try {
    await migrateToLatest(database.db);
    const f = await buildFixture(database, systemClock, {
      deputies: 60, candidates: 12, election: { seats: 8, scrutineers: ['D001', 'D002', 'D003'] },
      accounts: [
        { username: 'mishu', roles: ['secretariat'] },
        { username: 'jp1', roles: ['scrutineer', 'deputy'], deputyCode: 'D001' },
        { username: 'jp2', roles: ['scrutineer', 'deputy'], deputyCode: 'D002' },
        { username: 'jp3', roles: ['scrutineer', 'deputy'], deputyCode: 'D003' },
      ],
    });
    electionId = f.electionId!;
    await setBallotMode(database.db, f.acting, electionId, { mode: 'encrypted', threshold: 2 });
    const ceremony = await runCeremonyForTest(database.db, systemClock, electionId, ['jp1', 'jp2', 'jp3'].map((u) => ({ userId: f.account(u).id, name: u })));
    // The trustees' final files, as the ceremony page downloads them.
    for (let i = 1; i <= 3; i++) {
      const file = await sealTrusteeFile({ contextId: ceremony.contextId, electionId: String(electionId), index: i, publicShare: ceremony.publicShares[i - 1]!, publicKey: ceremony.publicKey },
        { secretShare: ceremony.shares[i - 1]! }, PASSPHRASES[i - 1]!);
      const path = join(dataDir, `trustee-${i}-final.json`);
      writeFileSync(path, JSON.stringify(file, null, 2));
      files.push(path);
    }
    await openElection(database.db, f.acting, electionId);
    const spec = { marking: 'for-against-abstain' as const, optionKeys: f.candidates.map((_, i) => `c${String(i + 1).padStart(2, '0')}`), seats: 8 };
    const target = { electionId, publicKey: ceremony.publicKey, contextId: ceremony.contextId, spec };
    for (let i = 0; i < BALLOTS; i++) {
      // Each ballot: 赞成 for options i … i+5 (mod 12), 反对 for the next two, 弃权 for the rest.
      const marks = Array.from({ length: 12 }, (_, o) => { const d = (o - i + 120) % 12; return d < 6 ? 'F' : d < 8 ? 'A' : 'N'; }).join('');
      await castEncryptedForTest(database.db, systemClock, target, f.deputies[i + 3]!.id, marks);
    }
    await closeElection(database.db, f.acting, electionId);
    await sealElection(database.db, f.acting, electionId);
  } finally {
    await database.close();
  }
  [server, browser] = await Promise.all([startServer({ DATA_DIR: dataDir, DEMO: 'false', SIGNING_KEY_SECRET: 'e2e-decryption-signing-secret-0123456789abcdef' }), launchBrowser()]);
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function decrypt(t: Person, file: string, passphrase: string): Promise<{ checkMs: number; done: string }> {
  await t.page.setInputFiles('#decryption-file', file);
  await t.page.fill('#decryption-passphrase', passphrase);
  await t.page.click('[data-action=decrypt]');
  await expect.poll(() => t.page.getAttribute('#decryption-trustee', 'data-done'), { timeout: 120_000 }).not.toBeNull();
  return { checkMs: Number(await t.page.getAttribute('#decryption-trustee', 'data-check-ms')), done: (await t.page.getAttribute('#decryption-trustee', 'data-done'))! };
}

describe('the decryption in the browser', () => {
  it('two trustees check every ballot and decrypt the totals with their files; the vote is tallied', { timeout: 300_000 }, async () => {
    // The secretariat's scrutiny page while the trustees decrypt: progress, and the void explained.
    const mishu = await signedInPerson(browser, server.url, 'mishu', PHONE, FIXTURE_PASSWORD);
    await mishu.page.goto(`/admin/elections/${electionId}/scrutiny`);
    expect(await mishu.page.textContent('main')).toContain('如果能解密的受托人少于 2 位');
    // The digest of the encrypted sum the seal fixed, short, for the trustees to compare.
    const sealDigest = /[0-9A-Z]{4}(?:-[0-9A-Z]{4}){6}/.exec((await mishu.page.textContent('#decryption-digest'))!)![0];
    await mishu.page.click('#void summary');
    await mishu.page.screenshot({ path: join(tmpdir(), 'decryption-scrutiny-phone.png'), fullPage: true });
    expect(await mishu.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    const secretariatA11y = await checkAccessibility(mishu.page);
    expect(secretariatA11y, formatViolations(secretariatA11y, 'secretariat')).toEqual([]);
    await mishu.context.close();

    const jp1 = await signedInPerson(browser, server.url, 'jp1', TABLET, FIXTURE_PASSWORD);
    // The scrutiny page leads a trustee to the decryption page.
    await jp1.page.goto(`/admin/elections/${electionId}/scrutiny`);
    expect(await jp1.page.textContent('main')).toContain('已有 0 位受托人完成解密，需要 2 位（共 3 位）。');
    await Promise.all([jp1.page.waitForURL(`**/scrutiny/elections/${electionId}/decryption`), jp1.page.getByRole('link', { name: '前往我的解密页面' }).click()]);
    await jp1.page.locator('#decryption-trustee').waitFor({ state: 'visible' });
    expect(await jp1.page.textContent('main')).toContain(`投票名册记录以电子方式投票 ${BALLOTS} 人`);

    // Another trustee's file, and a wrong passphrase: refused in the page, nothing sent.
    await jp1.page.setInputFiles('#decryption-file', files[2]!);
    await jp1.page.fill('#decryption-passphrase', PASSPHRASES[2]!);
    await jp1.page.click('[data-action=decrypt]');
    await expect.poll(() => jp1.page.textContent('#decryption-status'), { timeout: 60_000 }).toContain('这个受托人文件不属于本次表决或不属于您');
    await jp1.page.setInputFiles('#decryption-file', files[0]!);
    await jp1.page.fill('#decryption-passphrase', 'not the right passphrase');
    await jp1.page.click('[data-action=decrypt]');
    await expect.poll(() => jp1.page.textContent('#decryption-status'), { timeout: 60_000 }).toContain('口令不对，或文件已被改动。');
    await jp1.page.screenshot({ path: join(tmpdir(), 'decryption-tablet-refused.png'), fullPage: true });

    // The trustee's page shows the seal's digest. A lying server (one ballot sent where the roll has
    // BALLOTS; another aggregate than the page's digest) is stopped in the page before any decryption.
    expect(await jp1.page.textContent('#decryption-digest')).toContain(sealDigest);
    const posts: string[] = [];
    jp1.page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });
    const lies: [(body: { ballots: unknown[]; aggregate: unknown[] }) => void, string][] = [
      [(body) => { body.ballots = body.ballots.slice(0, 1); }, `服务器发来 1 张加密选票，但投票名册记录以电子方式投票 ${BALLOTS} 人`],
      [(body) => { body.aggregate = [...body.aggregate].reverse(); }, '服务器发来的加密总和摘要是'],
    ];
    for (const [lie, expected] of lies) {
      await jp1.page.route('**/decryption.json', async (route) => {
        const response = await route.fetch();
        const json = await response.json() as { ballots: unknown[]; aggregate: unknown[] };
        lie(json);
        await route.fulfill({ response, json });
      });
      await jp1.page.setInputFiles('#decryption-file', files[0]!);
      await jp1.page.fill('#decryption-passphrase', PASSPHRASES[0]!);
      await jp1.page.click('[data-action=decrypt]');
      await expect.poll(() => jp1.page.textContent('#decryption-status'), { timeout: 60_000 }).toContain(expected);
      await jp1.page.unroute('**/decryption.json');
    }
    expect(posts).toEqual([]);

    const first = await decrypt(jp1, files[0]!, PASSPHRASES[0]!);
    expect(first.done).toBe('sent');
    expect(await jp1.page.textContent('#decryption-status')).toContain('还需要其他受托人继续解密');
    const workers = Number(await jp1.page.getAttribute('#decryption-trustee', 'data-workers'));
    console.log(`trustee 1 (tablet): ${BALLOTS} ballots of 12 options checked in ${workers} workers in ${first.checkMs} ms (${(first.checkMs / BALLOTS).toFixed(1)} ms per ballot)`);
    expect(workers).toBeGreaterThanOrEqual(1);
    const a11y = await checkAccessibility(jp1.page);
    expect(a11y, formatViolations(a11y, 'trustee 1')).toEqual([]);
    expect(jp1.errors.errors).toEqual([]);

    const jp3 = await signedInPerson(browser, server.url, 'jp3', PHONE, FIXTURE_PASSWORD);
    await jp3.page.goto(`/scrutiny/elections/${electionId}/decryption`);
    expect(await jp3.page.textContent('main')).toContain('已有 1 位受托人完成解密，需要 2 位（共 3 位）。');
    await jp3.page.screenshot({ path: join(tmpdir(), 'decryption-phone.png'), fullPage: true });
    // Nothing sticks out of a 390 px phone.
    expect(await jp3.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    const second = await decrypt(jp3, files[2]!, PASSPHRASES[2]!);
    expect(second.done).toBe('combined');
    expect(await jp3.page.textContent('#decryption-status')).toContain('已够所需人数，结果已合成并生成记录');
    expect(await jp3.page.locator('#decryption-file').isVisible()).toBe(false);
    console.log(`trustee 3 (phone): ${BALLOTS} ballots checked in ${second.checkMs} ms`);
    await jp3.page.screenshot({ path: join(tmpdir(), 'decryption-phone-done.png'), fullPage: true });
    expect(jp3.errors.errors).toEqual([]);

    // The vote is tallied: the scrutiny page shows the count and the digest to certify.
    await jp1.page.goto(`/admin/elections/${electionId}/scrutiny`);
    const text = await jp1.page.textContent('main');
    expect(text).toContain('已计票');
    expect(text).toMatch(/sha256:[0-9a-f]{64}/);
    await jp1.page.screenshot({ path: join(tmpdir(), 'decryption-tallied.png'), fullPage: true });
    await jp1.context.close();
    await jp3.context.close();
  });
});
