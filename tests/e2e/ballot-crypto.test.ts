/**
 * The encrypted-ballot core really works in a browser: Chromium loads the bundled module
 * (/assets/ballot-crypto.js) under the app's Content-Security-Policy, encrypts a 12-option
 * 赞成/反对/弃权 ballot with 8 seats under a key Node made, and Node's verifyBallot accepts what comes
 * back; a tampered copy is refused. The page is the test's own (tests/support/crypto-harness.ts).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BallotSpec, EncryptedBallot } from '../../src/domain/crypto/ballot.ts';
import { checkSpoiledBallot, encryptBallot, verifyBallot } from '../../src/domain/crypto/ballot.ts';
import { ciphertextFromJson, decryptToPoint, discreteLog, keygen } from '../../src/domain/crypto/elgamal.ts';
import { decodePoint, encodePoint } from '../../src/domain/crypto/group.ts';
import { seededRng } from '../../src/domain/crypto/test-fixtures.ts';
import { LETTERS } from '../../src/domain/vocabulary.ts';
import { startCryptoHarness, type CryptoHarness } from '../support/crypto-harness.ts';
import { launchBrowser, watchPageErrors, type PageErrors } from './harness.ts';

const SPEC: BallotSpec = {
  marking: 'for-against-abstain',
  optionKeys: Array.from({ length: 12 }, (_, i) => `c${String(i + 1).padStart(2, '0')}`),
  seats: 8,
};
const CONTEXT = 'minsheng/browser-test/election-7';
/** The nonce the server issued for the ballot (32 lower-case hex digits). */
const NONCE = '0123456789abcdef0123456789abcdef';
/** 8 赞成 (the most the seats allow), 2 反对, 2 弃权. */
const MARKS = 'FFAFFNFFAFNF';
const KEY = keygen(seededRng('browser-crypto-key'));
const PUBLIC_KEY = encodePoint(KEY.public);

type Api = typeof import('../../views/assets/ballot-crypto.ts');
type Encrypted = { ballot: EncryptedBallot; randomness: string[][] };

let harness: CryptoHarness;
let browser: Browser;
let page: Page;
let errors: PageErrors;
let csp: string;

