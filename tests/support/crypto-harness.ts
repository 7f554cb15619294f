/**
 * A test page for the browser module of the encrypted-ballot core (views/assets/ballot-crypto.ts),
 * served by a small server of the test's own, never by the product: the app's real asset routes
 * (the module bundled and hashed exactly as the app serves it) behind the app's real security
 * headers (the Content-Security-Policy: own-origin scripts only, no inline script, no eval), and one
 * page that loads the module with a plain `<script type="module" src>`. A second static module
 * imports it by the same URL (one instance) and hands it to the test as `window.ballotCrypto`.
 * Used by the browser test (tests/e2e/ballot-crypto.test.ts) and `npm run bench`.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { assetRoutes, assetUrl } from '../../src/platform/http/assets.ts';
import type { AppEnv } from '../../src/platform/http/env.ts';
import { securityHeaders } from '../../src/platform/http/security.ts';

export interface CryptoHarness {
  /** The origin, e.g. http://127.0.0.1:41234. */
  url: string;
  close(): Promise<void>;
}

/** Marks the page ready once the module is imported, or says why it failed to. */
const HARNESS_JS = `const src = document.querySelector('script[data-ballot-crypto]').src;
try {
  window.ballotCrypto = await import(src);
  document.documentElement.dataset.ready = 'ready';
} catch (e) {
  document.documentElement.dataset.ready = 'failed: ' + e;
}
`;

function page(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ballot-crypto test page</title>
<link rel="icon" href="${assetUrl('favicon.svg')}" type="image/svg+xml">
<script type="module" src="${assetUrl('ballot-crypto.js')}" data-ballot-crypto></script>
<script type="module" src="/harness.js"></script>
</head><body><main><h1>ballot-crypto test page</h1></main></body></html>`;
}

export async function startCryptoHarness(): Promise<CryptoHarness> {
  const app = new Hono<AppEnv>();
  app.use(securityHeaders({ https: false }));
  app.route('/', assetRoutes());
  app.get('/', (c) => c.html(page()));
  app.get('/harness.js', (c) => c.body(HARNESS_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
