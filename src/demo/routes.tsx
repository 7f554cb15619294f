import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DemoTrusteeFilesPage } from '../../views/demo/trustee-files.tsx';
import type { AppEnv } from '../platform/http/env.ts';
import { type Ctx, db, idParam, view } from '../platform/http/kit.ts';
import { demoCeremonies, demoTrusteeFileName, demoTrusteeFiles } from './ceremony.ts';
import { DEMO_PASSWORD } from './seed.ts';

/** Only an installation that runs the demo (config DEMO) has these pages: 404 everywhere else. */
function demoOnly(c: Ctx): void {
  if (!c.var.deps.config.demo) throw new HTTPException(404);
}

/**
 * The demo's trustee files (src/demo/ceremony.ts), public because this is a demo: a page that lists
 * each trustee with its demo account, file and passphrase, reachable from the demo banner, and the
 * files to download. Never part of a real installation.
 */
export function demoRoutes() {
  return new Hono<AppEnv>()
    .get('/demo/trustee-files', async (c) => {
      demoOnly(c);
      const files = await demoTrusteeFiles(db(c));
      const ceremonies = await demoCeremonies(db(c), files.map((f) => f.electionId));
      return c.render(<DemoTrusteeFilesPage v={view(c)} files={files} ceremonies={ceremonies} password={DEMO_PASSWORD} />, { title: c.var.t('demo.trusteeFiles.title') });
    })
    .get('/demo/trustee-files/:id', async (c) => {
      demoOnly(c);
      const id = idParam(c);
      const f = (await demoTrusteeFiles(db(c))).find((x) => x.id === id);
      if (!f) throw new HTTPException(404);
      c.header('Content-Disposition', `attachment; filename="${demoTrusteeFileName(f)}"`);
      return c.body(`${JSON.stringify(f.file, null, 2)}\n`, 200, { 'Content-Type': 'application/json; charset=utf-8' });
    });
}
