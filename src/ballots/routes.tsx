import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { BallotMessage, BallotPage, ReceiptPage, ReviewPage, type BallotElection, type BallotOption } from '../../views/ballots/ballot.tsx';
import { VotePage } from '../../views/ballots/vote.tsx';
import { clearSessionCookie } from '../auth/middleware.ts';
import { revokeSession, type CurrentUser } from '../auth/sessions.ts';
import type { Db } from '../platform/db/index.ts';
import { getElection, type ElectionView } from '../elections/queries.ts';
import { selfCheckIn } from '../elections/store.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { parseId } from '../platform/http/params.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { listCandidates } from '../meetings/store.ts';
import { castBallot, type CastRefusal } from './cast.ts';
import { parseBallotForm } from './form.ts';
import { marksFromChoices, type BallotProblem } from './rules.ts';
import { newTracker } from './tracker.ts';

const view = (c: Context<AppEnv>) => ({ lang: c.var.lang, t: c.var.t });

const REFUSALS: Record<CastRefusal, MessageKey> = {
  'not-found': 'error.404',
  'not-open': 'ballot.refused.notOpen',
  'not-eligible': 'ballot.refused.notEligible',
  'not-present': 'ballot.refused.notPresent',
  'already-voted': 'ballot.refused.alreadyVoted',
  'voted-on-paper': 'ballot.refused.paper',
  'invalid-marks': 'ballot.refused.invalidMarks',
};
const REFUSAL_STATUS: Record<CastRefusal, 403 | 404 | 409 | 422> = {
  'not-found': 404, 'not-open': 409, 'not-eligible': 403, 'not-present': 403, 'already-voted': 409, 'voted-on-paper': 409, 'invalid-marks': 422,
};

/** The election and its options for the ballot, or 404. */
async function loadBallot(db: Db, rawId: string | undefined): Promise<{ e: ElectionView; election: BallotElection; options: BallotOption[] }> {
  const id = parseId(rawId);
  const e = id === undefined ? undefined : await getElection(db, id);
  if (!e) throw new HTTPException(404);
  const candidates = new Map((await listCandidates(db, e.meeting_id)).map((c) => [c.id, c]));
  const options = e.options.map((o) => ({ key: o.key, position: o.position, title: o.title, candidate: o.candidateId ? candidates.get(o.candidateId) : undefined }));
  return { e, election: { id: e.id, title: e.title, meetingTitle: e.meetingTitle, marking: e.marking, seats: e.seats }, options };
}

/** The deputy behind the signed-in account; an account not linked to a deputy record cannot vote. */
function deputyOf(c: Context<AppEnv>): { user: CurrentUser; deputyId: number } | undefined {
  const user = c.var.user!;
  return user.deputyId === null ? undefined : { user, deputyId: user.deputyId };
}

function notADeputy(c: Context<AppEnv>) {
  c.status(409);
  const t = c.var.t;
  return c.render(<BallotMessage v={view(c)} title={t('vote.title')} message={t('ballot.refused.noDeputy')} />, { title: t('vote.title') });
}

/** Why this deputy cannot vote in this election now, or undefined when they can. */
async function blocker(db: Db, e: ElectionView, deputyId: number): Promise<CastRefusal | undefined> {
  if (e.state !== 'open') return 'not-open';
  const roll = await db.selectFrom('roll').select('channel').where('election_id', '=', e.id).where('deputy_id', '=', deputyId).executeTakeFirst();
  if (!roll) return 'not-eligible';
  if (roll.channel === 'paper') return 'voted-on-paper';
  if (roll.channel === 'electronic') return 'already-voted';
  const present = await db.selectFrom('attendance').select('present').where('meeting_id', '=', e.meeting_id).where('deputy_id', '=', deputyId).executeTakeFirst();
  return present?.present ? undefined : 'not-present';
}

function problemText(c: Context<AppEnv>, p: BallotProblem, titles: Map<string, string>): string {
  const t = c.var.t;
  switch (p.code) {
    case 'too-many-for': return t('ballot.problem.tooManyFor', { count: p.count, seats: p.max });
    case 'missing-mark': return t('ballot.problem.missing', { option: titles.get(p.option) ?? p.option });
    case 'bad-letter': return t('ballot.problem.badLetter', { option: titles.get(p.option) ?? p.option });
    case 'unknown-option': return t('ballot.problem.unknownOption');
  }
}

/** What every ballot step starts with: no caching, the deputy behind the account, the ballot. */
async function openBallot(c: Context<AppEnv>) {
  noStore(c);
  const who = deputyOf(c);
  if (!who) return notADeputy(c);
  const { db } = c.var.deps.database;
  return { ...who, db, b: await loadBallot(db, c.req.param('id')) };
}

/** Why this deputy cannot vote here now, as a page with the matching status. */
function refuse(c: Context<AppEnv>, election: BallotElection, why: CastRefusal) {
  c.status(REFUSAL_STATUS[why]);
  return c.render(<BallotMessage v={view(c)} title={election.title} message={c.var.t(REFUSALS[why])} />, { title: election.title });
}

/** The ballot again, with the deputy's choices kept and every problem listed (422). */
function rejectMarks(c: Context<AppEnv>, b: Awaited<ReturnType<typeof loadBallot>>, choices: Record<string, string>, problems: BallotProblem[]) {
  const titles = new Map(b.options.map((o) => [o.key, o.title]));
  c.status(422);
  return c.render(<BallotPage v={view(c)} election={b.election} options={b.options} choices={choices} errors={problems.map((p) => problemText(c, p, titles))} />, { title: b.election.title });
}

