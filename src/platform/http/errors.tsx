import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { FC } from 'hono/jsx';
import { DEFAULT_LANG, type Lang, type MessageKey, type Translate, translator } from '../i18n/index.ts';
import { sqlState } from '../db/errors.ts';
import { ValidationError } from '../validation.ts';
import type { AppEnv } from './env.ts';
import { type LayoutComponent, wantsFragment } from './render.tsx';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

/** True for errors that mean "the database cannot be reached", which deserve 503, not 500. */
export function isDatabaseUnavailable(e: unknown): boolean {
  const code = sqlState(e);
  if (code && CONNECTION_CODES.has(code)) return true;
  const msg = e instanceof Error ? e.message : '';
  // "not queryable": a transaction's ROLLBACK on a client whose connection already died replaces the first error.
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|PGlite is closed|is not queryable/i.test(msg)
    || (e instanceof AggregateError && e.errors.some(isDatabaseUnavailable));
}

/** SQLSTATEs of data the database cannot take: numeric out of range, invalid text representation, characters it cannot store. */
const INVALID_DATA_CODES = new Set(['22003', '22P02', '22021', '22P05', '22001']);

function isInvalidData(e: unknown): boolean {
  const code = sqlState(e) ?? sqlState((e as { cause?: unknown } | null)?.cause);
  return code !== undefined && INVALID_DATA_CODES.has(code);
}

const STATUS_MESSAGES: Readonly<Record<number, MessageKey>> = {
  400: 'error.400', 401: 'error.401', 403: 'error.403', 404: 'error.404', 405: 'error.405', 413: 'error.413',
  415: 'error.415', 429: 'error.429', 500: 'error.500', 503: 'error.503',
};

function statusKey(status: number): MessageKey {
  return STATUS_MESSAGES[status] ?? (status >= 500 ? 'error.500' : 'error.400');
}

/** The error page (views/errors), handed in by createApp with the layout. */
export type ErrorPageComponent = FC<{ v: { lang: Lang; t: Translate }; status: number; message: string; reference?: string }>;

/**
 * The app's error handling: one `onError` maps HTTPException and ValidationError to translated
 * pages (or JSON for /api/), database outages to 503, and everything else to a logged 500.
 */
export function errorHandlers(Layout: LayoutComponent, ErrorPage: ErrorPageComponent): { onError: ErrorHandler<AppEnv>; notFound: NotFoundHandler<AppEnv> } {
  /** Renders a translated error as a full page, an htmx fragment, or JSON for /api/ and JSON clients. */
  async function errorResponse(c: Context<AppEnv>, status: ContentfulStatusCode, message?: string, reference?: string): Promise<Response> {
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

  const onError: ErrorHandler<AppEnv> = async (err, c) => {
    if (err instanceof HTTPException) {
      // Messages of library exceptions (csrf, bodyLimit) are English; the status picks a translated one.
      return errorResponse(c, err.status);
    }
    if (err instanceof ValidationError) {
      const t = c.var.t ?? translator(DEFAULT_LANG);
      return errorResponse(c, 400, err.issues.map((i) => t(i.key)).join(' '));
    }
    const logger = c.var.deps?.logger;
    if (isInvalidData(err)) {
      // Input a form's own checks let through and the database refused as data (a number out of
      // range, a character it cannot store): the request was bad, nothing was written.
      logger?.warn('input refused by the database', { reqId: c.var.requestId, path: c.req.path, code: sqlState(err) });
      return errorResponse(c, 400);
    }
    if (isDatabaseUnavailable(err)) {
      logger?.warn('database unavailable', { reqId: c.var.requestId, path: c.req.path, err: err as Error });
      return errorResponse(c, 503);
    }
    logger?.error('unhandled error', { reqId: c.var.requestId, method: c.req.method, path: c.req.path, err: err as Error });
    return errorResponse(c, 500, undefined, c.var.requestId);
  };

  const notFound: NotFoundHandler<AppEnv> = (c) => errorResponse(c, 404);
  return { onError, notFound };
}
