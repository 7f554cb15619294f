import { Hono } from 'hono';
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { confirmFirst } from '../../views/components/confirm.tsx';
import { periodLabel } from '../../views/components/reports.tsx';
import { DepartmentReportPage, ReviewPage, ReviewQueuePage } from '../../views/reports/report.tsx';
import type { AppEnv } from '../platform/http/env.ts';
import { fieldErrors, listField, textField } from '../platform/http/forms.ts';
import { acting, type Ctx, db, flash, found, idParam, refusing, view } from '../platform/http/kit.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { Refused } from '../platform/refusal.ts';
import { ValidationError } from '../platform/validation.ts';
import { fenToText, moneyToFen } from '../domain/money.ts';
import { getProject } from '../projects/store.ts';
import { workspaceProjectPage } from '../workspace/routes.tsx';
import { officerDepartment, officerDepartmentOrNull, officerRole } from '../departments/officer.ts';
import { dispositionOf, isSha256, type EvidenceRefusal, prepareEvidence } from './evidence.ts';
import { percentSubItems, type PlanShape, type ReportInput, takesPercent } from './rules.ts';
import type { ReportView } from './model.ts';
import {
  addEvidence, approveReport, evidenceAccess, getReport, reportContext, type ReportRefusal, returnReport, saveReport, startCorrection, createReport, submitReport,
  submittedReports,
} from './store.ts';

type FormState = Record<string, string>;

const NOTICES: Record<string, MessageKey> = {
  saved: 'report.done.saved', submitted: 'report.done.submitted', evidence: 'evidence.done.added', correction: 'report.done.correction',
  approved: 'report.done.approved', returned: 'report.done.returned',
};
const ERRORS: Record<string, MessageKey> = {
  'wrong-state': 'report.error.wrongState', 'open-report': 'report.error.openReport', corrected: 'report.error.corrected',
  'too-many': 'evidence.error.tooMany', 'no-plan': 'report.error.noPlan', 'not-rectifying': 'report.error.notRectifying',
  'own-department': 'report.error.ownDepartment',
};
const EVIDENCE_ERRORS: Record<EvidenceRefusal | 'none', MessageKey> = {
  none: 'evidence.error.none', empty: 'evidence.error.empty', 'too-large': 'evidence.error.tooLarge', type: 'evidence.error.type', unreadable: 'evidence.error.unreadable',
  'active-pdf': 'evidence.error.activePdf',
};

/** A whole number typed into a form ('' → null, anything else not a whole number → NaN). */
const intOrNull = (s: string) => (s.trim() === '' ? null : /^\d{1,4}$/.test(s.trim()) ? Number(s.trim()) : Number.NaN);
/** A decimal typed into a form ('' → null, anything else not a plain decimal → NaN). */
const decimalOrNull = (s: string) => {
  const x = s.trim().replace(/,/g, '');
  return x === '' ? null : /^\d{1,13}(\.\d{1,4})?$/.test(x) ? Number(x) : Number.NaN;
};

/** The report as the form posts it, read against the plan's shape (fields of targets or sub-items the plan does not have are ignored). */
function reportFromForm(form: Record<string, unknown>, plan: PlanShape): ReportInput {
  const subItemPercents: Record<string, number> = {};
  for (const s of percentSubItems(plan)) {
    const value = intOrNull(textField(form, `sub.${s.key}`));
    if (value !== null) subItemPercents[s.key] = value;
  }
  const actuals = plan.targets.flatMap((x) => {
    const value = decimalOrNull(textField(form, `actual.${x.key}`));
    return value === null ? [] : [{ target: x.key, value }];
  });
  const kind = textField(form, 'kind') || 'progress';
  return {
    kind: kind as ReportInput['kind'],
    period: textField(form, 'period') || null,
    narrative: textField(form, 'narrative'),
    percent: takesPercent(plan) ? intOrNull(textField(form, 'percent')) : null,
    spentFen: moneyToFen(textField(form, 'spent'), 'yuan') ?? Number.NaN,
    actuals,
    milestonesDone: listField(form, 'milestone').filter((x): x is string => typeof x === 'string'),
    subItemPercents,
    final: textField(form, 'final') === '1',
  };
}

