import { formatDateRange } from '../../src/i18n/index.ts';
import type { CandidateView, MeetingSummary } from '../../src/meetings/store.ts';
import { CandidateList } from '../components/candidates.tsx';
import type { ViewContext } from '../context.ts';

export function MeetingPage({ v, meeting, candidates }: { v: ViewContext; meeting: MeetingSummary; candidates: CandidateView[] }) {
  const { t, lang } = v;
  return (
    <>
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/">{t('nav.home')}</a></nav>
      <h1>{meeting.title}</h1>
      <dl class="facts facts--inline">
        <div><dt>{t('meeting.term')}</dt><dd>{meeting.termName}</dd></div>
        <div><dt>{t('meeting.year')}</dt><dd>{meeting.year}</dd></div>
        <div><dt>{t('meeting.dates')}</dt><dd>{formatDateRange(lang, meeting.startsOn, meeting.endsOn)}</dd></div>
      </dl>
      <section aria-labelledby="candidates-title">
        <h2 id="candidates-title">{t('meeting.candidates')} <span class="muted">({candidates.length})</span></h2>
        <CandidateList v={v} candidates={candidates} />
      </section>
    </>
  );
}
