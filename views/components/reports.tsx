import type { ReportKind } from '../../src/domain/vocabulary.ts';
import { formatDate, formatDateTime } from '../../src/platform/i18n/index.ts';
import type { MessageKey } from '../../src/platform/i18n/index.ts';
import type { ReportingPeriod } from '../../src/projects/progress.ts';
import type { ReportView } from '../../src/reports/model.ts';
import { openMilestones, percentSubItems, type PlanShape, takesPercent } from '../../src/reports/rules.ts';
import type { ViewContext } from '../context.ts';
import { Field, Notice, SelectField, TextArea } from './form.tsx';
import { formatFen } from './money.ts';
import { ReviewStateChip } from './tracking.tsx';

/** Progress reports as the department's and the secretariat's pages show them (the public pages may use `ReportBody` too). */

const KIND_KEY: Record<ReportKind, MessageKey> = { progress: 'report.kind.progress', rectification: 'report.kind.rectification' };

export const reportKindLabel = (v: ViewContext, k: ReportKind) => v.t(KIND_KEY[k]);

/** '2024-03' → 2024年3月 / March 2024; '2024-Q1' → 2024年第1季度 / Q1 2024; null → an extra report. */
export function periodLabel(v: ViewContext, period: string | null): string {
  if (period === null) return v.t('report.period.extra');
  const [year, part] = period.split('-') as [string, string];
  if (part.startsWith('Q')) return v.t('report.period.quarter', { year, quarter: part.slice(1) });
  return v.t('report.period.month', { year, month: Number(part) });
}

/** The plan a report answers to, as the report shows it. */
export type PlanForReport = PlanShape;

/** A report's content: figures, targets' actuals, milestones done, narrative, evidence and sections. */
export function ReportBody({ v, report: r, plan, headingLevel = 2 }: { v: ViewContext; report: ReportView; plan: PlanForReport | null; headingLevel?: 1 | 2 | 3 }) {
  const { t, lang } = v;
  // The level of the heading the body sits under: its own headings are one below.
  const H = headingLevel === 1 ? 'h2' : headingLevel === 2 ? 'h3' : 'h4';
  const targetOf = (key: string) => plan?.targets.find((x) => x.key === key);
  const milestoneOf = (key: string) => plan?.milestones.find((m) => m.key === key);
  return (
    <div class="report">
      <dl class="facts">
        <div><dt>{t('report.field.kind')}</dt><dd>{reportKindLabel(v, r.kind)}</dd></div>
        <div><dt>{t('report.field.period')}</dt><dd>{periodLabel(v, r.period)}</dd></div>
        <div><dt>{t('report.field.state')}</dt><dd><ReviewStateChip v={v} state={r.state} /></dd></div>
        {r.percent !== null && <div><dt>{t('report.field.percent')}</dt><dd>{r.percent}%</dd></div>}
        <div><dt>{t('report.field.spent')}</dt><dd>{formatFen(lang, r.spentFen)}</dd></div>
        {r.final && <div><dt>{t('report.field.final')}</dt><dd>{t('report.finalYes')}</dd></div>}
        {r.correctsSeq !== null && <div><dt>{t('report.corrects')}</dt><dd>{t('report.seq', { seq: r.correctsSeq })}</dd></div>}
        {r.submittedAt && <div><dt>{t('report.submittedAt')}</dt><dd>{formatDateTime(lang, r.submittedAt)}</dd></div>}
        {r.decidedAt && r.state === 'approved' && <div><dt>{t('report.approvedAt')}</dt><dd>{formatDateTime(lang, r.decidedAt)}</dd></div>}
      </dl>
      {r.correctedById !== null && <Notice kind="warn">{t('report.correctedNotice')}</Notice>}
      {r.state === 'returned' && r.returnComment && <Notice kind="warn">{t('report.returnedWith', { comment: r.returnComment })}</Notice>}
      <H>{t('report.field.narrative')}</H>
      <p class="prewrap">{r.narrative}</p>
      {Object.keys(r.subItemPercents).length > 0 && (
        <ul>{Object.entries(r.subItemPercents).map(([key, pct]) => <li>{plan?.subItems.find((s) => s.key === key)?.title ?? key}：{pct}%</li>)}</ul>
      )}
      {r.actuals.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <caption>{t('report.actuals')}</caption>
            <thead><tr><th scope="col">{t('report.target')}</th><th scope="col">{t('report.targetValue')}</th><th scope="col">{t('report.actualValue')}</th></tr></thead>
            <tbody>{r.actuals.map((a) => {
              const target = targetOf(a.target);
              return <tr><th scope="row">{target?.metric ?? a.target}</th><td>{target ? `${target.target} ${target.unit}` : ''}</td><td>{a.value} {target?.unit ?? ''}</td></tr>;
            })}</tbody>
          </table>
        </div>
      )}
      {r.milestonesDone.length > 0 && (
        <>
          <H>{t('report.milestonesDone')}</H>
          <ul>{r.milestonesDone.map((k) => <li>{milestoneOf(k)?.title ?? k}</li>)}</ul>
        </>
      )}
      {r.evidence.length > 0 && (
        <>
          <H>{t('evidence.title')}</H>
          <ul class="evidence-list">{r.evidence.map((e) => (
            <li>
              {e.mediaType === 'application/pdf'
                ? <a href={`/evidence/${e.sha256}`}>{t('evidence.pdf', { caption: e.caption })}</a>
                : <figure><img src={`/evidence/${e.sha256}`} alt={e.caption} width={e.width ?? undefined} height={e.height ?? undefined} loading="lazy" /><figcaption>{e.caption}</figcaption></figure>}
            </li>
          ))}</ul>
        </>
      )}
      {r.sections.length > 0 && (
        <>
          <H>{t('report.sections')}</H>
          {r.sections.map((s) => <div><p><strong>{s.departmentName}</strong></p><p class="prewrap">{s.body}</p></div>)}
        </>
      )}
    </div>
  );
}