beforeAll(async () => {
  [harness, browser] = await Promise.all([startCryptoHarness(), launchBrowser()]);
  page = await browser.newPage();
  errors = watchPageErrors(page);
  const res = await page.goto(harness.url);
  csp = (await res!.allHeaders())['content-security-policy'] ?? '';
  await page.waitForFunction(() => document.documentElement.dataset.ready !== undefined);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

/** Encrypts MARKS in the browser with the platform's randomness, as a deputy's page will. */
function encryptInBrowser(marks = MARKS, spec = SPEC): Promise<Encrypted> {
  return page.evaluate(([pk, s, ctx, nonce, m]) => {
    const api = (window as unknown as { ballotCrypto: Api }).ballotCrypto;
    const key = api.prepareKey(api.decodePoint(pk));
    // Through JSON text, as the ballot travels in a form field.
    return JSON.parse(JSON.stringify(api.encryptBallotWithRandomness(key, s, ctx, nonce, m))) as Encrypted;
  }, [PUBLIC_KEY, spec, CONTEXT, NONCE, marks] as const);
}

describe('the encrypted-ballot core in Chromium', () => {
  it('loads as one module under the Content-Security-Policy, with no error', async () => {
    expect(await page.evaluate(() => document.documentElement.dataset.ready)).toBe('ready');
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)|wasm/);
    expect(errors.errors).toEqual([]);
    const exported = await page.evaluate(() => Object.keys((window as unknown as { ballotCrypto: object }).ballotCrypto).sort());
    expect(exported).toEqual(expect.arrayContaining(['encryptBallot', 'encryptBallotWithRandomness', 'checkSpoiledBallot', 'verifyBallot', 'decodePoint', 'encodePoint', 'prepareKey', 'deal', 'receiveShares', 'proveDecryption']));
  });

  it('encrypts a 12-option ballot with 8 seats that Node accepts and that decrypts to the marks', async () => {
    const { ballot, randomness } = await encryptInBrowser();
    expect(verifyBallot(KEY.public, SPEC, CONTEXT, NONCE, ballot)).toBe(true);
    expect(checkSpoiledBallot(KEY.public, SPEC, ballot, MARKS, randomness)).toBe(true);
    const letters = LETTERS[SPEC.marking];
    const decrypted = ballot.ciphertexts.map((row) => letters[row.map((c) => discreteLog(decryptToPoint(KEY.secret, ciphertextFromJson(c)), 1)).indexOf(1)]).join('');
    expect(decrypted).toBe(MARKS);
    expect(errors.errors).toEqual([]);
  });

  it('draws its randomness from the browser (crypto.getRandomValues), fresh for every ballot', async () => {
    // Count the calls the module makes, through the page's own crypto object.
    const draws = await page.evaluate(() => {
      const original = crypto.getRandomValues.bind(crypto);
      const sizes: number[] = [];
      (window as unknown as { draws: number[] }).draws = sizes;
      crypto.getRandomValues = (<T extends ArrayBufferView<ArrayBuffer>>(a: T): T => { sizes.push(a.byteLength); return original(a); }) as typeof crypto.getRandomValues;
      return sizes.length;
    });
    expect(draws).toBe(0);
    const [first, second] = [await encryptInBrowser(), await encryptInBrowser()];
    const sizes = await page.evaluate(() => (window as unknown as { draws: number[] }).draws);
    // Random scalars are 64-byte draws, at least one per ciphertext per ballot; noble also blinds
    // every secret multiplication of g with a 16-byte draw. Nothing else is drawn.
    expect(sizes.filter((n) => n === 64).length).toBeGreaterThanOrEqual(2 * 12 * 3);
    expect(new Set(sizes)).toEqual(new Set([64, 16]));
    expect(first.ballot.ciphertexts[0]![0]!.a).not.toBe(second.ballot.ciphertexts[0]![0]!.a);
    expect(new Set([...first.randomness.flat(), ...second.randomness.flat()]).size).toBe(2 * 12 * 3);
    expect(verifyBallot(KEY.public, SPEC, CONTEXT, NONCE, second.ballot)).toBe(true);
  });

  it('makes ballots that Node refuses once tampered with, or checked against another election', async () => {
    const { ballot } = await encryptInBrowser();
    const swapped: EncryptedBallot = structuredClone(ballot);
    [swapped.ciphertexts[0], swapped.ciphertexts[2]] = [swapped.ciphertexts[2]!, swapped.ciphertexts[0]!];
    expect(verifyBallot(KEY.public, SPEC, CONTEXT, NONCE, swapped)).toBe('option 0 letter F: the 0-or-1 proof fails');
    const flipped: EncryptedBallot = structuredClone(ballot);
    const s = flipped.proofs.seats!.s[3]!;
    flipped.proofs.seats!.s[3] = (s[0] === '0' ? '1' : '0') + s.slice(1);
    expect(verifyBallot(KEY.public, SPEC, CONTEXT, NONCE, flipped)).toBe('the seats proof fails');
    expect(verifyBallot(KEY.public, SPEC, 'minsheng/browser-test/election-8', NONCE, ballot)).toMatch(/proof fails/);
    expect(verifyBallot(keygen().public, SPEC, CONTEXT, NONCE, ballot)).toMatch(/proof fails/);
  });

  it('checks in the browser what Node encrypted, and refuses more 赞成 than seats', async () => {
    const fromNode = encryptBallot(KEY.public, SPEC, CONTEXT, NONCE, 'NNNNFFFFFFFF');
    const tampered: EncryptedBallot = structuredClone(fromNode);
    tampered.ciphertexts[5]![0] = fromNode.ciphertexts[6]![1]!;
    const [good, bad, tooMany] = await page.evaluate(([pk, s, ctx, nonce, b, t]) => {
      const api = (window as unknown as { ballotCrypto: Api }).ballotCrypto;
      const key = api.prepareKey(api.decodePoint(pk));
      let refused = '';
      try {
        api.encryptBallot(key, s, ctx, nonce, 'FFFFFFFFFNNN');
      } catch (e) {
        refused = `${(e as Error).name}: ${(e as Error).message}`;
      }
      return [api.verifyBallot(key, s, ctx, nonce, b), api.verifyBallot(key, s, ctx, nonce, t), refused];
    }, [PUBLIC_KEY, SPEC, CONTEXT, NONCE, fromNode, tampered] as const);
    expect(good).toBe(true);
    expect(bad).toBe('option 6 letter A: an a of this ballot again');
    expect(tooMany).toBe('RangeError: 9 F for 8 seats');
    expect(decodePoint(PUBLIC_KEY).equals(KEY.public)).toBe(true);
    expect(errors.errors).toEqual([]);
  });
});
