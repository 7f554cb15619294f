import { SCHEDULES } from '../../src/domain/vocabulary.ts';
import { formatDate, formatDateTime } from '../../src/platform/i18n/index.ts';
import type { PlanProject, PlanState } from '../../src/plans/model.ts';
import { MONEY_UNITS } from '../../src/domain/money.ts';
import type { PlanChange, PlanContent } from '../../src/plans/rules.ts';
import { Field, Notice, PostButton, SelectField, TextArea } from '../components/form.tsx';
import { ReviewStateChip } from '../components/tracking.tsx';
import type { ViewContext } from '../context.ts';
import { PlanChanges, PlanDetails, scheduleLabel } from './parts.tsx';

type Errors = Record<string, string | undefined>;
type Values = Record<string, string>;

export interface PlanEditPageProps {
  v: ViewContext;
  project: PlanProject;
  state: PlanState;
  /** The revision the form writes (the open one, or the next). */
  revision: number;
  /** The open revision's content while it waits for review (no form then). */
  submitted?: PlanContent;
  values: Values;
  /** Rows the form shows per table (filled and blank). */
  rows: { targets: number; subItems: number; milestones: number };
  departments: { id: number; name: string }[];
  /** Sub-items a milestone may belong to (saved ones, with their keys). */
  subItemOptions: { key: string; title: string }[];
  /** What the open revision changes against the approved plan. */
  changes?: PlanChange[];
  errors?: Errors;
  notice?: string;
  error?: string;
}

const unitOptions = (v: ViewContext): [string, string][] => MONEY_UNITS.map((u) => [u, v.t(u === 'wan' ? 'plan.unit.wan' : 'plan.unit.yuan')]);

