import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.ts';
import { routeKey } from './route-key.ts';

/**
 * `Cache-Control: no-store` in one place: on every response of a route that needs sign-in (read
 * from the access policy, so a new route cannot forget it), and on every response rendered for a
 * signed-in person (their name is in the header) unless the route chose a caching of its own for
 * public data that is the same for everyone (a published record, an asset).
 */
export function noStore(isPublic: (routeKey: string) => boolean): MiddlewareHandler<AppEnv> {
  return async function noStoreMiddleware(c, next) {
    await next();
    const key = routeKey(c);
    const restricted = key !== undefined && !isPublic(key);
    if (restricted || (c.var.user && !c.res.headers.has('Cache-Control'))) c.res.headers.set('Cache-Control', 'no-store');
  };
}
