import { PROJECT_STATUSES } from '../../src/domain/vocabulary.ts';
import { formatDate } from '../../src/platform/i18n/index.ts';
import type { ProjectSummary } from '../../src/projects/model.ts';
import type { ProgressSummary } from '../../src/projects/summaries.ts';
import { formatFen, formatRate } from '../components/money.ts';
import { STATUS_LABEL, StatusBadge } from '../components/tracking.tsx';
import type { ViewContext } from '../context.ts';

export interface ProgressReportProps {
  v: ViewContext;
  meeting: { id: number; title: string; year: number };
  period: 'half' | 'year';
  today: string;
  summary: ProgressSummary;
  projects: ProjectSummary[];
  /** Key results per project: the latest approved report's narrative. */
  keyResults: Record<number, string>;
}

/** 半年/年度民生实事项目推进情况: the kind of report a standing committee publishes, made to be printed. */
export function ProgressReportPage({ v, meeting, period, today, summary, projects, keyResults }: ProgressReportProps) {
  const { t, lang } = v;
  return (
    <article class="progress-report" aria-labelledby="report-title">
      <p class="print-hide"><a href={`/projects?year=${meeting.year}`}>{t('project.listTitle', { year: meeting.year })}</a>
        {' · '}<a href={`/meetings/${meeting.id}/progress-report?period=${period === 'half' ? 'year' : 'half'}`}>{t(period === 'half' ? 'project.report.year' : 'project.report.half')}</a></p>
      <h1 id="report-title">{t(period === 'half' ? 'project.report.halfTitle' : 'project.report.yearTitle', { year: meeting.year })}</h1>
      <p class="muted">{meeting.title} · {t('project.report.asOf', { date: formatDate(lang, today) })}</p>
      <section aria-labelledby="summary-title">
        <h2 id="summary-title">{t('project.report.summaryTitle')}</h2>
        <p>{t('project.report.summaryLine', {
          count: summary.projects, completed: summary.byStatus.completed, onTrack: summary.byStatus['on-track'], behind: summary.byStatus.behind,
          spent: formatFen(v.lang, summary.spentFen), planned: formatFen(v.lang, summary.annualInvestmentFen), rate: formatRate(summary.annualRate), progress: summary.meanProgress,
        })}</p>
        <table>
          <caption>{t('project.report.byStatus')}</caption>
          <thead><tr>{PROJECT_STATUSES.map((s) => <th scope="col">{t(STATUS_LABEL[s])}</th>)}</tr></thead>
          <tbody><tr>{PROJECT_STATUSES.map((s) => <td>{summary.byStatus[s]}</td>)}</tr></tbody>
        </table>
      </section>
      <section aria-labelledby="each-title">
        <h2 id="each-title">{t('project.report.eachTitle')}</h2>
        {projects.map((p, i) => (
          <section class="progress-report__project" aria-labelledby={`p-${p.id}`}>
            <h3 id={`p-${p.id}`}>{`${i + 1}. ${p.title}`}</h3>
            <p><StatusBadge v={v} status={p.status} /> {t('project.report.projectLine', {
              department: p.leadDepartment.name, progress: p.progress, spent: formatFen(v.lang, p.money.spentFen),
              planned: formatFen(v.lang, p.money.annualInvestmentFen), rate: formatRate(p.money.annualRate), deadline: formatDate(lang, p.deadline),
            })}</p>
            {keyResults[p.id] ? <p>{keyResults[p.id]}</p> : <p class="muted">{t('project.noReports')}</p>}
          </section>
        ))}
      </section>
    </article>
  );
}
