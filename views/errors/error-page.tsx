import type { ViewContext } from '../context.ts';

export interface ErrorPageProps {
  v: ViewContext;
  status: number;
  message: string;
  /** Shown for server errors, so a user can quote it to the secretariat. */
  reference?: string;
}

export function ErrorPage({ v, status, message, reference }: ErrorPageProps) {
  return (
    <section class="error-page" aria-labelledby="error-title">
      <h1 id="error-title">{v.t('error.title')} <span class="error-page__status">({status})</span></h1>
      <p role="alert">{message}</p>
      {reference && <p class="muted">{v.t('error.reference', { id: reference })}</p>}
      <p><a class="button" href="/">{v.t('error.backHome')}</a></p>
    </section>
  );
}
