import type { ApprovedPlan } from '../../src/projects/model.ts';
import { formatDate, formatDateTime } from '../../src/platform/i18n/index.ts';
import type { ReportView, SectionView } from '../../src/reports/model.ts';
import type { Workspace, WorkspaceItem } from '../../src/workspace/model.ts';
import { Notice, TextArea } from '../components/form.tsx';
import { formatFen } from '../components/money.ts';
import { ProgressBar, reviewStateLabel, ReviewStateChip, StatusBadge } from '../components/tracking.tsx';
import {
  periodLabel, ReportBody, ReportForm, type ReportFormContext, reportKindLabel,
} from '../components/reports.tsx';
import type { ViewContext } from '../context.ts';

export function NoDepartmentPage({ v }: { v: ViewContext }) {
  return (
    <section aria-labelledby="workspace-title">
      <h1 id="workspace-title">{v.t('workspace.title')}</h1>
      <p>{v.t('workspace.noDepartment')}</p>
    </section>
  );
}

/** What the department owes on a project: the plan, reports due and late, what came back. */
function Due({ v, item }: { v: ViewContext; item: WorkspaceItem }) {
  const { t, lang } = v;
  const lines = [];
  const id = item.project.id;
  if (item.standing === 'lead') {
    if (!item.plan) lines.push(<li><a href={`/workspace/projects/${id}/plan`}>{t('workspace.planDue')}</a></li>);
    else if (item.plan.state === 'returned') lines.push(<li><a href={`/workspace/projects/${id}/plan`}>{t('workspace.planReturned', { comment: item.plan.returnComment ?? '' })}</a></li>);
    else if (item.plan.state !== 'approved') lines.push(<li><a href={`/workspace/projects/${id}/plan`}>{t('workspace.planWaiting', { state: reviewStateLabel(v, item.plan.state) })}</a></li>);
    if (item.openReport?.state === 'returned') {
      lines.push(<li><a href={`/workspace/reports/${item.openReport.id}`}>{t('workspace.reportReturned', { seq: item.openReport.seq, comment: item.openReport.returnComment ?? '' })}</a></li>);
    } else if (item.openReport) {
      lines.push(<li><a href={`/workspace/reports/${item.openReport.id}`}>{t('workspace.reportOpen', { seq: item.openReport.seq, state: reviewStateLabel(v, item.openReport.state) })}</a></li>);
    }
  }
  for (const p of item.late) lines.push(<li class="field__error">{t('workspace.late', { period: periodLabel(v, p.period), date: formatDate(lang, p.dueOn) })}</li>);
  if (item.nextPeriod) lines.push(<li>{t('workspace.next', { period: periodLabel(v, item.nextPeriod.period), date: formatDate(lang, item.nextPeriod.dueOn) })}</li>);
  if (lines.length === 0) return <p class="muted">{t('workspace.nothingDue')}</p>;
  return <ul>{lines}</ul>;
}

function ProjectCard({ v, item }: { v: ViewContext; item: WorkspaceItem }) {
  const p = item.project;
  const headingId = `project-${p.id}`;
  return (
    <li class="candidate-card">
      <article aria-labelledby={headingId}>
        <h3 id={headingId} class="candidate-card__name"><a href={`/workspace/projects/${p.id}`}>{p.title}</a></h3>
        <StatusBadge v={v} status={p.status} />
        <ProgressBar v={v} value={p.progress} label={v.t('workspace.progressOf', { title: p.title })} />
        <p>{v.t('workspace.spent', { spent: formatFen(v.lang, p.money.spentFen), annual: formatFen(v.lang, p.money.annualInvestmentFen) })}</p>
        <Due v={v} item={item} />
      </article>
    </li>
  );
}

