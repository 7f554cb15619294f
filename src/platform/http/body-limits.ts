import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';

/** Forms are small; only file uploads (a roster CSV) may be larger. */
export const FORM_LIMIT = 64 * 1024;
export const UPLOAD_LIMIT = 5 * 1024 * 1024;

const isUpload = (path: string) => /^\/admin\/terms\/[^/]+\/roster\/preview$/.test(path);

export function bodyLimits(): MiddlewareHandler {
  const onError = () => { throw new HTTPException(413); };
  const forms = bodyLimit({ maxSize: FORM_LIMIT, onError });
  const uploads = bodyLimit({ maxSize: UPLOAD_LIMIT, onError });
  return function bodyLimitsMiddleware(c, next) {
    return (isUpload(c.req.path) ? uploads : forms)(c, next);
  };
}