/** The form's text values as posted, for showing the form again. */
function postedValues(form: Record<string, unknown>): FormState {
  const out: FormState = {};
  for (const [k, v] of Object.entries(form)) if (typeof v === 'string') out[k] = v;
  out.milestones = listField(form, 'milestone').filter((x): x is string => typeof x === 'string').join('\n');
  return out;
}

/** A stored report as form values. */
function reportValues(r: ReportView): FormState {
  const out: FormState = {
    kind: r.kind, period: r.period ?? '', narrative: r.narrative, percent: r.percent === null ? '' : String(r.percent),
    spent: fenToText(r.spentFen, 'yuan'), milestones: r.milestonesDone.join('\n'), final: r.final ? '1' : '',
  };
  for (const a of r.actuals) out[`actual.${a.target}`] = String(a.value);
  for (const [k, v] of Object.entries(r.subItemPercents)) out[`sub.${k}`] = String(v);
  return out;
}

/** A report of a project the signed-in department leads, else 404 (co-departments and others never see unapproved reports here). */
async function ownReportOr404(c: Ctx): Promise<ReportView> {
  const report = found(await getReport(db(c), idParam(c)));
  if ((await officerRole(c, report.projectId)) !== 'lead') throw new HTTPException(404);
  return report;
}

/** The department's page of one of its reports: read it, and while it is a draft or came back, edit it, attach evidence, submit it. */
async function departmentReportPage(c: Ctx, report: ReportView, extra: { values?: FormState; errors?: Record<string, string | undefined>; evidenceError?: string; caption?: string } = {}) {
  const clock = c.var.deps.clock;
  const [project, context] = await Promise.all([getProject(db(c), clock, report.projectId), reportContext(db(c), clock, report.projectId, { replacing: report.correctsId })]);
  const error = c.req.query('error');
  const formContext = context?.plan ? { plan: context.plan, periods: context.periods, doneBefore: [...context.doneBefore], rectifying: context.rectifying } : undefined;
  return c.render(<DepartmentReportPage v={view(c)} project={project!} report={report} plan={context?.plan ?? null} formContext={formContext}
    values={extra.values ?? reportValues(report)} errors={extra.errors} evidenceError={extra.evidenceError} caption={extra.caption}
    notice={flash(c, NOTICES)} error={error && Object.hasOwn(ERRORS, error) ? c.var.t(ERRORS[error]!) : undefined} />,
  { title: c.var.t('report.titleOf', { seq: report.seq, project: project!.title }) });
}

async function reviewPage(c: Ctx, report: ReportView, extra: { comment?: string; commentError?: string } = {}) {
  const clock = c.var.deps.clock;
  const [project, context] = await Promise.all([getProject(db(c), clock, report.projectId), reportContext(db(c), clock, report.projectId, { replacing: report.correctsId })]);
  const error = c.req.query('error');
  return c.render(<ReviewPage v={view(c)} project={project!} report={report} plan={context?.plan ?? null} {...extra}
    notice={flash(c, NOTICES)} error={error && Object.hasOwn(ERRORS, error) ? c.var.t(ERRORS[error]!) : undefined} />,
  { title: c.var.t('report.review.titleOf', { seq: report.seq, project: project!.title }) });
}

/** Turns a refusal of a report step into the page again (404 when the report is not the department's). */
function refusalQuery(e: unknown): string | undefined {
  if (!(e instanceof Refused)) return undefined;
  if (e.reason === 'not-found') throw new HTTPException(404);
  return e.reason as ReportRefusal;
}

/**
 * Evidence is served as inert content: `nosniff`, a sandboxing CSP that lets it run nothing, and the
 * type it was stored as. Registered before the app's security headers (src/app.ts), so that it
 * runs after them on the way out and has the last word, as openData does.
 */
export function evidenceHeaders(): MiddlewareHandler {
  return async function evidenceHeadersMiddleware(c, next) {
    await next();
    c.res.headers.set('Content-Security-Policy', "sandbox; default-src 'none'");
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
  };
}