function noStore(c: Context<AppEnv>) {
  c.header('Cache-Control', 'no-store');
}

/** Deputies' ballots: the list, the ballot, the review step, casting and the receipt. */
export function ballotRoutes() {
  return new Hono<AppEnv>()
    .get('/vote', async (c) => {
      noStore(c);
      const who = deputyOf(c);
      if (!who) return notADeputy(c);
      const { deputyId } = who;
      const { db } = c.var.deps.database;
      // Meetings of the deputy's term that let deputies check themselves in, where this one has not yet.
      const checkIns = await db.selectFrom('meetings as m').innerJoin('deputies as d', 'd.term_id', 'm.term_id')
        .leftJoin('attendance as a', (j) => j.onRef('a.meeting_id', '=', 'm.id').onRef('a.deputy_id', '=', 'd.id'))
        .select(['m.id', 'm.title']).where('d.id', '=', deputyId).where('m.self_check_in', '=', true)
        .where((eb) => eb.or([eb('a.present', 'is', null), eb('a.present', '=', false)])).orderBy('m.starts_on', 'desc').execute();
      const rows = await db.selectFrom('roll as r').innerJoin('elections as e', 'e.id', 'r.election_id').innerJoin('meetings as m', 'm.id', 'e.meeting_id')
        .select(['e.id', 'e.title', 'e.state', 'm.title as meetingTitle', 'r.channel'])
        .where('r.deputy_id', '=', deputyId).where('e.state', 'in', ['open', 'closed']).orderBy('e.id', 'desc').execute();
      const done = c.req.query('done');
      const notice = done === 'checkin' ? c.var.t('vote.checkedIn') : done === 'checkin-refused' ? c.var.t('vote.checkInNotAllowed') : undefined;
      return c.render(<VotePage v={view(c)} elections={rows} checkIns={checkIns} notice={notice} />, { title: c.var.t('vote.title') });
    })
    .post('/meetings/:id/check-in', async (c) => {
      const who = deputyOf(c);
      if (!who) return notADeputy(c);
      const meetingId = parseId(c.req.param('id'));
      if (meetingId === undefined) throw new HTTPException(404);
      const result = await selfCheckIn(c.var.deps.database.db, { clock: c.var.deps.clock, actor: { userId: who.user.id, name: who.user.username } }, meetingId, who.deputyId);
      return c.redirect(`/vote?done=${result === 'checked-in' || result === 'already' ? 'checkin' : 'checkin-refused'}`, 303);
    })
    .get('/elections/:id/ballot', async (c) => {
      const s = await openBallot(c);
      if (s instanceof Response) return s;
      const { deputyId, db, b } = s;
      const why = await blocker(db, b.e, deputyId);
      if (why) return refuse(c, b.election, why);
      return c.render(<BallotPage v={view(c)} election={b.election} options={b.options} />, { title: b.election.title });
    })
    .post('/elections/:id/ballot/review', async (c) => {
      const s = await openBallot(c);
      if (s instanceof Response) return s;
      const { deputyId, db, b } = s;
      const form = parseBallotForm(await c.req.parseBody({ all: true }));
      const why = await blocker(db, b.e, deputyId);
      if (why) return refuse(c, b.election, why);
      if (form.unexpected.length) throw new HTTPException(400);
      if (c.req.query('edit') === '1') {
        return c.render(<BallotPage v={view(c)} election={b.election} options={b.options} choices={form.choices} />, { title: b.election.title });
      }
      const result = marksFromChoices({ kind: b.e.kind, marking: b.e.marking, seats: b.e.seats, optionKeys: b.options.map((o) => o.key) }, form.choices);
      if (!result.ok) return rejectMarks(c, b, form.choices, result.problems);
      return c.render(<ReviewPage v={view(c)} election={b.election} options={b.options} marks={result.marks} tracker={newTracker()} />, { title: c.var.t('ballot.reviewTitle') });
    })
    .post('/elections/:id/ballot', async (c) => {
      const s = await openBallot(c);
      if (s instanceof Response) return s;
      const { user, deputyId, db, b } = s;
      const form = parseBallotForm(await c.req.parseBody({ all: true }));
      if (form.unexpected.length) throw new HTTPException(400);
      const checked = marksFromChoices({ kind: b.e.kind, marking: b.e.marking, seats: b.e.seats, optionKeys: b.options.map((o) => o.key) }, form.choices);
      if (!checked.ok) return rejectMarks(c, b, form.choices, checked.problems);
      const result = await castBallot(db, c.var.deps.clock, { electionId: b.e.id, deputyId, marks: checked.marks, tracker: form.tracker });
      if (result.status === 'refused') return refuse(c, b.election, result.reason);
      // On shared tablets the next deputy must not find this one signed in.
      const meeting = await db.selectFrom('meetings').select('shared_tablets').where('id', '=', b.e.meeting_id).executeTakeFirstOrThrow();
      if (meeting.shared_tablets) {
        await revokeSession(db, user.id, user.sessionId);
        clearSessionCookie(c);
        c.set('user', null);
      }
      return c.render(
        <ReceiptPage v={view(c)} election={b.election} options={b.options} marks={result.marks} tracker={result.tracker} signedOut={meeting.shared_tablets} />,
        { title: c.var.t('ballot.receiptTitle') },
      );
    });
}
