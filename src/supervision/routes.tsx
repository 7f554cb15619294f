import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { confirmFirst } from '../../views/components/confirm.tsx';
import { ConsolePage, OverduePage } from '../../views/supervision/console.tsx';
import { AdminNotesPage, NoteFormPage, WorkspaceNotesPage } from '../../views/supervision/notes.tsx';
import { AdminOpinionsPage, HONEYPOT_FIELD, OpinionFormPage, OpinionLimitedPage, OpinionSentPage } from '../../views/supervision/opinions.tsx';
import { requestAddress } from '../auth/middleware.ts';
import { officerDepartment, officerDepartmentOrNull } from '../departments/officer.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { fieldErrors, textField } from '../platform/http/forms.ts';
import { acting, type Ctx, currentUser, db, flash, found, idParam, refusing, view } from '../platform/http/kit.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { Refused } from '../platform/refusal.ts';
import { parseInput, ValidationError } from '../platform/validation.ts';
import { opinionInput, PERSONAL_DATA_HINTS, personalDataHints, replyInput } from './rules.ts';
import {
  consoleCounts, decideOpinion, fileNote, getNote, mayFileNote, getOpinion, isStandingCommittee, listNotes, listOpinions, overdueNow, pendingOpinionCount, projectTitle,
  purgeRejectedOpinions, rejectPendingOpinions, replyToNote, replyToOpinion, setNoteDue, submitOpinion, withdrawOpinion,
} from './store.ts';

/**
 * Supervision (issue 12): deputies' inspection notes and the lead department's replies, citizens'
 * opinions, the secretariat's tracking console and the overdue list.
 */

type FormState = Record<string, string>;
const stringValues = (form: Record<string, unknown>) => Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string')) as FormState;

const NOTICES: Record<string, MessageKey> = {
  replied: 'note.repliedNotice', due: 'note.dueNotice', opinionReplied: 'opinion.repliedNotice', accepted: 'opinion.acceptedNotice', rejected: 'opinion.rejectedNotice',
  withdrawn: 'opinion.withdrawnNotice', rejectedPending: 'opinion.rejectedPendingNotice',
};
const ERRORS: Record<string, MessageKey> = {
  replied: 'note.error.replied', decided: 'opinion.error.decided', 'not-accepted': 'opinion.error.notAccepted', 'not-lead': 'note.error.notLead',
};

const HINT_LABELS = {
  mobile: 'opinion.hint.mobile', landline: 'opinion.hint.landline', 'id-number': 'opinion.hint.idNumber', email: 'opinion.hint.email',
} as const satisfies Record<(typeof PERSONAL_DATA_HINTS)[number], MessageKey>;

/** The secretariat's queue: pending opinions to decide, accepted ones to withdraw. Rejected texts past their time go first. */
async function adminOpinionsPage(c: Ctx) {
  await purgeRejectedOpinions(db(c), c.var.deps.clock);
  const [pending, accepted] = await Promise.all([listOpinions(db(c), { state: 'pending' }), listOpinions(db(c), { state: 'accepted' })]);
  return c.render(<AdminOpinionsPage v={view(c)} opinions={pending} accepted={accepted} notice={flash(c, NOTICES)} error={flash(c, ERRORS, 'error')} />, { title: c.var.t('opinion.adminTitle') });
}

const projectOr404 = async (c: Ctx) => {
  const id = idParam(c);
  return { id, title: found(await projectTitle(db(c), id)) };
};

async function workspacePage(c: Ctx, extra: { replyErrors?: { form: string; message: string }; replyValues?: FormState } = {}) {
  // An officer's account tied to no department leads no project: nothing to list.
  const departmentId = officerDepartmentOrNull(c);
  const [notes, opinions] = departmentId === null ? [[], []] : await Promise.all([
    listNotes(db(c), c.var.deps.clock, { departmentId }), listOpinions(db(c), { state: 'accepted', departmentId }),
  ]);
  return c.render(<WorkspaceNotesPage v={view(c)} notes={notes} opinions={opinions} notice={flash(c, NOTICES)} error={flash(c, ERRORS, 'error')} {...extra} />,
    { title: c.var.t('note.workspaceTitle') });
}

async function adminNotesPage(c: Ctx, extra: { dueErrors?: { id: number; message: string; value: string } } = {}) {
  const notes = await listNotes(db(c), c.var.deps.clock);
  return c.render(<AdminNotesPage v={view(c)} notes={notes} notice={flash(c, NOTICES)} error={flash(c, ERRORS, 'error')} {...extra} />, { title: c.var.t('note.adminTitle') });
}

