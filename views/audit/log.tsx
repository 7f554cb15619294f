import { formatDateTime } from '../../src/platform/i18n/index.ts';
import type { AuditEntry } from '../../src/domain/tables.ts';
import type { ViewContext } from '../context.ts';
import { Notice } from '../components/form.tsx';

export interface AuditPageProps {
  v: ViewContext;
  entries: AuditEntry[];
  action: string;
  before: number | undefined;
  next: number | undefined;
  chain: { ok: true; count: number; head: string } | { ok: false; id: number; kind: string };
}

/** The audit log, newest first, with the state of its hash chain. */
export function AuditPage({ v, entries, action, next, chain }: AuditPageProps) {
  const { t } = v;
  return (
    <section aria-labelledby="audit-title">
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/admin">{t('admin.title')}</a></nav>
      <h1 id="audit-title">{t('audit.title')}</h1>
      {chain.ok
        ? <Notice kind="ok">{t('audit.chainOk', { count: chain.count, head: chain.head.slice(0, 23) })}</Notice>
        : <Notice kind="error">{t('audit.chainBroken', { id: chain.id, kind: chain.kind })}</Notice>}
      <form method="get" action="/admin/audit" class="filter-form">
        <div class="field">
          <label for="f-action">{t('audit.filter')}</label>
          <input id="f-action" name="action" value={action} maxlength={60} />
        </div>
        <button type="submit" class="button button--secondary">{t('attendance.filter')}</button>
      </form>
      <div class="table-wrap">
        <table class="table audit-table">
          <caption class="visually-hidden">{t('audit.title')}</caption>
          <thead><tr><th scope="col">#</th><th scope="col">{t('audit.at')}</th><th scope="col">{t('audit.actor')}</th><th scope="col">{t('audit.action')}</th><th scope="col">{t('audit.subject')}</th><th scope="col">{t('audit.details')}</th></tr></thead>
          <tbody>
            {entries.map((e) => (
              <tr>
                <td>{e.id}</td><td>{formatDateTime(v.lang, e.at)}</td><td>{e.actor_name}</td><td><code>{e.action}</code></td><td>{e.subject}</td>
                <td><code class="audit-details">{JSON.stringify(e.details)}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {next !== undefined && <p><a class="button button--secondary" href={`/admin/audit?before=${next}${action ? `&action=${encodeURIComponent(action)}` : ''}`}>{t('audit.older')}</a></p>}
    </section>
  );
}