export function WorkspacePage({ v, workspace }: { v: ViewContext; workspace: Workspace }) {
  const { t } = v;
  return (
    <section aria-labelledby="workspace-title">
      <h1 id="workspace-title">{t('workspace.titleOf', { department: workspace.departmentName })}</h1>
      <p class="workspace-supervision"><a href="/workspace/notes">{t('workspace.supervisionLink')}</a>{' '}
        <span class={workspace.toAnswer.overdue > 0 ? 'chip chip--warn' : 'chip'}>{t('workspace.supervisionCounts', workspace.toAnswer)}</span></p>
      {workspace.lead.length === 0 && workspace.co.length === 0 && <p>{t('workspace.none')}</p>}
      {workspace.lead.map((group) => (
        <>
          <h2>{t('workspace.leadOf', { year: group.year })}</h2>
          <ul class="candidate-list">{group.items.map((item) => <ProjectCard v={v} item={item} />)}</ul>
        </>
      ))}
      {workspace.co.length > 0 && (
        <>
          <h2>{t('workspace.coProjects')}</h2>
          <p class="muted">{t('workspace.coHint')}</p>
          <ul class="candidate-list">{workspace.co.map((item) => <ProjectCard v={v} item={item} />)}</ul>
        </>
      )}
    </section>
  );
}

