import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyBallot, type BallotSpec } from '../../domain/crypto/ballot.ts';
import { keygen } from '../../domain/crypto/elgamal.ts';
import { encodePoint } from '../../domain/crypto/group.ts';
import { assetRoutes, assetUrl } from './assets.ts';

const app = assetRoutes();
const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

describe('/assets/ballot-crypto.js, the encrypted-ballot core bundled for browsers', () => {
  it('is served with its content hash, cached for a year, as one self-contained module', async () => {
    const url = assetUrl('ballot-crypto.js');
    expect(url).toMatch(/^\/assets\/ballot-crypto\.js\?v=[0-9a-f]{12}$/);
    const res = await get(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const js = await res.text();
    // One module: nothing left to import (the CSP allows no import map), no eval, no WebAssembly.
    expect(js).not.toMatch(/\bimport\s*[{*("'`]|\brequire\(|\beval\(|new Function|WebAssembly/);
    expect(js).toMatch(/export\{/);
    expect(js.length).toBeLessThan(100_000);
    expect(js.trimEnd().endsWith('//# sourceMappingURL=ballot-crypto.js.map')).toBe(true);
    const map = await get('/assets/ballot-crypto.js.map');
    expect(map.status).toBe(200);
    expect((JSON.parse(await map.text()) as { sources: string[] }).sources).toEqual(expect.arrayContaining([
      '../../src/domain/crypto/ballot.ts', '../../src/domain/crypto/threshold.ts',
    ]));
    // Built once: the same bytes and version again.
    expect(assetUrl('ballot-crypto.js')).toBe(url);
    expect(await (await get(url)).text()).toBe(js);
  });

  it('encrypts, as served, ballots that the source code verifies', async () => {
    const js = await (await get(assetUrl('ballot-crypto.js'))).text();
    const dir = mkdtempSync(join(tmpdir(), 'minsheng-bundle-'));
    try {
      const file = join(dir, 'ballot-crypto.mjs');
      writeFileSync(file, js);
      writeFileSync(join(dir, 'ballot-crypto.js.map'), await (await get('/assets/ballot-crypto.js.map')).text());
      const api = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as typeof import('../../../views/assets/ballot-crypto.ts');
      const key = keygen();
      const spec: BallotSpec = { marking: 'approval', optionKeys: ['c01', 'c02', 'c03'], seats: 2 };
      const ballot = api.encryptBallot(api.prepareKey(api.decodePoint(encodePoint(key.public))), spec, 'bundle-test', '0123456789abcdef0123456789abcdef', 'FNF');
      expect(verifyBallot(key.public, spec, 'bundle-test', '0123456789abcdef0123456789abcdef', ballot)).toBe(true);
      expect(verifyBallot(key.public, spec, 'another-election', '0123456789abcdef0123456789abcdef', ballot)).toBe('option 0 letter F: the 0-or-1 proof fails');
      // No randomness can be passed in from a page: the functions that draw it take no rng, and no seeded rng is exported.
      expect([api.encryptBallot.length, api.encryptBallotWithRandomness.length, api.deal.length, api.proveDecryption.length]).toEqual([5, 5, 4, 4]);
      const twice = [api.encryptBallot, api.encryptBallot].map((f) => (f as (...a: unknown[]) => { ciphertexts: { a: string }[][] })(
        api.prepareKey(api.decodePoint(encodePoint(key.public))), spec, 'bundle-test', '0123456789abcdef0123456789abcdef', 'FNF', () => new Uint8Array(64)));
      expect(twice[0]!.ciphertexts[0]![0]!.a).not.toBe(twice[1]!.ciphertexts[0]![0]!.a);
      expect(Object.keys(api)).not.toContain('seededRng');
      expect(js).not.toContain('seededRng');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
