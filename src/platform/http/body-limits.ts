import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';

/** Forms are small; only file uploads (a roster CSV) may be larger. */
export const FORM_LIMIT = 64 * 1024;
export const UPLOAD_LIMIT = 5 * 1024 * 1024;
/** Evidence of a progress report: a file of up to 10 MB, and the form around it. */
export const EVIDENCE_LIMIT = 10 * 1024 * 1024 + FORM_LIMIT;

const isUpload = (path: string) => /^\/admin\/terms\/[^/]+\/roster\/preview$/.test(path);
const isEvidenceUpload = (path: string) => /^\/workspace\/reports\/[^/]+\/evidence$/.test(path);

export function bodyLimits(): MiddlewareHandler {
  const onError = () => { throw new HTTPException(413); };
  const forms = bodyLimit({ maxSize: FORM_LIMIT, onError });
  const uploads = bodyLimit({ maxSize: UPLOAD_LIMIT, onError });
  const evidence = bodyLimit({ maxSize: EVIDENCE_LIMIT, onError });
  return function bodyLimitsMiddleware(c, next) {
    return (isEvidenceUpload(c.req.path) ? evidence : isUpload(c.req.path) ? uploads : forms)(c, next);
  };
}