function PlanSummary({ v, plan, done }: { v: ViewContext; plan: ApprovedPlan | null; done: ReadonlySet<string> }) {
  const { t, lang } = v;
  if (!plan) return <p>{t('workspace.noPlan')}</p>;
  return (
    <>
      <dl class="facts">
        <div><dt>{t('workspace.plan.revision')}</dt><dd>{plan.revision}</dd></div>
        <div><dt>{t('workspace.plan.period')}</dt><dd>{formatDate(lang, plan.startsOn)} – {formatDate(lang, plan.deadline)}</dd></div>
        <div><dt>{t('workspace.plan.annual')}</dt><dd>{formatFen(lang, plan.annualInvestmentFen)}</dd></div>
        <div><dt>{t('workspace.plan.total')}</dt><dd>{formatFen(lang, plan.totalInvestmentFen)}</dd></div>
        <div><dt>{t('workspace.plan.schedule')}</dt><dd>{t(plan.schedule === 'monthly' ? 'workspace.plan.monthly' : 'workspace.plan.quarterly')}</dd></div>
        <div><dt>{t('workspace.plan.official')}</dt><dd>{plan.leadOfficial}</dd></div>
      </dl>
      {plan.milestones.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <caption>{t('workspace.plan.milestones')}</caption>
            <thead><tr><th scope="col">{t('workspace.plan.milestone')}</th><th scope="col">{t('workspace.plan.due')}</th><th scope="col">{t('workspace.plan.weight')}</th><th scope="col">{t('workspace.plan.done')}</th></tr></thead>
            <tbody>{plan.milestones.map((m) => (
              <tr><th scope="row">{m.title}</th><td>{formatDate(lang, m.due)}</td><td>{m.weight}</td><td>{done.has(m.key) ? t('workspace.plan.yes') : t('workspace.plan.no')}</td></tr>
            ))}</tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** The reports of a project, newest first, each linking to its page (the lead's) or shown in full (approved, for a co-department). */
function ReportList({ v, reports, lead, plan }: { v: ViewContext; reports: ReportView[]; lead: boolean; plan: ApprovedPlan | null }) {
  const { t, lang } = v;
  if (reports.length === 0) return <p class="muted">{t('workspace.noReports')}</p>;
  if (!lead) {
    return <>{[...reports].reverse().map((r) => (
      <article aria-labelledby={`report-${r.id}`}><h3 id={`report-${r.id}`}>{t('report.seq', { seq: r.seq })} · {periodLabel(v, r.period)}</h3><ReportBody v={v} report={r} plan={plan} headingLevel={3} /></article>
    ))}</>;
  }
  return (
    <div class="table-wrap">
      <table class="table">
        <caption>{t('workspace.reports')}</caption>
        <thead><tr><th scope="col">{t('report.field.seq')}</th><th scope="col">{t('report.field.period')}</th><th scope="col">{t('report.field.kind')}</th><th scope="col">{t('report.field.state')}</th><th scope="col">{t('report.field.updated')}</th></tr></thead>
        <tbody>{[...reports].reverse().map((r) => (
          <tr>
            <th scope="row"><a href={`/workspace/reports/${r.id}`}>{t('report.seq', { seq: r.seq })}</a></th>
            <td>{periodLabel(v, r.period)}</td><td>{reportKindLabel(v, r.kind)}{r.correctsSeq !== null && `（${t('report.correctsSeq', { seq: r.correctsSeq })}）`}</td>
            <td><ReviewStateChip v={v} state={r.state} />{r.state === 'returned' && r.returnComment && <p>{r.returnComment}</p>}</td>
            <td>{formatDateTime(lang, r.decidedAt ?? r.submittedAt ?? r.draftedAt)}</td>
          </tr>
        ))}</tbody>
      </table>
    </div>
  );
}

export interface WorkspaceProjectProps {
  v: ViewContext;
  item: WorkspaceItem;
  reports: ReportView[];
  formContext?: ReportFormContext;
  reportValues: Record<string, string>;
  reportErrors?: Record<string, string | undefined>;
  pendingSections: SectionView[];
  sectionValue?: string;
  sectionError?: string;
  notice?: string;
  error?: string;
}

export function WorkspaceProjectPage(p: WorkspaceProjectProps) {
  const { v, item } = p;
  const { t, lang } = v;
  const project = item.project;
  const lead = item.standing === 'lead';
  const done = new Set(p.reports.filter((r) => r.state === 'approved' && r.correctedById === null).flatMap((r) => r.milestonesDone));
  return (
    <section aria-labelledby="project-title">
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/workspace">{t('workspace.title')}</a></nav>
      <h1 id="project-title">{project.title}</h1>
      {p.notice && <Notice kind="ok">{p.notice}</Notice>}
      {p.error && <Notice kind="error">{p.error}</Notice>}
      {!lead && <Notice kind="warn">{t('workspace.coReadOnly', { lead: project.leadDepartment.name })}</Notice>}
      <StatusBadge v={v} status={project.status} />
      <ProgressBar v={v} value={project.progress} label={t('workspace.progressOf', { title: project.title })} />
      <p>{t('workspace.spent', { spent: formatFen(lang, project.money.spentFen), annual: formatFen(lang, project.money.annualInvestmentFen) })}</p>
      <h2>{t('workspace.due')}</h2>
      <Due v={v} item={item} />
      <h2>{t('workspace.plan.title')}</h2>
      <PlanSummary v={v} plan={project.plan} done={done} />
      {lead && <p><a href={`/workspace/projects/${project.id}/plan`}>{t('workspace.planLink')}</a></p>}
      <h2>{t('workspace.reports')}</h2>
      <ReportList v={v} reports={p.reports} lead={lead} plan={project.plan} />
      {lead && p.formContext && (
        <>
          <h2 id="new-report">{t('report.new')}</h2>
          {p.reportErrors && <Notice kind="error">{t('report.fixErrors')}</Notice>}
          <ReportForm v={v} action={`/workspace/projects/${project.id}/reports`} context={p.formContext} values={p.reportValues} errors={p.reportErrors} button={t('report.saveDraft')} />
        </>
      )}
      {lead && !project.plan && <p class="muted">{t('report.needsPlan')}</p>}
      {p.pendingSections.length > 0 && (
        <>
          <h2>{t('workspace.pendingSections')}</h2>
          {p.pendingSections.map((s) => <div><p><strong>{s.departmentName}</strong> · {formatDateTime(lang, s.writtenAt)}</p><p class="prewrap">{s.body}</p></div>)}
        </>
      )}
      {!lead && (
        <>
          <h2 id="section">{t('workspace.section.title')}</h2>
          <p class="muted">{t('workspace.section.hint', { lead: project.leadDepartment.name })}</p>
          <form method="post" action={`/workspace/projects/${project.id}/sections`} class="stack narrow">
            <TextArea name="body" label={t('workspace.section.body')} value={p.sectionValue} error={p.sectionError} rows={5} />
            <button type="submit" class="button button--primary">{t('workspace.section.button')}</button>
          </form>
        </>
      )}
    </section>
  );
}
