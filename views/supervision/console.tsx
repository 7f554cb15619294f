import { formatDate } from '../../src/platform/i18n/index.ts';
import type { ViewContext } from '../context.ts';
import { Notice } from '../components/form.tsx';

/** One line of the overdue list (src/supervision/rules.ts `OverdueItem`, structurally). */
export type OverdueView =
  | OverdueBase & { kind: 'report'; period: string }
  | OverdueBase & { kind: 'milestone'; milestone: string }
  | OverdueBase & { kind: 'note'; noteId: number; deputyName: string };
interface OverdueBase {
  project: { id: number; title: string; department: { id: number; name: string } };
  dueOn: string;
  daysLate: number;
}

export interface ConsoleCountsView {
  plansSubmitted: number;
  reportsSubmitted: number;
  opinionsPending: number;
  notesUnanswered: number;
}

function what(v: ViewContext, item: OverdueView): string {
  switch (item.kind) {
    case 'report': return v.t('overdue.report', { period: item.period });
    case 'milestone': return v.t('overdue.milestone', { title: item.milestone });
    case 'note': return v.t('overdue.note', { name: item.deputyName });
    default: {
      const unknown: never = item;
      throw new Error(`unknown overdue kind ${JSON.stringify(unknown)}`);
    }
  }
}

/** The overdue list as a table: project, department, what, due, how late. */
export function OverdueTable({ v, items, headingId }: { v: ViewContext; items: OverdueView[]; headingId: string }) {
  const { t } = v;
  if (items.length === 0) return <p>{t('overdue.none')}</p>;
  return (
    <div class="table-wrap" role="region" aria-labelledby={headingId} tabindex={0}>
      <table class="table">
        <caption class="visually-hidden">{t('overdue.caption', { count: items.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('overdue.project')}</th><th scope="col">{t('overdue.department')}</th><th scope="col">{t('overdue.what')}</th>
            <th scope="col">{t('overdue.due')}</th><th scope="col">{t('overdue.late')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr>
              <th scope="row"><a href={`/projects/${i.project.id}`}>{i.project.title}</a></th>
              <td>{i.project.department.name}</td>
              <td>{what(v, i)}</td>
              <td>{formatDate(v.lang, i.dueOn)}</td>
              <td><span class="chip chip--warn">{t('overdue.days', { days: i.daysLate })}</span></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The secretariat's console of tracking: the review queues and the overdue list. */
export function ConsolePage({ v, counts, overdue }: { v: ViewContext; counts: ConsoleCountsView; overdue: OverdueView[] }) {
  const { t } = v;
  const tiles: [string, string, number, string][] = [
    ['/admin/tracking/plans', t('console.plans'), counts.plansSubmitted, t('console.plansHelp')],
    ['/admin/tracking/reports', t('console.reports'), counts.reportsSubmitted, t('console.reportsHelp')],
    ['/admin/tracking/opinions', t('console.opinions'), counts.opinionsPending, t('console.opinionsHelp')],
    ['/admin/tracking/notes', t('console.notes'), counts.notesUnanswered, t('console.notesHelp')],
  ];
  return (
    <section aria-labelledby="console-title" class="stack">
      <h1 id="console-title">{t('console.title')}</h1>
      <ul class="tile-list">
        {tiles.map(([href, label, n, help]) => (
          <li><a class="tile" href={href}><strong>{label} <span class="chip">{n}</span></strong><span>{help}</span></a></li>
        ))}
      </ul>
      <h2 id="overdue-heading">{t('overdue.title')} <span class="muted">({overdue.length})</span></h2>
      <p>{t('overdue.intro')}</p>
      <OverdueTable v={v} items={overdue} headingId="overdue-heading" />
    </section>
  );
}

/** The overdue list for the members of the standing committee (常委会组成人员). */
export function OverduePage({ v, overdue }: { v: ViewContext; overdue: OverdueView[] }) {
  const { t } = v;
  return (
    <section aria-labelledby="overdue-title" class="stack">
      <h1 id="overdue-title">{t('overdue.title')}</h1>
      <Notice kind="warn">{t('overdue.committeeIntro')}</Notice>
      <OverdueTable v={v} items={overdue} headingId="overdue-title" />
    </section>
  );
}
