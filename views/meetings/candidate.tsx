import { formatDate } from '../../src/platform/i18n/index.ts';
import type { CandidateView } from '../../src/meetings/model.ts';
import type { CandidateOutcome } from '../../src/projects/public-model.ts';
import { Money } from '../components/candidates.tsx';
import { categoryLabel } from '../components/labels.ts';
import type { ViewContext } from '../context.ts';

/** A candidate; once a published vote decided on it, 入选 or 未入选 with its votes (and its project). */
export function CandidatePage({ v, candidate: c, outcome }: { v: ViewContext; candidate: CandidateView; outcome?: CandidateOutcome }) {
  const { t, lang } = v;
  return (
    <article aria-labelledby="candidate-title">
      <nav aria-label="breadcrumb" class="breadcrumb">
        <a href="/">{t('nav.home')}</a> › <a href={`/meetings/${c.meetingId}`}>{c.meetingTitle}</a>
      </nav>
      <p class="eyebrow">{t('candidate.number', { n: c.ballotOrder })} · {categoryLabel(v, c.category)}</p>
      <h1 id="candidate-title">{c.name}</h1>
      {outcome && (
        <p class={outcome.chosen ? 'outcome outcome--chosen' : 'outcome'}>
          <strong>{t(outcome.chosen ? 'project.candidate.chosen' : 'project.candidate.notChosen', { votes: outcome.forVotes })}</strong>
          {' · '}<a href={`/elections/${outcome.electionId}/result`}>{t('project.candidate.result')}</a>
          {outcome.projectId !== null && <>{' · '}<a href={`/projects/${outcome.projectId}`}>{t('project.candidate.projectLink')}</a></>}
        </p>
      )}
      <dl class="facts facts--wide">
        <div><dt>{t('candidate.leadDepartment')}</dt><dd>{c.leadDepartment}</dd></div>
        <div><dt>{t('candidate.coDepartments')}</dt><dd>{c.coDepartments.length ? c.coDepartments.join(t('result.listSeparator')) : t('candidate.none')}</dd></div>
        <div><dt>{t('candidate.leadOfficial')}</dt><dd>{c.leadOfficial}</dd></div>
        <div><dt>{t('candidate.investment')}</dt><dd><Money v={v} yuan={c.totalInvestmentYuan} /></dd></div>
        <div><dt>{t('candidate.deadline')}</dt><dd>{formatDate(lang, c.deadline)}</dd></div>
      </dl>
      <h2>{t('candidate.targets')}</h2>
      <ul class="targets">{c.targets.map((x) => <li>{x}</li>)}</ul>
      <h2>{t('candidate.description')}</h2>
      {c.description.split(/\n{2,}/).map((para) => <p>{para}</p>)}
      <p class="back-link"><a href={`/meetings/${c.meetingId}`}>{t('candidate.backToMeeting', { meeting: c.meetingTitle })}</a></p>
    </article>
  );
}
