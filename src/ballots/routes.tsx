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
import { type BallotProblem, type BallotSpec, type EncryptedRefusal, marksFromChoices } from './rules.ts';
import { castBallot, castBlocker, deputyBallots, lookupTracker } from './store.ts';
import { issueTracker } from './tracker.ts';
import { trackerKey } from '../keys/installation.ts';
import { CONFIRM_FIELD } from '../platform/http/confirm.ts';
import { CheckPage, ServerEncryptedReviewPage, SpoiledPage } from '../../views/ballots/encrypted.tsx';
import { assetUrl } from '../platform/http/assets.ts';
import { decodePoint, encryptBallot } from '../domain/crypto/index.ts';
import { encryptedTracker } from '../domain/record/format-v2.ts';
import { LETTERS, type Marking } from '../domain/vocabulary.ts';
import { letterLabel } from '../../views/components/labels.ts';
import { castEncryptedBallot, cryptoSpecOf, electionKeyOf, spoilBallot } from './encrypted.ts';
import { issueBallotNonce, verifiedBallotNonce } from './nonce.ts';

const REFUSALS: Record<EncryptedRefusal, MessageKey> = {
  'not-found': 'error.404',
  'not-open': 'ballot.refused.notOpen',
  'not-eligible': 'ballot.refused.notEligible',
  'not-present': 'ballot.refused.notPresent',
  'already-voted': 'ballot.refused.alreadyVoted',
  'voted-on-paper': 'ballot.refused.paper',
  'invalid-marks': 'ballot.refused.invalidMarks',
  'bad-tracker': 'ballot.refused.badTracker',
  'bad-nonce': 'ballot.refused.badNonce',
  'not-encrypted': 'ballot.refused.notEncrypted',
  'bad-ballot': 'ballot.refused.badBallot',
  'copied-ballot': 'ballot.refused.copiedBallot',
  'nonce-used': 'ballot.refused.nonceUsed',
  'bad-spoil': 'ballot.refused.badSpoil',
};
const REFUSAL_STATUS: Record<EncryptedRefusal, 403 | 404 | 409 | 422> = {
  'not-found': 404, 'not-open': 409, 'not-eligible': 403, 'not-present': 403, 'already-voted': 409, 'voted-on-paper': 409, 'invalid-marks': 422, 'bad-tracker': 422,
  'bad-nonce': 422, 'not-encrypted': 409, 'bad-ballot': 422, 'copied-ballot': 409, 'nonce-used': 409, 'bad-spoil': 422,
};
const NOTICES: Record<string, MessageKey> = { checkin: 'vote.checkedIn', 'checkin-refused': 'vote.checkInNotAllowed' };

interface LoadedBallot {
  e: ElectionView;
  /** Encrypted mode (elections.ballot_mode). */
  encrypted: boolean;
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
    e, options, encrypted: e.ballot_mode === 'encrypted',
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
function refuse(c: Ctx, election: BallotElection, why: EncryptedRefusal) {
  c.status(REFUSAL_STATUS[why]);
  return c.render(<BallotMessage v={view(c)} title={election.title} message={c.var.t(REFUSALS[why])} />, { title: election.title });
}

/** The fields of an encrypted ballot's cast or check; any other field is a tampered or stale form (400). */
const ENCRYPTED_FIELDS = new Set(['nonce', 'nonceMac', 'ballot']);
const SPOIL_FIELDS = new Set([...ENCRYPTED_FIELDS, 'marks', 'randomness', 'confirm']);

function encryptedForm(body: Record<string, unknown>, allowed: Set<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (!allowed.has(name) || typeof value !== 'string') throw new HTTPException(400);
    out[name] = value;
  }
  return out;
}

