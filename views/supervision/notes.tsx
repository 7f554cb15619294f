import { formatDate, formatDateTime } from '../../src/platform/i18n/index.ts';
import type { NoteWithProject, OpinionWithProject } from '../../src/supervision/model.ts';
import type { ViewContext } from '../context.ts';
import { Field, Notice, TextArea } from '../components/form.tsx';

/** A note as these pages show it. */
type NoteView = NoteWithProject;

type FormState = Record<string, string>;

/** A deputy's form for an inspection note (视察意见) on one project. */
export function NoteFormPage({ v, project, values, errors }: { v: ViewContext; project: { id: number; title: string }; values?: FormState; errors?: FormState }) {
  const { t } = v;
  return (
    <section aria-labelledby="note-title" class="stack narrow">
      <p><a href={`/projects/${project.id}`}>{project.title}</a></p>
      <h1 id="note-title">{t('note.newTitle')}</h1>
      <p>{t('note.newIntro')}</p>
      {errors && Object.keys(errors).length > 0 && <Notice kind="error">{t('note.fixErrors')}</Notice>}
      <form method="post" action={`/projects/${project.id}/notes`} class="stack">
        <TextArea name="body" label={t('note.body')} hint={t('note.bodyHint')} value={values?.body} error={errors?.body} rows={8} />
        <button type="submit" class="button button--primary button--big">{t('note.fileButton')}</button>
      </form>
    </section>
  );
}

/** One note, its reply or its due date, as a list item. */
function NoteItem({ v, note, level = 3, children }: { v: ViewContext; note: NoteView; level?: 2 | 3; children?: unknown }) {
  const { t } = v;
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <li class="panel stack" id={`note-${note.id}`}>
      <Heading><a href={`/projects/${note.projectId}`}>{note.projectTitle}</a> <span class="muted">{note.department.name}</span></Heading>
      <p class="muted">{t('note.filedBy', { name: note.deputyName, delegation: note.delegation, at: formatDateTime(v.lang, note.filedAt) })}</p>
      <p>{note.body}</p>
      {note.reply !== null
        ? <div class="stack"><p><strong>{t('note.replyHeading')}</strong> <span class="muted">{formatDateTime(v.lang, note.repliedAt!)}</span></p><p>{note.reply}</p></div>
        : <p>{note.overdue ? <strong class="chip chip--warn">{t('note.overdue', { date: formatDate(v.lang, note.replyDue) })}</strong> : t('note.dueOn', { date: formatDate(v.lang, note.replyDue) })}</p>}
      {children}
    </li>
  );
}

/** An accepted opinion the department may reply to. */
type ReplyOpinionView = OpinionWithProject;

/** The department's page: notes and accepted opinions on the projects it leads, each answered once. */
export function WorkspaceNotesPage({ v, notes, opinions, notice, error, replyErrors, replyValues }: {
  v: ViewContext; notes: NoteView[]; opinions: ReplyOpinionView[]; notice?: string; error?: string;
  /** The form that came back with an error: `note-<id>` or `opinion-<id>`, and its message. */
  replyErrors?: { form: string; message: string }; replyValues?: FormState;
}) {
  const { t } = v;
  const errorFor = (form: string) => (replyErrors?.form === form ? replyErrors.message : undefined);
  const valueFor = (form: string) => (replyErrors?.form === form ? replyValues?.reply : undefined);
  return (
    <section aria-labelledby="ws-notes-title" class="stack">
      <h1 id="ws-notes-title">{t('note.workspaceTitle')}</h1>
      {notice && <Notice kind="ok">{notice}</Notice>}
      {error && <Notice kind="error">{error}</Notice>}
      <h2>{t('note.listHeading')} <span class="muted">({notes.length})</span></h2>
      {notes.length === 0 ? <p>{t('note.none')}</p> : (
        <ul class="stack">
          {notes.map((n) => (
            <NoteItem v={v} note={n}>
              {n.reply === null && (
                <form method="post" action={`/workspace/notes/${n.id}/reply`} class="stack">
                  <ReplyField v={v} id={`note-${n.id}-reply`} value={valueFor(`note-${n.id}`)} error={errorFor(`note-${n.id}`)} />
                  <button type="submit" class="button button--primary">{t('note.replyButton')}</button>
                </form>
              )}
            </NoteItem>
          ))}
        </ul>
      )}
      <h2>{t('opinion.workspaceHeading')} <span class="muted">({opinions.length})</span></h2>
      {opinions.length === 0 ? <p>{t('opinion.noneAccepted')}</p> : (
        <ul class="stack">
          {opinions.map((o) => (
            <li class="panel stack" id={`opinion-${o.id}`}>
              <h3><a href={`/projects/${o.projectId}`}>{o.projectTitle}</a></h3>
              <p class="muted">{t('opinion.submittedAt', { at: formatDateTime(v.lang, o.submittedAt) })}</p>
              <p>{o.body}</p>
              {o.reply !== null
                ? <div class="stack"><p><strong>{t('opinion.replyHeading')}</strong></p><p>{o.reply}</p></div>
                : (
                  <form method="post" action={`/workspace/opinions/${o.id}/reply`} class="stack">
                    <ReplyField v={v} id={`opinion-${o.id}-reply`} value={valueFor(`opinion-${o.id}`)} error={errorFor(`opinion-${o.id}`)} />
                    <button type="submit" class="button button--primary">{t('opinion.replyButton')}</button>
                  </form>
                )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ReplyField({ v, id, value, error }: { v: ViewContext; id: string; value?: string; error?: string }) {
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <label for={id}>{v.t('note.replyField')}</label>
      {error && <p id={`${id}-error`} class="field__error">{error}</p>}
      <textarea id={id} name="reply" rows={4} maxlength={5000} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${id}-error` : undefined}>{value ?? ''}</textarea>
    </div>
  );
}

/** The secretariat's list of notes: the unanswered first, each with its due date to change. */
export function AdminNotesPage({ v, notes, notice, error, dueErrors }: { v: ViewContext; notes: NoteView[]; notice?: string; error?: string; dueErrors?: { id: number; message: string; value: string } }) {
  const { t } = v;
  return (
    <section aria-labelledby="admin-notes-title" class="stack">
      <p><a href="/admin/tracking">{t('console.title')}</a></p>
      <h1 id="admin-notes-title">{t('note.adminTitle')}</h1>
      {notice && <Notice kind="ok">{notice}</Notice>}
      {error && <Notice kind="error">{error}</Notice>}
      {notes.length === 0 ? <p>{t('note.none')}</p> : (
        <ul class="stack">
          {notes.map((n) => (
            <NoteItem v={v} note={n} level={2}>
              {n.reply === null && (
                <form method="post" action={`/admin/tracking/notes/${n.id}/due`} class="stack narrow">
                  <Field id={`note-${n.id}-due`} name="due" type="date" label={t('note.dueField')} value={dueErrors?.id === n.id ? dueErrors.value : n.replyDue}
                    error={dueErrors?.id === n.id ? dueErrors.message : undefined} required />
                  <button type="submit" class="button button--secondary">{t('note.dueButton')}</button>
                </form>
              )}
            </NoteItem>
          ))}
        </ul>
      )}
    </section>
  );
}
