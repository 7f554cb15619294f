import { PROJECT_STATUSES, type ProjectStatus, type ReviewState } from '../../src/domain/vocabulary.ts';
import type { MessageKey } from '../../src/platform/i18n/index.ts';
import type { ProjectSummary } from '../../src/projects/model.ts';
import type { ViewContext } from '../context.ts';
import { formatFen, formatRate } from './money.ts';

export const STATUS_LABEL: Readonly<Record<ProjectStatus, MessageKey>> = {
  'not-started': 'project.status.not-started', 'on-track': 'project.status.on-track', behind: 'project.status.behind',
  completed: 'project.status.completed', rectifying: 'project.status.rectifying',
};

/** A project's status as words (never colour only); the class adds a colour and a symbol. */
export function StatusBadge({ v, status }: { v: ViewContext; status: ProjectStatus }) {
  return <span class={`status status--${status}`}>{v.t(STATUS_LABEL[status])}</span>;
}

export const statusOrder = PROJECT_STATUSES;

/** Where a plan revision or a report stands in the secretariat's review: one set of words for both. */
export const REVIEW_STATE_LABEL: Readonly<Record<ReviewState, MessageKey>> = {
  draft: 'review.state.draft', submitted: 'review.state.submitted', returned: 'review.state.returned', approved: 'review.state.approved',
};

export const reviewStateLabel = (v: ViewContext, s: ReviewState) => v.t(REVIEW_STATE_LABEL[s]);

/** A plan revision's or a report's review state as a chip (words, with a colour for approved, returned and draft). */
export function ReviewStateChip({ v, state }: { v: ViewContext; state: ReviewState }) {
  const kind = state === 'approved' ? ' chip--ok' : state === 'returned' ? ' chip--warn' : state === 'draft' ? ' chip--off' : '';
  return <span class={`chip${kind}`}>{reviewStateLabel(v, state)}</span>;
}

/** Progress 0–100 as a native <progress> (read by screen readers) with the figure as text beside it. */
export function ProgressBar({ v, value, label }: { v: ViewContext; value: number; label: string }) {
  return (
    <span class="progress">
      <progress max={100} value={value} aria-label={label}>{`${value}%`}</progress>
      <span class="progress__value">{v.t('project.progressValue', { value })}</span>
    </span>
  );
}

/** Spent against the year's planned investment, as one line of text. */
export function MoneyLine({ v, project: p }: { v: ViewContext; project: ProjectSummary }) {
  return <>{v.t('project.moneyLine', { spent: formatFen(v.lang, p.money.spentFen), planned: formatFen(v.lang, p.money.annualInvestmentFen), rate: formatRate(p.money.annualRate) })}</>;
}

export interface ChartRow { label: string; value: number | null; note: string }

/**
 * Horizontal bars (0–100 %, longer values clipped at the frame with the figure still written) as an
 * SVG that scales to the width it is given (a 390 px phone included), titled by `captionId`; the
 * same figures follow as a table for those who cannot see the chart.
 */
export function ShareChart({ v, rows, caption, id }: { v: ViewContext; rows: readonly ChartRow[]; caption: string; id: string }) {
  const rowHeight = 44;
  const height = rows.length * rowHeight + 8;
  return (
    <figure class="share-chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{caption}</figcaption>
      <svg viewBox={`0 0 360 ${height}`} width="100%" role="img" aria-labelledby={`${id}-caption`} class="share-chart__svg" focusable="false">
        {rows.map((r, i) => {
          const y = i * rowHeight + 4;
          const w = Math.max(0, Math.min(100, r.value ?? 0)) * 2.4;
          return (
            <g>
              <text x="0" y={y + 14} font-size="15" fill="currentColor">{r.label}</text>
              <rect x="0" y={y + 20} width="240" height="16" fill="#e6e9ef" />
              <rect x="0" y={y + 20} width={w.toFixed(1)} height="16" fill="#1f5f99" />
              <text x="248" y={y + 33} font-size="15" fill="currentColor">{formatRate(r.value)}</text>
            </g>
          );
        })}
      </svg>
      <table class="share-table">
        <caption class="visually-hidden">{caption}</caption>
        <thead><tr><th scope="col">{v.t('project.chart.group')}</th><th scope="col">{v.t('project.chart.rate')}</th><th scope="col">{v.t('project.chart.money')}</th></tr></thead>
        <tbody>
          {rows.map((r) => <tr><th scope="row">{r.label}</th><td>{formatRate(r.value)}</td><td>{r.note}</td></tr>)}
        </tbody>
      </table>
    </figure>
  );
}

/** A compact list of projects with progress bars (the home page). */
export function CompactProjects({ v, projects }: { v: ViewContext; projects: readonly ProjectSummary[] }) {
  return (
    <ul class="compact-projects">
      {projects.map((p) => (
        <li>
          <a href={`/projects/${p.id}`}>{p.title}</a>{' '}<StatusBadge v={v} status={p.status} />
          <ProgressBar v={v} value={p.progress} label={v.t('project.progressOf', { title: p.title })} />
        </li>
      ))}
    </ul>
  );
}
