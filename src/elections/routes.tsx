import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AttendancePage, CandidateEditPage, ElectionAdminPage, MeetingAdminPage, MeetingsAdminPage, TurnoutPanel } from '../../views/elections/admin.tsx';
import { HallDisplay, HallLive, type HallShown } from '../../views/elections/hall.tsx';
import { recordSummary } from '../counting/store.ts';
import type { Db } from '../platform/db/index.ts';
import type { Election } from '../domain/tables.ts';
import { streamSSE } from 'hono/streaming';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Acting, appendAudit } from '../audit/store.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { fieldErrors, intField, listField, textField } from '../platform/http/forms.ts';
import { parseId } from '../platform/http/params.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import type { CandidateInput } from '../meetings/rules.ts';
import { addCandidate, CandidateFrozenError, openedElectionListing, createMeeting, getCandidate, getMeeting, listCandidates, listMeetings, updateCandidate, type CandidateView } from '../meetings/store.ts';
import { parseInput, ValidationError } from '../platform/validation.ts';
import { publishedApiResult } from '../results/api.ts';
import { attendanceSummary, electionLinks, getElection, listElections, turnout } from './queries.ts';
import { electionInput, optionKey, ratingInput } from './rules.ts';
import { closeElection, createElection, ElectionStateError, openElection, recordAttendance, updateMeetingSettings } from './store.ts';

const view = (c: Context<AppEnv>) => ({ lang: c.var.lang, t: c.var.t });
const acting = (c: Context<AppEnv>): Acting => ({ clock: c.var.deps.clock, actor: { userId: c.var.user!.id, name: c.var.user!.username } });
const stringValues = (form: Record<string, unknown>) => Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string')) as Record<string, string>;

const NOTICES: Record<string, MessageKey> = {
  meeting: 'meetingAdmin.created', candidate: 'candidateAdmin.added', candidateUpdated: 'candidateAdmin.updated', election: 'election.created',
  settings: 'meetingAdmin.settingsSaved', runoff: 'runoff.created', rerun: 'rerun.created', opened: 'election.opened', closed: 'election.closedNotice', scheduled: 'election.scheduledNotice',
};
const notice = (c: Context<AppEnv>) => {
  const key = NOTICES[c.req.query('done') ?? ''];
  return key ? c.var.t(key) : undefined;
};

async function meetingOr404(c: Context<AppEnv>) {
  const id = parseId(c.req.param('id'));
  const meeting = id === undefined ? undefined : await getMeeting(c.var.deps.database.db, id);
  if (!meeting) throw new HTTPException(404);
  return meeting;
}

async function electionOr404(c: Context<AppEnv>) {
  const id = parseId(c.req.param('id'));
  const election = id === undefined ? undefined : await getElection(c.var.deps.database.db, id);
  if (!election) throw new HTTPException(404);
  return election;
}

/** Candidates are frozen once any election of the meeting has left draft. */
async function isFrozen(c: Context<AppEnv>, meetingId: number): Promise<boolean> {
  const elections = await listElections(c.var.deps.database.db, meetingId);
  return elections.some((e) => e.state !== 'draft');
}

/**
 * Projects a meeting may rate: the candidates of the term's earlier meetings. Those a published
 * selection chose come first once results exist; until then the secretariat ticks them.
 */
async function ratableProjects(c: Context<AppEnv>, meetingId: number) {
  const { db } = c.var.deps.database;
  const m = await db.selectFrom('meetings').select(['term_id', 'starts_on']).where('id', '=', meetingId).executeTakeFirstOrThrow();
  return db.selectFrom('candidates as c').innerJoin('meetings as m', 'm.id', 'c.meeting_id')
    .select(['c.id', 'c.name', 'm.title as meetingTitle', 'm.year'])
    .where('m.term_id', '=', m.term_id).where('m.starts_on', '<', m.starts_on)
    .orderBy('m.starts_on', 'desc').orderBy('c.ballot_order').execute();
}

