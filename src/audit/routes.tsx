import { Hono } from 'hono';
import { AuditPage } from '../../views/audit/log.tsx';
import type { AppEnv } from '../platform/http/env.ts';
import { db, view } from '../platform/http/kit.ts';
import { parseId } from '../platform/http/params.ts';
import { checkpointsAtom } from './atom.ts';
import { checkChain } from './chain.ts';
import { latestCheckpoints, readCheckpoints } from './checkpoint-store.ts';
import { CHECKPOINT_LIST_FORMAT } from './checkpoints.ts';
import { auditPage, readAuditChain } from './store.ts';

/** At most this many checkpoints per JSON page; `next` names the following page. */
export const CHECKPOINT_PAGE_MAX = 1000;
/** The feed carries the newest checkpoints only; the JSON list has them all. */
const FEED_ENTRIES = 50;

/** `?after=` (a seq, 0 or more) and `?limit=` (1 to CHECKPOINT_PAGE_MAX), or undefined when either is not such a number. */
function checkpointPage(after: string | undefined, limit: string | undefined): { after: number; limit: number } | undefined {
  const a = after === undefined || after === '0' ? 0 : parseId(after);
  const l = limit === undefined ? CHECKPOINT_PAGE_MAX : parseId(limit);
  if (a === undefined || l === undefined || l > CHECKPOINT_PAGE_MAX) return undefined;
  return { after: a, limit: l };
}

/**
 * The audit log for the secretariat and scrutineers (browse, filter by action, see the chain's
 * state), and its signed checkpoints for everyone: JSON and an Atom feed. Checkpoints hold hashes,
 * counts and times only, never an entry's contents.
 */
export function auditRoutes() {
  return new Hono<AppEnv>().get('/admin/audit', async (c) => {
    const action = (c.req.query('action') ?? '').trim().slice(0, 60);
    const before = parseId(c.req.query('before'));
    const { entries, more } = await auditPage(db(c), { action, before });
    // The whole chain is re-checked on every view: at the rate administrative events arrive it stays small.
    const links = [];
    for await (const link of readAuditChain(db(c))) links.push(link);
    const problem = checkChain(links);
    const chain = problem
      ? { ok: false as const, id: problem.id, kind: problem.kind }
      : { ok: true as const, count: links.length, head: links.at(-1)?.hash ?? '' };
    return c.render(
      <AuditPage v={view(c)} entries={entries} action={action} before={before} next={more ? entries.at(-1)!.id : undefined} chain={chain} />,
      { title: c.var.t('audit.title') },
    );
  })
    .get('/audit/checkpoints.json', async (c) => {
      const page = checkpointPage(c.req.query('after'), c.req.query('limit'));
      if (!page) {
        c.header('Cache-Control', 'no-store');
        return c.json({ error: c.var.t('audit.checkpoints.badPage', { max: CHECKPOINT_PAGE_MAX }), status: 400 }, 400);
      }
      const { checkpoints, more } = await readCheckpoints(db(c), page);
      const origin = c.var.deps.config.publicUrl.origin;
      return c.json({
        format: CHECKPOINT_LIST_FORMAT,
        checkpoints,
        ...(more ? { next: `${origin}/audit/checkpoints.json?after=${checkpoints.at(-1)!.seq}&limit=${page.limit}` } : {}),
      });
    })
    .get('/audit/checkpoints.atom', async (c) => {
      const checkpoints = await latestCheckpoints(db(c), FEED_ENTRIES);
      const t = c.var.t;
      const xml = checkpointsAtom({
        origin: c.var.deps.config.publicUrl.origin,
        lang: c.var.lang,
        title: `${t('audit.checkpoints.title')} · ${t('site.name')}`,
        subtitle: t('audit.checkpoints.subtitle'),
        author: t('site.name'),
        // With no checkpoint yet, a fixed time: the feed's bytes then change only when a checkpoint is made.
        updated: checkpoints[0]?.at ?? '2026-01-01T00:00:00+08:00',
        checkpoints,
        entryTitle: (cp) => t('audit.checkpoints.entry', { seq: cp.seq, length: cp.length, lastId: cp.lastId }),
      });
      return c.body(xml, 200, { 'Content-Type': 'application/atom+xml; charset=UTF-8' });
    });
}
