import type { PlanMilestone, PlanSubItem, PlanTarget } from '../../src/domain/tables.ts';
import type { Schedule } from '../../src/domain/vocabulary.ts';
import { formatDate, type MessageKey } from '../../src/platform/i18n/index.ts';
import type { PlanChange, PlanContent, PlanField } from '../../src/plans/rules.ts';
import { formatFen } from '../components/money.ts';
import type { ViewContext } from '../context.ts';


const SCHEDULE_LABEL: Record<Schedule, MessageKey> = { monthly: 'plan.schedule.monthly', quarterly: 'plan.schedule.quarterly' };
export const scheduleLabel = (v: ViewContext, s: Schedule) => v.t(SCHEDULE_LABEL[s]);

const FIELD_LABEL: Record<PlanField, MessageKey> = {
  totalInvestmentFen: 'plan.field.total', annualInvestmentFen: 'plan.field.annual', startsOn: 'plan.field.startsOn', deadline: 'plan.field.deadline',
  location: 'plan.field.location', leadOfficial: 'plan.field.leadOfficial', schedule: 'plan.field.schedule', coDepartmentIds: 'plan.field.coDepartments',
};

type Names = ReadonlyMap<number, string>;

/** A plan field's value as text. */
function fieldText(v: ViewContext, field: PlanField, value: unknown, names: Names, publishedOn: string): string {
  if (value === undefined || value === null || value === '') {
    return field === 'startsOn' ? v.t('plan.startsOnDefault', { date: formatDate(v.lang, publishedOn) }) : v.t('candidate.none');
  }
  switch (field) {
    case 'totalInvestmentFen': case 'annualInvestmentFen': return formatFen(v.lang, value as number);
    case 'startsOn': case 'deadline': return formatDate(v.lang, value as string);
    case 'schedule': return scheduleLabel(v, value as Schedule);
    case 'coDepartmentIds': return (value as number[]).length === 0 ? v.t('candidate.none') : (value as number[]).map((id) => names.get(id) ?? `#${id}`).join(v.lang === 'en' ? ', ' : '、');
    case 'location': case 'leadOfficial': return String(value);
    default: { const never: never = field; return String(never); }
  }
}

const targetText = (r: PlanTarget) => `${r.metric} ${r.target} ${r.unit}`;
const subItemText = (v: ViewContext, r: PlanSubItem) => `${r.title} (${v.t('plan.weight')} ${r.weight})`;
const milestoneText = (v: ViewContext, r: PlanMilestone, subItems: readonly PlanSubItem[]) =>
  `${r.title} · ${formatDate(v.lang, r.due)} · ${v.t('plan.weight')} ${r.weight}${r.subItem ? ` · ${subItems.find((s) => s.key === r.subItem)?.title ?? r.subItem}` : ''}`;

/** A plan revision's content: the figures, then its targets, sub-items and milestones. */
export function PlanDetails({ v, plan, names, publishedOn, headingLevel = 2 }: { v: ViewContext; plan: PlanContent; names: Names; publishedOn: string; headingLevel?: 2 | 3 }) {
  const { t } = v;
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div class="plan-details">
      <dl class="facts facts--wide">
        {(['totalInvestmentFen', 'annualInvestmentFen', 'startsOn', 'deadline', 'location', 'leadOfficial', 'schedule', 'coDepartmentIds'] as const).map((f) => (
          <div><dt>{t(FIELD_LABEL[f])}</dt><dd>{fieldText(v, f, plan[f], names, publishedOn)}</dd></div>
        ))}
      </dl>
      <H>{t('plan.targets')}</H>
      {plan.targets.length === 0 ? <p class="muted">{t('candidate.none')}</p> : (
        <div class="table-wrap"><table class="table">
          <caption class="visually-hidden">{t('plan.targets')}</caption>
          <thead><tr><th scope="col">{t('plan.metric')}</th><th scope="col">{t('plan.target')}</th><th scope="col">{t('plan.unit')}</th></tr></thead>
          <tbody>{plan.targets.map((r) => <tr><th scope="row">{r.metric}</th><td>{r.target}</td><td>{r.unit}</td></tr>)}</tbody>
        </table></div>
      )}
      {plan.subItems.length > 0 && (
        <>
          <H>{t('plan.subItems')}</H>
          <div class="table-wrap"><table class="table">
            <caption class="visually-hidden">{t('plan.subItems')}</caption>
            <thead><tr><th scope="col">{t('plan.title')}</th><th scope="col">{t('plan.weight')}</th></tr></thead>
            <tbody>{plan.subItems.map((r) => <tr><th scope="row">{r.title}</th><td>{r.weight}</td></tr>)}</tbody>
          </table></div>
        </>
      )}
      <H>{t('plan.milestones')}</H>
      {plan.milestones.length === 0 ? <p class="muted">{t('candidate.none')}</p> : (
        <div class="table-wrap"><table class="table">
          <caption class="visually-hidden">{t('plan.milestones')}</caption>
          <thead><tr><th scope="col">{t('plan.title')}</th><th scope="col">{t('plan.due')}</th><th scope="col">{t('plan.weight')}</th>{plan.subItems.length > 0 && <th scope="col">{t('plan.subItem')}</th>}</tr></thead>
          <tbody>{plan.milestones.map((r) => (
            <tr><th scope="row">{r.title}</th><td>{formatDate(v.lang, r.due)}</td><td>{r.weight}</td>
              {plan.subItems.length > 0 && <td>{r.subItem ? plan.subItems.find((s) => s.key === r.subItem)?.title ?? r.subItem : '—'}</td>}</tr>
          ))}</tbody>
        </table></div>
      )}
    </div>
  );
}

const LIST_LABEL: Record<'targets' | 'subItems' | 'milestones', MessageKey> = { targets: 'plan.change.target', subItems: 'plan.change.subItem', milestones: 'plan.change.milestone' };
const KIND_LABEL: Record<'added' | 'removed' | 'changed', MessageKey> = { added: 'plan.change.added', removed: 'plan.change.removed', changed: 'plan.change.changed' };

/** What a revision changes against the last approved one, one line per change. */
export function PlanChanges({ v, changes, names, publishedOn, subItems }: { v: ViewContext; changes: PlanChange[]; names: Names; publishedOn: string; subItems: readonly PlanSubItem[] }) {
  const { t } = v;
  if (changes.length === 0) return <p class="muted">{t('plan.change.none')}</p>;
  const rowText = (c: Exclude<PlanChange, { kind: 'field' }>, r: PlanTarget | PlanSubItem | PlanMilestone | undefined) => {
    if (!r) return '';
    if (c.list === 'targets') return targetText(r as PlanTarget);
    if (c.list === 'subItems') return subItemText(v, r as PlanSubItem);
    return milestoneText(v, r as PlanMilestone, subItems);
  };
  return (
    <ul class="plan-changes">
      {changes.map((c) => {
        if (c.kind === 'field') {
          return <li><strong>{t(FIELD_LABEL[c.field])}</strong>: {c.before === undefined ? '' : <><del>{fieldText(v, c.field, c.before, names, publishedOn)}</del> → </>}<ins>{fieldText(v, c.field, c.after, names, publishedOn)}</ins></li>;
        }
        return (
          <li><strong>{t(KIND_LABEL[c.kind])} {t(LIST_LABEL[c.list])}</strong>:{' '}
            {c.before && <del>{rowText(c, c.before)}</del>}{c.before && c.after && ' → '}{c.after && <ins>{rowText(c, c.after)}</ins>}
          </li>
        );
      })}
    </ul>
  );
}
