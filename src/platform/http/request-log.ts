import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../log.ts';
import type { AppEnv } from './env.ts';

/**
 * One structured line per request: method, path (never the query string, which may carry a
 * tracker), status and duration. Health checks log at debug level so probes do not drown the log.
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
      path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      htmx: c.req.header('HX-Request') === 'true' || undefined,
    };
    if (path === '/healthz' && c.res.status === 200) logger.debug('request', fields);
    else logger.info('request', fields);
  };
}