/** The ballot page of an encrypted election: the key, the spec and a fresh nonce for the browser (ballot-page.ts). */
async function encryptedPage(c: Ctx, b: LoadedBallot, deputyId: number, extra: { choices?: Record<string, string>; errors?: string[]; missing?: string[] } = {}) {
  const key = await electionKeyOf(db(c), b.e.id);
  if (!key) return refuse(c, b.election, 'not-open');
  const issued = issueBallotNonce(trackerKey(c.var.deps.config), b.e.id, deputyId);
  return c.render(<BallotPage v={view(c)} election={b.election} options={b.options} choices={extra.choices} errors={extra.errors} missing={extra.missing} encrypted={{
    publicKey: key.publicKey, fingerprint: key.fingerprint, contextId: key.contextId, spec: cryptoSpecOf(b.spec),
    nonce: issued.nonce, nonceMac: issued.mac, scriptUrl: assetUrl('ballot-page.js'),
  }} />, { title: b.election.title });
}

/**
 * The ballot again (422), with the deputy's choices kept: unmarked items marked in place and linked
 * from the error summary, every other problem listed in it.
 */
function rejectMarks(c: Ctx, b: LoadedBallot, choices: Record<string, string>, problems: BallotProblem[], deputyId?: number) {
  const titles = new Map(b.options.map((o) => [o.key, o.title]));
  const missing = problems.flatMap((p) => (p.code === 'missing-mark' ? [p.option] : []));
  const errors = problems.filter((p) => p.code !== 'missing-mark').map((p) => problemText(c, p, titles));
  c.status(422);
  // In encrypted mode the ballot comes back as an encrypted ballot page (a fresh nonce for the browser).
  if (b.encrypted && deputyId !== undefined) return encryptedPage(c, b, deputyId, { choices, errors, missing });
  return c.render(<BallotPage v={view(c)} election={b.election} options={b.options} choices={choices} errors={errors} missing={missing} />, { title: b.election.title });
}

/**
 * The receipt. On shared tablets the next deputy must not find this one signed in, nor their
 * receipt: it goes back to the sign-in page when the deputy leaves it or after a while
 * (views/ballots/ballot.tsx). `marks` undefined: an encrypted ballot (the server never had them).
 */