type FormState = Record<string, string>;
async function renderMeeting(c: Context<AppEnv>, meetingId: number, extra: { candidateErrors?: FormState; candidateValues?: FormState; electionErrors?: FormState; electionValues?: FormState; ratingErrors?: FormState; ratingValues?: FormState } = {}) {
  const { db } = c.var.deps.database;
  const meeting = (await getMeeting(db, meetingId))!;
  const [candidates, elections, attendance, settings, ratable] = await Promise.all([
    listCandidates(db, meetingId), listElections(db, meetingId), attendanceSummary(db, meetingId),
    db.selectFrom('meetings').select(['shared_tablets', 'self_check_in']).where('id', '=', meetingId).executeTakeFirstOrThrow(),
    ratableProjects(c, meetingId),
  ]);
  c.header('Cache-Control', 'no-store');
  return c.render(<MeetingAdminPage v={view(c)} meeting={meeting} settings={{ sharedTablets: settings.shared_tablets, selfCheckIn: settings.self_check_in }}
    candidates={candidates} elections={elections} attendance={attendance} ratable={ratable}
    frozen={elections.some((e) => e.state !== 'draft')} notice={notice(c)} {...extra} />, { title: meeting.title });
}

/** 万元 as typed ("3820.5") → yuan; empty → null; anything else → NaN for validation to name. */
function wanToYuan(s: string): number | null {
  const x = s.trim();
  if (x === '') return null;
  return /^\d+(\.\d{1,4})?$/.test(x) ? Math.round(Number(x) * 10_000) : Number.NaN;
}

const splitList = (s: string) => s.split(/[,,、;;\n]/).map((x) => x.trim()).filter(Boolean);

/** A candidate as the form posts it: targets one per line, 总投资 in 万元, departments separated by commas. */
function candidateFromForm(form: Record<string, unknown>): CandidateInput {
  return {
    name: textField(form, 'name'), category: textField(form, 'category') as CandidateInput['category'], description: textField(form, 'description'),
    targets: textField(form, 'targets').split('\n').map((x) => x.trim()).filter(Boolean),
    totalInvestmentYuan: wanToYuan(textField(form, 'investmentWan')), deadline: textField(form, 'deadline'),
    leadDepartment: textField(form, 'leadDepartment'), coDepartments: splitList(textField(form, 'coDepartments')), leadOfficial: textField(form, 'leadOfficial'),
  };
}

/** A stored candidate as form values, for the correction form. */
function candidateValues(c: CandidateView): Record<string, string> {
  return {
    name: c.name, category: c.category, description: c.description, targets: c.targets.join('\n'),
    investmentWan: c.totalInvestmentYuan === null ? '' : String(c.totalInvestmentYuan / 10_000), deadline: c.deadline,
    leadDepartment: c.leadDepartment, coDepartments: c.coDepartments.join('、'), leadOfficial: c.leadOfficial,
  };
}

async function candidateOr404(c: Context<AppEnv>): Promise<CandidateView> {
  const id = parseId(c.req.param('id'));
  const candidate = id === undefined ? undefined : await getCandidate(c.var.deps.database.db, id);
  if (!candidate) throw new HTTPException(404);
  return candidate;
}



/** Moves an election on, back to its page with a notice, or with an error when its state forbids it. */
async function transition(c: Context<AppEnv>, id: number, move: () => Promise<void>, done: string) {
  try {
    await move();
  } catch (err) {
    if (err instanceof ElectionStateError) return c.redirect(`/admin/elections/${id}?error=state`, 303);
    throw err;
  }
  return c.redirect(`/admin/elections/${id}?done=${done}`, 303);
}

const STREAM_INTERVAL_MS = 2_000;

/**
 * Pushes a rendering whenever it changes (checked every two seconds) until the client goes away or
 * the server shuts down; the shutdown signal ends the stream so shutdown is not held up.
 */
