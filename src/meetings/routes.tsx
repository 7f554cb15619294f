import { Hono } from 'hono';
import { confirmFirst } from '../../views/components/confirm.tsx';
import { HTTPException } from 'hono/http-exception';
import { BallotMessage } from '../../views/ballots/ballot.tsx';
import { AttendancePage, CandidateEditPage, groupAnchor, MeetingAdminPage, MeetingsAdminPage } from '../../views/meetings/admin.tsx';
import { CandidatePage } from '../../views/meetings/candidate.tsx';
import { AdminDashboard } from '../../views/meetings/dashboard.tsx';
import { HomePage } from '../../views/meetings/home.tsx';
import { MeetingPage } from '../../views/meetings/meeting.tsx';
import { isFrozen } from '../domain/lifecycle.ts';
import { hasQuorum } from '../domain/tally.ts';
import { electionsByMeeting, listElections, scrutineersOf } from '../elections/store.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { fieldErrors, intField, listField, textField } from '../platform/http/forms.ts';
import { acting, type Ctx, currentUser, db, flash, found, idParam, view } from '../platform/http/kit.ts';
import { parseId } from '../platform/http/params.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { Refused } from '../platform/refusal.ts';
import { type FieldIssue, ValidationError } from '../platform/validation.ts';
import { unknownNames } from '../departments/rules.ts';
import { listDepartmentNames } from '../departments/store.ts';
import { meetingChosenProjects } from '../results/store.ts';
import { listTerms } from '../terms/store.ts';
import { candidateOutcome, lastYearsProjects, projectLinks } from '../projects/public-store.ts';
import { attendanceShow, type AttendanceShow, delegationsOf, groupSheet, undoRefusal } from './attendance.ts';
import type { CandidateView, MeetingSummary } from './model.ts';
import type { CandidateInput } from './rules.ts';
import {
  addCandidate, type AttendanceRefusal, attendanceRoster, attendanceSummary, createMeeting, getCandidate, getMeeting, listCandidates, listMeetings, publishMeeting,
  meetingSettings, openedElectionListing, ratableProjects, recordAttendance, selfCheckIn, undoStanding, updateCandidate, updateMeetingSettings,
} from './store.ts';

type FormState = Record<string, string>;
const stringValues = (form: Record<string, unknown>) => Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string')) as FormState;

const NOTICES: Record<string, MessageKey> = {
  meeting: 'meetingAdmin.created', candidate: 'candidateAdmin.added', candidateUpdated: 'candidateAdmin.updated',
  settings: 'meetingAdmin.settingsSaved', published: 'meetingAdmin.publishedNotice', electionDeleted: 'meetingAdmin.electionDeleted',
};

const meetingOr404 = async (c: Ctx) => found(await getMeeting(db(c), idParam(c)));
/** A meeting as the public may see it: only once published. */
const publicMeetingOr404 = async (c: Ctx) => found(await getMeeting(db(c), idParam(c), PUBLIC));
const candidateOr404 = async (c: Ctx) => found(await getCandidate(db(c), idParam(c)));
const PUBLIC = { publishedOnly: true } as const;
const ALL = { publishedOnly: false } as const;

/** The forms of the meeting page that may come back with errors: candidate, election and rating set-up. */
export interface MeetingFormState {
  candidateErrors?: FormState; candidateValues?: FormState;
  electionErrors?: FormState; electionValues?: FormState;
  ratingErrors?: FormState; ratingValues?: FormState;
}

/** The secretariat's page of one meeting: candidates, settings, attendance and its votes, with any form's errors. */
export async function meetingAdminPage(c: Ctx, meetingId: number, extra: MeetingFormState = {}) {
  const meeting = found(await getMeeting(db(c), meetingId));
  const [candidates, elections, attendance, settings, ratable, departments] = await Promise.all([
    listCandidates(db(c), meetingId), listElections(db(c), meetingId), attendanceSummary(db(c), meetingId),
    meetingSettings(db(c), meetingId), ratableProjects(db(c), meetingId), listDepartmentNames(db(c)),
  ]);
  return c.render(<MeetingAdminPage v={view(c)} meeting={meeting} settings={settings}
    candidates={candidates} elections={elections} attendance={attendance} ratable={ratable} departments={departments}
    frozen={elections.some((e) => isFrozen(e.state))} notice={flash(c, NOTICES)} {...extra} />, { title: meeting.title });
}

