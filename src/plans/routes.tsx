import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { confirmFirst } from '../../views/components/confirm.tsx';
import { PlanEditPage, type PlanEditPageProps } from '../../views/plans/edit.tsx';
import { PlanQueuePage, PlanReviewPage, type PlanReviewPageProps } from '../../views/plans/review.tsx';
import type { AppEnv } from '../platform/http/env.ts';
import { fieldErrors, listField, textField } from '../platform/http/forms.ts';
import { acting, type Ctx, db, flash, found, idParam, view } from '../platform/http/kit.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { Refused } from '../platform/refusal.ts';
import { ValidationError } from '../platform/validation.ts';
import { officerDepartmentOrNull, officerRole } from '../departments/officer.ts';
import type { PlanProject } from './model.ts';
import { BLANK_ROWS, diffPlans, planFromForm, planToForm, postedRows, rowCount } from './rules.ts';
import {
  approvedBefore, approvePlan, departmentNames, getPlanRevision, planContext, type PlanRefusal, planProject, planRevisions, planState, returnPlan, savePlan,
  submitPlan, submittedPlans,
} from './store.ts';

const NOTICES: Record<string, MessageKey> = { saved: 'plan.saved', submitted: 'plan.submitted', approved: 'plan.approvedNotice', returned: 'plan.returnedDone' };
const REFUSALS: Record<Exclude<PlanRefusal, 'not-found'>, MessageKey> = {
  'not-lead': 'plan.refused.notLead', 'under-review': 'plan.refused.underReview', 'nothing-open': 'plan.refused.nothingOpen',
  'wrong-state': 'plan.refused.wrongState', 'own-department': 'plan.refused.ownDepartment',
};

type Values = Record<string, string>;

/** A posted form's text fields (a repeated field keeps its last value; checkboxes are read with listField). */
function textValues(form: Record<string, unknown>): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(form)) {
    const last = Array.isArray(v) ? v.at(-1) : v;
    if (typeof last === 'string') out[k] = last;
  }
  return out;
}

/**
 * The project whose plan the signed-in department officer works on: 404 when there is none, 403
 * unless the officer's department leads it (a co-department reads the approved plan on the public
 * page and contributes to reports, never to the plan).
 */
async function ledProject(c: Ctx): Promise<PlanProject> {
  const project = found(await planProject(db(c), idParam(c)));
  if ((await officerRole(c, project.id)) !== 'lead') throw new HTTPException(403);
  return project;
}

/** The rows a form shows: the filled ones, and BLANK_ROWS blanks (more when asked for more). */
function rowsFor(values: Values, more: boolean) {
  const rows = (list: 'targets' | 'subItems' | 'milestones') => {
    const filled = postedRows(values, list).length;
    const shown = Math.max(rowCount(values, list), filled + BLANK_ROWS);
    return Math.min(more ? shown + BLANK_ROWS : shown, 60);
  };
  return { targets: rows('targets'), subItems: rows('subItems'), milestones: rows('milestones') };
}

/** The values a form starts from: the open revision, else the approved plan (the next revision changes it), else the candidate's figures. */
async function startingValues(c: Ctx, project: PlanProject): Promise<Values> {
  const revisions = await planRevisions(db(c), project.id);
  const open = revisions.find((r) => r.state !== 'approved');
  const base = open ?? revisions.filter((r) => r.state === 'approved').at(-1);
  if (base) {
    return { ...planToForm(base.content), coDepartments: base.content.coDepartmentIds.join(','), ...(open?.reason ? { reason: open.reason } : {}) };
  }
  const fen = project.candidate.totalInvestmentYuan === null ? 0 : project.candidate.totalInvestmentYuan * 100;
  return {
    ...planToForm({
      totalInvestmentFen: fen, annualInvestmentFen: fen, startsOn: null, deadline: project.candidate.deadline, location: null,
      leadOfficial: project.candidate.leadOfficial, schedule: 'quarterly', coDepartmentIds: [], targets: [], subItems: [], milestones: [],
    }),
    coDepartments: project.candidate.coDepartmentIds.join(','),
  };
}

async function planPage(c: Ctx, project: PlanProject, extra: { values?: Values; errors?: Record<string, string>; more?: boolean } = {}) {
  const [state, ctx, departments] = await Promise.all([planState(db(c), project.id), planContext(db(c), project), departmentNames(db(c))]);
  const open = state.open ? await getPlanRevision(db(c), state.open.id) : undefined;
  const values = extra.values ?? await startingValues(c, project);
  const subItemSource = open?.content.subItems ?? state.approved?.content.subItems ?? [];
  const props: PlanEditPageProps = {
    v: view(c), project, state, revision: ctx.revision, values, rows: rowsFor(values, extra.more ?? false), departments,
    subItemOptions: subItemSource.map((s) => ({ key: s.key, title: s.title })),
    submitted: open?.state === 'submitted' ? open.content : undefined,
    changes: open && state.approved ? diffPlans(state.approved.content, open.content) : undefined,
    errors: extra.errors, notice: flash(c, NOTICES), error: flash(c, REFUSAL_FLASH, 'error'),
  };
  return c.render(<PlanEditPage {...props} />, { title: `${c.var.t('plan.title')}: ${project.title}` });
}

const REFUSAL_FLASH: Record<string, MessageKey> = Object.fromEntries(Object.entries(REFUSALS));

/** Back to `page` with the refusal's reason for the page to say. */
function refusedTo(c: Ctx, page: string, e: unknown): Response {
  if (!(e instanceof Refused)) throw e;
  if (e.reason === 'not-found') throw new HTTPException(404);
  if (e.reason === 'not-lead') throw new HTTPException(403);
  return c.redirect(`${page}?error=${encodeURIComponent(e.reason)}`, 303);
}

