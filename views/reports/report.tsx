import { formatDateTime } from '../../src/platform/i18n/index.ts';
import type { ProjectSummary } from '../../src/projects/model.ts';
import type { QueuedReport, ReportView } from '../../src/reports/model.ts';
import { isEditable } from '../../src/reports/rules.ts';
import { Field, Notice, PostButton, TextArea } from '../components/form.tsx';
import { type PlanForReport, periodLabel, ReportBody, ReportForm, type ReportFormContext, reportKindLabel } from '../components/reports.tsx';
import type { ViewContext } from '../context.ts';

export interface DepartmentReportProps {
  v: ViewContext;
  project: ProjectSummary;
  report: ReportView;
  plan: PlanForReport | null;
  formContext?: ReportFormContext;
  values: Record<string, string>;
  errors?: Record<string, string | undefined>;
  evidenceError?: string;
  caption?: string;
  notice?: string;
  error?: string;
}

/** The lead department's page of one report: while a draft or returned, its form, its evidence and the submit button; later, what it says. */
export function DepartmentReportPage(p: DepartmentReportProps) {
  const { v, report: r, project } = p;
  const { t } = v;
  const editable = isEditable(r.state);
  return (
    <section aria-labelledby="report-title">
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/workspace">{t('workspace.title')}</a> › <a href={`/workspace/projects/${project.id}`}>{project.title}</a></nav>
      <h1 id="report-title">{t('report.titleOf', { seq: r.seq, project: project.title })}</h1>
      {p.notice && <Notice kind="ok">{p.notice}</Notice>}
      {p.error && <Notice kind="error">{p.error}</Notice>}
      {r.state === 'submitted' && <Notice kind="warn">{t('report.waiting')}</Notice>}
      <ReportBody v={v} report={r} plan={p.plan} headingLevel={1} />
      {editable && (
        <>
          <h2 id="evidence">{t('evidence.add')}</h2>
          {p.evidenceError && <Notice kind="error">{p.evidenceError}</Notice>}
          <form method="post" action={`/workspace/reports/${r.id}/evidence`} enctype="multipart/form-data" class="stack narrow">
            <div class="field">
              <label for="f-file">{t('evidence.file')}</label>
              <p id="f-file-hint" class="field__hint">{t('evidence.fileHint')}</p>
              <input id="f-file" name="file" type="file" accept="image/jpeg,image/png,image/webp,application/pdf" aria-describedby="f-file-hint" required />
            </div>
            <Field name="caption" label={t('evidence.caption')} value={p.caption} required maxlength={200} />
            <button type="submit" class="button button--secondary">{t('evidence.upload')}</button>
          </form>
          {p.formContext && (
            <>
              <h2>{t('report.edit')}</h2>
              {p.errors && <Notice kind="error">{t('report.fixErrors')}</Notice>}
              <ReportForm v={v} action={`/workspace/reports/${r.id}`} context={p.formContext} values={p.values} errors={p.errors} button={t('report.saveDraft')} />
            </>
          )}
          <h2>{t('report.submitTitle')}</h2>
          <p class="muted">{t('report.submitHint')}</p>
          <PostButton action={`/workspace/reports/${r.id}/submit`} label={t(r.state === 'returned' ? 'report.resubmit' : 'report.submit')} kind="primary" />
        </>
      )}
      {r.state === 'approved' && r.correctedById === null && (
        <>
          <h2>{t('report.correctTitle')}</h2>
          <p class="muted">{t('report.correctHint')}</p>
          <PostButton action={`/workspace/reports/${r.id}/correct`} label={t('report.correct')} />
        </>
      )}
    </section>
  );
}

/** The secretariat's queue of submitted reports. */
export function ReviewQueuePage({ v, queue, notice }: { v: ViewContext; queue: QueuedReport[]; notice?: string }) {
  const { t, lang } = v;
  return (
    <section aria-labelledby="review-title">
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/admin">{t('admin.title')}</a></nav>
      <h1 id="review-title">{t('report.review.title')}</h1>
      {notice && <Notice kind="ok">{notice}</Notice>}
      {queue.length === 0 ? <p>{t('report.review.empty')}</p> : (
        <div class="table-wrap">
          <table class="table">
            <caption>{t('report.review.caption', { count: queue.length })}</caption>
            <thead><tr><th scope="col">{t('report.review.project')}</th><th scope="col">{t('report.review.department')}</th><th scope="col">{t('report.field.period')}</th><th scope="col">{t('report.field.kind')}</th><th scope="col">{t('report.submittedAt')}</th></tr></thead>
            <tbody>{queue.map((q) => (
              <tr>
                <th scope="row"><a href={`/admin/tracking/reports/${q.id}`}>{q.projectTitle} · {t('report.seq', { seq: q.seq })}</a></th>
                <td>{q.departmentName}</td><td>{periodLabel(v, q.period)}</td>
                <td>{reportKindLabel(v, q.kind)}{q.correctsSeq !== null && `（${t('report.correctsSeq', { seq: q.correctsSeq })}）`}{q.final && `（${t('report.field.final')}）`}</td>
                <td>{formatDateTime(lang, q.submittedAt)}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The secretariat's review of one report: what it says, then approve (confirmed) or return with a comment. */
export function ReviewPage({ v, project, report: r, plan, comment, commentError, notice, error }: {
  v: ViewContext; project: ProjectSummary; report: ReportView; plan: PlanForReport | null; comment?: string; commentError?: string; notice?: string; error?: string;
}) {
  const { t } = v;
  return (
    <section aria-labelledby="review-report-title">
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/admin">{t('admin.title')}</a> › <a href="/admin/tracking/reports">{t('report.review.title')}</a></nav>
      <h1 id="review-report-title">{t('report.review.titleOf', { seq: r.seq, project: project.title })}</h1>
      {notice && <Notice kind="ok">{notice}</Notice>}
      {error && <Notice kind="error">{error}</Notice>}
      <p>{t('report.review.by', { department: project.leadDepartment.name })}</p>
      <ReportBody v={v} report={r} plan={plan} headingLevel={1} />
      {r.state === 'submitted' && (
        <>
          <h2>{t('report.review.approveTitle')}</h2>
          <p class="muted">{t('report.review.approveHint')}</p>
          <PostButton action={`/admin/tracking/reports/${r.id}/approve`} label={t('report.review.approve')} kind="primary" />
          <h2>{t('report.review.returnTitle')}</h2>
          <form method="post" action={`/admin/tracking/reports/${r.id}/return`} class="stack narrow">
            <TextArea name="comment" label={t('report.review.comment')} value={comment} error={commentError} rows={4} />
            <button type="submit" class="button button--secondary">{t('report.review.return')}</button>
          </form>
        </>
      )}
    </section>
  );
}