/** The reply's text, checked first (a 422 re-shows it), then confirmed: a reply is public and final. */
function replyStep(c: Ctx, form: Record<string, unknown>, kind: 'note' | 'opinion', id: number, replied: boolean) {
  const { t } = view(c);
  const reply = textField(form, 'reply');
  return confirmFirst(c, form, {
    title: t(kind === 'note' ? 'note.ask.reply.title' : 'opinion.ask.reply.title'), button: t('note.ask.reply.button'), back: `/workspace/notes#${kind}-${id}`,
    consequences: [t('note.ask.reply.public'), t('note.ask.reply.final')], facts: { replied: replied ? 1 : 0 }, carry: { reply },
  });
}

export function supervisionRoutes() {
  return new Hono<AppEnv>()
    // Deputies' inspection notes
    .get('/projects/:id/notes/new', async (c) => {
      const project = await projectOr404(c);
      if (!(await mayFileNote(db(c), project.id, currentUser(c).deputyId))) throw new HTTPException(403);
      return c.render(<NoteFormPage v={view(c)} project={project} />, { title: c.var.t('note.newTitle') });
    })
    .post('/projects/:id/notes', async (c) => {
      const project = await projectOr404(c);
      const deputyId = currentUser(c).deputyId;
      if (!(await mayFileNote(db(c), project.id, deputyId))) throw new HTTPException(403);
      const form = await c.req.parseBody();
      try {
        const note = found(await fileNote(db(c), acting(c), project.id, deputyId!, { body: textField(form, 'body') }));
        return c.redirect(`/projects/${project.id}?done=note#note-${note.id}`, 303);
      } catch (e) {
        if (e instanceof Refused) throw new HTTPException(403);
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return c.render(<NoteFormPage v={view(c)} project={project} values={stringValues(form)} errors={fieldErrors(c.var.t, e)} />, { title: c.var.t('note.newTitle') });
      }
    })
    .get('/admin/tracking/notes', (c) => adminNotesPage(c))
    .post('/admin/tracking/notes/:id/due', async (c) => {
      const id = idParam(c);
      const form = await c.req.parseBody();
      try {
        return await refusing(c, '/admin/tracking/notes', 'due', () => setNoteDue(db(c), acting(c), id, { due: textField(form, 'due') }));
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return adminNotesPage(c, { dueErrors: { id, message: Object.values(fieldErrors(c.var.t, e))[0]!, value: textField(form, 'due') } });
      }
    })
    .get('/workspace/notes', (c) => workspacePage(c))
    .post('/workspace/notes/:id/reply', async (c) => {
      const note = found(await getNote(db(c), c.var.deps.clock, idParam(c)));
      const departmentId = officerDepartment(c);
      if (note.department.id !== departmentId) throw new HTTPException(403);
      const form = await c.req.parseBody();
      try {
        const reply = textField(form, 'reply');
        if (note.reply === null) {
          // Checked before the confirmation, so that a blank or too long reply comes back at once.
          parseInput(replyInput, { reply });
          const asked = replyStep(c, form, 'note', note.id, false);
          if (asked) return asked;
        }
        return await refusing(c, '/workspace/notes', 'replied', () => replyToNote(db(c), acting(c), note.id, departmentId, { reply }));
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return workspacePage(c, { replyErrors: { form: `note-${note.id}`, message: Object.values(fieldErrors(c.var.t, e))[0]! }, replyValues: stringValues(form) });
      }
    })

    // Citizens' opinions: anyone, no account
    .get('/projects/:id/opinions/new', async (c) => {
      const project = await projectOr404(c);
      // After sending (redirect-after-post): what happens next.
      if (c.req.query('done') === 'sent') return c.render(<OpinionSentPage v={view(c)} project={project} />, { title: c.var.t('opinion.sentTitle') });
      return c.render(<OpinionFormPage v={view(c)} project={project} />, { title: c.var.t('opinion.newTitle') });
    })
    .post('/projects/:id/opinions', async (c) => {
      const project = await projectOr404(c);
      const form = await c.req.parseBody();
      const sent = () => c.redirect(`/projects/${project.id}/opinions/new?done=sent`, 303);
      try {
        const body = textField(form, 'body');
        // A robot filled the field no person sees: answered like a success, stored nowhere.
        if (form[HONEYPOT_FIELD] !== undefined && form[HONEYPOT_FIELD] !== '') {
          parseInput(opinionInput, { body });
          return sent();
        }
        const outcome = found(await submitOpinion(db(c), c.var.deps.clock, project.id, requestAddress(c), { body }, c.var.deps.config.signingKeySecret));
        if ('limited' in outcome) {
          c.status(429);
          c.header('Retry-After', String(outcome.limited));
          return c.render(<OpinionLimitedPage v={view(c)} project={project} minutes={Math.max(1, Math.ceil(outcome.limited / 60))} />, { title: c.var.t('opinion.limitedTitle') });
        }
        return sent();
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return c.render(<OpinionFormPage v={view(c)} project={project} values={{ body: textField(form, 'body') }} errors={fieldErrors(c.var.t, e)} />, { title: c.var.t('opinion.newTitle') });
      }
    })
    .get('/admin/tracking/opinions', (c) => adminOpinionsPage(c))
    .post('/admin/tracking/opinions/:id/accept', async (c) => {
      const opinion = found(await getOpinion(db(c), idParam(c)));
      const form = await c.req.parseBody();
      if (opinion.state === 'pending') {
        // Accepting publishes a citizen's words for good: shown in full first, with a warning when they look like personal data.
        const { t } = view(c);
        const hints = personalDataHints(opinion.body);
        const asked = confirmFirst(c, form, {
          title: t('opinion.ask.accept.title'), button: t('opinion.ask.accept.button'), back: `/admin/tracking/opinions#opinion-${opinion.id}`,
          consequences: [
            t('opinion.ask.accept.body', { body: opinion.body }),
            ...(hints.length > 0 ? [t('opinion.ask.accept.personal', { kinds: hints.map((h) => t(HINT_LABELS[h])).join(t('opinion.hint.separator')) })] : []),
            t('opinion.ask.accept.public'),
          ],
          facts: { pending: 1 },
        });
        if (asked) return asked;
      }
      return refusing(c, '/admin/tracking/opinions', 'accepted', () => decideOpinion(db(c), acting(c), opinion.id, 'accepted'));
    })
    .post('/admin/tracking/opinions/:id/withdraw', async (c) => {
      const opinion = found(await getOpinion(db(c), idParam(c)));
      const form = await c.req.parseBody();
      if (opinion.state === 'accepted') {
        const { t } = view(c);
        const asked = confirmFirst(c, form, {
          title: t('opinion.ask.withdraw.title'), button: t('opinion.ask.withdraw.button'), back: `/admin/tracking/opinions#opinion-${opinion.id}`,
          consequences: [t('opinion.ask.accept.body', { body: opinion.body }), t('opinion.ask.withdraw.public'), ...(opinion.reply !== null ? [t('opinion.ask.withdraw.reply')] : []), t('opinion.ask.withdraw.purge')],
          facts: { accepted: 1, replied: opinion.reply !== null ? 1 : 0 },
        });
        if (asked) return asked;
      }
      return refusing(c, '/admin/tracking/opinions', 'withdrawn', () => withdrawOpinion(db(c), acting(c), opinion.id));
    })
    .post('/admin/tracking/projects/:id/opinions/reject-pending', async (c) => {
      const project = await projectOr404(c);
      const form = await c.req.parseBody();
      const pending = await pendingOpinionCount(db(c), project.id);
      const { t } = view(c);
      const asked = confirmFirst(c, form, {
        title: t('opinion.ask.rejectPending.title'), button: t('opinion.ask.rejectPending.button'), back: '/admin/tracking/opinions',
        consequences: [t('opinion.ask.rejectPending.count', { title: project.title, count: pending }), t('opinion.ask.rejectPending.purge')],
        facts: { pending },
      });
      if (asked) return asked;
      return refusing(c, '/admin/tracking/opinions', 'rejectedPending', () => rejectPendingOpinions(db(c), acting(c), project.id));
    })
    .post('/admin/tracking/opinions/:id/reject', async (c) => {
      const id = idParam(c);
      return refusing(c, '/admin/tracking/opinions', 'rejected', () => decideOpinion(db(c), acting(c), id, 'rejected'));
    })
    .post('/workspace/opinions/:id/reply', async (c) => {
      const id = idParam(c);
      const opinion = found(await getOpinion(db(c), id));
      const departmentId = officerDepartment(c);
      if (opinion.department.id !== departmentId) throw new HTTPException(403);
      const form = await c.req.parseBody();
      const reply = textField(form, 'reply');
      try {
        if (opinion.state === 'accepted' && opinion.reply === null) {
          parseInput(replyInput, { reply });
          const asked = replyStep(c, form, 'opinion', id, false);
          if (asked) return asked;
        }
        return await refusing(c, '/workspace/notes', 'opinionReplied', () => replyToOpinion(db(c), acting(c), id, departmentId, { reply }));
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return workspacePage(c, { replyErrors: { form: `opinion-${id}`, message: Object.values(fieldErrors(c.var.t, e))[0]! }, replyValues: stringValues(form) });
      }
    })

    // The secretariat's console and the overdue list
    .get('/admin/tracking', async (c) => {
      await purgeRejectedOpinions(db(c), c.var.deps.clock);
      const [counts, overdue] = await Promise.all([consoleCounts(db(c)), overdueNow(db(c), c.var.deps.clock)]);
      return c.render(<ConsolePage v={view(c)} counts={counts} overdue={overdue} />, { title: c.var.t('console.title') });
    })
    .get('/supervision/overdue', async (c) => {
      const deputyId = currentUser(c).deputyId;
      if (deputyId === null || deputyId === undefined || !(await isStandingCommittee(db(c), deputyId))) throw new HTTPException(403);
      const overdue = await overdueNow(db(c), c.var.deps.clock);
      return c.render(<OverduePage v={view(c)} overdue={overdue} />, { title: c.var.t('overdue.title') });
    });
}
