import { Hono } from 'hono';
import { electionOr404 } from '../elections/routes.tsx';
import { HTTPException } from 'hono/http-exception';
import { BallotMessage, BallotPage, ReceiptPage, ReviewPage, SHARED_RECEIPT_SECONDS, SHARED_RETURN_TO, type BallotElection, type BallotOption } from '../../views/ballots/ballot.tsx';
import { TrackerPage } from '../../views/ballots/tracker.tsx';
import { VotePage } from '../../views/ballots/vote.tsx';
import { clearSessionCookie } from '../auth/middleware.ts';
import { revokeSession } from '../auth/sessions.ts';
import type { ElectionView } from '../elections/model.ts';
import { listCandidates, selfCheckInOffers } from '../meetings/store.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { type Ctx, currentUser, db, flash, idParam, view } from '../platform/http/kit.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { parseBallotForm } from './form.ts';
import { type BallotProblem, type BallotSpec, type CastRefusal, marksFromChoices } from './rules.ts';
import { castBallot, castBlocker, deputyBallots, lookupTracker } from './store.ts';
import { issueTracker } from './tracker.ts';
import { trackerKey } from '../keys/installation.ts';

const REFUSALS: Record<CastRefusal, MessageKey> = {
  'not-found': 'error.404',
  'not-open': 'ballot.refused.notOpen',
  'not-eligible': 'ballot.refused.notEligible',
  'not-present': 'ballot.refused.notPresent',
  'already-voted': 'ballot.refused.alreadyVoted',
  'voted-on-paper': 'ballot.refused.paper',
  'invalid-marks': 'ballot.refused.invalidMarks',
  'bad-tracker': 'ballot.refused.badTracker',
};
const REFUSAL_STATUS: Record<CastRefusal, 403 | 404 | 409 | 422> = {
  'not-found': 404, 'not-open': 409, 'not-eligible': 403, 'not-present': 403, 'already-voted': 409, 'voted-on-paper': 409, 'invalid-marks': 422, 'bad-tracker': 422,
};
const NOTICES: Record<string, MessageKey> = { checkin: 'vote.checkedIn', 'checkin-refused': 'vote.checkInNotAllowed' };

interface LoadedBallot {
  e: ElectionView;
  election: BallotElection;
  options: BallotOption[];
  spec: BallotSpec;
}

/** The election, its options with their candidates, and what a ballot must satisfy: read once per request, or 404. */
async function loadBallot(c: Ctx): Promise<LoadedBallot> {
  const e = await electionOr404(c);
  const candidates = new Map((await listCandidates(db(c), e.meeting_id)).map((x) => [x.id, x]));
  const options = e.options.map((o) => ({ key: o.key, position: o.position, title: o.title, candidate: o.candidateId ? candidates.get(o.candidateId) : undefined }));
  return {
    e, options,
    election: { id: e.id, title: e.title, meetingTitle: e.meetingTitle, marking: e.marking, seats: e.seats, sharedTablets: e.sharedTablets },
    spec: { kind: e.kind, marking: e.marking, seats: e.seats, optionKeys: options.map((o) => o.key) },
  };
}

/** The deputy behind the signed-in account, or undefined: an account not linked to a deputy record cannot vote. */
function deputyIdOf(c: Ctx): number | undefined {
  return currentUser(c).deputyId ?? undefined;
}

function notADeputy(c: Ctx) {
  c.status(409);
  const t = c.var.t;
  return c.render(<BallotMessage v={view(c)} title={t('vote.title')} message={t('ballot.refused.noDeputy')} />, { title: t('vote.title') });
}

function problemText(c: Ctx, p: BallotProblem, titles: Map<string, string>): string {
  const t = c.var.t;
  switch (p.code) {
    case 'too-many-for': return t('ballot.problem.tooManyFor', { count: p.count, seats: p.max });
    case 'missing-mark': return t('ballot.problem.missing', { option: titles.get(p.option) ?? p.option });
    case 'bad-letter': return t('ballot.problem.badLetter', { option: titles.get(p.option) ?? p.option });
    case 'unknown-option': return t('ballot.problem.unknownOption');
  }
}

/** Why this deputy cannot vote here now, as a page with the matching status. */
function refuse(c: Ctx, election: BallotElection, why: CastRefusal) {
  c.status(REFUSAL_STATUS[why]);
  return c.render(<BallotMessage v={view(c)} title={election.title} message={c.var.t(REFUSALS[why])} />, { title: election.title });
}

/**
 * The ballot again (422), with the deputy's choices kept: unmarked items marked in place and linked
 * from the error summary, every other problem listed in it.
 */
