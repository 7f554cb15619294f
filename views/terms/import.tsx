import { formatDateTime } from '../../src/platform/i18n/index.ts';
import type { ImportPlan, PlannedRow, RosterImport, TermSummary } from '../../src/terms/model.ts';
import { Notice, PostButton } from '../components/form.tsx';
import type { ViewContext } from '../context.ts';
import { RosterBreadcrumb } from './roster.tsx';

export interface ImportPageProps {
  v: ViewContext;
  term: TermSummary;
  pending: RosterImport;
  plan: ImportPlan;
  /** The file was read as GB18030, not UTF-8. */
  gb18030?: boolean;
  /** Why confirming was refused (already applied, expired), shown instead of the button. */
  refusal?: string;
}

/** One cell of the preview: the new value, and for a changed field what it was. */
function Cell({ v, value, previous, changed, code }: { v: ViewContext; value: string; previous?: string; changed: boolean; code?: boolean }) {
  const cls = [code && 'code', changed && 'changed'].filter(Boolean).join(' ') || undefined;
  return (
    <td class={cls}>
      {value}
      {changed && <span class="was">{v.t('roster.import.was', { value: previous || v.t('roster.import.none') })}</span>}
    </td>
  );
}

function Row({ v, p, showChange }: { v: ViewContext; p: PlannedRow; showChange: boolean }) {
  const { t } = v;
  const yesNo = (b: boolean) => (b ? t('roster.yes') : t('roster.no'));
  const prev = p.previous;
  return (
    <tr class={`change--${p.change}`}>
      <td class="num">{p.row.line}</td>
      <th scope="row" class="code">{p.row.code}</th>
      <Cell v={v} value={p.row.name} previous={prev.name as string | undefined} changed={'name' in prev} />
      <Cell v={v} value={p.row.delegation} previous={prev.delegation as string | undefined} changed={'delegation' in prev} />
      <Cell v={v} value={yesNo(p.row.standingCommittee)} previous={'standingCommittee' in prev ? yesNo(prev.standingCommittee as boolean) : undefined} changed={'standingCommittee' in prev} />
      <Cell v={v} value={p.row.phoneMasked ?? ''} previous={(prev.phone as string | null | undefined) ?? undefined} changed={'phone' in prev} code />
      {showChange && <td><span class={`chip chip--${p.change}`}>{t(`roster.import.${p.change}`)}</span></td>}
    </tr>
  );
}

/** A pending upload: every row with what applying it will do, and the confirm button. */
export function ImportPage({ v, term, pending, plan, gb18030, refusal }: ImportPageProps) {
  const { t } = v;
  const rows = pending.rows.length;
  const applied = pending.appliedAt !== null;
  return (
    <>
      <RosterBreadcrumb v={v} term={term} />
      <h1>{t('roster.import.title')}</h1>
      <dl class="facts facts--inline">
        <div><dt>{t('roster.import.term')}</dt><dd>{term.name}</dd></div>
        <div><dt>{t('roster.import.file')}</dt><dd>{pending.fileName}</dd></div>
        <div><dt>{t('roster.import.uploaded')}</dt><dd>{t('roster.import.uploadedBy', { name: pending.createdByName, at: formatDateTime(v.lang, pending.createdAt) })}</dd></div>
      </dl>
      {gb18030 && <p class="notice notice--warn">{t('roster.readAsGb18030')}</p>}
      {refusal && <Notice kind="error">{refusal}</Notice>}
      {!refusal && applied && <Notice kind="ok">{t('roster.import.appliedAt', { at: formatDateTime(v.lang, pending.appliedAt!) })}</Notice>}
      {!refusal && !applied && pending.expired && <Notice kind="error">{t('roster.import.expired')}</Notice>}
      {!applied && (
        <p class="import-summary">
          <strong>{t('roster.import.summary', { rows, created: plan.created, updated: plan.updated, unchanged: plan.unchanged })}</strong>
          {plan.kept > 0 && <> {t('roster.import.kept', { count: plan.kept })}</>}
        </p>
      )}
      {!applied && !pending.expired ? (
        <div class="confirm-bar">
          <PostButton action={`/admin/roster-imports/${pending.id}/apply`} label={t('roster.import.confirm', { rows })} kind="primary" />
          <a class="button button--secondary" href={`/admin/terms/${term.id}/roster`}>{t('roster.import.cancel')}</a>
          <p class="muted">{t('roster.import.validFor')}</p>
        </div>
      ) : (
        <p><a class="button button--secondary" href={`/admin/terms/${term.id}/roster`}>{t('roster.import.backToRoster')}</a></p>
      )}
      <div class="table-wrap">
        <table class="table roster-table">
          <caption>{t('roster.import.caption')}</caption>
          <thead>
            <tr>
              <th scope="col" class="num">{t('roster.import.line')}</th>
              <th scope="col">{t('roster.code')}</th>
              <th scope="col">{t('roster.name')}</th>
              <th scope="col">{t('roster.delegation')}</th>
              <th scope="col">{t('roster.standingCommittee')}</th>
              <th scope="col">{t('roster.phone')}</th>
              {!applied && <th scope="col">{t('roster.import.change')}</th>}
            </tr>
          </thead>
          <tbody>
            {plan.rows.map((p) => <Row v={v} p={p} showChange={!applied} />)}
          </tbody>
        </table>
      </div>
    </>
  );
}