function MoneyField({ v, name, label, values, error }: { v: ViewContext; name: 'total' | 'annual'; label: string; values: Values; error?: string }) {
  const id = `f-${name}`;
  return (
    <div class={`field money-field${error ? ' field--error' : ''}`}>
      <label for={id}>{label}</label>
      <p id={`${id}-hint`} class="field__hint">{v.t('plan.moneyHint')}</p>
      {error && <p id={`${id}-error`} class="field__error">{error}</p>}
      <span class="money-field__inputs">
        <input id={id} name={name} value={values[name] ?? ''} inputmode="decimal" required aria-invalid={error ? 'true' : undefined}
          aria-describedby={[`${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ')} />
        <select name={`${name}Unit`} aria-label={v.t('plan.unitOf', { field: label })}>
          {unitOptions(v).map(([u, text]) => <option value={u} selected={(values[`${name}Unit`] ?? 'wan') === u}>{text}</option>)}
        </select>
      </span>
    </div>
  );
}

/** One table of rows in a no-JavaScript form: its cells are inputs named `<prefix>.<row>.<column>`, the row's key hidden. */
function RowTable({ v, caption, prefix, count, values, error, columns }: {
  v: ViewContext; caption: string; prefix: string; count: number; values: Values; error?: string;
  columns: { name: string; label: string; type?: 'text' | 'date' | 'number'; options?: [string, string][]; size?: number }[];
}) {
  const id = `rows-${prefix}`;
  return (
    <fieldset id={id} class={`row-table${error ? ' field--error' : ''}`}>
      <legend>{caption}</legend>
      {error && <p class="field__error" id={`${id}-error`}>{error}</p>}
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">{caption}</caption>
          <thead><tr><th scope="col">#</th>{columns.map((c) => <th scope="col">{c.label}</th>)}</tr></thead>
          <tbody>
            {Array.from({ length: count }, (_, i) => (
              <tr>
                <th scope="row">{i + 1}<input type="hidden" name={`${prefix}.${i}.key`} value={values[`${prefix}.${i}.key`] ?? ''} /></th>
                {columns.map((c) => {
                  const name = `${prefix}.${i}.${c.name}`;
                  const label = `${c.label} ${i + 1}`;
                  return (
                    <td data-label={c.label}>{c.options
                      ? <select name={name} aria-label={label}>{c.options.map(([val, text]) => <option value={val} selected={(values[name] ?? '') === val}>{text}</option>)}</select>
                      : <input name={name} type={c.type ?? 'text'} value={values[name] ?? ''} aria-label={label}
                        size={c.type === 'number' ? undefined : c.size} class={c.type === 'number' ? 'row-table__number' : undefined}
                        inputmode={c.type === 'number' ? 'decimal' : undefined} aria-describedby={error ? `${id}-error` : undefined} />}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </fieldset>
  );
}

/**
 * The lead department's page of a project's plan: the approved plan (if any), the open revision's
 * state (returned with the secretariat's comment, or waiting for review), and the form that drafts
 * it. Lists are tables with blank rows; "more rows" posts the form back with more blanks.
 */
export function PlanEditPage(p: PlanEditPageProps) {
  const { v, project, state } = p;
  const { t, lang } = v;
  const e = p.errors ?? {};
  const names = new Map(p.departments.map((d) => [d.id, d.name]));
  const base = `/workspace/projects/${project.id}/plan`;
  const open = state.open;
  const checked = new Set((p.values.coDepartments ?? '').split(',').filter(Boolean));
  return (
    <section aria-labelledby="plan-title">
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/workspace">{t('plan.workspace')}</a></nav>
      <h1 id="plan-title">{t('workspace.plan.title')}{lang === 'en' ? ': ' : '：'}{project.title}</h1>
      <p class="muted">{project.meetingTitle} · {t('candidate.leadDepartment')}: {project.leadDepartment.name}</p>
      {p.notice && <Notice kind="ok">{p.notice}</Notice>}
      {p.error && <Notice kind="error">{p.error}</Notice>}
      {Object.keys(e).length > 0 && <Notice kind="error">{t('plan.formErrors')}</Notice>}

      {state.approved && (
        <details class="panel" open={!open}>
          <summary><h2 class="inline-heading">{t('plan.approvedRevision', { revision: state.approved.revision })}</h2> <ReviewStateChip v={v} state="approved" /></summary>
          <p class="muted">{t('plan.approvedAt', { at: formatDateTime(lang, state.approved.decidedAt!) })}</p>
          {state.approved.reason && <p>{t('plan.reason')}: {state.approved.reason}</p>}
          <PlanDetails v={v} plan={state.approved.content} names={names} publishedOn={project.publishedOn} headingLevel={3} />
        </details>
      )}

      {open?.state === 'returned' && (
        <div class="notice notice--warn">
          <p><strong>{t('plan.returnedNotice', { revision: open.revision })}</strong></p>
          <p>{open.returnComment}</p>
        </div>
      )}

      {p.submitted ? (
        <>
          <h2>{t('plan.revisionHeading', { revision: p.revision })} <ReviewStateChip v={v} state="submitted" /></h2>
          <Notice kind="warn">{t('plan.waiting')}</Notice>
          <PlanDetails v={v} plan={p.submitted} names={names} publishedOn={project.publishedOn} headingLevel={3} />
        </>
      ) : (
        <>
          <h2>{open ? t('plan.revisionHeading', { revision: p.revision }) : p.revision === 1 ? t('plan.start') : t('plan.startRevision', { revision: p.revision })}
            {open && <> <ReviewStateChip v={v} state={open.state} /></>}</h2>
          {!open && p.revision > 1 && <p class="muted">{t('plan.revisionHelp')}</p>}
          {p.changes && p.changes.length > 0 && state.approved && (
            <details class="panel">
              <summary>{t('plan.changesAgainst', { revision: state.approved.revision })}</summary>
              <PlanChanges v={v} changes={p.changes} names={names} publishedOn={project.publishedOn} subItems={state.approved.content.subItems} />
            </details>
          )}
          <form method="post" action={base} class="stack plan-form" id="plan-form">
            {p.revision > 1 && <TextArea name="reason" label={t('plan.reasonField')} value={p.values.reason} error={e.reason} hint={t('plan.reasonHint')} rows={3} />}
            <fieldset>
              <legend>{t('plan.money')}</legend>
              <MoneyField v={v} name="total" label={t('plan.field.total')} values={p.values} error={e.total} />
              <MoneyField v={v} name="annual" label={t('plan.field.annual')} values={p.values} error={e.annual} />
            </fieldset>
            <fieldset>
              <legend>{t('plan.timeAndPlace')}</legend>
              <Field name="startsOn" label={t('plan.field.startsOn')} type="date" value={p.values.startsOn} error={e.startsOn}
                hint={t('plan.startsOnHint', { date: formatDate(lang, project.publishedOn) })} />
              <Field name="deadline" label={t('plan.field.deadline')} type="date" value={p.values.deadline} error={e.deadline} required />
              <Field name="location" label={t('plan.field.location')} value={p.values.location} error={e.location} hint={t('plan.locationHint')} maxlength={100} />
              <Field name="leadOfficial" label={t('plan.field.leadOfficial')} value={p.values.leadOfficial} error={e.leadOfficial} required maxlength={100} />
              <SelectField name="schedule" label={t('plan.field.schedule')} value={p.values.schedule} error={e.schedule} options={SCHEDULES.map((s) => [s, scheduleLabel(v, s)])} />
            </fieldset>
            <fieldset class={e.coDepartments ? 'field--error' : undefined}>
              <legend>{t('plan.field.coDepartments')}</legend>
              {e.coDepartments && <p class="field__error">{e.coDepartments}</p>}
              {p.departments.filter((d) => d.id !== project.leadDepartment.id).map((d) => (
                <label class="check"><input type="checkbox" name="coDepartments" value={String(d.id)} checked={checked.has(String(d.id))} /> {d.name}</label>
              ))}
            </fieldset>
            <RowTable v={v} caption={t('plan.targets')} prefix="target" count={p.rows.targets} values={p.values} error={e.targets}
              columns={[{ name: 'metric', label: t('plan.metric') }, { name: 'value', label: t('plan.target'), type: 'number', size: 8 }, { name: 'unit', label: t('plan.unit'), size: 6 }]} />
            <RowTable v={v} caption={t('plan.subItems')} prefix="sub" count={p.rows.subItems} values={p.values} error={e.subItems}
              columns={[{ name: 'title', label: t('plan.title') }, { name: 'weight', label: t('plan.weight'), type: 'number', size: 4 }]} />
            <RowTable v={v} caption={t('plan.milestones')} prefix="ms" count={p.rows.milestones} values={p.values} error={e.milestones}
              columns={[
                { name: 'title', label: t('plan.title') }, { name: 'due', label: t('plan.due'), type: 'date' }, { name: 'weight', label: t('plan.weight'), type: 'number', size: 4 },
                ...(p.subItemOptions.length > 0 ? [{ name: 'subItem', label: t('plan.subItem'), options: [['', t('candidate.none')] as [string, string], ...p.subItemOptions.map((s): [string, string] => [s.key, s.title])] }] : []),
              ]} />
            <p class="field__hint">{t('plan.rowsHint')}</p>
            <div class="review-actions">
              <button type="submit" class="button button--primary">{t('plan.save')}</button>
              <button type="submit" name="more" value="1" class="button button--secondary" formnovalidate>{t('plan.moreRows')}</button>
            </div>
          </form>
          {open && (
            <div class="panel">
              <p>{t('plan.submitHelp')}</p>
              <PostButton action={`${base}/submit`} label={t('plan.submit')} kind="primary" />
            </div>
          )}
        </>
      )}
    </section>
  );
}
