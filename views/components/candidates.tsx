import { formatDate, formatMoney } from '../../src/platform/i18n/index.ts';
import type { CandidateView } from '../../src/meetings/model.ts';
import { categoryLabel } from './labels.ts';
import type { ViewContext } from '../context.ts';

export function Money({ v, yuan }: { v: ViewContext; yuan: number | null }) {
  return <>{yuan === null ? v.t('candidate.notGiven') : formatMoney(v.lang, yuan)}</>;
}

/** One candidate in a list: number, name (linking to its page), category and the key facts. */
export function CandidateCard({ v, candidate: c }: { v: ViewContext; candidate: CandidateView }) {
  const headingId = `candidate-${c.id}-name`;
  return (
    <li class="candidate-card">
      <article aria-labelledby={headingId}>
        <p class="candidate-card__number">{v.t('candidate.number', { n: c.ballotOrder })}</p>
        <h3 id={headingId} class="candidate-card__name">
          <a href={`/candidates/${c.id}`}>{c.name}</a>
        </h3>
        <p class="chip">{categoryLabel(v, c.category)}</p>
        <dl class="facts">
          <div><dt>{v.t('candidate.leadDepartment')}</dt><dd>{c.leadDepartment}</dd></div>
          <div><dt>{v.t('candidate.investment')}</dt><dd><Money v={v} yuan={c.totalInvestmentYuan} /></dd></div>
          <div><dt>{v.t('candidate.deadline')}</dt><dd>{formatDate(v.lang, c.deadline)}</dd></div>
        </dl>
        {c.targets.length > 0 && <p class="candidate-card__target">{c.targets[0]}</p>}
      </article>
    </li>
  );
}

export function CandidateList({ v, candidates }: { v: ViewContext; candidates: CandidateView[] }) {
  if (candidates.length === 0) return <p class="muted">{v.t('meeting.noCandidates')}</p>;
  return (
    <ol class="candidate-list">
      {candidates.map((c) => <CandidateCard v={v} candidate={c} />)}
    </ol>
  );
}
