import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

/** "METHOD /path/:param" of the handler that will answer, or undefined when none matched (404). */
export function routeKey(c: Context): string | undefined {
  const last = matchedRoutes(c).at(-1);
  if (!last || last.method === 'ALL') return undefined;
  return `${last.method} ${last.path}`;
}
