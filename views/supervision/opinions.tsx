import { formatDateTime } from '../../src/platform/i18n/index.ts';
import type { OpinionWithProject } from '../../src/supervision/model.ts';
import type { ViewContext } from '../context.ts';
import { Notice, PostButton, TextArea } from '../components/form.tsx';

type FormState = Record<string, string>;

/** The field a person never sees and a robot fills: a filled one is answered like a success and stored nowhere. */
export const HONEYPOT_FIELD = 'website';

/** Anyone's form for an opinion (群众意见) on a project: the text only, and a warning against personal data. */
export function OpinionFormPage({ v, project, values, errors }: { v: ViewContext; project: { id: number; title: string }; values?: FormState; errors?: FormState }) {
  const { t } = v;
  return (
    <section aria-labelledby="opinion-title" class="stack narrow">
      <p><a href={`/projects/${project.id}`}>{project.title}</a></p>
      <h1 id="opinion-title">{t('opinion.newTitle')}</h1>
      <p>{t('opinion.newIntro')}</p>
      <Notice kind="warn">{t('opinion.noPersonalData')}</Notice>
      {errors && Object.keys(errors).length > 0 && <Notice kind="error">{t('opinion.fixErrors')}</Notice>}
      <form method="post" action={`/projects/${project.id}/opinions`} class="stack">
        <TextArea name="body" label={t('opinion.body')} hint={t('opinion.bodyHint')} value={values?.body} error={errors?.body} rows={8} />
        <div class="visually-hidden" aria-hidden="true">
          <label for="f-website">{t('opinion.honeypot')}</label>
          <input id="f-website" name={HONEYPOT_FIELD} type="text" tabindex={-1} autocomplete="off" value="" />
        </div>
        <button type="submit" class="button button--primary button--big">{t('opinion.sendButton')}</button>
      </form>
    </section>
  );
}

/** After sending: what happens next (also what a filled honeypot is told). */
export function OpinionSentPage({ v, project }: { v: ViewContext; project: { id: number; title: string } }) {
  const { t } = v;
  return (
    <section aria-labelledby="opinion-sent-title" class="stack narrow">
      <h1 id="opinion-sent-title">{t('opinion.sentTitle')}</h1>
      <Notice kind="ok">{t('opinion.sent')}</Notice>
      <p><a href={`/projects/${project.id}`}>{t('opinion.backToProject', { title: project.title })}</a></p>
    </section>
  );
}

/** Too many opinions from one address or on one project: when to try again (429). */
export function OpinionLimitedPage({ v, project, minutes }: { v: ViewContext; project: { id: number; title: string }; minutes: number }) {
  const { t } = v;
  return (
    <section aria-labelledby="opinion-limited-title" class="stack narrow">
      <h1 id="opinion-limited-title">{t('opinion.limitedTitle')}</h1>
      <Notice kind="warn">{t('opinion.limited', { minutes })}</Notice>
      <p><a href={`/projects/${project.id}`}>{t('opinion.backToProject', { title: project.title })}</a></p>
    </section>
  );
}

/** An opinion waiting for the secretariat's decision. */
type PendingOpinionView = OpinionWithProject;

/**
 * The secretariat's queue: opinions waiting for a decision, grouped by project (with a way to reject
 * all of a project's at once, after a flood), and the accepted ones, which may be withdrawn.
 * Accepting, withdrawing and rejecting all are confirmed on the next page.
 */
export function AdminOpinionsPage({ v, opinions, accepted = [], notice, error }: { v: ViewContext; opinions: PendingOpinionView[]; accepted?: OpinionWithProject[]; notice?: string; error?: string }) {
  const { t } = v;
  const projects = [...new Map(opinions.map((o) => [o.projectId, o])).values()];
  return (
    <section aria-labelledby="admin-opinions-title" class="stack">
      <p><a href="/admin/tracking">{t('console.title')}</a></p>
      <h1 id="admin-opinions-title">{t('opinion.adminTitle')}</h1>
      <p>{t('opinion.adminIntro')}</p>
      {notice && <Notice kind="ok">{notice}</Notice>}
      {error && <Notice kind="error">{error}</Notice>}
      {opinions.length === 0 ? <p>{t('opinion.nonePending')}</p> : projects.map((p) => {
        const mine = opinions.filter((o) => o.projectId === p.projectId);
        return (
          <section class="stack" aria-labelledby={`pending-${p.projectId}`}>
            <h2 id={`pending-${p.projectId}`}><a href={`/projects/${p.projectId}`}>{p.projectTitle}</a> <span class="muted">{p.department.name} · {t('opinion.pendingCount', { count: mine.length })}</span></h2>
            {mine.length > 1 && (
              <div class="action-list"><PostButton action={`/admin/tracking/projects/${p.projectId}/opinions/reject-pending`} label={t('opinion.rejectPendingButton', { count: mine.length })} kind="danger" /></div>
            )}
            <ul class="stack">
              {mine.map((o) => (
                <li class="panel stack" id={`opinion-${o.id}`}>
                  <p class="muted">{t('opinion.submittedAt', { at: formatDateTime(v.lang, o.submittedAt) })}</p>
                  <p>{o.body}</p>
                  <div class="action-list">
                    <PostButton action={`/admin/tracking/opinions/${o.id}/accept`} label={t('opinion.acceptButton')} kind="primary" />
                    <PostButton action={`/admin/tracking/opinions/${o.id}/reject`} label={t('opinion.rejectButton')} kind="danger" />
                  </div>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
      <h2>{t('opinion.acceptedHeading')} <span class="muted">({accepted.length})</span></h2>
      <p>{t('opinion.acceptedIntro')}</p>
      {accepted.length > 0 && (
        <ul class="stack">
          {accepted.map((o) => (
            <li class="panel stack" id={`opinion-${o.id}`}>
              <h3><a href={`/projects/${o.projectId}#opinion-${o.id}`}>{o.projectTitle}</a></h3>
              <p class="muted">{t('opinion.submittedAt', { at: formatDateTime(v.lang, o.submittedAt) })}</p>
              <p>{o.body}</p>
              {o.reply !== null && <p class="muted">{t('opinion.replyHeading')}：{o.reply}</p>}
              <div class="action-list"><PostButton action={`/admin/tracking/opinions/${o.id}/withdraw`} label={t('opinion.withdrawButton')} kind="danger" /></div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
