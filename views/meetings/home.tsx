import { formatDateRange } from '../../src/platform/i18n/index.ts';
import type { CandidateView, MeetingSummary } from '../../src/meetings/model.ts';
import { CandidateList } from '../components/candidates.tsx';
import type { ViewContext } from '../context.ts';

export interface HomePageProps {
  v: ViewContext;
  current: MeetingSummary | undefined;
  candidates: CandidateView[];
  past: MeetingSummary[];
}

export function HomePage({ v, current, candidates, past }: HomePageProps) {
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
      {current && (
        <section aria-labelledby="candidates-title">
          <h2 id="candidates-title">{t('home.candidates')}</h2>
          <CandidateList v={v} candidates={candidates} />
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
