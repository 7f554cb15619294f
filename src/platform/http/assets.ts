import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { bundleBrowserModule, type BrowserBundle } from './bundle.ts';
import type { AppEnv } from './env.ts';

interface Asset {
  body: Uint8Array;
  type: string;
  version: string;
}

const require = createRequire(import.meta.url);
const viewsAssets = (name: string) => fileURLToPath(new URL(`../../../views/assets/${name}`, import.meta.url));

const JS = 'text/javascript; charset=utf-8';

/** The encrypted-ballot core, bundled at first use (bundle.ts) from its entry in views/assets. */
let ballotCrypto: BrowserBundle | undefined;
const ballotCryptoBundle = () => (ballotCrypto ??= bundleBrowserModule(viewsAssets('ballot-crypto.ts'), 'ballot-crypto.js'));

/** The trustee's key ceremony page module, bundled at first use (bundle.ts) from views/assets/ceremony.ts. */
let ceremony: BrowserBundle | undefined;
const ceremonyBundle = () => (ceremony ??= bundleBrowserModule(viewsAssets('ceremony.ts'), 'ceremony.js'));

/** The deputy's encrypted ballot page module (views/assets/ballot-page.ts) and the spoiled-ballot check page's (check-ballot.ts). */
let ballotPage: BrowserBundle | undefined;
const ballotPageBundle = () => (ballotPage ??= bundleBrowserModule(viewsAssets('ballot-page.ts'), 'ballot-page.js'));
let checkBallot: BrowserBundle | undefined;
const checkBallotBundle = () => (checkBallot ??= bundleBrowserModule(viewsAssets('check-ballot.ts'), 'check-ballot.js'));
/** The trustee's decryption page module, bundled at first use (bundle.ts) from views/assets/decryption.ts. */
let decryption: BrowserBundle | undefined;
const decryptionBundle = () => (decryption ??= bundleBrowserModule(viewsAssets('decryption.ts'), 'decryption.js'));
/** Its workers, which check the ballots' proofs in parallel (views/assets/decryption-worker.ts). */
let decryptionWorker: BrowserBundle | undefined;
const decryptionWorkerBundle = () => (decryptionWorker ??= bundleBrowserModule(viewsAssets('decryption-worker.ts'), 'decryption-worker.js'));

/**
 * What is served under /assets/: ours from views/assets, htmx from node_modules (never a CDN), and
 * the browser modules bundled in memory from views/assets/ballot-crypto.ts, ceremony.ts, decryption.ts and
 * decryption-worker.ts.
 */
const SOURCES = {
  'app.css': { body: () => readFileSync(viewsAssets('app.css')), type: 'text/css; charset=utf-8' },
  'app.js': { body: () => readFileSync(viewsAssets('app.js')), type: JS },
  'favicon.svg': { body: () => readFileSync(viewsAssets('favicon.svg')), type: 'image/svg+xml' },
  'htmx.min.js': { body: () => readFileSync(require.resolve('htmx.org/dist/htmx.min.js')), type: JS },
  'hx-sse.min.js': { body: () => readFileSync(require.resolve('htmx.org/dist/ext/hx-sse.min.js')), type: JS },
  'ballot-crypto.js': { body: () => ballotCryptoBundle().js, type: JS },
  'ballot-crypto.js.map': { body: () => ballotCryptoBundle().map, type: 'application/json; charset=utf-8' },
  'ceremony.js': { body: () => ceremonyBundle().js, type: JS },
  'ceremony.js.map': { body: () => ceremonyBundle().map, type: 'application/json; charset=utf-8' },
  'ballot-page.js': { body: () => ballotPageBundle().js, type: JS },
  'ballot-page.js.map': { body: () => ballotPageBundle().map, type: 'application/json; charset=utf-8' },
  'check-ballot.js': { body: () => checkBallotBundle().js, type: JS },
  'check-ballot.js.map': { body: () => checkBallotBundle().map, type: 'application/json; charset=utf-8' },
  'decryption.js': { body: () => decryptionBundle().js, type: JS },
  'decryption.js.map': { body: () => decryptionBundle().map, type: 'application/json; charset=utf-8' },
  'decryption-worker.js': { body: () => decryptionWorkerBundle().js, type: JS },
  'decryption-worker.js.map': { body: () => decryptionWorkerBundle().map, type: 'application/json; charset=utf-8' },
} satisfies Record<string, { body: () => Uint8Array; type: string }>;

export type AssetName = keyof typeof SOURCES;

/** Each asset is read (or bundled) and hashed on its first use, then kept for the process. */
const loaded = new Map<string, Asset>();

function asset(name: string): Asset | undefined {
  const source = Object.hasOwn(SOURCES, name) ? SOURCES[name as AssetName] : undefined;
  if (!source) return undefined;
  let found = loaded.get(name);
  if (!found) {
    const body = source.body();
    found = { body, type: source.type, version: createHash('sha256').update(body).digest('hex').slice(0, 12) };
    loaded.set(name, found);
  }
  return found;
}

/** The URL of an asset with its content hash, so browsers may cache it for a year. */
export function assetUrl(name: AssetName): string {
  return `/assets/${name}?v=${asset(name)!.version}`;
}

export function assetRoutes() {
  return new Hono<AppEnv>().get('/assets/:name', (c) => {
    const found = asset(c.req.param('name'));
    if (!found) return c.notFound();
    const etag = `"${found.version}"`;
    const versioned = c.req.query('v') === found.version;
    c.header('Cache-Control', versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    c.header('ETag', etag);
    if (c.req.header('If-None-Match') === etag) return c.body(null, 304);
    c.header('Content-Type', found.type);
    return c.body(found.body as Uint8Array<ArrayBuffer>);
  });
}
