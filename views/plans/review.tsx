import { formatDateTime } from '../../src/platform/i18n/index.ts';
import type { PlanProject, PlanQueueItem, PlanRevision } from '../../src/plans/model.ts';
import type { PlanChange } from '../../src/plans/rules.ts';
import { Notice, PostButton, TextArea } from '../components/form.tsx';
import { ReviewStateChip } from '../components/tracking.tsx';
import type { ViewContext } from '../context.ts';
import { PlanChanges, PlanDetails } from './parts.tsx';

/** The secretariat's queue of submitted plan revisions. */
export function PlanQueuePage({ v, items, notice }: { v: ViewContext; items: PlanQueueItem[]; notice?: string }) {
  const { t, lang } = v;
  return (
    <section aria-labelledby="plan-queue-title">
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/admin">{t('admin.title')}</a></nav>
      <h1 id="plan-queue-title">{t('plan.queue.title')}</h1>
      {notice && <Notice kind="ok">{notice}</Notice>}
      {items.length === 0 ? <p class="muted">{t('plan.queue.empty')}</p> : (
        <div class="table-wrap">
          <table class="table">
            <caption>{t('plan.queue.caption', { count: items.length })}</caption>
            <thead><tr>
              <th scope="col">{t('plan.queue.project')}</th><th scope="col">{t('candidate.leadDepartment')}</th>
              <th scope="col">{t('plan.queue.revision')}</th><th scope="col">{t('plan.queue.submittedAt')}</th>
            </tr></thead>
            <tbody>
              {items.map((i) => (
                <tr>
                  <th scope="row"><a href={`/admin/tracking/plans/${i.id}`}>{i.projectTitle}</a><br /><span class="muted">{i.meetingTitle}</span></th>
                  <td>{i.department}</td>
                  <td>{i.revision}{i.reason && <><br /><span class="muted">{i.reason}</span></>}</td>
                  <td>{formatDateTime(lang, i.submittedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p><a href="/admin/departments">{t('department.title')}</a></p>
    </section>
  );
}

export interface PlanReviewPageProps {
  v: ViewContext;
  project: PlanProject;
  plan: PlanRevision;
  /** The last approved revision before this one, and what this one changes against it. */
  previous: PlanRevision | null;
  changes: PlanChange[];
  departments: { id: number; name: string }[];
  commentError?: string;
  comment?: string;
  notice?: string;
  error?: string;
}

/** One revision for the secretariat: its content, its changes against the approved plan, approve or return with a comment. */
export function PlanReviewPage(p: PlanReviewPageProps) {
  const { v, project, plan } = p;
  const { t, lang } = v;
  const names = new Map(p.departments.map((d) => [d.id, d.name]));
  const base = `/admin/tracking/plans/${plan.id}`;
  return (
    <section aria-labelledby="plan-review-title">
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/admin">{t('admin.title')}</a> › <a href="/admin/tracking/plans">{t('plan.queue.title')}</a></nav>
      <h1 id="plan-review-title">{project.title}: {t('plan.revisionHeading', { revision: plan.revision })} <ReviewStateChip v={v} state={plan.state} /></h1>
      <p class="muted">{project.meetingTitle} · {t('candidate.leadDepartment')}: {project.leadDepartment.name}
        {plan.submittedAt && <> · {t('plan.submittedAt', { at: formatDateTime(lang, plan.submittedAt) })}</>}</p>
      {p.notice && <Notice kind="ok">{p.notice}</Notice>}
      {p.error && <Notice kind="error">{p.error}</Notice>}
      {plan.reason && <p><strong>{t('plan.reason')}</strong>: {plan.reason}</p>}
      {plan.returnComment && <p class="muted">{t('plan.lastReturned', { comment: plan.returnComment })}</p>}
      <h2>{p.previous ? t('plan.changesAgainst', { revision: p.previous.revision }) : t('plan.changesFirst')}</h2>
      <PlanChanges v={v} changes={p.changes} names={names} publishedOn={project.publishedOn} subItems={[...(p.previous?.content.subItems ?? []), ...plan.content.subItems]} />
      <h2>{t('plan.content')}</h2>
      <PlanDetails v={v} plan={plan.content} names={names} publishedOn={project.publishedOn} headingLevel={3} />
      {plan.state === 'submitted' && (
        <div class="panels">
          <div class="panel">
            <h2>{t('plan.approve')}</h2>
            <p>{t('plan.approveHelp')}</p>
            <PostButton action={`${base}/approve`} label={t('plan.approve')} kind="danger" />
          </div>
          <div class="panel">
            <h2>{t('plan.return')}</h2>
            <form method="post" action={`${base}/return`} class="stack">
              <TextArea name="comment" label={t('plan.returnComment')} value={p.comment} error={p.commentError} hint={t('plan.returnHint')} rows={4} />
              <button type="submit" class="button button--secondary">{t('plan.return')}</button>
            </form>
          </div>
        </div>
      )}
    </section>
  );
}
