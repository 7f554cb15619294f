import { RATING_LABEL } from '../../src/domain/vocabulary.ts';
import { LETTERS, type Marking } from '../../src/domain/record/format.ts';
import { percent, resultRows, type ResultBody } from '../../src/results/present.ts';
import type { ViewContext } from '../context.ts';
import { letterLabel } from '../components/labels.ts';

const yesNo = (v: ViewContext, b: boolean | undefined) => (b ? v.t('counting.yes') : v.t('counting.no'));

/**
 * Counts per option and letter, passed / rank / selected, or the rating and 满意率: the record's
 * result as a table. On the public result page it is also the data behind the chart.
 */
export function ResultTable({ v, record, caption }: { v: ViewContext; record: ResultBody; caption?: string }) {
  const { t } = v;
  const marking: Marking = record.election.rules.marking;
  const letters = LETTERS[marking];
  const satisfaction = record.election.kind === 'satisfaction';
  const tied = new Set(record.result.tie?.options ?? []);
  return (
    // Wider than a phone: it scrolls in its own box, which keyboards reach too (a named region).
    <div class="table-wrap" tabindex={0} role="region" aria-label={caption ?? t('counting.results')}>
      <table class="table">
        <caption class={caption ? undefined : 'visually-hidden'}>{caption ?? t('counting.results')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('ballot.number')}</th>
            <th scope="col">{t('ballot.option')}</th>
            {letters.map((l) => <th scope="col" class="num">{letterLabel(v, marking, l)}</th>)}
            {satisfaction
              ? <><th scope="col">{t('counting.rating')}</th><th scope="col" class="num">{t('result.satisfactionRate')}</th></>
              : <><th scope="col">{t('counting.passed')}</th><th scope="col" class="num">{t('counting.rank')}</th><th scope="col">{t('counting.selected')}</th></>}
          </tr>
        </thead>
        <tbody>
          {resultRows(record).map((o) => (
            <tr>
              <td>{o.position}</td>
              <th scope="row">{o.title}</th>
              {letters.map((l) => <td class="num">{o.counts[l] ?? 0}</td>)}
              {satisfaction
                ? <><td>{o.rating ? t(RATING_LABEL[o.rating]) : ''}</td><td class="num">{percent(o.satisfaction)}</td></>
                : <><td>{yesNo(v, o.passed)}</td><td class="num">{o.rank ?? '—'}</td><td>{o.selected
                  ? <span class="chip chip--ok">{t('counting.selected')}</span>
                  : tied.has(o.id) ? <span class="chip chip--warn">{t('result.tied')}</span> : ''}</td></>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