/** Progress reports: the lead department drafts, fills in, documents and submits; the secretariat approves or returns. */
export function reportRoutes() {
  return new Hono<AppEnv>()
    .post('/workspace/projects/:id/reports', async (c) => {
      const projectId = idParam(c);
      const departmentId = officerDepartment(c);
      const context = found(await reportContext(db(c), c.var.deps.clock, projectId));
      if (context.leadDepartmentId !== departmentId) throw new HTTPException(404);
      const form = await c.req.parseBody({ all: true });
      try {
        if (!context.plan) throw new Refused<ReportRefusal>('no-plan');
        const { id } = await createReport(db(c), acting(c), departmentId, projectId, reportFromForm(form, context.plan));
        return c.redirect(`/workspace/reports/${id}?done=saved`, 303);
      } catch (e) {
        if (e instanceof ValidationError) {
          c.status(422);
          return workspaceProjectPage(c, projectId, { reportValues: postedValues(form), reportErrors: fieldErrors(c.var.t, e) });
        }
        const reason = refusalQuery(e);
        if (!reason) throw e;
        c.status(409);
        return workspaceProjectPage(c, projectId, { reportValues: postedValues(form), error: c.var.t(ERRORS[reason] ?? 'report.error.wrongState') });
      }
    })
    .get('/workspace/reports/:id', async (c) => departmentReportPage(c, await ownReportOr404(c)))
    .post('/workspace/reports/:id', async (c) => {
      const report = await ownReportOr404(c);
      const context = found(await reportContext(db(c), c.var.deps.clock, report.projectId, { replacing: report.correctsId }));
      const form = await c.req.parseBody({ all: true });
      try {
        if (!context.plan) throw new Refused<ReportRefusal>('no-plan');
        await saveReport(db(c), acting(c), officerDepartment(c), report.id, reportFromForm(form, context.plan));
        return c.redirect(`/workspace/reports/${report.id}?done=saved`, 303);
      } catch (e) {
        if (e instanceof ValidationError) {
          c.status(422);
          return departmentReportPage(c, report, { values: postedValues(form), errors: fieldErrors(c.var.t, e) });
        }
        const reason = refusalQuery(e);
        if (!reason) throw e;
        return c.redirect(`/workspace/reports/${report.id}?error=${reason}`, 303);
      }
    })
    .post('/workspace/reports/:id/submit', async (c) => {
      const report = await ownReportOr404(c);
      const { t } = view(c);
      const asked = confirmFirst(c, await c.req.parseBody(), {
        title: t('report.ask.submit.title'), button: t('report.ask.submit.button'), back: `/workspace/reports/${report.id}`,
        consequences: [t('report.ask.submit.what', { seq: report.seq, period: periodLabel(view(c), report.period), evidence: report.evidence.length }), t('report.ask.submit.final')],
        facts: { state: report.state, evidence: report.evidence.length },
      });
      if (asked) return asked;
      return refusing(c, `/workspace/reports/${report.id}`, 'submitted', () => submitReport(db(c), acting(c), officerDepartment(c), report.id));
    })
    .post('/workspace/reports/:id/correct', async (c) => {
      const report = await ownReportOr404(c);
      try {
        const { id } = await startCorrection(db(c), acting(c), officerDepartment(c), report.id);
        return c.redirect(`/workspace/reports/${id}?done=correction`, 303);
      } catch (e) {
        const reason = refusalQuery(e);
        if (!reason) throw e;
        return c.redirect(`/workspace/reports/${report.id}?error=${reason}`, 303);
      }
    })
    .post('/workspace/reports/:id/evidence', async (c) => {
      const report = await ownReportOr404(c);
      const form = await c.req.parseBody();
      const file = form.file;
      const caption = textField(form, 'caption');
      const refuse = (key: MessageKey, status: 413 | 422 = 422) => {
        c.status(status);
        return departmentReportPage(c, report, { evidenceError: c.var.t(key), caption });
      };
      // A form sent without choosing a file carries an empty part with an empty name.
      if (!(file instanceof File) || (file.size === 0 && file.name === '')) return refuse(EVIDENCE_ERRORS.none);
      const prepared = await prepareEvidence(new Uint8Array(await file.arrayBuffer()));
      if (!prepared.ok) return refuse(EVIDENCE_ERRORS[prepared.reason], prepared.reason === 'too-large' ? 413 : 422);
      try {
        await addEvidence(db(c), acting(c), officerDepartment(c), report.id, prepared.file, { caption });
        return c.redirect(`/workspace/reports/${report.id}?done=evidence#evidence`, 303);
      } catch (e) {
        if (e instanceof ValidationError) return refuse('evidence.error.caption');
        const reason = refusalQuery(e);
        if (!reason) throw e;
        return c.redirect(`/workspace/reports/${report.id}?error=${reason}`, 303);
      }
    })
    .get('/admin/tracking/reports', async (c) => {
      const queue = await submittedReports(db(c));
      return c.render(<ReviewQueuePage v={view(c)} queue={queue} notice={flash(c, NOTICES)} />, { title: c.var.t('report.review.title') });
    })
    .get('/admin/tracking/reports/:id', async (c) => reviewPage(c, found(await getReport(db(c), idParam(c)))))
    .post('/admin/tracking/reports/:id/approve', async (c) => {
      const report = found(await getReport(db(c), idParam(c)));
      const { t } = view(c);
      const project = found(await getProject(db(c), c.var.deps.clock, report.projectId));
      const asked = confirmFirst(c, await c.req.parseBody(), {
        title: t('report.review.ask.approve.title'), button: t('report.review.ask.approve.button'), back: `/admin/tracking/reports/${report.id}`,
        consequences: [t('report.review.ask.approve.what', { seq: report.seq, project: project.title, department: project.leadDepartment.name }), t('report.review.ask.approve.final')],
        facts: { state: report.state, evidence: report.evidence.length, sections: report.sections.length },
      });
      if (asked) return asked;
      return refusing(c, `/admin/tracking/reports/${report.id}`, 'approved', () => approveReport(db(c), acting(c), report.id, officerDepartmentOrNull(c)));
    })
    .post('/admin/tracking/reports/:id/return', async (c) => {
      const report = found(await getReport(db(c), idParam(c)));
      const comment = textField(await c.req.parseBody(), 'comment');
      try {
        await returnReport(db(c), acting(c), report.id, { comment }, officerDepartmentOrNull(c));
        return c.redirect('/admin/tracking/reports?done=returned', 303);
      } catch (e) {
        if (e instanceof ValidationError) {
          c.status(422);
          return reviewPage(c, report, { comment, commentError: fieldErrors(c.var.t, e).comment });
        }
        const reason = refusalQuery(e);
        if (!reason) throw e;
        return c.redirect(`/admin/tracking/reports/${report.id}?error=${reason}`, 303);
      }
    })
    .get('/evidence/:sha256', async (c) => {
      const sha = c.req.param('sha256');
      if (!isSha256(sha)) throw new HTTPException(404);
      const file = found(await evidenceAccess(db(c), sha));
      if (!file.public) {
        // Not yet public: only the lead department of a report carrying it, and the secretariat.
        const user = c.var.user;
        const allowed = user && (user.roles.includes('secretariat') || (user.departmentId !== null && user.roles.includes('department') && file.leadDepartmentIds.includes(user.departmentId)));
        if (!allowed) throw new HTTPException(404);
      }
      const etag = `"${sha}"`;
      const headers: Record<string, string> = {
        'Content-Type': file.mediaType, ETag: etag, 'Content-Disposition': dispositionOf(file.mediaType, sha),
        // The name is the content's hash: a public file never changes. One not yet public is nobody's to keep.
        'Cache-Control': file.public ? 'public, max-age=31536000, immutable' : 'private, no-store',
      };
      if (c.req.header('If-None-Match')?.split(',').map((s) => s.trim()).includes(etag)) return c.body(null, 304, headers);
      return c.body(new Uint8Array(file.bytes), 200, headers);
    });
}
