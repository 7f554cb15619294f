import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { AppEnv } from './env.ts';

interface Asset {
  body: Uint8Array;
  type: string;
  version: string;
}

const require = createRequire(import.meta.url);
const viewsAssets = (name: string) => fileURLToPath(new URL(`../../../views/assets/${name}`, import.meta.url));

/** Files served under /assets/: ours from views/assets, htmx from node_modules (never a CDN). */
const SOURCES: Record<string, { path: () => string; type: string }> = {
  'app.css': { path: () => viewsAssets('app.css'), type: 'text/css; charset=utf-8' },
  'app.js': { path: () => viewsAssets('app.js'), type: 'text/javascript; charset=utf-8' },
  'favicon.svg': { path: () => viewsAssets('favicon.svg'), type: 'image/svg+xml' },
  'htmx.min.js': { path: () => require.resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript; charset=utf-8' },
  'hx-sse.min.js': { path: () => require.resolve('htmx.org/dist/ext/hx-sse.min.js'), type: 'text/javascript; charset=utf-8' },
};

export type AssetName = keyof typeof SOURCES;

let loaded: Map<string, Asset> | undefined;

function assets(): Map<string, Asset> {
  loaded ??= new Map(Object.entries(SOURCES).map(([name, s]) => {
    const body = readFileSync(s.path());
    return [name, { body, type: s.type, version: createHash('sha256').update(body).digest('hex').slice(0, 12) }];
  }));
  return loaded;
}

/** The URL of an asset with its content hash, so browsers may cache it for a year. */
export function assetUrl(name: AssetName): string {
  return `/assets/${name}?v=${assets().get(name)!.version}`;
}

export function assetRoutes() {
  return new Hono<AppEnv>().get('/assets/:name', (c) => {
    const asset = assets().get(c.req.param('name'));
    if (!asset) return c.notFound();
    const etag = `"${asset.version}"`;
    const versioned = c.req.query('v') === asset.version;
    c.header('Cache-Control', versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    c.header('ETag', etag);
    if (c.req.header('If-None-Match') === etag) return c.body(null, 304);
    c.header('Content-Type', asset.type);
    return c.body(asset.body as Uint8Array<ArrayBuffer>);
  });
}
