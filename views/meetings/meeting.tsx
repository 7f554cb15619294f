import { formatDateRange } from '../../src/platform/i18n/index.ts';
import { isPublished } from '../../src/domain/lifecycle.ts';
import type { ElectionListItem, NamedScrutineer } from '../../src/elections/model.ts';
import { scrutineerLine } from '../components/scrutineers.tsx';
import type { CandidateView, MeetingSummary } from '../../src/meetings/model.ts';
import type { MeetingChosenList } from '../../src/results/model.ts';
import { CandidateList } from '../components/candidates.tsx';
import type { ViewContext } from '../context.ts';
import { stateLabel } from '../components/labels.ts';
import { FinalList } from '../components/final-list.tsx';

/** A vote as the meeting page lists it, with the scrutineers named for it (public before it opens). */
export type MeetingVote = ElectionListItem & { scrutineers?: NamedScrutineer[] };

/** The meeting's votes with their state; a published one links to its result. */
function MeetingVotes({ v, elections }: { v: ViewContext; elections: MeetingVote[] }) {
  const { t } = v;
  return (
    <section aria-labelledby="votes-title">
      <h2 id="votes-title">{t('result.meetingVotes')}</h2>
      {elections.length === 0 ? <p class="muted">{t('result.noVotes')}</p> : (
        <ul class="meeting-list vote-list">
          {elections.map((e) => (
            <li>
              {isPublished(e.state) ? <a href={`/elections/${e.id}/result`}>{e.title}</a> : <span class="vote-list__title">{e.title}</span>}{' '}
              <span class={isPublished(e.state) ? 'chip chip--ok' : 'chip'}>{stateLabel(v, e.state)}</span>
              {e.scrutineers && e.scrutineers.length > 0 && <div class="muted vote-list__scrutineers">{scrutineerLine(v, e.scrutineers)}</div>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The final chosen list of each published selection (with its runoffs), or a word that it comes later. */
function MeetingChosen({ v, chosen, elections, projects }: { v: ViewContext; chosen: MeetingChosenList[]; elections: MeetingVote[]; projects: Readonly<Record<string, number>> }) {
  const { t } = v;
  if (!elections.some((e) => e.kind === 'selection')) return null;
  return (
    <section aria-labelledby="meeting-chosen-title">
      <h2 id="meeting-chosen-title">{t('result.meetingChosen')}</h2>
      {chosen.length === 0
        ? <p class="muted">{t('result.noChosenYet')}</p>
        : chosen.map((list) => <FinalList v={v} list={list} headingId={`final-${list.selection.id}`} level={3} projects={projects} />)}
    </section>
  );
}

export function MeetingPage({ v, meeting, candidates, elections = [], chosen = [], projects = {} }: {
  v: ViewContext; meeting: MeetingSummary; candidates: CandidateView[]; elections?: MeetingVote[]; chosen?: MeetingChosenList[];
  /** Chosen options' projects, by `${electionId}/${optionId}`. */
  projects?: Readonly<Record<string, number>>;
}) {
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
      <MeetingChosen v={v} chosen={chosen} elections={elections} projects={projects} />
      <MeetingVotes v={v} elections={elections} />
      <section aria-labelledby="candidates-title">
        <h2 id="candidates-title">{t('meeting.candidates')} <span class="muted">({candidates.length})</span></h2>
        <CandidateList v={v} candidates={candidates} />
      </section>
    </>
  );
}
