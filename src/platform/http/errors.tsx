import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ErrorPage } from '../../../views/errors/error-page.tsx';
import { Layout } from '../../../views/layout.tsx';
import { DEFAULT_LANG, type MessageKey, translator } from '../i18n/index.ts';
import { sqlState } from '../db/errors.ts';
import { ValidationError } from '../validation.ts';
import type { AppEnv } from './env.ts';
import { wantsFragment } from './render.tsx';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

/** True for errors that mean "the database cannot be reached", which deserve 503, not 500. */
export function isDatabaseUnavailable(e: unknown): boolean {
  const code = sqlState(e);
  if (code && CONNECTION_CODES.has(code)) return true;
  const msg = e instanceof Error ? e.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|PGlite is closed/i.test(msg)
    || (e instanceof AggregateError && e.errors.some(isDatabaseUnavailable));
}

function statusKey(status: number): MessageKey {
  const known = [400, 401, 403, 404, 405, 413, 415, 429, 500, 503];
  return `error.${known.includes(status) ? status : status >= 500 ? 500 : 400}` as MessageKey;
}

/** Renders a translated error as a full page, an htmx fragment, or JSON for /api/ and JSON clients. */
export async function errorResponse(c: Context<AppEnv>, status: ContentfulStatusCode, message?: string, reference?: string): Promise<Response> {
  const lang = c.var.lang ?? DEFAULT_LANG;
  const t = c.var.t ?? translator(lang);
  const text = message ?? t(statusKey(status));
  c.header('Cache-Control', 'no-store');
  if (c.req.path.startsWith('/api/') || (c.req.header('Accept') ?? '').startsWith('application/json')) {
    return c.json({ error: text, status, ...(reference ? { reference } : {}) }, status);
  }
  const page = <ErrorPage v={{ lang, t }} status={status} message={text} reference={reference} />;
  if (wantsFragment(c)) return c.html(page, status);
  const demo = c.var.deps?.config.demo ?? false;
  const doc = (
    <Layout v={{ lang, t }} user={c.var.user ?? null} title={t('error.title')} path={c.req.path} demo={demo}>{page}</Layout>
  );
  return c.html('<!DOCTYPE html>' + (await doc.toString()), status);
}

export const onError: ErrorHandler<AppEnv> = async (err, c) => {
  if (err instanceof HTTPException) {
    // Messages of library exceptions (csrf, bodyLimit) are English; the status picks a translated one.
    return errorResponse(c, err.status);
  }
  if (err instanceof ValidationError) {
    const t = c.var.t ?? translator(DEFAULT_LANG);
    return errorResponse(c, 400, err.issues.map((i) => t(i.key)).join(' '));
  }
  const logger = c.var.deps?.logger;
  if (isDatabaseUnavailable(err)) {
    logger?.warn('database unavailable', { reqId: c.var.requestId, path: c.req.path, err: err as Error });
    return errorResponse(c, 503);
  }
  logger?.error('unhandled error', { reqId: c.var.requestId, method: c.req.method, path: c.req.path, err: err as Error });
  return errorResponse(c, 500, undefined, c.var.requestId);
};

export const notFound: NotFoundHandler<AppEnv> = (c) => errorResponse(c, 404);