async function receipt(c: Ctx, b: LoadedBallot, user: ReturnType<typeof currentUser>, marks: string | undefined, tracker: string) {
  if (b.e.sharedTablets) {
    await revokeSession(db(c), user.id, user.sessionId);
    clearSessionCookie(c);
    c.set('user', null);
  }
  return c.render(
    <ReceiptPage v={view(c)} election={b.election} options={b.options} marks={marks} tracker={tracker} signedOut={b.e.sharedTablets} />,
    { title: c.var.t('ballot.receiptTitle'), ...(b.e.sharedTablets ? { refresh: { seconds: SHARED_RECEIPT_SECONDS, url: SHARED_RETURN_TO } } : {}) },
  );
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
      if (b.encrypted) return encryptedPage(c, b, deputyId);
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
        if (b.encrypted) return encryptedPage(c, b, deputyId, { choices: form.choices });
        return c.render(<BallotPage v={view(c)} election={b.election} options={b.options} choices={form.choices} />, { title: b.election.title });
      }
      const result = marksFromChoices(b.spec, form.choices);
      if (!result.ok) return rejectMarks(c, b, form.choices, result.problems, deputyId);
      if (b.encrypted) {
        // Without JavaScript: the server encrypts, with a fresh nonce, and forgets the randomness and the marks.
        const key = await electionKeyOf(db(c), b.e.id);
        if (!key) return refuse(c, b.election, 'not-open');
        const issued = issueBallotNonce(trackerKey(c.var.deps.config), b.e.id, deputyId);
        const ballot = encryptBallot(decodePoint(key.publicKey), cryptoSpecOf(b.spec), key.contextId, issued.nonce, result.marks);
        return c.render(<ServerEncryptedReviewPage v={view(c)} election={b.election} options={b.options} marks={result.marks} nonce={issued.nonce} nonceMac={issued.mac}
          ballot={JSON.stringify(ballot)} tracker={encryptedTracker(key.contextId, issued.nonce, ballot.ciphertexts)} fingerprint={key.fingerprint} />, { title: c.var.t('ballot.enc.reviewTitle') });
      }
      return c.render(<ReviewPage v={view(c)} election={b.election} options={b.options} marks={result.marks} issued={issueTracker(trackerKey(c.var.deps.config), b.e.id, deputyId)} />, { title: c.var.t('ballot.reviewTitle') });
    })
    .post('/elections/:id/ballot', async (c) => {
      const deputyId = deputyIdOf(c);
      if (deputyId === undefined) return notADeputy(c);
      const user = currentUser(c);
      const b = await loadBallot(c);
      const body = await c.req.parseBody({ all: true });
      if (b.encrypted) {
        const f = encryptedForm(body, ENCRYPTED_FIELDS);
        const cast = await castEncryptedBallot(db(c), c.var.deps.clock, {
          electionId: b.e.id, deputyId, nonce: f['nonce'], nonceMac: f['nonceMac'], ballot: f['ballot'], macKey: trackerKey(c.var.deps.config), spec: b.spec,
        });
        if (cast.status === 'refused') return refuse(c, b.election, cast.reason);
        return receipt(c, b, user, undefined, cast.tracker);
      }
      const form = parseBallotForm(body);
      if (form.unexpected.length) throw new HTTPException(400);
      const checked = marksFromChoices(b.spec, form.choices);
      if (!checked.ok) return rejectMarks(c, b, form.choices, checked.problems);
      const result = await castBallot(db(c), c.var.deps.clock, {
        electionId: b.e.id, deputyId, marks: checked.marks, tracker: form.tracker, trackerMac: form.trackerMac, trackerKey: trackerKey(c.var.deps.config), spec: b.spec,
      });
      if (result.status === 'refused') return refuse(c, b.election, result.reason);
      return receipt(c, b, user, result.marks, result.tracker);
    })
    .post('/elections/:id/ballot/spoil', async (c) => {
      const deputyId = deputyIdOf(c);
      if (deputyId === undefined) return notADeputy(c);
      const b = await loadBallot(c);
      if (!b.encrypted) return refuse(c, b.election, 'not-encrypted');
      const f = encryptedForm(await c.req.parseBody({ all: true }), SPOIL_FIELDS);
      const input = {
        electionId: b.e.id, deputyId, nonce: f['nonce'], nonceMac: f['nonceMac'], ballot: f['ballot'], marks: f['marks'], randomness: f['randomness'],
        macKey: trackerKey(c.var.deps.config), spec: b.spec,
      };
      // The deputy confirms the check in the ballot page BEFORE the marks are sent (views/ballots/encrypted.tsx,
      // ballot-page.ts), and the form carries confirm=1. A post without it is refused at once, its marks
      // neither echoed nor kept: a check started and then cancelled must not have sent them.
      const t = c.var.t;
      if (f[CONFIRM_FIELD] !== '1') {
        c.status(422);
        return c.render(<BallotMessage v={view(c)} title={b.election.title} message={t('ballot.spoil.unconfirmed')} />, { title: b.election.title });
      }
      // A nonce this server did not issue to this deputy is refused before anything is kept.
      if (!verifiedBallotNonce(input.macKey, b.e.id, deputyId, input.nonce, input.nonceMac)) return refuse(c, b.election, 'bad-nonce');
      const spoiled = await spoilBallot(db(c), c.var.deps.clock, input);
      if (spoiled.status === 'refused') return refuse(c, b.election, spoiled.reason);
      return c.render(<SpoiledPage v={view(c)} election={b.election} tracker={spoiled.tracker} />, { title: t('ballot.spoil.title') });
    })
    .get('/check', (c) => {
      const raw = (c.req.query('tracker') ?? '').slice(0, 40);
      const labels = Object.fromEntries((Object.keys(LETTERS) as Marking[]).map((m) => [m, Object.fromEntries(LETTERS[m].map((l) => [l, letterLabel(view(c), m, l)]))]));
      return c.render(<CheckPage v={view(c)} tracker={raw} scriptUrl={assetUrl('check-ballot.js')} labels={labels} />, { title: c.var.t('check.title') });
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
