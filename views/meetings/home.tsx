import { formatDateRange } from '../../src/platform/i18n/index.ts';
import type { CandidateView, MeetingSummary } from '../../src/meetings/model.ts';
import type { ProjectSummary } from '../../src/projects/model.ts';
import type { MeetingChosenList } from '../../src/results/model.ts';
import { CandidateList } from '../components/candidates.tsx';
import { FinalList } from '../components/final-list.tsx';
import { CompactProjects } from '../components/tracking.tsx';
import type { ViewContext } from '../context.ts';

export interface HomePageProps {
  v: ViewContext;
  current: MeetingSummary | undefined;
  candidates: CandidateView[];
  past: MeetingSummary[];
  /** The current meeting's published chosen lists: once there is one, the home page shows the result instead of the candidates. */
  chosen?: MeetingChosenList[];
  projects?: Readonly<Record<string, number>>;
  /** Last year's projects, followed all year. */
  lastYear?: { year: number; projects: ProjectSummary[] };
}

export function HomePage({ v, current, candidates, past, chosen = [], projects = {}, lastYear }: HomePageProps) {
  const { t, lang } = v;
  return (
    <>
      <h1 class="visually-hidden">{t('site.name')}</h1>
      {current ? (
        <section class="hero" aria-labelledby="current-title">
          <p class="eyebrow">{t('home.current')}</p>
          <h2 id="current-title" class="hero__title">{current.title}</h2>
          <p class="hero__meta">
            {formatDateRange(lang, current.startsOn, current.endsOn)} · {t('home.candidateCount', { count: current.candidateCount })}
          </p>
          <p><a class="button button--secondary" href={`/meetings/${current.id}`}>{t('home.viewMeeting')}</a></p>
        </section>
      ) : (
        <p class="muted">{t('home.noMeeting')}</p>
      )}
      {current && chosen.length > 0 && (
        <section aria-labelledby="home-result-title">
          <h2 id="home-result-title">{t('project.home.resultTitle')}</h2>
          {chosen.map((list) => <FinalList v={v} list={list} headingId={`home-final-${list.selection.id}`} level={3} projects={projects} />)}
        </section>
      )}
      {current && chosen.length === 0 && (
        <section aria-labelledby="candidates-title">
          <h2 id="candidates-title">{t('home.candidates')}</h2>
          <CandidateList v={v} candidates={candidates} />
        </section>
      )}
      {lastYear && lastYear.projects.length > 0 && (
        <section aria-labelledby="last-year-title" class="last-year">
          <h2 id="last-year-title">{t('project.home.lastYear', { year: lastYear.year })}</h2>
          <CompactProjects v={v} projects={lastYear.projects} />
          <p><a class="button button--secondary" href={`/projects?year=${lastYear.year}`}>{t('project.home.allLink', { year: lastYear.year })}</a></p>
        </section>
      )}
      <section aria-labelledby="past-title">
        <h2 id="past-title">{t('home.past')}</h2>
        {past.length === 0 ? <p class="muted">{t('home.noPast')}</p> : (
          <ul class="meeting-list">
            {past.map((m) => (
              <li>
                <a href={`/meetings/${m.id}`}>{m.title}</a>
                <span class="muted"> · {formatDateRange(lang, m.startsOn, m.endsOn)} · {t('home.candidateCount', { count: m.candidateCount })}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
