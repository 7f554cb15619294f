import { dirname } from 'node:path';
import { buildSync } from 'esbuild';

/** A browser module bundled in memory: the ES module and its source map. */
export interface BrowserBundle {
  js: Uint8Array;
  map: Uint8Array;
}

/**
 * Bundles a TypeScript entry and everything it imports (node_modules included) into ONE minified ES
 * module for current browsers, in memory, with esbuild (the same esbuild tsx runs on): about 0.1 s,
 * once per process, so `npm start` and the container need no build step. One module because the
 * Content-Security-Policy allows no inline script and no import map; es2022 for BigInt and top-level
 * await; the linked source map (`//# sourceMappingURL=<name>.map`, next to it under /assets/) costs
 * nothing more to produce and is fetched only by developer tools.
 *
 * esbuild is deterministic, so every instance behind a load balancer serves the same bytes and hash.
 * Throws when the entry does not build: a broken bundle is a bug to see at once, not a page that
 * half works.
 */
export function bundleBrowserModule(entry: string, name: string): BrowserBundle {
  const result = buildSync({
    entryPoints: { [name.replace(/\.js$/, '')]: entry },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'eof',
    // Paths in the source map are relative to this directory, the same on every machine.
    outdir: dirname(entry),
    write: false,
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith(`/${name}`));
  const map = result.outputFiles.find((f) => f.path.endsWith(`/${name}.map`));
  if (!js || !map) throw new Error(`esbuild gave no ${name} for ${entry}`);
  return { js: js.contents, map: map.contents };
}