/** What the report form offers: the approved plan's shape, the periods, the milestones still open, whether a rectification report may be filed. */
export interface ReportFormContext {
  plan: PlanForReport;
  periods: ReportingPeriod[];
  doneBefore: string[];
  rectifying: boolean;
}

/** The report form: new (posted to the project) or an edit of a draft or returned report. */
export function ReportForm({ v, action, context, values, errors = {}, button }: {
  v: ViewContext; action: string; context: ReportFormContext; values: Record<string, string>; errors?: Record<string, string | undefined>; button: string;
}) {
  const { t, lang } = v;
  const plan = context.plan;
  const ticked = new Set((values.milestones ?? '').split('\n').filter(Boolean));
  const open = openMilestones(plan, new Set(context.doneBefore));
  return (
    <form method="post" action={action} class="stack narrow">
      {context.rectifying
        ? <SelectField name="kind" label={t('report.field.kind')} value={values.kind} error={errors.kind}
          options={[['progress', t('report.kind.progress')], ['rectification', t('report.kind.rectification')]]} />
        : <input type="hidden" name="kind" value="progress" />}
      <SelectField name="period" label={t('report.field.period')} value={values.period} error={errors.period}
        options={[...context.periods.map((p): [string, string] => [p.period, `${periodLabel(v, p.period)}（${t('report.dueOn', { date: formatDate(lang, p.dueOn) })}）`]), ['', t('report.period.extra')]]} />
      <TextArea name="narrative" label={t('report.field.narrative')} value={values.narrative} error={errors.narrative} rows={6} hint={t('report.narrativeHint')} />
      {takesPercent(plan) && <Field name="percent" type="number" label={t('report.field.percent')} value={values.percent} error={errors.percent} hint={t('report.percentHint')} />}
      {percentSubItems(plan).map((s) => <Field name={`sub.${s.key}`} id={`f-sub-${s.key}`} type="number" label={t('report.subItemPercent', { title: s.title })} value={values[`sub.${s.key}`]} error={errors.subItemPercents} />)}
      {plan.targets.map((x) => <Field name={`actual.${x.key}`} id={`f-actual-${x.key}`} label={t('report.actualOf', { metric: x.metric, target: x.target, unit: x.unit })} value={values[`actual.${x.key}`]} error={errors.actuals} />)}
      <Field name="spent" label={t('report.field.spent')} value={values.spent} error={errors.spentFen} hint={t('report.spentHint')} required />
      {open.length > 0 && (
        <fieldset class="field">
          <legend>{t('report.milestonesDone')}</legend>
          {errors.milestonesDone && <p class="field__error">{errors.milestonesDone}</p>}
          {open.map((m) => <label class="check"><input type="checkbox" name="milestone" value={m.key} checked={ticked.has(m.key)} /> {m.title}（{formatDate(lang, m.due)}）</label>)}
        </fieldset>
      )}
      <label class="check"><input type="checkbox" name="final" value="1" checked={values.final === '1'} /> {t('report.finalTick')}</label>
      <button type="submit" class="button button--primary">{button}</button>
    </form>
  );
}
