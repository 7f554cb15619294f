import type { MeetingChosenList } from '../../src/results/model.ts';
import { Notice } from './form.tsx';
import type { ViewContext } from '../context.ts';

/** A selection's final list: chosen in order, with the runoff that chose some, and seats still open. */
export function FinalList({ v, list, headingId, level = 2, projects = {} }: {
  v: ViewContext; list: MeetingChosenList; headingId: string; level?: 2 | 3;
  /** The project each chosen option became, by `${electionId}/${optionId}` (the public store's projectLinks). */
  projects?: Readonly<Record<string, number>>;
}) {
  const { t } = v;
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <section aria-labelledby={headingId} class="final-list">
      <Heading id={headingId}>{t('result.finalTitle', { title: list.selection.title })}</Heading>
      <p>{t(list.runoffs.length > 0 ? 'result.finalCountRunoffs' : 'result.finalCount', { count: list.chosen.length, seats: list.selection.seats })}</p>
      {list.chosen.length > 0 && (
        <ol class="chosen-list">
          {list.chosen.map((c) => (
            <li>
              {projects[`${c.electionId}/${c.optionId}`] !== undefined
                ? <a class="chosen-list__title" href={`/projects/${projects[`${c.electionId}/${c.optionId}`]}`}>{c.title}</a>
                : <span class="chosen-list__title">{c.title}</span>}{' '}
              <span class="chosen-list__votes">{t('result.forVotes', { count: c.forVotes })}</span>
              {c.viaRunoff && <> <a class="chip" href={`/elections/${c.electionId}/result`}>{t('result.viaRunoff')}</a></>}
            </li>
          ))}
        </ol>
      )}
      {list.pending && (
        <Notice kind="warn">{t('result.pending', {
          seats: list.pending.seats, options: list.pending.options.map((o) => o.title).join(t('result.listSeparator')),
        })}</Notice>
      )}
      {list.shortfall > 0 && <Notice kind="warn">{t('result.finalShortfall', { count: list.shortfall })}</Notice>}
    </section>
  );
}
