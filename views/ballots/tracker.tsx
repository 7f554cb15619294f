import type { TrackerLookup } from '../../src/ballots/model.ts';
import { INVALID_REASON_LABEL } from '../../src/domain/vocabulary.ts';
import type { ViewContext } from '../context.ts';
import { letterLabel } from '../components/labels.ts';
import { Field, Notice } from '../components/form.tsx';

export function TrackerPage({ v, query, found }: { v: ViewContext; query: string; found: TrackerLookup | undefined }) {
  const { t } = v;
  return (
    <section class="narrow" aria-labelledby="verify-title">
      <h1 id="verify-title">{t('verify.title')}</h1>
      <p>{t('verify.intro')}</p>
      <form method="get" action="/verify" class="stack">
        <Field name="tracker" label={t('ballot.tracker')} value={query} hint={t('verify.hint')} required maxlength={40} />
        <button type="submit" class="button button--primary">{t('verify.button')}</button>
      </form>
      {query && !found && <Notice kind="error">{t('verify.notFound')}</Notice>}
      {found && found.status === 'spoiled' && (
        <Notice kind="warn">
          <p><strong>{t('verify.spoiled', { tracker: found.tracker })}</strong></p>
          <p>{t('verify.inElection', { title: found.election.title })}</p>
          <p><a href={`/check?tracker=${encodeURIComponent(found.tracker)}`}>{t('verify.spoiledCheck')}</a></p>
        </Notice>
      )}
      {found && found.status !== 'spoiled' && found.encrypted && (
        <Notice kind="ok">
          <p><strong>{t(found.status === 'counted' ? 'verify.counted' : 'verify.recorded', { tracker: found.tracker })}</strong></p>
          <p>{t('verify.inElection', { title: found.election.title })}</p>
          <p>{t('verify.encrypted')}</p>
          {found.status !== 'counted' && <p>{t('verify.notCountedYet')}</p>}
        </Notice>
      )}
      {found && !found.encrypted && (
        <Notice kind="ok">
          <p><strong>{t('verify.recorded', { tracker: found.tracker })}</strong></p>
          <p>{t('verify.inElection', { title: found.election.title })}</p>
          {found.marks === undefined && <p>{t('verify.notPublished')}</p>}
        </Notice>
      )}
      {found?.marks !== undefined && found.marking && found.options && <PublishedMarks v={v} found={{ ...found, marks: found.marks, marking: found.marking, options: found.options }} />}
    </section>
  );
}

/** A published ballot's marks, option by option, and where to recount it. */
function PublishedMarks({ v, found }: { v: ViewContext; found: TrackerLookup & Required<Pick<TrackerLookup, 'marking' | 'marks' | 'options'>> }) {
  const { t } = v;
  return (
    <>
      {found.invalid && <Notice kind="warn">{t('verify.countedInvalid', { reason: t(INVALID_REASON_LABEL[found.invalid]) })}</Notice>}
      <div class="table-wrap">
        <table class="table">
          <caption>{t('verify.marksCaption')}</caption>
          <thead><tr><th scope="col">{t('ballot.number')}</th><th scope="col">{t('ballot.option')}</th><th scope="col">{t('counting.marks')}</th></tr></thead>
          <tbody>
            {found.options.map((o, i) => (
              <tr><td>{i + 1}</td><th scope="row">{o.title}</th><td>{letterLabel(v, found.marking, found.marks[i] ?? '')}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>{t('verify.recordHint')} <a href={`/elections/${found.election.id}/record.json`}>{t('counting.recordLink')}</a></p>
    </>
  );
}
