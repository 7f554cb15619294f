import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { streamSSE } from 'hono/streaming';
import { setTimeout as sleep } from 'node:timers/promises';
import { confirmFirst } from '../../views/components/confirm.tsx';
import { scrutineerLine } from '../../views/components/scrutineers.tsx';
import { ElectionAdminPage, TurnoutPanel } from '../../views/elections/admin.tsx';
import { HallDisplay, HallLive, type HallShown } from '../../views/elections/hall.tsx';
import { recordSummary } from '../counting/store.ts';
import { acceptsBallots, isFinal, isFrozen, isPublished } from '../domain/lifecycle.ts';
import type { ElectionState } from '../domain/vocabulary.ts';
import { meetingAdminPage } from '../meetings/routes.tsx';
import { attendanceSummary, getMeeting, listCandidates, ratableProjects } from '../meetings/store.ts';
import type { Db } from '../platform/db/index.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { fieldErrors, intField, listField, textField } from '../platform/http/forms.ts';
import { acting, type Ctx, db, flash, found, idParam, refusing, view } from '../platform/http/kit.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { beijingDate, parseBeijingMinute } from '../platform/time.ts';
import { formatDate, formatDateRange } from '../platform/i18n/index.ts';
import { parseInput, ValidationError } from '../platform/validation.ts';
import { publishedApiResult } from '../results/store.ts';
import { ceremonyOverview } from '../ceremonies/store.ts';
import { CEREMONY_ERRORS } from '../ceremonies/errors.ts';
import { electionInput, optionKey, parseBallotMode, parseScrutineerCodes, ratingInput } from './rules.ts';
import { setBallotMode } from '../ceremonies/store.ts';
import {
  closeElection, createElection, deleteDraft, type ElectionRefusal, listElections, electionLinks, electionScrutineers, electionState, getElection, nameScrutineers,
  openElection, scheduleClose, turnout,
} from './store.ts';

const stringValues = (form: Record<string, unknown>) => Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string')) as Record<string, string>;

const NOTICES: Record<string, MessageKey> = {
  election: 'election.created', runoff: 'runoff.created', rerun: 'rerun.created', opened: 'election.opened',
  closed: 'election.closedNotice', scheduled: 'election.scheduledNotice', scrutineers: 'scrutineers.saved',
  'ceremony-started': 'ceremony.done.started', 'ceremony-restarted': 'ceremony.done.restarted',
  'ballot-mode': 'ballotMode.saved',
};
const ERRORS: Partial<Record<ElectionRefusal | 'ballot-mode', MessageKey>> = {
  'ballot-mode': 'ballotMode.invalid',
  quorum: 'election.noQuorum', 'wrong-state': 'election.stateConflict', time: 'election.scheduleInvalid', 'not-allowed': 'error.403',
  'no-scrutineers': 'election.noScrutineers', 'meeting-unpublished': 'election.meetingUnpublished', 'not-draft': 'election.notDraft',
  'ceremony-started': 'election.ceremonyStarted', 'ceremony-incomplete': 'election.ceremonyIncomplete', 'possession-missing': 'election.possessionMissing',
};

/** The election the route's `:id` names, or 404: shared by the routes of every feature that acts on one. */
export const electionOr404 = async (c: Ctx) => found(await getElection(db(c), idParam(c)));
const meetingOr404 = async (c: Ctx) => found(await getMeeting(db(c), idParam(c)));
const adminPage = (id: number) => `/admin/elections/${id}`;

const STREAM_INTERVAL_MS = 2_000;

/**
 * Pushes a rendering whenever it changes (checked every two seconds) until the client goes away or
 * the server shuts down; the shutdown signal ends the stream so shutdown is not held up.
 */