function rejectMarks(c: Ctx, b: LoadedBallot, choices: Record<string, string>, problems: BallotProblem[]) {
  const titles = new Map(b.options.map((o) => [o.key, o.title]));
  const missing = problems.flatMap((p) => (p.code === 'missing-mark' ? [p.option] : []));
  const errors = problems.filter((p) => p.code !== 'missing-mark').map((p) => problemText(c, p, titles));
  c.status(422);
  return c.render(<BallotPage v={view(c)} election={b.election} options={b.options} choices={choices} errors={errors} missing={missing} />, { title: b.election.title });
}

/**
 * Deputies' ballots (the list, the ballot, the review step, casting and the receipt; pages of
 * signed-in routes are never stored), and public ballot tracking: /verify and /api/trackers/:tracker.
 */
export function ballotRoutes() {
  return new Hono<AppEnv>()
    .get('/vote', async (c) => {
      const deputyId = deputyIdOf(c);
      if (deputyId === undefined) return notADeputy(c);
      const [elections, checkIns] = await Promise.all([deputyBallots(db(c), deputyId), selfCheckInOffers(db(c), deputyId)]);
      return c.render(<VotePage v={view(c)} elections={elections} checkIns={checkIns} notice={flash(c, NOTICES)} />, { title: c.var.t('vote.title') });
    })
    .get('/elections/:id/ballot', async (c) => {
      const deputyId = deputyIdOf(c);
      if (deputyId === undefined) return notADeputy(c);
      const b = await loadBallot(c);
      const why = await castBlocker(db(c), b.e, c.var.deps.clock.now(), deputyId);
      if (why) return refuse(c, b.election, why);
      return c.render(<BallotPage v={view(c)} election={b.election} options={b.options} />, { title: b.election.title });
    })
    .post('/elections/:id/ballot/review', async (c) => {
      const deputyId = deputyIdOf(c);
      if (deputyId === undefined) return notADeputy(c);
      const b = await loadBallot(c);
      const form = parseBallotForm(await c.req.parseBody({ all: true }));
      const why = await castBlocker(db(c), b.e, c.var.deps.clock.now(), deputyId);
      if (why) return refuse(c, b.election, why);
      if (form.unexpected.length) throw new HTTPException(400);
      if (c.req.query('edit') === '1') {
        return c.render(<BallotPage v={view(c)} election={b.election} options={b.options} choices={form.choices} />, { title: b.election.title });
      }
      const result = marksFromChoices(b.spec, form.choices);
      if (!result.ok) return rejectMarks(c, b, form.choices, result.problems);
      return c.render(<ReviewPage v={view(c)} election={b.election} options={b.options} marks={result.marks} issued={issueTracker(trackerKey(c.var.deps.config), b.e.id, deputyId)} />, { title: c.var.t('ballot.reviewTitle') });
    })
    .post('/elections/:id/ballot', async (c) => {
      const deputyId = deputyIdOf(c);
      if (deputyId === undefined) return notADeputy(c);
      const user = currentUser(c);
      const b = await loadBallot(c);
      const form = parseBallotForm(await c.req.parseBody({ all: true }));
      if (form.unexpected.length) throw new HTTPException(400);
      const checked = marksFromChoices(b.spec, form.choices);
      if (!checked.ok) return rejectMarks(c, b, form.choices, checked.problems);
      const result = await castBallot(db(c), c.var.deps.clock, {
        electionId: b.e.id, deputyId, marks: checked.marks, tracker: form.tracker, trackerMac: form.trackerMac, trackerKey: trackerKey(c.var.deps.config), spec: b.spec,
      });
      if (result.status === 'refused') return refuse(c, b.election, result.reason);
      // On shared tablets the next deputy must not find this one signed in, nor their receipt: it goes
      // back to the sign-in page when the deputy leaves it or after a while (views/ballots/ballot.tsx).
      if (b.e.sharedTablets) {
        await revokeSession(db(c), user.id, user.sessionId);
        clearSessionCookie(c);
        c.set('user', null);
      }
      return c.render(
        <ReceiptPage v={view(c)} election={b.election} options={b.options} marks={result.marks} tracker={result.tracker} signedOut={b.e.sharedTablets} />,
        { title: c.var.t('ballot.receiptTitle'), ...(b.e.sharedTablets ? { refresh: { seconds: SHARED_RECEIPT_SECONDS, url: SHARED_RETURN_TO } } : {}) },
      );
    })
    .get('/verify', async (c) => {
      const raw = (c.req.query('tracker') ?? '').slice(0, 40);
      const found = raw ? await lookupTracker(db(c), raw) : undefined;
      if (raw && !found) c.status(404);
      return c.render(<TrackerPage v={view(c)} query={raw} found={found} />, { title: c.var.t('verify.title') });
    })
    .get('/api/trackers/:tracker', async (c) => {
      const found = await lookupTracker(db(c), c.req.param('tracker'));
      if (!found) return c.json({ error: c.var.t('verify.notFound'), status: 404 }, 404);
      return c.json(found);
    });
}