function liveStream(c: Context<AppEnv>, render: () => Promise<{ html: string; final?: boolean }>) {
  c.header('Cache-Control', 'no-store');
  const { signal } = c.var.deps.shutdown;
  return streamSSE(c, async (stream) => {
    const closed = new AbortController();
    stream.onAbort(() => closed.abort());
    const stop = AbortSignal.any([signal, closed.signal]);
    let last = '';
    while (!stop.aborted) {
      const { html, final } = await render();
      if (html !== last) {
        await stream.writeSSE({ data: html });
        last = html;
      }
      // Nothing changes any more (a published result): hold the connection open without asking again,
      // so that the client does not reconnect, until it goes away or the server stops.
      if (final) {
        if (!stop.aborted) await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
      }
      else await sleep(STREAM_INTERVAL_MS, undefined, { signal: stop }).catch(() => undefined);
    }
  });
}

/** The hall display's live part: turnout until the result is published, then the result. */
async function hallShown(db: Db, electionId: number, state: Election['state']): Promise<HallShown> {
  const record = state === 'published' ? await recordSummary(db, electionId) : undefined;
  return record ? { record } : { turnout: await turnout(db, electionId) };
}

/** The secretariat's meetings, candidates, attendance and elections; turnout for scrutineers too. */
export function electionAdminRoutes() {
  return new Hono<AppEnv>()
    .get('/admin/meetings', async (c) => {
      c.header('Cache-Control', 'no-store');
      const { db } = c.var.deps.database;
      const [meetings, terms] = await Promise.all([listMeetings(db), db.selectFrom('terms').select(['id', 'name']).orderBy('ordinal', 'desc').execute()]);
      return c.render(<MeetingsAdminPage v={view(c)} meetings={meetings} terms={terms} />, { title: c.var.t('meetingAdmin.title') });
    })
    .post('/admin/meetings', async (c) => {
      const form = await c.req.parseBody();
      const { db } = c.var.deps.database;
      try {
        const m = await createMeeting(db, acting(c), {
          termId: intField(form, 'termId'), title: textField(form, 'title'), sessionOrdinal: intField(form, 'sessionOrdinal'),
          year: intField(form, 'year'), startsOn: textField(form, 'startsOn'), endsOn: textField(form, 'endsOn'),
          sharedTablets: textField(form, 'sharedTablets') === '1',
        });
        return c.redirect(`/admin/meetings/${m.id}?done=meeting`, 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        const [meetings, terms] = await Promise.all([listMeetings(db), db.selectFrom('terms').select(['id', 'name']).orderBy('ordinal', 'desc').execute()]);
        c.status(422);
        return c.render(<MeetingsAdminPage v={view(c)} meetings={meetings} terms={terms} errors={fieldErrors(c.var.t, e)} values={{ ...stringValues(form), sharedTablets: textField(form, 'sharedTablets') || '0' }} />, { title: c.var.t('meetingAdmin.title') });
      }
    })
    .get('/admin/meetings/:id', async (c) => renderMeeting(c, (await meetingOr404(c)).id))
    .post('/admin/meetings/:id/candidates', async (c) => {
      const meeting = await meetingOr404(c);
      if (await isFrozen(c, meeting.id)) throw new HTTPException(409);
      const form = await c.req.parseBody();
      try {
        await addCandidate(c.var.deps.database.db, acting(c), meeting.id, candidateFromForm(form));
        return c.redirect(`/admin/meetings/${meeting.id}?done=candidate`, 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return renderMeeting(c, meeting.id, { candidateErrors: fieldErrors(c.var.t, e), candidateValues: stringValues(form) });
      }
    })
    .get('/admin/candidates/:id', async (c) => {
      c.header('Cache-Control', 'no-store');
      const candidate = await candidateOr404(c);
      return c.render(<CandidateEditPage v={view(c)} candidate={candidate} values={candidateValues(candidate)} frozen={(await openedElectionListing(c.var.deps.database.db, candidate.id)) !== undefined} />, { title: candidate.name });
    })
    .post('/admin/candidates/:id', async (c) => {
      const candidate = await candidateOr404(c);
      const form = await c.req.parseBody();
      try {
        await updateCandidate(c.var.deps.database.db, acting(c), candidate.id, candidateFromForm(form));
        return c.redirect(`/admin/meetings/${candidate.meetingId}?done=candidateUpdated`, 303);
      } catch (e) {
        if (e instanceof CandidateFrozenError) throw new HTTPException(409);
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return c.render(<CandidateEditPage v={view(c)} candidate={candidate} values={stringValues(form)} errors={fieldErrors(c.var.t, e)} frozen={false} />, { title: candidate.name });
      }
    })
    .post('/admin/meetings/:id/elections', async (c) => {
      const meeting = await meetingOr404(c);
      const form = await c.req.parseBody({ all: true });
      const { db } = c.var.deps.database;
      const candidates = await listCandidates(db, meeting.id);
      const included = new Set(listField(form, 'include').map(String));
      if ([...included].some((id) => !candidates.some((x) => String(x.id) === id))) throw new HTTPException(400);
      // The ballot order the secretariat typed, ties kept in the candidates' own order.
      const chosen = candidates.filter((x) => included.has(String(x.id)))
        .map((x) => ({ x, order: intField(form as Record<string, unknown>, `order.${x.id}`) }))
        .sort((a, b) => (Number.isNaN(a.order) ? a.x.ballotOrder : a.order) - (Number.isNaN(b.order) ? b.x.ballotOrder : b.order) || a.x.ballotOrder - b.x.ballotOrder)
        .map(({ x }) => x);
      try {
        const input = parseInput(electionInput, {
          title: textField(form as Record<string, unknown>, 'title'), marking: textField(form as Record<string, unknown>, 'marking'), seats: intField(form as Record<string, unknown>, 'seats'),
          passBase: textField(form as Record<string, unknown>, 'passBase'), optionCount: chosen.length,
        });
        if (chosen.length < 2) throw new ValidationError([{ field: 'options', key: 'election.tooFewOptions' }]);
        const e = await createElection(db, acting(c), {
          meetingId: meeting.id, kind: 'selection', title: input.title, marking: input.marking, seats: input.seats, passBase: input.passBase,
          options: chosen.map((x, i) => ({ key: optionKey(i + 1), title: x.name, candidateId: x.id })),
        });
        return c.redirect(`/admin/elections/${e.id}?done=election`, 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return renderMeeting(c, meeting.id, { electionErrors: fieldErrors(c.var.t, e), electionValues: { ...stringValues(form), include: [...included].join(',') } });
      }
    })
    .post('/admin/meetings/:id/settings', async (c) => {
      const meeting = await meetingOr404(c);
      const form = await c.req.parseBody();
      await updateMeetingSettings(c.var.deps.database.db, acting(c), meeting.id, {
        sharedTablets: textField(form, 'sharedTablets') === '1', selfCheckIn: textField(form, 'selfCheckIn') === '1',
      });
      return c.redirect(`/admin/meetings/${meeting.id}?done=settings`, 303);
    })
    .post('/admin/meetings/:id/ratings', async (c) => {
      const meeting = await meetingOr404(c);
      const form = await c.req.parseBody({ all: true });
      const { db } = c.var.deps.database;
      const rated = await ratableProjects(c, meeting.id);
      const ids = new Set(listField(form, 'project').map(String));
      if ([...ids].some((id) => !rated.some((p) => String(p.id) === id))) throw new HTTPException(400);
      const chosen = rated.filter((p) => ids.has(String(p.id)));
      const f = form as Record<string, unknown>;
      try {
        const input = parseInput(ratingInput, { title: textField(f, 'title'), passBase: textField(f, 'passBase'), electorate: textField(f, 'electorate'), optionCount: chosen.length });
        const e = await createElection(db, acting(c), {
          meetingId: meeting.id, kind: 'satisfaction', title: input.title, marking: 'satisfaction', seats: null, passBase: input.passBase, electorate: input.electorate,
          options: chosen.map((p, i) => ({ key: optionKey(i + 1), title: p.name, candidateId: p.id })),
        });
        return c.redirect(`/admin/elections/${e.id}?done=election`, 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return renderMeeting(c, meeting.id, { ratingErrors: fieldErrors(c.var.t, e), ratingValues: { ...stringValues(form), projects: [...ids].join(',') } });
      }
    })
    .get('/admin/meetings/:id/attendance', async (c) => {
      c.header('Cache-Control', 'no-store');
      const meeting = await meetingOr404(c);
      const { db } = c.var.deps.database;
      const q = (c.req.query('q') ?? '').trim().slice(0, 50);
      const delegation = (c.req.query('delegation') ?? '').slice(0, 50);
      const term = await db.selectFrom('meetings').select('term_id').where('id', '=', meeting.id).executeTakeFirstOrThrow();
      let rows = db.selectFrom('deputies as d')
        .leftJoin('attendance as a', (j) => j.onRef('a.deputy_id', '=', 'd.id').on('a.meeting_id', '=', meeting.id))
        .select(['d.id', 'd.code', 'd.name', 'd.delegation', 'a.present'])
        .where('d.term_id', '=', term.term_id);
      if (q) rows = rows.where((eb) => eb.or([eb('d.name', 'like', `%${q.replace(/[%_\\]/g, '\\$&')}%`), eb('d.code', '=', q)]));
      if (delegation) rows = rows.where('d.delegation', '=', delegation);
      const [list, summary, delegations] = await Promise.all([
        rows.orderBy('d.delegation').orderBy('d.code').execute(),
        attendanceSummary(db, meeting.id),
        db.selectFrom('deputies').select('delegation').distinct().where('term_id', '=', term.term_id).orderBy('delegation').execute(),
      ]);
      const updated = c.req.query('updated');
      return c.render(<AttendancePage v={view(c)} meeting={meeting} summary={summary} q={q} delegation={delegation}
        delegations={delegations.map((d) => d.delegation)} rows={list.map((r) => ({ ...r, present: r.present === true }))}
        notice={updated ? c.var.t('attendance.updated', { count: Number(updated) || 0 }) : undefined} />, { title: c.var.t('attendance.title') });
    })
    .post('/admin/meetings/:id/attendance', async (c) => {
      const meeting = await meetingOr404(c);
      const form = await c.req.parseBody({ all: true });
      const ids = listField(form, 'deputy').map((x) => parseId(typeof x === 'string' ? x : undefined));
      if (ids.some((x) => x === undefined)) throw new HTTPException(400);
      const { db } = c.var.deps.database;
      // Only deputies of the meeting's term.
      const valid = ids.length === 0 ? [] : (await db.selectFrom('deputies as d').innerJoin('meetings as m', 'm.term_id', 'd.term_id')
        .select('d.id').where('m.id', '=', meeting.id).where('d.id', 'in', ids as number[]).execute()).map((d) => d.id);
      if (valid.length !== ids.length) throw new HTTPException(400);
      await recordAttendance(db, acting(c), meeting.id, valid, textField(form, 'present') === '1');
      const back = textField(form, 'back');
      const query = new URLSearchParams(back);
      query.set('updated', String(valid.length));
      return c.redirect(`/admin/meetings/${meeting.id}/attendance?${query.toString()}`, 303);
    })
    .get('/admin/elections/:id', async (c) => {
      c.header('Cache-Control', 'no-store');
      const e = await electionOr404(c);
      const { db } = c.var.deps.database;
      const [attendance, t, links] = await Promise.all([
        attendanceSummary(db, e.meeting_id, e.electorate), e.state === 'draft' ? undefined : turnout(db, e.id), electionLinks(db, e),
      ]);
      const error = c.req.query('error');
      const errorKey = error === 'quorum' ? 'election.noQuorum' : error === 'state' ? 'election.stateConflict' : error === 'time' ? 'election.scheduleInvalid' : undefined;
      return c.render(<ElectionAdminPage v={view(c)} election={e} attendance={attendance} turnout={t} links={links} notice={notice(c)} error={errorKey ? c.var.t(errorKey) : undefined} />, { title: e.title });
    })
    .post('/admin/elections/:id/open', async (c) => {
      const e = await electionOr404(c);
      const { db } = c.var.deps.database;
      const attendance = await attendanceSummary(db, e.meeting_id, e.electorate);
      if (!attendance.quorum) return c.redirect(`/admin/elections/${e.id}?error=quorum`, 303);
      return transition(c, e.id, () => openElection(db, acting(c), e.id), 'opened');
    })
    .post('/admin/elections/:id/close', async (c) => {
      const e = await electionOr404(c);
      return transition(c, e.id, () => closeElection(c.var.deps.database.db, acting(c), e.id), 'closed');
    })
    .post('/admin/elections/:id/schedule', async (c) => {
      const e = await electionOr404(c);
      const form = await c.req.parseBody();
      const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})$/.exec(textField(form, 'closeAt').trim());
      // Times are entered in Beijing time (UTC+8), the zone every congress using this works in.
      const at = m ? new Date(`${m[1]}T${m[2]!.padStart(2, '0')}:${m[3]}:00+08:00`) : undefined;
      if (!at || Number.isNaN(at.getTime()) || at <= c.var.deps.clock.now()) return c.redirect(`/admin/elections/${e.id}?error=time`, 303);
      if (e.state !== 'open') return c.redirect(`/admin/elections/${e.id}?error=state`, 303);
      const { db } = c.var.deps.database;
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('elections').set({ close_scheduled_at: at }).where('id', '=', e.id).where('state', '=', 'open').execute();
        await appendAudit(trx, c.var.deps.clock, acting(c).actor, { action: 'election.schedule-close', subject: `election:${e.id}`, details: { at: at.toISOString() } });
      });
      return c.redirect(`/admin/elections/${e.id}?done=scheduled`, 303);
    })
    .get('/admin/elections/:id/turnout', async (c) => {
      c.header('Cache-Control', 'no-store');
      const e = await electionOr404(c);
      const t = await turnout(c.var.deps.database.db, e.id);
      return c.render(<TurnoutPanel v={view(c)} electionId={e.id} turnout={t} live={e.state === 'open'} />, { title: c.var.t('turnout.title') });
    })
    .get('/admin/elections/:id/turnout/stream', async (c) => {
      const e = await electionOr404(c);
      return liveStream(c, async () => ({ html: (<TurnoutPanel v={view(c)} electionId={e.id} turnout={await turnout(c.var.deps.database.db, e.id)} live />).toString() }));
    })
    .get('/elections/:id/display/stream', async (c) => {
      const e = await electionOr404(c);
      const { db } = c.var.deps.database;
      return liveStream(c, async () => {
        const { state } = (await db.selectFrom('elections').select('state').where('id', '=', e.id).executeTakeFirst()) ?? e;
        const html = (<HallLive v={view(c)} state={state} shown={await hallShown(db, e.id, state)} />).toString();
        return { html, final: state === 'published' || state === 'void' };
      });
    })
    .get('/api/elections/:id', async (c) => {
      const e = await electionOr404(c);
      // The published record's result; null before publication (and for a void vote, never published).
      const result = e.state === 'published' ? await publishedApiResult(c.var.deps.database.db, e.id) : null;
      return c.json({
        id: String(e.id), title: e.title, kind: e.kind, state: e.state,
        meeting: { id: String(e.meeting_id), title: e.meetingTitle, year: e.meetingYear },
        rules: { marking: e.marking, ...(e.seats !== null ? { seats: e.seats } : {}), passBase: e.pass_base, deputiesTotal: e.deputies_total },
        openedAt: e.opened_at?.toISOString() ?? null, closedAt: e.closed_at?.toISOString() ?? null,
        options: e.options.map((o) => ({ id: o.key, title: o.title, candidateId: o.candidateId === null ? null : String(o.candidateId) })),
        result,
      });
    })
    .get('/elections/:id/display', async (c) => {
      c.header('Cache-Control', 'no-store');
      const e = await electionOr404(c);
      return c.render(<HallDisplay v={view(c)} election={e} shown={await hallShown(c.var.deps.database.db, e.id, e.state)} />, { title: `${c.var.t('display.title')} · ${e.title}` });
    });
}
