import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../log.ts';
import type { AppEnv } from './env.ts';

/** A tracker in a path (GET /api/trackers/:tracker) is replaced by "…" in the log. */
const TRACKER_PATH = /^\/api\/trackers\/[^/]*/;

/** The path as the log shows it: any tracker in it replaced. */
export function loggedPath(path: string): string {
  return path.replace(TRACKER_PATH, '/api/trackers/…');
}

/**
 * One structured line per request: method, path (never the query string, which may carry a
 * tracker, and with a tracker in the path replaced: loggedPath), status and duration. Health
 * checks log at debug level so probes do not drown the log.
 */
export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async function requestLogMiddleware(c, next) {
    const started = performance.now();
    const requestId = randomUUID();
    c.set('requestId', requestId);
    await next();
    const path = c.req.path;
    const fields = {
      reqId: requestId,
      method: c.req.method,
      path: loggedPath(path),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      htmx: c.req.header('HX-Request') === 'true' || undefined,
    };
    if (path === '/healthz' && c.res.status === 200) logger.debug('request', fields);
    else logger.info('request', fields);
  };
}
