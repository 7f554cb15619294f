import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * Security headers for every response. The Content-Security-Policy allows only this origin's own
 * scripts and styles: no inline script, no eval (so no hx-on and no htmx trigger filters), no
 * third-party hosts (halls are often offline, and nothing should phone home).
 */
export function securityHeaders(opts: { https: boolean }): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      ...(opts.https ? { upgradeInsecureRequests: [] } : {}),
    },
    strictTransportSecurity: opts.https ? 'max-age=31536000; includeSubDomains' : false,
    xFrameOptions: 'DENY',
    referrerPolicy: 'same-origin',
    crossOriginEmbedderPolicy: false,
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [] },
  });
}

/**
 * Public data (published records, the signing key, the JSON and CSV APIs) may be read by pages of
 * other origins: a verifier or a newsroom's page fetching a record. Only anonymous reads: no
 * credentials are allowed cross-origin, so nobody's session is ever used.
 */
export function openData(): MiddlewareHandler {
  // Registered before securityHeaders, so that it runs after it on the way out and has the last word.
  return async function openData(c, next) {
    await next();
    c.res.headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
    c.res.headers.set('Access-Control-Allow-Origin', '*');
  };
}
