import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { NoDepartmentPage, WorkspacePage, WorkspaceProjectPage } from '../../views/workspace/workspace.tsx';
import type { AppEnv } from '../platform/http/env.ts';
import { fieldErrors, textField } from '../platform/http/forms.ts';
import { acting, type Ctx, db, flash, found, idParam, view } from '../platform/http/kit.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { Refused } from '../platform/refusal.ts';
import { ValidationError } from '../platform/validation.ts';
import { getProject } from '../projects/store.ts';
import { addSection, openReport, pendingSections, reportContext, reportsOf } from '../reports/store.ts';
import { officerDepartment, officerDepartmentOrNull, officerRole } from '../departments/officer.ts';
import { workspaceItems, workspaceOf } from './store.ts';

const NOTICES: Record<string, MessageKey> = { section: 'workspace.sectionAdded', created: 'report.done.saved' };

/** Form state a page re-shows after a refused post. */
export interface ProjectFormState {
  reportValues?: Record<string, string>;
  reportErrors?: Record<string, string | undefined>;
  sectionValue?: string;
  sectionError?: string;
  error?: string;
}

/**
 * One project as its department sees it: for the lead, the plan, every report (drafts and returned
 * ones too) and the form to start a report; for a co-department, what is public plus its own
 * sections and the form to write one. Anyone else: 404.
 */
export async function workspaceProjectPage(c: Ctx, projectId: number, extra: ProjectFormState = {}) {
  const departmentId = officerDepartment(c);
  const standing = found(await officerRole(c, projectId));
  const clock = c.var.deps.clock;
  const project = found(await getProject(db(c), clock, projectId));
  const [item] = await workspaceItems(db(c), clock, [project], () => standing);
  const lead = standing === 'lead';
  const [reports, context, open, sections] = await Promise.all([
    reportsOf(db(c), projectId, { publicOnly: !lead }), reportContext(db(c), clock, projectId), openReport(db(c), projectId),
    pendingSections(db(c), projectId, lead ? undefined : departmentId),
  ]);
  const formContext = lead && context?.plan && !open ? {
    plan: context.plan, periods: context.periods, doneBefore: [...context.doneBefore], rectifying: context.rectifying,
  } : undefined;
  const values = extra.reportValues ?? { period: context?.defaultPeriod ?? '', kind: 'progress' };
  const error = extra.error ?? (c.req.query('error') === 'open-report' ? c.var.t('report.error.openReport') : undefined);
  return c.render(<WorkspaceProjectPage v={view(c)} item={item!} reports={reports} formContext={formContext}
    reportValues={values} reportErrors={extra.reportErrors} pendingSections={sections} sectionValue={extra.sectionValue} sectionError={extra.sectionError}
    notice={flash(c, NOTICES)} error={error} />, { title: project.title });
}

/** The department's workspace: where its officers land after signing in. */
export function workspaceRoutes() {
  return new Hono<AppEnv>()
    .get('/workspace', async (c) => {
      const departmentId = officerDepartmentOrNull(c);
      const workspace = departmentId === null ? undefined : await workspaceOf(db(c), c.var.deps.clock, departmentId);
      if (!workspace) return c.render(<NoDepartmentPage v={view(c)} />, { title: c.var.t('workspace.title') });
      return c.render(<WorkspacePage v={view(c)} workspace={workspace} />, { title: c.var.t('workspace.titleOf', { department: workspace.departmentName }) });
    })
    .get('/workspace/projects/:id', (c) => workspaceProjectPage(c, idParam(c)))
    .post('/workspace/projects/:id/sections', async (c) => {
      const projectId = idParam(c);
      const departmentId = officerDepartment(c);
      const form = await c.req.parseBody();
      try {
        await addSection(db(c), acting(c), departmentId, projectId, { body: textField(form, 'body') });
        return c.redirect(`/workspace/projects/${projectId}?done=section`, 303);
      } catch (e) {
        if (e instanceof Refused) throw new HTTPException(404);
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return workspaceProjectPage(c, projectId, { sectionValue: textField(form, 'body'), sectionError: fieldErrors(c.var.t, e).body });
      }
    });
}