async function meetingsPage(c: Ctx, extra: { errors?: FormState; values?: FormState } = {}) {
  const [meetings, terms] = await Promise.all([listMeetings(db(c), ALL), listTerms(db(c))]);
  return c.render(<MeetingsAdminPage v={view(c)} meetings={meetings} terms={terms} {...extra} />, { title: c.var.t('meetingAdmin.title') });
}

/** 万元 as typed ("3820.5") → yuan; empty → null; anything else → NaN for validation to name. */
function wanToYuan(s: string): number | null {
  const x = s.trim();
  if (x === '') return null;
  return /^\d+(\.\d{1,4})?$/.test(x) ? Math.round(Number(x) * 10_000) : Number.NaN;
}


/** A candidate as the form posts it: targets one per line, 总投资 in 万元, departments separated by commas. */
function candidateFromForm(form: Record<string, unknown>): CandidateInput {
  return {
    name: textField(form, 'name'), category: textField(form, 'category') as CandidateInput['category'], description: textField(form, 'description'),
    targets: textField(form, 'targets').split('\n').map((x) => x.trim()).filter(Boolean),
    totalInvestmentYuan: wanToYuan(textField(form, 'investmentWan')), deadline: textField(form, 'deadline'),
    leadDepartment: textField(form, 'leadDepartment'),
    coDepartments: listField(form, 'coDepartments').filter((x): x is string => typeof x === 'string').map((x) => x.trim()).filter(Boolean),
    leadOfficial: textField(form, 'leadOfficial'),
  };
}

/** A candidate form's values to show again: its text fields, and the co-departments ticked (one per line). */
function candidateFormValues(form: Record<string, unknown>): FormState {
  return { ...stringValues(form), coDepartments: listField(form, 'coDepartments').filter((x) => typeof x === 'string').join('\n') };
}

/**
 * The candidate's departments must be on the one list (/admin/departments): the form offers only
 * those, so another name is a stale or tampered form, refused before anything is written.
 */
async function checkDepartments(c: Ctx, input: CandidateInput): Promise<void> {
  const list = (await listDepartmentNames(db(c))).map((d) => d.name);
  const issues: FieldIssue[] = [];
  const [lead] = unknownNames([input.leadDepartment], list);
  if (lead !== undefined) issues.push({ field: 'leadDepartment', key: 'department.error.unknown', params: { name: lead.slice(0, 100) } });
  const [co] = unknownNames(input.coDepartments ?? [], list);
  if (co !== undefined) issues.push({ field: 'coDepartments', key: 'department.error.unknown', params: { name: co.slice(0, 100) } });
  if (issues.length > 0) throw new ValidationError(issues);
}

/** A stored candidate as form values, for the correction form. */
function candidateValues(c: CandidateView): FormState {
  return {
    name: c.name, category: c.category, description: c.description, targets: c.targets.join('\n'),
    investmentWan: c.totalInvestmentYuan === null ? '' : String(c.totalInvestmentYuan / 10_000), deadline: c.deadline,
    leadDepartment: c.leadDepartment, coDepartments: c.coDepartments.join('\n'), leadOfficial: c.leadOfficial,
  };
}

/** The attendance sheet's search and filter, from a query string (the page) or a form's `back` (after a step). */
function sheetQuery(get: (key: string) => string | undefined): { q: string; delegation: string; show: AttendanceShow; open: string } {
  return {
    q: (get('q') ?? '').trim().slice(0, 50), delegation: (get('delegation') ?? '').slice(0, 100),
    show: attendanceShow(get('show')), open: (get('open') ?? '').slice(0, 100),
  };
}

/** A sheet's search and filter as a query string, only the fields the page knows (no `back` passes through as typed). */
function sheetSearch(query: Partial<ReturnType<typeof sheetQuery>>, extra: Record<string, string> = {}): string {
  const out = new URLSearchParams();
  for (const k of ['q', 'delegation', 'show', 'open'] as const) if (query[k] && query[k] !== 'all') out.set(k, query[k]);
  for (const [k, v] of Object.entries(extra)) out.set(k, v);
  return out.toString();
}

