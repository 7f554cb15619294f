import { Hono } from 'hono';
import { AuditPage } from '../../views/audit/log.tsx';
import type { AppEnv } from '../platform/http/env.ts';
import { parseId } from '../platform/http/params.ts';
import { checkChain } from './chain.ts';
import { readAuditChain } from './store.ts';

const PAGE = 100;

/** The audit log for the secretariat and scrutineers: browse, filter by action, see the chain's state. */
export function auditRoutes() {
  return new Hono<AppEnv>().get('/admin/audit', async (c) => {
    c.header('Cache-Control', 'no-store');
    const { db } = c.var.deps.database;
    const action = (c.req.query('action') ?? '').trim().slice(0, 60);
    const before = parseId(c.req.query('before'));
    let q = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(PAGE + 1);
    if (action) q = q.where('action', 'like', `${action.replace(/[%_\\]/g, '\\$&')}%`);
    if (before !== undefined) q = q.where('id', '<', before);
    const rows = await q.execute();
    const entries = rows.slice(0, PAGE);
    // The whole chain is re-checked on every view: at the rate administrative events arrive it stays small.
    const links = [];
    for await (const link of readAuditChain(db)) links.push(link);
    const problem = checkChain(links);
    const chain = problem
      ? { ok: false as const, id: problem.id, kind: problem.kind }
      : { ok: true as const, count: links.length, head: links.at(-1)?.hash ?? '' };
    return c.render(
      <AuditPage v={{ lang: c.var.lang, t: c.var.t }} entries={entries} action={action} before={before}
        next={rows.length > PAGE ? entries.at(-1)!.id : undefined} chain={chain} />,
      { title: c.var.t('audit.title') },
    );
  });
}
