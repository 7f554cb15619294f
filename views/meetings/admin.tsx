import type { ElectionListItem } from '../../src/elections/model.ts';
import { BallotModeFields } from '../components/ballot-mode.tsx';
import type { AttendanceShow, DelegationGroup } from '../../src/meetings/attendance.ts';
import type { Attendance, CandidateView, MeetingSummary, RatableProject } from '../../src/meetings/model.ts';
import {
  CATEGORIES, ELECTORATE_LABEL, ELECTORATES, MARKING_LABEL, PASS_BASE_LABEL, PASS_BASES, SELECTION_MARKINGS,
} from '../../src/domain/vocabulary.ts';
import { formatDateRange } from '../../src/platform/i18n/index.ts';
import { Money } from '../components/candidates.tsx';
import { categoryLabel } from '../components/labels.ts';
import { Field, Notice, PostButton, SelectField, TextArea } from '../components/form.tsx';
import { stateLabel } from '../components/labels.ts';
import type { ViewContext } from '../context.ts';

type Errors = Record<string, string | undefined>;
type Values = Record<string, string>;

export function MeetingsAdminPage({ v, meetings, terms, errors = {}, values = {} }: { v: ViewContext; meetings: MeetingSummary[]; terms: { id: number; name: string }[]; errors?: Errors; values?: Values }) {
  const { t, lang } = v;
  return (
    <section aria-labelledby="meetings-title">
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/admin">{t('admin.title')}</a></nav>
      <h1 id="meetings-title">{t('meetingAdmin.title')}</h1>
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">{t('meetingAdmin.title')}</caption>
          <thead><tr><th scope="col">{t('meetingAdmin.meeting')}</th><th scope="col">{t('meeting.dates')}</th><th scope="col">{t('meeting.candidates')}</th></tr></thead>
          <tbody>
            {meetings.map((m) => (
              <tr><th scope="row"><a href={`/admin/meetings/${m.id}`}>{m.title}</a>{!m.published && <> <span class="chip chip--warn">{t('meetingAdmin.notPublic')}</span></>}</th><td>{formatDateRange(lang, m.startsOn, m.endsOn)}</td><td>{m.candidateCount}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>{t('meetingAdmin.create')}</h2>
      {terms.length === 0 ? <p class="muted">{t('meetingAdmin.noTerms')}</p> : (
        <form method="post" action="/admin/meetings" class="stack narrow">
          <SelectField name="termId" label={t('meeting.term')} options={terms.map((x) => [String(x.id), x.name])} value={values.termId} error={errors.termId} />
          <Field name="title" label={t('meetingAdmin.titleField')} value={values.title} error={errors.title} hint={t('meetingAdmin.titleHint')} required maxlength={200} />
          <Field name="sessionOrdinal" label={t('meetingAdmin.session')} type="number" value={values.sessionOrdinal} error={errors.sessionOrdinal} required />
          <Field name="year" label={t('meeting.year')} type="number" value={values.year} error={errors.year} required />
          <Field name="startsOn" label={t('meetingAdmin.startsOn')} type="date" value={values.startsOn} error={errors.startsOn} required />
          <Field name="endsOn" label={t('meetingAdmin.endsOn')} type="date" value={values.endsOn} error={errors.endsOn} required />
          <label class="check"><input type="checkbox" name="sharedTablets" value="1" checked={values.sharedTablets !== '0'} /> {t('meetingAdmin.sharedTablets')}</label>
          <button type="submit" class="button button--primary">{t('meetingAdmin.createButton')}</button>
        </form>
      )}
    </section>
  );
}

export interface MeetingAdminProps {
  v: ViewContext;
  meeting: MeetingSummary;
  settings: { sharedTablets: boolean; selfCheckIn: boolean };
  candidates: CandidateView[];
  elections: ElectionListItem[];
  attendance: Attendance;
  frozen: boolean;
  notice?: string;
  candidateErrors?: Errors;
  candidateValues?: Values;
  electionErrors?: Errors;
  electionValues?: Values;
  /** Projects of the term's earlier meetings, for a satisfaction rating. */
  ratable: RatableProject[];
  ratingErrors?: Errors;
  ratingValues?: Values;
  /** The one list of departments, for the candidate form's lead and co-departments. */
  departments: { id: number; name: string }[];
}

export function MeetingAdminPage(p: MeetingAdminProps) {
  const { v } = p;
  const { t } = v;
  const ce = p.candidateErrors ?? {};
  const cv = p.candidateValues ?? {};
  const ee = p.electionErrors ?? {};
  const ev = p.electionValues ?? {};
  return (
    <section aria-labelledby="meeting-title">
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/admin">{t('admin.title')}</a> › <a href="/admin/meetings">{t('meetingAdmin.title')}</a></nav>
      <h1 id="meeting-title">{p.meeting.title} <span class={p.meeting.published ? 'chip chip--ok' : 'chip chip--warn'}>{t(p.meeting.published ? 'meetingAdmin.public' : 'meetingAdmin.notPublic')}</span></h1>
      {p.notice && <Notice kind="ok">{p.notice}</Notice>}
      {p.meeting.published
        ? <p class="muted"><a href={`/meetings/${p.meeting.id}`}>{t('meetingAdmin.publicPage')}</a></p>
        : (
          <div class="notice notice--warn">
            <p>{t('meetingAdmin.notPublicHelp')}</p>
            <PostButton action={`/admin/meetings/${p.meeting.id}/publish`} label={t('meetingAdmin.publish')} kind="danger" />
          </div>
        )}
      <p>
        <a class="button button--secondary" href={`/admin/meetings/${p.meeting.id}/attendance`}>{t('attendance.title')}</a>{' '}
        <span class="muted">{t('attendance.summary', { expected: p.attendance.expected, present: p.attendance.present })} · {p.attendance.quorum ? t('attendance.quorumMet') : t('attendance.quorumNotMet')}</span>
      </p>

      <form method="post" action={`/admin/meetings/${p.meeting.id}/settings`} class="settings-form">
        <fieldset>
          <legend>{t('meetingAdmin.settings')}</legend>
          <label class="check"><input type="checkbox" name="sharedTablets" value="1" checked={p.settings.sharedTablets} /> {t('meetingAdmin.sharedTablets')}</label>
          <label class="check"><input type="checkbox" name="selfCheckIn" value="1" checked={p.settings.selfCheckIn} /> {t('meetingAdmin.selfCheckIn')}</label>
          <button type="submit" class="button button--secondary">{t('paper.save')}</button>
        </fieldset>
      </form>

      <h2>{t('meetingAdmin.elections')}</h2>
      {p.elections.length === 0 ? <p class="muted">{t('meetingAdmin.noElections')}</p> : (
        <ul class="meeting-list">
          {p.elections.map((e) => <li><a href={`/admin/elections/${e.id}`}>{e.title}</a> <span class="chip">{stateLabel(v, e.state)}</span></li>)}
        </ul>
      )}
      {p.candidates.length >= 2 && (
        <details class="admin-form" open={Object.keys(ee).length > 0}>
          <summary>{t('election.create')}</summary>
          <form method="post" action={`/admin/meetings/${p.meeting.id}/elections`} class="stack narrow">
            <Field name="title" label={t('election.titleField')} value={ev.title ?? `${p.meeting.year}年民生实事项目票决`} error={ee.title} required maxlength={200} />
            <SelectField name="marking" label={t('election.marking')} value={ev.marking} error={ee.marking} options={SELECTION_MARKINGS.map((m) => [m, t(MARKING_LABEL[m])])} />
            <Field name="seats" label={t('election.seats')} type="number" value={ev.seats ?? String(Math.max(1, p.candidates.length - 2))} error={ee.seats} required />
            <SelectField name="passBase" label={t('election.passBase')} value={ev.passBase} error={ee.passBase} options={PASS_BASES.map((b) => [b, t(PASS_BASE_LABEL[b])])} />
            <BallotModeFields v={v} mode={ev.ballotMode === 'plaintext' ? 'plaintext' : 'encrypted'} threshold={ev.threshold} errors={ee} />
            {p.elections.some((e) => e.kind === 'selection' && e.state !== 'void') && (
              <TextArea name="note" label={t('election.noteLabel')} value={ev.note} error={ee.note} hint={t('election.noteHint')} rows={3} />
            )}
            <fieldset>
              <legend>{t('election.optionsLegend')}</legend>
              {ee.options && <p class="field__error">{ee.options}</p>}
              <p class="field__hint">{t('election.optionsHint')}</p>
              <div class="table-wrap">
                <table class="table">
                  <caption class="visually-hidden">{t('election.optionsLegend')}</caption>
                  <thead><tr><th scope="col">{t('election.include')}</th><th scope="col">{t('election.order')}</th><th scope="col">{t('ballot.option')}</th></tr></thead>
                  <tbody>
                    {p.candidates.map((c) => (
                      <tr>
                        <td><input type="checkbox" name="include" value={String(c.id)} id={`inc-${c.id}`} class="big-check" checked={ev.include === undefined || ev.include.split(',').includes(String(c.id))} /></td>
                        <td><input type="number" name={`order.${c.id}`} value={ev[`order.${c.id}`] ?? String(c.ballotOrder)} min="1" class="order-input" aria-label={`${t('election.order')} ${c.name}`} /></td>
                        <th scope="row"><label for={`inc-${c.id}`}>{c.name}</label></th>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </fieldset>
            <button type="submit" class="button button--primary">{t('election.createButton')}</button>
          </form>
        </details>
      )}

      {p.ratable.length > 0 && (
        <details class="admin-form" open={Object.keys(p.ratingErrors ?? {}).length > 0}>
          <summary>{t('rating.create')}</summary>
          <form method="post" action={`/admin/meetings/${p.meeting.id}/ratings`} class="stack narrow">
            <Field id="rating-title" name="title" label={t('rating.titleField')} value={p.ratingValues?.title ?? t('rating.defaultTitle', { year: p.ratable[0]!.year })} error={p.ratingErrors?.title} required maxlength={200} />
            <SelectField id="rating-electorate" name="electorate" label={t('rating.electorate')} value={p.ratingValues?.electorate} error={p.ratingErrors?.electorate} options={ELECTORATES.map((x) => [x, t(ELECTORATE_LABEL[x])])} />
            <SelectField id="rating-passBase" name="passBase" label={t('election.passBase')} value={p.ratingValues?.passBase} error={p.ratingErrors?.passBase} options={PASS_BASES.map((b) => [b, t(PASS_BASE_LABEL[b])])} />
            <BallotModeFields v={v} idPrefix="rating-bm" mode={p.ratingValues?.ballotMode === 'plaintext' ? 'plaintext' : 'encrypted'} threshold={p.ratingValues?.threshold} errors={p.ratingErrors} />
            <fieldset>
              <legend>{t('rating.projects')}</legend>
              {p.ratingErrors?.optionCount && <p class="field__error">{p.ratingErrors.optionCount}</p>}
              {p.ratable.map((r) => (
                <label class="check"><input type="checkbox" name="project" value={String(r.id)} checked={p.ratingValues?.projects === undefined ? r.preselected : p.ratingValues.projects.split(',').includes(String(r.id))} /> {r.name} <span class="muted">({r.year})</span></label>
              ))}
            </fieldset>
            <button type="submit" class="button button--primary">{t('rating.createButton')}</button>
          </form>
        </details>
      )}

      <h2>{t('meeting.candidates')} <span class="muted">({p.candidates.length})</span></h2>
      {p.frozen && <p class="notice notice--ok">{t('meetingAdmin.frozen')}</p>}
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">{t('meeting.candidates')}</caption>
          <thead><tr><th scope="col">{t('ballot.number')}</th><th scope="col">{t('ballot.option')}</th><th scope="col">{t('candidate.category')}</th><th scope="col">{t('candidate.leadDepartment')}</th><th scope="col">{t('candidate.investment')}</th><th scope="col"><span class="visually-hidden">{t('sessions.actions')}</span></th></tr></thead>
          <tbody>
            {p.candidates.map((c) => (
              <tr><td>{c.ballotOrder}</td><th scope="row"><a href={`/candidates/${c.id}`}>{c.name}</a></th><td>{categoryLabel(v, c.category)}</td><td>{c.leadDepartment}</td><td><Money v={v} yuan={c.totalInvestmentYuan} /></td>
                <td>{!p.frozen && <a href={`/admin/candidates/${c.id}`}>{t('candidateAdmin.edit')}<span class="visually-hidden"> {c.name}</span></a>}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
      {!p.frozen && (
        <details class="admin-form" open={Object.keys(ce).length > 0}>
          <summary>{t('candidateAdmin.add')}</summary>
          <form method="post" action={`/admin/meetings/${p.meeting.id}/candidates`} class="stack narrow">
            <CandidateFields v={v} values={cv} errors={ce} departments={p.departments} />
            <button type="submit" class="button button--primary">{t('candidateAdmin.addButton')}</button>
          </form>
        </details>
      )}
    </section>
  );
}

/** The id of a delegation's section on the attendance sheet (a link's target after a step there). */
export const groupAnchor = (delegation: string): string => `g-${delegation.replace(/\s+/g, '-')}`;

export interface AttendancePageProps {
  v: ViewContext; meeting: MeetingSummary; summary: Attendance;
  q: string; delegation: string; show: AttendanceShow;
  /** The delegation to show open (the one just worked on). */
  open: string;
  delegations: string[]; groups: DelegationGroup[];
  notice?: string; error?: string;
}

/**
 * 签到 for a few hundred deputies on a tablet: the overall counts always in view (sticky), a search
 * that takes part of a code, a name or a delegation, and one section per delegation (collapsed
 * unless searched, filtered or just worked on) with its own 实到/应到, its bulk buttons and one
 * large button per deputy. Plain forms and <details>: no JavaScript needed.
 */
export function AttendancePage(p: AttendancePageProps) {
  const { v, meeting, summary } = p;
  const { t } = v;
  const base = `/admin/meetings/${meeting.id}/attendance`;
  const filtered = p.q !== '' || p.delegation !== '' || p.show !== 'all';
  const back = new URLSearchParams([...(p.q ? [['q', p.q]] : []), ...(p.delegation ? [['delegation', p.delegation]] : []), ...(p.show !== 'all' ? [['show', p.show]] : [])]).toString();
  return (
    <section aria-labelledby="attendance-title" class="attendance">
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/admin">{t('admin.title')}</a> › <a href={`/admin/meetings/${meeting.id}`}>{meeting.title}</a></nav>
      <h1 id="attendance-title">{t('attendance.title')}</h1>
      <div class="attendance-bar">
        <dl class="facts facts--inline big-facts">
          <div><dt>{t('attendance.expected')}</dt><dd>{summary.expected}</dd></div>
          <div><dt>{t('attendance.present')}</dt><dd>{summary.present}</dd></div>
          <div><dt>{t('attendance.quorum')}</dt><dd class={summary.quorum ? 'ok' : 'warn'}>{summary.quorum ? t('attendance.quorumMet') : t('attendance.quorumNotMet')}</dd></div>
        </dl>
      </div>
      {p.notice && <Notice kind="ok">{p.notice}</Notice>}
      {p.error && <Notice kind="error">{p.error}</Notice>}
      <form method="get" action={base} class="filter-form attendance-search">
        <Field name="q" label={t('attendance.search')} value={p.q} hint={t('attendance.searchHint')} maxlength={50} />
        <SelectField name="show" label={t('attendance.show')} value={p.show}
          options={[['all', t('attendance.showAll')], ['absent', t('attendance.showAbsent')], ['present', t('attendance.showPresent')]]} />
        <SelectField name="delegation" label={t('attendance.delegation')} value={p.delegation} options={[['', t('attendance.allDelegations')], ...p.delegations.map((d) => [d, d] as [string, string])]} />
        <button type="submit" class="button button--primary">{t('attendance.filter')}</button>
        {filtered && <a class="button button--secondary" href={base}>{t('attendance.clear')}</a>}
      </form>
      {p.groups.length === 0 && <p class="notice">{t('attendance.noMatch')}</p>}
      {p.groups.map((g) => (
        <details class="attendance-group" id={groupAnchor(g.delegation)} open={filtered || p.open === g.delegation || p.groups.length === 1}>
          <summary>
            <h2>{g.delegation}</h2>
            <span class={g.present === g.expected ? 'chip chip--ok' : 'chip'}>{t('attendance.groupCount', { present: g.present, expected: g.expected })}</span>
            {g.rows.length < g.expected && <span class="muted"> {t('attendance.groupShown', { count: g.rows.length })}</span>}
          </summary>
          <form method="post" action={`${base}/delegation`} class="attendance-bulk">
            <input type="hidden" name="delegation" value={g.delegation} />
            <input type="hidden" name="back" value={back} />
            {g.present < g.expected && <button type="submit" name="present" value="1" class="button button--primary">{t('attendance.allPresent')}<span class="visually-hidden"> {g.delegation}</span></button>}
            {g.present > 0 && <button type="submit" name="present" value="0" class="button button--secondary">{t('attendance.allAbsent')}<span class="visually-hidden"> {g.delegation}</span></button>}
          </form>
          <table class="table attendance-table">
            <caption class="visually-hidden">{t('attendance.groupsCaption', { delegation: g.delegation })}</caption>
            <thead><tr><th scope="col">{t('roster.code')}</th><th scope="col">{t('account.name')}</th><th scope="col">{t('attendance.status')}</th><th scope="col"><span class="visually-hidden">{t('sessions.actions')}</span></th></tr></thead>
            <tbody>
              {g.rows.map((r) => (
                <tr class={r.present ? 'is-present' : undefined}>
                  <td class="attendance-code">{r.code}</td>
                  <th scope="row">{r.name}</th>
                  <td>{r.present ? <span class="chip chip--ok">{t('attendance.isPresent')}</span> : <span class="chip">{t('attendance.isAbsent')}</span>}</td>
                  <td>
                    {r.locked ? <span class="muted">{t('attendance.locked')}</span> : (
                      <form method="post" action={base}>
                        <input type="hidden" name="deputy" value={String(r.id)} />
                        <input type="hidden" name="present" value={r.present ? '0' : '1'} />
                        <input type="hidden" name="back" value={back} />
                        <input type="hidden" name="open" value={g.delegation} />
                        <button type="submit" class={r.present ? 'button button--secondary attendance-action' : 'button button--primary attendance-action'}>
                          {t(r.present ? 'attendance.undo' : 'attendance.checkIn')}<span class="visually-hidden"> {r.code} {r.name}</span>
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </section>
  );
}

/** The fields of a candidate project, for adding and for correcting one. */
export function CandidateFields({ v, values: cv, errors: ce, departments }: { v: ViewContext; values: Values; errors: Errors; departments: { id: number; name: string }[] }) {
  const { t } = v;
  // Co-departments as posted or stored: one name per line.
  const co = (cv.coDepartments ?? '').split('\n');
  return (
    <>
      <Field name="name" label={t('candidateAdmin.name')} value={cv.name} error={ce.name} required maxlength={100} />
      <SelectField name="category" label={t('candidate.category')} value={cv.category} error={ce.category} options={CATEGORIES.map((x) => [x, categoryLabel(v, x)])} />
      <TextArea name="description" label={t('candidate.description')} value={cv.description} error={ce.description} rows={5} />
      <TextArea name="targets" label={t('candidate.targets')} value={cv.targets} error={ce.targets} hint={t('candidateAdmin.targetsHint')} rows={3} />
      <Field name="investmentWan" label={t('candidateAdmin.investmentWan')} value={cv.investmentWan} error={ce.totalInvestmentYuan} hint={t('candidateAdmin.investmentHint')} />
      <Field name="deadline" label={t('candidate.deadline')} type="date" value={cv.deadline} error={ce.deadline} required />
      <SelectField name="leadDepartment" label={t('candidate.leadDepartment')} value={cv.leadDepartment} error={ce.leadDepartment}
        options={[['', t('department.choose')], ...departments.map((d): [string, string] => [d.name, d.name])]} />
      <fieldset class={ce.coDepartments ? 'field--error' : undefined}>
        <legend>{t('candidate.coDepartments')}</legend>
        <p class="field__hint">{t('department.listHint')} <a href="/admin/departments">{t('department.title')}</a></p>
        {ce.coDepartments && <p class="field__error">{ce.coDepartments}</p>}
        {departments.map((d) => (
          <label class="check"><input type="checkbox" name="coDepartments" value={d.name} checked={co.includes(d.name)} /> {d.name}</label>
        ))}
      </fieldset>
      <Field name="leadOfficial" label={t('candidate.leadOfficial')} value={cv.leadOfficial} error={ce.leadOfficial} required maxlength={100} />
    </>
  );
}

export function CandidateEditPage({ v, candidate, values, errors = {}, frozen, departments }: { v: ViewContext; candidate: CandidateView; values: Values; errors?: Errors; frozen: boolean; departments: { id: number; name: string }[] }) {
  const { t } = v;
  return (
    <section aria-labelledby="candidate-edit-title">
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/admin">{t('admin.title')}</a> › <a href={`/admin/meetings/${candidate.meetingId}`}>{candidate.meetingTitle}</a></nav>
      <h1 id="candidate-edit-title">{t('candidateAdmin.edit')}: {candidate.name}</h1>
      {frozen ? <Notice kind="error">{t('meetingAdmin.frozen')}</Notice> : (
        <form method="post" action={`/admin/candidates/${candidate.id}`} class="stack narrow">
          <CandidateFields v={v} values={values} errors={errors} departments={departments} />
          <button type="submit" class="button button--primary">{t('paper.save')}</button>
        </form>
      )}
    </section>
  );
}
