import { Hono } from 'hono';
import { csrf } from 'hono/csrf';
import { adminRoutes } from './meetings/dashboard-routes.tsx';
import { auditRoutes } from './audit/routes.tsx';
import { ballotRoutes } from './ballots/routes.tsx';
import { countingRoutes } from './counting/routes.tsx';
import { electionAdminRoutes } from './elections/routes.tsx';
import { paperRoutes } from './paper/routes.tsx';
import { verifyRoutes } from './ballots/tracker-routes.tsx';
import { authorize, formsOnly, loadSession } from './auth/middleware.ts';
import { authRoutes } from './auth/routes.tsx';
import { bodyLimits } from './platform/http/body-limits.ts';
import { compress } from 'hono/compress';
import { healthRoutes } from './platform/http/health.ts';
import { assetRoutes, assetUrl } from './platform/http/assets.ts';
import type { AppDeps, AppEnv } from './platform/http/env.ts';
import { notFound, onError } from './platform/http/errors.tsx';
import { language, languageRoutes } from './platform/http/language.ts';
import { renderer } from './platform/http/render.tsx';
import { requestLog } from './platform/http/request-log.ts';
import { openData, securityHeaders } from './platform/http/security.ts';
import { meetingRoutes } from './meetings/routes.tsx';
import { resultRoutes } from './results/routes.tsx';
import { rosterRoutes } from './terms/routes.tsx';
import { userRoutes } from './users/routes.tsx';

export type { AppDeps, AppEnv } from './platform/http/env.ts';

/** Public data other sites may read (anonymously): see openData. */
export const OPEN_DATA = ['/api/*', '/elections/:id/record.json', '/elections/:id/result.csv', '/.well-known/minsheng-signing-key'];

/** Builds the Hono app from its dependencies. Importing this module starts nothing. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const https = deps.config.publicUrl.protocol === 'https:';
  const app = new Hono<AppEnv>();
  app.use(async function provideDeps(c, next) {
    c.set('deps', deps);
    await next();
  });
  app.use(requestLog(deps.logger));
  for (const path of OPEN_DATA) app.use(path, openData());
  app.use(securityHeaders({ https }));
  app.use(compress());
  app.use(language());
  app.use(renderer());
  app.use(bodyLimits());
  // Origin / Sec-Fetch-Site must match on every form post; other content types are refused outright.
  app.use(csrf({ origin: deps.config.publicUrl.origin }));
  app.use(formsOnly());
  app.use(loadSession());
  app.use(authorize());

  app.route('/', healthRoutes());
  app.route('/', assetRoutes());
  app.route('/', languageRoutes(https));
  app.route('/', meetingRoutes());
  app.route('/', authRoutes());
  app.route('/', adminRoutes());
  app.route('/', rosterRoutes());
  app.route('/', userRoutes());
  app.route('/', ballotRoutes());
  app.route('/', electionAdminRoutes());
  app.route('/', paperRoutes());
  app.route('/', verifyRoutes());
  app.route('/', auditRoutes());
  app.route('/', countingRoutes());
  app.route('/', resultRoutes());
  // Browsers ask for /favicon.ico on pages that predate the <link rel="icon">, such as error pages of proxies.
  app.get('/favicon.ico', (c) => c.redirect(assetUrl('favicon.svg'), 301));

  app.onError(onError);
  app.notFound(notFound);
  return app;
}
