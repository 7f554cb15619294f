import type { MiddlewareHandler } from 'hono';
import { ValidationError } from '../validation.ts';
import type { AppEnv } from './env.ts';

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;

/** A NUL character: no PostgreSQL text can hold it, so it can only ever be refused. An uploaded file's name is kept as text too. */
const hasNul = (v: unknown): boolean => (typeof v === 'string' ? v.includes('\u0000')
  : v instanceof File ? v.name.includes('\u0000')
  : Array.isArray(v) && v.some(hasNul));

/**
 * Refuses input that can never be stored or read, before any route sees it, with a translated 400
 * instead of a database error: a form body that does not parse (a malformed multipart body), and a
 * NUL character in any query parameter, form field or uploaded file's name. The parsed form is
 * kept by Hono, so routes read it again at no cost.
 */
export function wellFormedInput(): MiddlewareHandler<AppEnv> {
  return async function wellFormedInputMiddleware(c, next) {
    if (Object.values(c.req.queries()).some(hasNul)) throw new ValidationError([{ field: '(query)', key: 'error.nulByte' }]);
    if (!['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) && FORM_TYPES.test(c.req.header('Content-Type') ?? '')) {
      let form: Record<string, unknown>;
      try {
        form = await c.req.parseBody({ all: true });
      } catch {
        throw new ValidationError([{ field: '(form)', key: 'error.malformedForm' }]);
      }
      if (Object.entries(form).some(([name, value]) => hasNul(name) || hasNul(value))) throw new ValidationError([{ field: '(form)', key: 'error.nulByte' }]);
    }
    await next();
  };
}
