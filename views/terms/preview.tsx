import type { RosterEncoding, RosterIssue } from '../../src/terms/csv.ts';
import type { TermSummary } from '../../src/terms/model.ts';
import { Notice } from '../components/form.tsx';
import type { ViewContext } from '../context.ts';
import { RosterBreadcrumb, RosterUploadForm } from './roster.tsx';

/** A page of 20,000 problems helps nobody; the first ones show what is wrong with the file. */
export const ISSUES_SHOWN = 1000;

export interface PreviewErrorsPageProps {
  v: ViewContext;
  term: TermSummary;
  fileName: string;
  encoding: RosterEncoding | null;
  errors: RosterIssue[];
}

/** The upload was refused: every problem by row, and the form to upload the corrected file. */
export function PreviewErrorsPage({ v, term, fileName, encoding, errors }: PreviewErrorsPageProps) {
  const { t } = v;
  const shown = errors.slice(0, ISSUES_SHOWN);
  return (
    <>
      <RosterBreadcrumb v={v} term={term} />
      <h1>{t('roster.errors.title')}</h1>
      <Notice kind="error">{t('roster.errors.intro', { file: fileName, count: errors.length })}</Notice>
      {encoding === 'gb18030' && <p class="notice notice--warn">{t('roster.readAsGb18030')}</p>}
      <div class="table-wrap">
        <table class="table issue-table">
          <caption>{t('roster.errors.caption')}</caption>
          <thead>
            <tr>
              <th scope="col" class="num">{t('roster.errors.line')}</th>
              <th scope="col">{t('roster.errors.column')}</th>
              <th scope="col">{t('roster.errors.value')}</th>
              <th scope="col">{t('roster.errors.problem')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr>
                <th scope="row" class="num">{e.line ?? <span class="muted">{t('roster.errors.wholeFile')}</span>}</th>
                <td class="nowrap">{e.column ?? ''}</td>
                <td>{e.value !== undefined && e.value !== '' ? <code>{e.value}</code> : ''}</td>
                <td>{t(e.key, e.params)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {errors.length > shown.length && <p class="muted">{t('roster.errors.truncated', { shown: shown.length })}</p>}
      <RosterUploadForm v={v} termId={term.id} headingId="roster-reupload-title" heading={t('roster.errors.uploadAgain')} />
    </>
  );
}
