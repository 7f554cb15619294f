import { formatDateRange } from '../../src/platform/i18n/index.ts';
import type { RosterEntry, TermSummary } from '../../src/terms/model.ts';
import { Notice } from '../components/form.tsx';
import type { ViewContext } from '../context.ts';
import { termOrdinal } from './terms.tsx';

/** 秘书处管理 › 届次与代表名单 (› the term's roster, on pages below it). */
export function RosterBreadcrumb({ v, term }: { v: ViewContext; term?: TermSummary }) {
  const { t } = v;
  return (
    <nav aria-label="breadcrumb" class="breadcrumb">
      <a href="/admin">{t('admin.title')}</a> › <a href="/admin/terms">{t('term.title')}</a>
      {term && <> › <a href={`/admin/terms/${term.id}/roster`}>{term.name}</a></>}
    </nav>
  );
}

/** The upload form: one CSV file, posted as multipart so it works without JavaScript. */
export function RosterUploadForm({ v, termId, error, headingId, heading }: { v: ViewContext; termId: number; error?: string; headingId: string; heading: string }) {
  const { t } = v;
  const describedBy = ['f-file-hint', error && 'f-file-error'].filter(Boolean).join(' ');
  return (
    <section aria-labelledby={headingId} class="narrow">
      <h2 id={headingId}>{heading}</h2>
      <p>{t('roster.uploadIntro')}</p>
      <form method="post" action={`/admin/terms/${termId}/roster/preview`} enctype="multipart/form-data" class="stack">
        <div class={`field${error ? ' field--error' : ''}`}>
          <label for="f-file">{t('roster.file')}</label>
          <p id="f-file-hint" class="field__hint">{t('roster.fileHint')}</p>
          {error && <p id="f-file-error" class="field__error">{error}</p>}
          <input id="f-file" name="file" type="file" accept=".csv,text/csv" required aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy} />
        </div>
        <button type="submit" class="button button--primary button--wide">{t('roster.previewButton')}</button>
      </form>
    </section>
  );
}

export interface RosterPageProps {
  v: ViewContext;
  term: TermSummary;
  deputies: RosterEntry[];
  notice?: string;
  uploadError?: string;
}

export function RosterPage({ v, term, deputies, notice, uploadError }: RosterPageProps) {
  const { t, lang } = v;
  return (
    <>
      <RosterBreadcrumb v={v} />
      <h1>{term.name}</h1>
      <dl class="facts facts--inline">
        <div><dt>{t('term.ordinal')}</dt><dd>{termOrdinal(v, term.ordinal)}</dd></div>
        <div><dt>{t('term.dates')}</dt><dd>{formatDateRange(lang, term.startsOn, term.endsOn)}</dd></div>
        <div><dt>{t('term.deputies')}</dt><dd>{deputies.length}</dd></div>
      </dl>
      {notice && <Notice kind="ok">{notice}</Notice>}
      {uploadError && <Notice kind="error">{uploadError}</Notice>}
      <RosterUploadForm v={v} termId={term.id} error={uploadError} headingId="roster-upload-title" heading={t('roster.upload')} />
      <section aria-labelledby="roster-list-title">
        <h2 id="roster-list-title">{t('roster.title')} <span class="muted">{t('roster.count', { count: deputies.length })}</span></h2>
        {deputies.length === 0 ? <p>{t('roster.empty')}</p> : (
          <div class="table-wrap">
            <table class="table roster-table">
              <caption class="visually-hidden">{t('roster.caption', { term: term.name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('roster.code')}</th>
                  <th scope="col">{t('roster.name')}</th>
                  <th scope="col">{t('roster.delegation')}</th>
                  <th scope="col">{t('roster.standingCommittee')}</th>
                  <th scope="col">{t('roster.phone')}</th>
                  <th scope="col">{t('roster.account')}</th>
                </tr>
              </thead>
              <tbody>
                {deputies.map((d) => (
                  <tr>
                    <th scope="row" class="code">{d.code}</th>
                    <td>{d.name}</td>
                    <td>{d.delegation}</td>
                    <td>{d.standingCommittee ? t('roster.yes') : t('roster.no')}</td>
                    <td class="code">{d.phoneMasked ?? ''}</td>
                    <td>{d.hasAccount ? <span class="chip chip--ok">{t('roster.hasAccount')}</span> : <span class="muted">{t('roster.noAccount')}</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