function liveStream(c: Ctx, render: () => Promise<{ html: string; final?: boolean }>) {
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
async function hallShown(database: Db, electionId: number, state: ElectionState): Promise<HallShown> {
  const record = isPublished(state) ? await recordSummary(database, electionId) : undefined;
  return record ? { record } : { turnout: await turnout(database, electionId) };
}

/** A warning, when today (Beijing time) is not one of the meeting's days: a step then is rarely meant. */
async function outsideMeeting(c: Ctx, meetingId: number): Promise<string | undefined> {
  const m = await getMeeting(db(c), meetingId);
  const today = beijingDate(c.var.deps.clock.now());
  if (!m || (today >= m.startsOn && today <= m.endsOn)) return undefined;
  const { t, lang } = view(c);
  return t('ask.outsideMeeting', { today: formatDate(lang, today), dates: formatDateRange(lang, m.startsOn, m.endsOn) });
}

/** A refusal's message; opening an encrypted vote too early also says what to do next. */
function errorText(c: Ctx, key: MessageKey, error: string, missing: string): string {
  const next: Record<string, MessageKey> = { 'ceremony-incomplete': 'ballotMode.openRefused.ceremony', 'possession-missing': 'ballotMode.openRefused.possession' };
  const text = c.var.t(key, { missing });
  return Object.hasOwn(next, error) && c.req.query('ceremony') !== '1' ? `${text}${c.var.t(next[error]!)}` : text;
}

/** The secretariat's page of one vote; `form` carries a refused scrutineers form back to it. */
async function electionAdminPage(c: Ctx, form?: { scrutineers: string; errors: Record<string, string> }) {
  const e = await electionOr404(c);
  const [attendance, t, links, scrutineers, ceremony] = await Promise.all([
    attendanceSummary(db(c), e.meeting_id, e.electorate), isFrozen(e.state) ? turnout(db(c), e.id) : undefined, electionLinks(db(c), e),
    electionScrutineers(db(c), e.id), e.ballot_mode === 'encrypted' ? ceremonyOverview(db(c), e) : undefined,
  ]);
  const error = c.req.query('error');
  // A refused ceremony step comes back with `ceremony=1` and its own reason (src/ceremonies/routes.tsx).
  const errorKey = !error ? undefined : c.req.query('ceremony') === '1'
    ? (Object.hasOwn(CEREMONY_ERRORS, error) ? CEREMONY_ERRORS[error as keyof typeof CEREMONY_ERRORS] : undefined)
    : (Object.hasOwn(ERRORS, error) ? ERRORS[error as keyof typeof ERRORS] : undefined);
  const missing = /^[0-9、]{1,200}$/.test(c.req.query('missing') ?? '') ? c.req.query('missing')! : '';
  return c.render(<ElectionAdminPage v={view(c)} election={e} attendance={attendance} turnout={t} links={links} scrutineers={scrutineers} ceremony={ceremony}
    scrutineersForm={form} notice={form ? undefined : flash(c, NOTICES)} error={errorKey ? errorText(c, errorKey, error!, missing) : undefined} />, { title: e.title });
}

/**
 * Votes: setting one up (a selection, or a satisfaction rating of earlier projects), opening and
 * closing it (by hand or at a scheduled time), live turnout, the hall display and the public API.
 */
export function electionRoutes() {
  return new Hono<AppEnv>()
    .post('/admin/meetings/:id/elections', async (c) => {
      const meeting = await meetingOr404(c);
      const form = await c.req.parseBody({ all: true }) as Record<string, unknown>;
      const candidates = await listCandidates(db(c), meeting.id);
      const included = new Set(listField(form, 'include').map(String));
      if ([...included].some((id) => !candidates.some((x) => String(x.id) === id))) throw new HTTPException(400);
      // The ballot order the secretariat typed, ties kept in the candidates' own order.
      const chosen = candidates.filter((x) => included.has(String(x.id)))
        .map((x) => ({ x, order: intField(form, `order.${x.id}`) }))
        .sort((a, b) => (Number.isNaN(a.order) ? a.x.ballotOrder : a.order) - (Number.isNaN(b.order) ? b.x.ballotOrder : b.order) || a.x.ballotOrder - b.x.ballotOrder)
        .map(({ x }) => x);
      try {
        const input = parseInput(electionInput, {
          title: textField(form, 'title'), marking: textField(form, 'marking'), seats: intField(form, 'seats'),
          passBase: textField(form, 'passBase'), optionCount: chosen.length,
        });
        if (chosen.length < 2) throw new ValidationError([{ field: 'options', key: 'election.tooFewOptions' }]);
        // A further selection in a meeting that already holds one says why (a second list is not routine).
        const live = (await listElections(db(c), meeting.id)).some((x) => x.kind === 'selection' && x.state !== 'void');
        const note = textField(form, 'note').trim();
        if (live && note === '') throw new ValidationError([{ field: 'note', key: 'election.secondNeedsReason' }]);
        if ([...note].length > 500) throw new ValidationError([{ field: 'note', key: 'validation.tooLong' }]);
        // The form offers encrypted mode first: a form that names no mode gets it.
        const mode = parseBallotMode(textField(form, 'ballotMode'), textField(form, 'threshold'), 'encrypted');
        if ('issues' in mode) throw new ValidationError(mode.issues);
        const e = await createElection(db(c), acting(c), {
          ballotMode: mode.mode, threshold: mode.threshold,
          meetingId: meeting.id, kind: 'selection', title: input.title, marking: input.marking, seats: input.seats, passBase: input.passBase,
          ...(live ? { note } : {}),
          options: chosen.map((x, i) => ({ key: optionKey(i + 1), title: x.name, candidateId: x.id })),
        });
        return c.redirect(`${adminPage(e.id)}?done=election`, 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return meetingAdminPage(c, meeting.id, { electionErrors: fieldErrors(c.var.t, e), electionValues: { ...stringValues(form), include: [...included].join(',') } });
      }
    })
    .post('/admin/meetings/:id/ratings', async (c) => {
      const meeting = await meetingOr404(c);
      const form = await c.req.parseBody({ all: true }) as Record<string, unknown>;
      const rated = await ratableProjects(db(c), meeting.id);
      const ids = new Set(listField(form, 'project').map(String));
      if ([...ids].some((id) => !rated.some((p) => String(p.id) === id))) throw new HTTPException(400);
      const chosen = rated.filter((p) => ids.has(String(p.id)));
      try {
        const input = parseInput(ratingInput, { title: textField(form, 'title'), passBase: textField(form, 'passBase'), electorate: textField(form, 'electorate'), optionCount: chosen.length });
        // As for a selection: encrypted unless the form asks for plaintext.
        const mode = parseBallotMode(textField(form, 'ballotMode'), textField(form, 'threshold'), 'encrypted');
        if ('issues' in mode) throw new ValidationError(mode.issues);
        const e = await createElection(db(c), acting(c), {
          ballotMode: mode.mode, threshold: mode.threshold,
          meetingId: meeting.id, kind: 'satisfaction', title: input.title, marking: 'satisfaction', seats: null, passBase: input.passBase, electorate: input.electorate,
          options: chosen.map((p, i) => ({ key: optionKey(i + 1), title: p.name, candidateId: p.id })),
        });
        return c.redirect(`${adminPage(e.id)}?done=election`, 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return meetingAdminPage(c, meeting.id, { ratingErrors: fieldErrors(c.var.t, e), ratingValues: { ...stringValues(form), projects: [...ids].join(',') } });
      }
    })
    .get('/admin/elections/:id', (c) => electionAdminPage(c))
    .post('/admin/elections/:id/scrutineers', async (c) => {
      const id = idParam(c);
      const typed = textField(await c.req.parseBody(), 'scrutineers');
      try {
        const parsed = parseScrutineerCodes(typed);
        if ('issues' in parsed) throw new ValidationError(parsed.issues);
        return await refusing(c, adminPage(id), 'scrutineers', () => nameScrutineers(db(c), acting(c), id, parsed.codes));
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return electionAdminPage(c, { scrutineers: typed, errors: fieldErrors(c.var.t, e) });
      }
    })
    .post('/admin/elections/:id/ballot-mode', async (c) => {
      const id = idParam(c);
      const form = await c.req.parseBody();
      const mode = parseBallotMode(textField(form, 'ballotMode'), textField(form, 'threshold'), 'plaintext');
      // What the form cannot hold (an unknown mode, k outside 2 … 99) comes back as the rules' own refusal.
      if ('issues' in mode) return c.redirect(`${adminPage(id)}?${mode.issues[0]!.field === 'threshold' ? 'error=threshold&ceremony=1' : 'error=ballot-mode'}`, 303);
      return refusing(c, adminPage(id), 'ballot-mode', () => setBallotMode(db(c), acting(c), id, mode), () => ({ ceremony: '1' }));
    })
    .post('/admin/elections/:id/open', async (c) => {
      const e = await electionOr404(c);
      const [attendance, scrutineers, outside] = await Promise.all([
        attendanceSummary(db(c), e.meeting_id, e.electorate), electionScrutineers(db(c), e.id), outsideMeeting(c, e.meeting_id),
      ]);
      const { t } = view(c);
      const asked = confirmFirst(c, await c.req.parseBody(), {
        title: t('ask.open.title'), button: t('ask.open.button'), back: adminPage(e.id),
        consequences: [
          ...(outside ? [outside] : []),
          t('ask.open.frozen'),
          t('ask.open.attendance', { expected: attendance.expected, present: attendance.present }),
          scrutineers.length > 0 ? scrutineerLine(view(c), scrutineers) : t('scrutineers.none'),
        ],
        facts: {
          state: e.state, expected: attendance.expected, present: attendance.present, scrutineers: scrutineers.map((s) => s.code).join(' '),
          outside: outside ? 1 : 0,
        },
      });
      return asked ?? refusing(c, adminPage(e.id), 'opened', () => openElection(db(c), acting(c), e.id),
        (r): Record<string, string> => (r.reason === 'possession-missing' ? { missing: String(r.detail['missing'] ?? '') } : {}));
    })
    .post('/admin/elections/:id/delete', async (c) => {
      const e = await electionOr404(c);
      const { t } = view(c);
      const asked = confirmFirst(c, await c.req.parseBody(), {
        title: t('ask.deleteDraft.title'), button: t('ask.deleteDraft.button'), back: adminPage(e.id),
        consequences: [t('ask.deleteDraft.what', { title: e.title })], facts: { state: e.state },
      });
      if (asked) return asked;
      let meetingId: number | undefined;
      const back = await refusing(c, adminPage(e.id), 'deleted', async () => { meetingId = (await deleteDraft(db(c), acting(c), e.id)).meetingId; });
      return meetingId === undefined ? back : c.redirect(`/admin/meetings/${meetingId}?done=electionDeleted`, 303);
    })
    .post('/admin/elections/:id/close', async (c) => {
      const e = await electionOr404(c);
      const [now, outside] = await Promise.all([turnout(db(c), e.id), outsideMeeting(c, e.meeting_id)]);
      const { t } = view(c);
      const asked = confirmFirst(c, await c.req.parseBody(), {
        title: t('ask.close.title'), button: t('ask.close.button'), back: adminPage(e.id),
        consequences: [
          ...(outside ? [outside] : []),
          t('ask.close.final'), t('ask.close.turnout', { voted: now.voted, waiting: now.waiting.length, paper: now.paperIssued }),
        ],
        facts: { state: e.state, voted: now.voted, waiting: now.waiting.length, paper: now.paperIssued, outside: outside ? 1 : 0 },
      });
      return asked ?? refusing(c, adminPage(e.id), 'closed', () => closeElection(db(c), acting(c), e.id));
    })
    .post('/admin/elections/:id/schedule', async (c) => {
      const id = idParam(c);
      const at = parseBeijingMinute(textField(await c.req.parseBody(), 'closeAt'));
      return refusing(c, adminPage(id), 'scheduled', () => scheduleClose(db(c), acting(c), id, at));
    })
    .get('/admin/elections/:id/turnout', async (c) => {
      const e = await electionOr404(c);
      const t = await turnout(db(c), e.id);
      return c.render(<TurnoutPanel v={view(c)} electionId={e.id} turnout={t} live={acceptsBallots(e.state)} />, { title: c.var.t('turnout.title') });
    })
    .get('/admin/elections/:id/turnout/stream', async (c) => {
      const e = await electionOr404(c);
      return liveStream(c, async () => ({ html: (<TurnoutPanel v={view(c)} electionId={e.id} turnout={await turnout(db(c), e.id)} live />).toString() }));
    })
    .get('/elections/:id/display/stream', async (c) => {
      const e = await electionOr404(c);
      return liveStream(c, async () => {
        const state = (await electionState(db(c), e.id)) ?? e.state;
        const html = (<HallLive v={view(c)} state={state} shown={await hallShown(db(c), e.id, state)} />).toString();
        return { html, final: isFinal(state) };
      });
    })
    .get('/api/elections/:id', async (c) => {
      const e = await electionOr404(c);
      // The published record's result; null before publication (and for a void vote, never published).
      const [result, scrutineers] = await Promise.all([isPublished(e.state) ? publishedApiResult(db(c), e.id) : null, electionScrutineers(db(c), e.id)]);
      return c.json({
        id: String(e.id), title: e.title, kind: e.kind, state: e.state,
        meeting: { id: String(e.meeting_id), title: e.meetingTitle, year: e.meetingYear },
        rules: { marking: e.marking, ...(e.seats !== null ? { seats: e.seats } : {}), passBase: e.pass_base, deputiesTotal: e.deputies_total },
        openedAt: e.opened_at?.toISOString() ?? null, closedAt: e.closed_at?.toISOString() ?? null,
        options: e.options.map((o) => ({ id: o.key, title: o.title, candidateId: o.candidateId === null ? null : String(o.candidateId) })),
        // Who certifies the result: named before the vote opens, public from then on.
        scrutineers: scrutineers.map((s) => ({ name: s.name, delegation: s.delegation })),
        result,
      });
    })
    .get('/elections/:id/display', async (c) => {
      const e = await electionOr404(c);
      const [shown, scrutineers] = await Promise.all([hallShown(db(c), e.id, e.state), electionScrutineers(db(c), e.id)]);
      return c.render(<HallDisplay v={view(c)} election={e} shown={shown} scrutineers={scrutineers} />, { title: `${c.var.t('display.title')} · ${e.title}` });
    });
}