async function reviewPage(c: Ctx, planId: number, extra: Partial<PlanReviewPageProps> = {}) {
  const plan = found(await getPlanRevision(db(c), planId));
  const project = found(await planProject(db(c), plan.projectId));
  const [previous, departments] = await Promise.all([approvedBefore(db(c), project.id, plan.revision), departmentNames(db(c))]);
  return c.render(<PlanReviewPage v={view(c)} project={project} plan={plan} previous={previous} changes={diffPlans(previous?.content ?? null, plan.content)}
    departments={departments} notice={flash(c, NOTICES)} error={flash(c, REFUSAL_FLASH, 'error')} {...extra} />, { title: `${c.var.t('plan.queue.title')}: ${project.title}` });
}

/**
 * Implementation plans: the lead department drafts and submits a revision in its workspace; the
 * secretariat reviews the queue, approves (confirmed first: it becomes public and never changes) or
 * returns it with a comment.
 */
export function planRoutes() {
  return new Hono<AppEnv>()
    .get('/workspace/projects/:id/plan', async (c) => planPage(c, await ledProject(c)))
    .post('/workspace/projects/:id/plan', async (c) => {
      const project = await ledProject(c);
      const form = await c.req.parseBody({ all: true });
      const values = textValues(form);
      const coDepartments = listField(form, 'coDepartments').filter((x): x is string => typeof x === 'string');
      values.coDepartments = coDepartments.join(',');
      const page = `/workspace/projects/${project.id}/plan`;
      const state = await planState(db(c), project.id);
      if (state.open?.state === 'submitted') return c.redirect(`${page}?error=under-review`, 303);
      // "More rows": the form again with more blank rows, nothing saved.
      if (values.more === '1') return planPage(c, project, { values, more: true });
      const ctx = await planContext(db(c), project);
      try {
        const { plan, reason } = planFromForm(values, ctx, coDepartments);
        await savePlan(db(c), acting(c), project.id, officerDepartmentOrNull(c), plan, reason);
        return c.redirect(`${page}?done=saved`, 303);
      } catch (e) {
        if (e instanceof ValidationError) {
          c.status(422);
          return planPage(c, project, { values, errors: fieldErrors(c.var.t, e) });
        }
        return refusedTo(c, page, e);
      }
    })
    .post('/workspace/projects/:id/plan/submit', async (c) => {
      const project = await ledProject(c);
      const page = `/workspace/projects/${project.id}/plan`;
      const state = await planState(db(c), project.id);
      if (!state.open) return c.redirect(`${page}?error=nothing-open`, 303);
      if (state.open.state === 'submitted') return c.redirect(`${page}?error=under-review`, 303);
      const { t } = view(c);
      const asked = confirmFirst(c, await c.req.parseBody(), {
        title: t('plan.ask.submit.title'), button: t('plan.ask.submit.button'), back: page,
        consequences: [t('plan.ask.submit.what', { revision: state.open.revision, project: project.title }), t('plan.ask.submit.review')],
        facts: { revision: state.open.revision, state: state.open.state },
      });
      if (asked) return asked;
      try {
        await submitPlan(db(c), acting(c), project.id, officerDepartmentOrNull(c));
        return c.redirect(`${page}?done=submitted`, 303);
      } catch (e) {
        return refusedTo(c, page, e);
      }
    })
    .get('/admin/tracking/plans', async (c) => c.render(<PlanQueuePage v={view(c)} items={await submittedPlans(db(c))} notice={flash(c, NOTICES)} />, { title: c.var.t('plan.queue.title') }))
    .get('/admin/tracking/plans/:id', async (c) => reviewPage(c, idParam(c)))
    .post('/admin/tracking/plans/:id/approve', async (c) => {
      const plan = found(await getPlanRevision(db(c), idParam(c)));
      const page = `/admin/tracking/plans/${plan.id}`;
      if (plan.state !== 'submitted') return c.redirect(`${page}?error=wrong-state`, 303);
      const project = found(await planProject(db(c), plan.projectId));
      const { t } = view(c);
      const asked = confirmFirst(c, await c.req.parseBody(), {
        title: t('plan.ask.approve.title'), button: t('plan.ask.approve.button'), back: page,
        consequences: [t('plan.ask.approve.what', { revision: plan.revision, project: project.title }), t('plan.ask.approve.final')],
        facts: { plan: plan.id, state: plan.state, drafted: plan.draftedAt.toISOString() },
      });
      if (asked) return asked;
      try {
        await approvePlan(db(c), acting(c), plan.id, officerDepartmentOrNull(c));
        return c.redirect('/admin/tracking/plans?done=approved', 303);
      } catch (e) {
        return refusedTo(c, page, e);
      }
    })
    .post('/admin/tracking/plans/:id/return', async (c) => {
      const plan = found(await getPlanRevision(db(c), idParam(c)));
      const page = `/admin/tracking/plans/${plan.id}`;
      const comment = textField(await c.req.parseBody(), 'comment');
      try {
        await returnPlan(db(c), acting(c), plan.id, comment, officerDepartmentOrNull(c));
        return c.redirect('/admin/tracking/plans?done=returned', 303);
      } catch (e) {
        if (e instanceof ValidationError) {
          c.status(422);
          return reviewPage(c, plan.id, { comment, commentError: fieldErrors(c.var.t, e).comment });
        }
        return refusedTo(c, page, e);
      }
    });
}