async function attendancePage(c: Ctx, meeting: MeetingSummary, query: ReturnType<typeof sheetQuery>, extra: { notice?: string; error?: string }) {
  const [roster, summary] = await Promise.all([attendanceRoster(db(c), meeting.id), attendanceSummary(db(c), meeting.id)]);
  return c.render(<AttendancePage v={view(c)} meeting={meeting} summary={summary} {...query}
    delegations={delegationsOf(roster)} groups={groupSheet(roster, query)} {...extra} />, { title: c.var.t('attendance.title') });
}

const namesOf = (c: Ctx, deputies: readonly { code: string; name: string }[]) =>
  deputies.map((d) => `${d.code} ${d.name}`).join(c.var.lang === 'en' ? ', ' : '、');

/** The page again, 409, saying whose check-in cannot be undone and why. */
function refusedUndo(c: Ctx, meeting: MeetingSummary, was: ReturnType<typeof sheetQuery>, reason: AttendanceRefusal, names: string) {
  c.status(409);
  const error = c.var.t('attendance.refused.voted', { names });
  return attendancePage(c, meeting, was, { error });
}

/**
 * Marks deputies present, or undoes their check-in: refused (409, naming them) once the rules say it
 * counted (`undoRefusal`), else asked first (`confirmFirst`) when anyone present would be marked absent.
 */
