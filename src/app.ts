import { Hono } from 'hono';
import { csrf } from 'hono/csrf';
import { auditAnchor } from './audit/checkpoint-store.ts';
import { auditRoutes } from './audit/routes.tsx';
import { ballotRoutes } from './ballots/routes.tsx';
import { ceremonyRoutes } from './ceremonies/routes.tsx';
import { decryptionRoutes } from './decryption/routes.tsx';
import { countingRoutes } from './counting/routes.tsx';
import { demoRoutes } from './demo/routes.tsx';
import { electionRoutes } from './elections/routes.tsx';
import { paperRoutes } from './paper/routes.tsx';
import { authorize, formsOnly, loadSession } from './auth/middleware.ts';
import { authRoutes } from './auth/routes.tsx';
import { bodyLimits } from './platform/http/body-limits.ts';
import { wellFormedInput } from './platform/http/input-guard.ts';
import { compress } from 'hono/compress';
import { healthRoutes } from './platform/http/health.ts';
import { assetRoutes, assetUrl } from './platform/http/assets.ts';
import type { AppDeps, AppEnv } from './platform/http/env.ts';
import { errorHandlers } from './platform/http/errors.tsx';
import { noStore } from './platform/http/cache.ts';
import { language, languageRoutes } from './platform/http/language.ts';
import { renderer } from './platform/http/render.tsx';
import { ErrorPage } from '../views/errors/error-page.tsx';
import { Layout } from '../views/layout.tsx';
import { POLICY } from './auth/policy.ts';
import { requestLog } from './platform/http/request-log.ts';
import { openData, securityHeaders } from './platform/http/security.ts';
import { meetingRoutes } from './meetings/routes.tsx';
import { resultRoutes } from './results/routes.tsx';
import { termRoutes } from './terms/routes.tsx';
import { userRoutes } from './users/routes.tsx';
import { projectRoutes } from './projects/routes.tsx';
import { evidenceHeaders, reportRoutes } from './reports/routes.tsx';
import { workspaceRoutes } from './workspace/routes.tsx';
import { supervisionRoutes } from './supervision/routes.tsx';
import { planRoutes } from './plans/routes.tsx';
import { departmentRoutes } from './departments/routes.tsx';

export type { AppDeps, AppEnv } from './platform/http/env.ts';

/** Public data other sites may read (anonymously): see openData. */
export const OPEN_DATA = ['/api/*', '/elections/:id/record.json', '/elections/:id/result.csv', '/.well-known/minsheng-signing-key', '/audit/checkpoints.json', '/audit/checkpoints.atom',
  '/feed.xml', '/projects/:id/feed.xml'];

/** Builds the Hono app from its dependencies. Importing this module starts nothing. */
export function createApp(given: AppDeps): Hono<AppEnv> {
  // Every step the app takes signs an audit checkpoint at election transitions (src/audit/checkpoints.ts).
  const deps: AppDeps = { ...given, auditAnchor: given.auditAnchor ?? auditAnchor(given.config, given.logger) };
  const https = deps.config.publicUrl.protocol === 'https:';
  const app = new Hono<AppEnv>();
  app.use(async function provideDeps(c, next) {
    c.set('deps', deps);
    await next();
  });
  app.use(requestLog(deps.logger));
  for (const path of OPEN_DATA) app.use(path, openData());
  // Evidence files are served inert (sandboxing CSP); before securityHeaders, so that it has the last word.
  app.use('/evidence/*', evidenceHeaders());
  app.use(securityHeaders({ https }));
  app.use(compress());
  app.use(language());
  app.use(renderer(Layout));
  // Before the checks of the body, so that a page refusing a request (400, 413, 415) shows the
  // header of the person signed in, as every other page does.
  app.use(loadSession());
  app.use(bodyLimits());
  // Origin / Sec-Fetch-Site must match on every form post; other content types are refused outright.
  app.use(csrf({ origin: deps.config.publicUrl.origin }));
  app.use(formsOnly());
  app.use(wellFormedInput());
  app.use(authorize());
  // Never stored: every response of a route that needs sign-in, and any page rendered for a signed-in person.
  app.use(noStore((key) => POLICY[key] === 'anyone'));

  app.route('/', healthRoutes());
  app.route('/', assetRoutes());
  app.route('/', languageRoutes(https));
  app.route('/', meetingRoutes());
  app.route('/', authRoutes());
  app.route('/', termRoutes());
  app.route('/', userRoutes());
  app.route('/', ballotRoutes());
  app.route('/', electionRoutes());
  app.route('/', paperRoutes());
  app.route('/', auditRoutes());
  app.route('/', countingRoutes());
  app.route('/', ceremonyRoutes());
  app.route('/', decryptionRoutes());
  app.route('/', resultRoutes());
  app.route('/', projectRoutes());
  app.route('/', workspaceRoutes());
  app.route('/', reportRoutes());
  app.route('/', supervisionRoutes());
  app.route('/', planRoutes());
  app.route('/', departmentRoutes());
  app.route('/', demoRoutes());
  // Browsers ask for /favicon.ico on pages that predate the <link rel="icon">, such as error pages of proxies.
  app.get('/favicon.ico', (c) => c.redirect(assetUrl('favicon.svg'), 301));

  const errors = errorHandlers(Layout, ErrorPage);
  app.onError(errors.onError);
  app.notFound(errors.notFound);
  return app;
}
