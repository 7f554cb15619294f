import type { TrackerLookup } from '../../src/ballots/verify-routes.tsx';
import type { ViewContext } from '../context.ts';
import { Field, Notice } from '../components/form.tsx';

export function VerifyPage({ v, query, found }: { v: ViewContext; query: string; found: TrackerLookup | undefined }) {
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
      {found && (
        <Notice kind="ok">
          <p><strong>{t('verify.recorded', { tracker: found.tracker })}</strong></p>
          <p>{t('verify.inElection', { title: found.election.title })}</p>
          <p>{t('verify.notPublished')}</p>
        </Notice>
      )}
    </section>
  );
}