async function markAttendance(c: Ctx, meeting: MeetingSummary, ids: number[], form: Record<string, unknown>, options: { delegation?: string }) {
  const present = textField(form, 'present') === '1';
  const back = textField(form, 'back');
  const was = sheetQuery((k) => new URLSearchParams(back).get(k) ?? undefined);
  const open = textField(form, 'open') || options.delegation;
  if (!present && ids.length > 0) {
    const standing = await undoStanding(db(c), meeting.id, ids);
    const refusal = undoRefusal({ votedInOpenVote: standing.voted.length > 0 });
    if (refusal) return refusedUndo(c, meeting, { ...was, open: open ?? '' }, refusal, namesOf(c, standing.voted));
    if (standing.present.length > 0) {
      const { t } = view(c);
      const summary = await attendanceSummary(db(c), meeting.id);
      const after = summary.present - standing.present.length;
      const asked = confirmFirst(c, form, {
        title: t('ask.undoAttendance.title'), button: t('ask.undoAttendance.button'),
        back: `/admin/meetings/${meeting.id}/attendance?${sheetSearch({ ...was, open })}`,
        consequences: [
          t('ask.undoAttendance.who', { count: standing.present.length, names: namesOf(c, standing.present) }),
          t('ask.undoAttendance.what', { before: summary.present, after, expected: summary.expected }),
          ...(summary.quorum && !hasQuorum(after, summary.expected) ? [t('ask.undoAttendance.quorum')] : []),
          t('ask.undoAttendance.audit'),
        ],
        facts: { undo: standing.present.map((d) => d.id).join(','), present: summary.present },
        carry: {
          present: '0', back, ...(open ? { open } : {}),
          ...(options.delegation === undefined ? { deputies: ids.join(',') } : { delegation: options.delegation }),
        },
      });
      if (asked) return asked;
    }
  }
  let changed: number;
  try {
    changed = await recordAttendance(db(c), acting(c), meeting.id, ids, present, options);
  } catch (e) {
    // Only deputies of the meeting's term can be marked.
    if (e instanceof ValidationError) throw new HTTPException(400);
    // A deputy voted since the confirmation page.
    if (e instanceof Refused && e.reason === 'voted') {
      const standing = await undoStanding(db(c), meeting.id, ids);
      return refusedUndo(c, meeting, { ...was, open: open ?? '' }, e.reason as AttendanceRefusal, namesOf(c, standing.voted));
    }
    throw e;
  }
  const query = sheetSearch({ ...was, open }, { [present ? 'updated' : 'undone']: String(changed) });
  return c.redirect(`/admin/meetings/${meeting.id}/attendance?${query}${open ? `#${encodeURIComponent(groupAnchor(open))}` : ''}`, 303);
}

/**
 * Meetings and their candidates: the public pages (no sign-in), and for the secretariat the
 * meetings, candidates, settings and attendance (签到); deputies check themselves in where allowed.
 */
export function meetingRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const meetings = await listMeetings(db(c), PUBLIC);
      const [current, ...past] = meetings;
      const [candidates, chosen, links, lastYear] = current ? await Promise.all([
        listCandidates(db(c), current.id), meetingChosenProjects(db(c), current.id), projectLinks(db(c), current.id),
        lastYearsProjects(db(c), c.var.deps.clock, current.year),
      ]) : [[], [], {}, undefined];
      // Before the vote, the candidates; once a selection is published, its result (and the projects it made).
      return c.render(<HomePage v={view(c)} current={current} candidates={candidates} past={past}
        chosen={chosen} projects={links} {...(lastYear ? { lastYear } : {})} />, { title: c.var.t('home.title') });
    })
    .get('/meetings/:id', async (c) => {
      const meeting = await publicMeetingOr404(c);
      const [candidates, elections, chosen, projects] = await Promise.all([
        listCandidates(db(c), meeting.id), listElections(db(c), meeting.id), meetingChosenProjects(db(c), meeting.id), projectLinks(db(c), meeting.id),
      ]);
      const scrutineers = await scrutineersOf(db(c), elections.map((e) => e.id));
      return c.render(<MeetingPage v={view(c)} meeting={meeting} candidates={candidates}
        // Drafts are the secretariat's work in progress: not public.
        elections={elections.filter((e) => e.state !== 'draft').map((e) => ({ id: e.id, title: e.title, kind: e.kind, state: e.state, scrutineers: scrutineers.get(e.id) ?? [] }))}
        chosen={chosen} projects={projects} />, { title: meeting.title });
    })
    .get('/candidates/:id', async (c) => {
      const candidate = await candidateOr404(c);
      // A candidate of a meeting still being prepared is not public.
      found(await getMeeting(db(c), candidate.meetingId, PUBLIC));
      const outcome = await candidateOutcome(db(c), candidate.id);
      return c.render(<CandidatePage v={view(c)} candidate={candidate} {...(outcome ? { outcome } : {})} />, { title: candidate.name });
    })
    .get('/api/meetings', async (c) => {
      const [meetings, elections] = await Promise.all([listMeetings(db(c), PUBLIC), electionsByMeeting(db(c))]);
      // Ids are strings, as in the record format.
      return c.json(meetings.map((m) => ({
        id: String(m.id), title: m.title, year: m.year, startsOn: m.startsOn, endsOn: m.endsOn,
        elections: (elections.get(m.id) ?? []).map((e) => ({ id: String(e.id), kind: e.kind, title: e.title, state: e.state })),
      })));
    })
    // The secretariat's start page; its sections live with their features (terms, users, …).
    .get('/admin', (c) => c.render(<AdminDashboard v={view(c)} />, { title: c.var.t('admin.title') }))
    .get('/admin/meetings', (c) => meetingsPage(c))
    .post('/admin/meetings', async (c) => {
      const form = await c.req.parseBody();
      try {
        const m = await createMeeting(db(c), acting(c), {
          termId: intField(form, 'termId'), title: textField(form, 'title'), sessionOrdinal: intField(form, 'sessionOrdinal'),
          year: intField(form, 'year'), startsOn: textField(form, 'startsOn'), endsOn: textField(form, 'endsOn'),
          sharedTablets: textField(form, 'sharedTablets') === '1',
        });
        return c.redirect(`/admin/meetings/${m.id}?done=meeting`, 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return meetingsPage(c, { errors: fieldErrors(c.var.t, e), values: { ...stringValues(form), sharedTablets: textField(form, 'sharedTablets') || '0' } });
      }
    })
    .get('/admin/meetings/:id', async (c) => meetingAdminPage(c, idParam(c)))
    .post('/admin/meetings/:id/publish', async (c) => {
      const meeting = await meetingOr404(c);
      const { t } = view(c);
      const asked = confirmFirst(c, await c.req.parseBody(), {
        title: t('ask.publishMeeting.title'), button: t('ask.publishMeeting.button'), back: `/admin/meetings/${meeting.id}`,
        consequences: [t('ask.publishMeeting.what', { count: meeting.candidateCount }), t('ask.publishMeeting.final')],
        facts: { published: String(meeting.published), candidates: meeting.candidateCount },
      });
      if (asked) return asked;
      await publishMeeting(db(c), acting(c), meeting.id);
      return c.redirect(`/admin/meetings/${meeting.id}?done=published`, 303);
    })
    .post('/admin/meetings/:id/candidates', async (c) => {
      const meeting = await meetingOr404(c);
      const form = await c.req.parseBody({ all: true });
      try {
        const input = candidateFromForm(form);
        await checkDepartments(c, input);
        await addCandidate(db(c), acting(c), meeting.id, input);
        return c.redirect(`/admin/meetings/${meeting.id}?done=candidate`, 303);
      } catch (e) {
        if (e instanceof Refused && e.reason === 'frozen') throw new HTTPException(409);
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return meetingAdminPage(c, meeting.id, { candidateErrors: fieldErrors(c.var.t, e), candidateValues: candidateFormValues(form) });
      }
    })
    .get('/admin/candidates/:id', async (c) => {
      const candidate = await candidateOr404(c);
      const frozen = (await openedElectionListing(db(c), candidate.id)) !== undefined;
      const departments = await listDepartmentNames(db(c));
      return c.render(<CandidateEditPage v={view(c)} candidate={candidate} values={candidateValues(candidate)} frozen={frozen} departments={departments} />, { title: candidate.name });
    })
    .post('/admin/candidates/:id', async (c) => {
      const candidate = await candidateOr404(c);
      const form = await c.req.parseBody({ all: true });
      try {
        const input = candidateFromForm(form);
        await checkDepartments(c, input);
        await updateCandidate(db(c), acting(c), candidate.id, input);
        return c.redirect(`/admin/meetings/${candidate.meetingId}?done=candidateUpdated`, 303);
      } catch (e) {
        if (e instanceof Refused && e.reason === 'frozen') throw new HTTPException(409);
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        const departments = await listDepartmentNames(db(c));
        return c.render(<CandidateEditPage v={view(c)} candidate={candidate} values={candidateFormValues(form)} errors={fieldErrors(c.var.t, e)} frozen={false} departments={departments} />, { title: candidate.name });
      }
    })
    .post('/admin/meetings/:id/settings', async (c) => {
      const meeting = await meetingOr404(c);
      const form = await c.req.parseBody();
      await updateMeetingSettings(db(c), acting(c), meeting.id, {
        sharedTablets: textField(form, 'sharedTablets') === '1', selfCheckIn: textField(form, 'selfCheckIn') === '1',
      });
      return c.redirect(`/admin/meetings/${meeting.id}?done=settings`, 303);
    })
    .get('/admin/meetings/:id/attendance', async (c) => {
      const meeting = await meetingOr404(c);
      const updated = c.req.query('updated');
      const undone = c.req.query('undone');
      const notice = updated ? c.var.t('attendance.updated', { count: Number(updated) || 0 })
        : undone ? c.var.t('attendance.undone', { count: Number(undone) || 0 }) : undefined;
      return attendancePage(c, meeting, sheetQuery((k) => c.req.query(k)), { notice });
    })
    .post('/admin/meetings/:id/attendance', async (c) => {
      const meeting = await meetingOr404(c);
      const form = await c.req.parseBody({ all: true });
      // One or more `deputy` fields (the page), or `deputies` as a comma-separated list (a confirmation carries it so).
      const raw = [...listField(form, 'deputy'), ...textField(form, 'deputies').split(',').filter((x) => x !== '')];
      const ids = raw.map((x) => parseId(typeof x === 'string' ? x : undefined));
      if (ids.some((x) => x === undefined)) throw new HTTPException(400);
      return markAttendance(c, meeting, ids as number[], form, {});
    })
    .post('/admin/meetings/:id/attendance/delegation', async (c) => {
      const meeting = await meetingOr404(c);
      const form = await c.req.parseBody({ all: true });
      const delegation = textField(form, 'delegation');
      const ids = (await attendanceRoster(db(c), meeting.id)).filter((r) => r.delegation === delegation).map((r) => r.id);
      // A delegation not on the term's roster: a stale or tampered form.
      if (ids.length === 0) throw new HTTPException(400);
      return markAttendance(c, meeting, ids, form, { delegation });
    })
    .post('/meetings/:id/check-in', async (c) => {
      const user = currentUser(c);
      if (user.deputyId === null) {
        c.status(409);
        const t = c.var.t;
        return c.render(<BallotMessage v={view(c)} title={t('vote.title')} message={t('ballot.refused.noDeputy')} />, { title: t('vote.title') });
      }
      const result = await selfCheckIn(db(c), acting(c), idParam(c), user.deputyId);
      return c.redirect(`/vote?done=${result === 'checked-in' || result === 'already' ? 'checkin' : 'checkin-refused'}`, 303);
    });
}
