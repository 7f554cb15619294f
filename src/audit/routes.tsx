import { Hono } from 'hono';
import { AuditPage } from '../../views/audit/log.tsx';
import type { AppEnv } from '../platform/http/env.ts';
import { db, view } from '../platform/http/kit.ts';
import { parseId } from '../platform/http/params.ts';
import { checkChain } from './chain.ts';
import { auditPage, readAuditChain } from './store.ts';

/** The audit log for the secretariat and scrutineers: browse, filter by action, see the chain's state. */
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
  });
}
