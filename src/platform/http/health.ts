import { Hono } from 'hono';
import type { AppEnv } from './env.ts';

/**
 * GET /healthz: 200 {"status":"ok","db":…} when the database answers, 503 {"status":"unavailable"}
 * otherwise. The server only starts listening after migrations, so 200 also means migrated.
 */
export function healthRoutes() {
  return new Hono<AppEnv>().get('/healthz', async (c) => {
    const { database, shutdown } = c.var.deps;
    c.header('Cache-Control', 'no-store');
    if (shutdown.started) return c.json({ status: 'unavailable' }, 503);
    try {
      await database.ping();
      return c.json({ status: 'ok', db: database.engine });
    } catch {
      return c.json({ status: 'unavailable' }, 503);
    }
  });
}
