import { createApp } from '../../src/app.ts';
import { fixedClock } from '../../src/platform/time.ts';
import { loadConfig } from '../../src/config.ts';
import type { DbHandle } from '../../src/platform/db/index.ts';
import { createShutdown } from '../../src/platform/http/shutdown.ts';
import { createLogger } from '../../src/platform/log.ts';

/** An app over a test database, with a fixed clock and a logger whose lines the test can read. */
export function testApp(database: DbHandle, env: Record<string, string> = {}) {
  const config = loadConfig({ DATA_DIR: '/nonexistent', PUBLIC_URL: 'http://localhost:3000', DEMO: '1', ...env });
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('debug', (line) => logs.push(JSON.parse(line) as Record<string, unknown>));
  const clock = fixedClock('2024-01-15T01:00:00Z');
  const shutdown = createShutdown();
  const app = createApp({ database, config, clock, logger, shutdown });
  return { app, config, logs, clock, shutdown };
}

/** Headers a same-origin browser form post carries, which the CSRF check accepts. */
export const sameOrigin = { Origin: 'http://localhost:3000', 'Sec-Fetch-Site': 'same-origin' };
