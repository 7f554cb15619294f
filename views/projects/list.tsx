import type { Category } from '../../src/domain/vocabulary.ts';
import { formatDate } from '../../src/platform/i18n/index.ts';
import type { ProjectSummary } from '../../src/projects/model.ts';
import type { Share } from '../../src/projects/summaries.ts';
import { categoryLabel } from '../components/labels.ts';
import { formatFen } from '../components/money.ts';
import { MoneyLine, ProgressBar, ShareChart, StatusBadge } from '../components/tracking.tsx';
import type { ViewContext } from '../context.ts';

export interface ProjectsQuery { year: number | undefined; category?: Category; location?: string }

export interface ProjectsResultsProps {
  v: ViewContext;
  query: ProjectsQuery;
  projects: ProjectSummary[];
  /** The filters' choices over the whole year (not only the filtered rows). */
  categories: Category[];
  locations: string[];
  byCategory: Share[];
  byLocation: Share[];
}

/** /projects with a query: only the parameters set. */
export function projectsHref(q: ProjectsQuery): string {
  const s = new URLSearchParams();
  if (q.year !== undefined) s.set('year', String(q.year));
  if (q.category) s.set('category', q.category);
  if (q.location) s.set('location', q.location);
  const qs = s.toString();
  return qs ? `/projects?${qs}` : '/projects';
}

/** A filter link: a plain link that htmx turns into a swap of the results (same URL, fragment answer). */
function FilterLink({ href, current, children }: { href: string; current: boolean; children: string }) {
  return (
    <a href={href} class={current ? 'filter filter--current' : 'filter'} aria-current={current ? 'true' : undefined}
      data-hx-get={href} data-hx-target="#project-results" data-hx-swap="outerHTML" data-hx-push-url="true">{children}</a>
  );
}

function ProjectRow({ v, p }: { v: ViewContext; p: ProjectSummary }) {
  const { t, lang } = v;
  const headingId = `project-${p.id}-title`;
  return (
    <li class="project-card">
      <article aria-labelledby={headingId}>
        <h2 id={headingId} class="project-card__title"><a href={`/projects/${p.id}`}>{p.title}</a></h2>
        <p class="project-card__meta"><StatusBadge v={v} status={p.status} /> <span class="chip">{categoryLabel(v, p.category)}</span></p>
        <ProgressBar v={v} value={p.progress} label={t('project.progressOf', { title: p.title })} />
        <dl class="facts">
          <div><dt>{t('project.department')}</dt><dd>{p.leadDepartment.name}</dd></div>
          <div><dt>{t('project.money')}</dt><dd><MoneyLine v={v} project={p} /></dd></div>
          <div><dt>{t('project.deadline')}</dt><dd>{formatDate(lang, p.deadline)}</dd></div>
          {p.location && <div><dt>{t('project.location')}</dt><dd>{p.location}</dd></div>}
        </dl>
      </article>
    </li>
  );
}

/** The filters, the projects and the charts: what an htmx filter link swaps. */
export function ProjectsResults({ v, query, projects, categories, locations, byCategory, byLocation }: ProjectsResultsProps) {
  const { t } = v;
  const base = { year: query.year };
  return (
    <div id="project-results">
      <nav aria-label={t('project.filters')} class="filters">
        <p class="filters__group"><span class="filters__label">{t('project.filterCategory')}</span>
          <FilterLink href={projectsHref({ ...base, location: query.location })} current={!query.category}>{t('project.filterAll')}</FilterLink>
          {categories.map((c) => <FilterLink href={projectsHref({ ...base, category: c, location: query.location })} current={query.category === c}>{categoryLabel(v, c)}</FilterLink>)}
        </p>
        {locations.length > 0 && (
          <p class="filters__group"><span class="filters__label">{t('project.filterLocation')}</span>
            <FilterLink href={projectsHref({ ...base, category: query.category })} current={!query.location}>{t('project.filterAll')}</FilterLink>
            {locations.map((l) => <FilterLink href={projectsHref({ ...base, category: query.category, location: l })} current={query.location === l}>{l}</FilterLink>)}
          </p>
        )}
      </nav>
      <p role="status" class="muted">{t('project.count', { count: projects.length })}</p>
      {projects.length === 0 ? <p>{t('project.none')}</p> : <ul class="project-cards">{projects.map((p) => <ProjectRow v={v} p={p} />)}</ul>}
      <section aria-labelledby="shares-title" class="shares">
        <h2 id="shares-title">{t('project.sharesTitle')}</h2>
        {byCategory.length > 0 && (
          <ShareChart v={v} id="share-category" caption={t('project.shareByCategory')}
            rows={byCategory.map((s) => ({ label: categoryLabel(v, s.key as Category), value: s.rate, note: t('project.shareNote', { spent: formatFen(v.lang, s.spentFen), planned: formatFen(v.lang, s.annualInvestmentFen), count: s.projects }) }))} />
        )}
        {byLocation.length > 0 && (
          <ShareChart v={v} id="share-location" caption={t('project.shareByLocation')}
            rows={byLocation.map((s) => ({ label: s.key, value: s.rate, note: t('project.shareNote', { spent: formatFen(v.lang, s.spentFen), planned: formatFen(v.lang, s.annualInvestmentFen), count: s.projects }) }))} />
        )}
      </section>
    </div>
  );
}

/** A signed-in deputy's way into supervision: inspection notes on the project pages, and for the standing committee the overdue list. */
function SupervisionHint({ v, standingCommittee }: { v: ViewContext; standingCommittee: boolean }) {
  const { t } = v;
  return (
    <p class="supervision-hint">{t('project.deputyHint')}
      {standingCommittee && <>{' '}<a href="/supervision/overdue">{t('project.overdueLink')}</a></>}
    </p>
  );
}

export function ProjectsPage(props: ProjectsResultsProps & { years: number[]; supervising?: { standingCommittee: boolean } }) {
  const { v, query, years } = props;
  const { t } = v;
  return (
    <>
      <h1>{query.year === undefined ? t('project.listTitleNoYear') : t('project.listTitle', { year: query.year })}</h1>
      <p class="lede">{t('project.listIntro')}</p>
      {props.supervising && <SupervisionHint v={v} standingCommittee={props.supervising.standingCommittee} />}
      {years.length > 1 && (
        <nav aria-label={t('project.years')} class="filters">
          <p class="filters__group">{years.map((y) => <a class={y === query.year ? 'filter filter--current' : 'filter'} aria-current={y === query.year ? 'page' : undefined} href={projectsHref({ year: y })}>{String(y)}</a>)}</p>
        </nav>
      )}
      <ProjectsResults {...props} />
      <p class="open-data-links">
        {t('project.openData')}{' '}
        <a href={`/api/projects${query.year === undefined ? '' : `?year=${query.year}`}`} type="application/json">JSON</a>{' · '}
        <a href={`/api/projects.csv${query.year === undefined ? '' : `?year=${query.year}`}`} type="text/csv">CSV</a>{' · '}
        <a href="/feed.xml" type="application/atom+xml">{t('feed.link')}</a>
      </p>
      {[...new Map(props.projects.map((p) => [p.meetingId, p.meetingTitle]))].map(([id, title]) => (
        <p class="print-links">{t('project.printable', { meeting: title })}{' '}
          <a href={`/meetings/${id}/progress-report?period=half`}>{t('project.report.half')}</a>{' · '}
          <a href={`/meetings/${id}/progress-report?period=year`}>{t('project.report.year')}</a>
        </p>
      ))}
    </>
  );
}
