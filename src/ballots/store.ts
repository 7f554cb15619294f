import { isPublished, votingOpenAt } from '../domain/lifecycle.ts';
import type { ElectionState } from '../domain/vocabulary.ts';
import { isUniqueViolation } from '../platform/db/errors.ts';
import type { Db, Trx } from '../platform/db/index.ts';
import { transactionDeadline } from '../platform/db/transactions.ts';
import type { Clock } from '../platform/time.ts';
import type { TrackerLookup, VoteEntry } from './model.ts';
import { type BallotSpec, castRefusal, type CastRefusal, marksFromChoices, type Standing } from './rules.ts';
import { spoiledByTracker } from './encrypted.ts';
import { newTracker, normaliseTracker, verifiedTracker } from './tracker.ts';

export type CastResult =
  | { status: 'cast' | 'resubmitted'; tracker: string; marks: string }
  | { status: 'refused'; reason: CastRefusal };

const CAST_DEADLINE_MS = 10_000;

/** A deputy's place on an election's roll and their attendance at its meeting, in one query. */
type ElectionAtCast = { id: number; state: ElectionState; meeting_id: number; close_scheduled_at: Date | null };

async function standingOf(db: Db | Trx, election: ElectionAtCast, now: Date, deputyId: number): Promise<Standing> {
  const row = await db.selectFrom('roll as r')
    .leftJoin('attendance as a', (j) => j.onRef('a.deputy_id', '=', 'r.deputy_id').on('a.meeting_id', '=', election.meeting_id))
    .select(['r.channel', 'a.present'])
    .where('r.election_id', '=', election.id).where('r.deputy_id', '=', deputyId).executeTakeFirst();
  return { votingOpen: votingOpenAt(election, now), onRoll: row !== undefined, channel: row?.channel ?? null, present: row?.present === true };
}

/** Why this deputy cannot vote in this election now (for the ballot page), or undefined when they can. */
export async function castBlocker(db: Db, election: ElectionAtCast, now: Date, deputyId: number) {
  return castRefusal(await standingOf(db, election, now, deputyId));
}

/**
 * Casts one electronic ballot, in ONE transaction: the deputy's roll row is marked only if it was not
 * marked before (`… where channel is null`), then the ballot goes into the box with no link back.
 * Zero rows marked means refusal, so concurrent casts by one deputy yield exactly one ballot.
 *
 * `tracker` comes from the review form, with the `trackerMac` the review page issued with it for this
 * deputy and election (src/ballots/tracker.ts), checked under `trackerKey` (src/keys/installation.ts):
 * a tracker without a valid MAC, chosen by the deputy or someone coercing them, is refused
 * ('bad-tracker') before anything is read or written. Without a tracker a fresh one is drawn (the
 * demo and the tests cast so). A resubmission of the same ballot (double tap, retry, back button)
 * with the same tracker and marks finds the recorded ballot and returns the same receipt.
 * `spec` is the ballot the caller already read (the ballot page): an election's options and rules
 * never change once it exists, so only its state is read again, under the lock. Casting writes no
 * audit entry: the roll row is its trace.
 */
export async function castBallot(db: Db, clock: Clock, input: {
  electionId: number; deputyId: number; marks: string; tracker?: string; trackerMac?: string; trackerKey?: Uint8Array; spec?: BallotSpec;
}): Promise<CastResult> {
  let offered: string | undefined;
  if (input.tracker) {
    offered = input.trackerKey && verifiedTracker(input.trackerKey, input.electionId, input.deputyId, input.tracker, input.trackerMac);
    if (!offered) return { status: 'refused', reason: 'bad-tracker' };
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx): Promise<CastResult> => {
        await transactionDeadline(trx, CAST_DEADLINE_MS);
        // FOR SHARE: closing the election (FOR UPDATE) waits for casts in flight, and vice versa.
        const election = await trx.selectFrom('elections').select(['id', 'state', 'meeting_id', 'kind', 'marking', 'seats', 'close_scheduled_at'])
          .where('id', '=', input.electionId).forShare().executeTakeFirst();
        if (!election) return { status: 'refused', reason: 'not-found' };
        const now = clock.now();
        if (!votingOpenAt(election, now)) return { status: 'refused', reason: 'not-open' };

        const spec = input.spec ?? {
          kind: election.kind, marking: election.marking, seats: election.seats,
          optionKeys: (await trx.selectFrom('election_options').select('key').where('election_id', '=', election.id).orderBy('position').execute()).map((o) => o.key),
        };
        const choices = Object.fromEntries(spec.optionKeys.map((k, i) => [k, input.marks[i] ?? '']));
        const checked = input.marks.length === spec.optionKeys.length ? marksFromChoices(spec, choices) : { ok: false as const };
        if (!checked.ok) return { status: 'refused', reason: 'invalid-marks' };

        const standing = await standingOf(trx, election, now, input.deputyId);
        if (standing.channel === 'electronic' && offered) {
          const same = await trx.selectFrom('ballots').select('marks')
            .where('election_id', '=', election.id).where('tracker', '=', offered).where('marks', '=', input.marks).executeTakeFirst();
          if (same) return { status: 'resubmitted', tracker: offered, marks: input.marks };
        }
        const why = castRefusal(standing);
        if (why) return { status: 'refused', reason: why };

        const marked = await trx.updateTable('roll').set({ channel: 'electronic', voted_at: now })
          .where('election_id', '=', election.id).where('deputy_id', '=', input.deputyId).where('channel', 'is', null)
          .executeTakeFirst();
        if (marked.numUpdatedRows === 0n) return { status: 'refused', reason: 'already-voted' };

        // The offered tracker is used unless it is taken (then a fresh one: the receipt shows it).
        const tracker = attempt === 0 && offered ? offered : newTracker();
        await trx.insertInto('ballots').values({ election_id: election.id, tracker, marks: input.marks, channel: 'electronic', invalid: null }).execute();
        return { status: 'cast', tracker, marks: input.marks };
      });
    } catch (e) {
      // A tracker collision rolls everything back; try once more with a fresh tracker.
      if (isUniqueViolation(e) && attempt === 0) continue;
      throw e;
    }
  }
}

/** The votes a deputy is on the roll of that are open or just closed, newest first, with how they voted. */
export async function deputyBallots(db: Db, deputyId: number): Promise<VoteEntry[]> {
  return db.selectFrom('roll as r').innerJoin('elections as e', 'e.id', 'r.election_id').innerJoin('meetings as m', 'm.id', 'e.meeting_id')
    .select(['e.id', 'e.title', 'e.state', 'm.title as meetingTitle', 'r.channel'])
    .where('r.deputy_id', '=', deputyId).where('e.state', 'in', ['open', 'closed']).orderBy('e.id', 'desc').execute();
}

/**
 * What anyone may learn from a tracker: that the ballot is in the box of an election. A plaintext
 * ballot's marks are shown only once the result is published (then the record holds them anyway);
 * an encrypted ballot's never (it says "counted" once published: only totals are decrypted). A
 * spoiled (checked) ballot says so, with everything needed to check it (its marks and randomness
 * are published: it was never cast).
 */
export async function lookupTracker(db: Db, raw: string): Promise<TrackerLookup | undefined> {
  const tracker = normaliseTracker(raw);
  if (!tracker) return undefined;
  const row = await db.selectFrom('ballots as b').innerJoin('elections as e', 'e.id', 'b.election_id')
    .select(['e.id', 'e.title', 'e.state', 'b.nonce']).where('b.tracker', '=', tracker).executeTakeFirst();
  if (row) return { tracker, status: 'recorded', election: { id: String(row.id), title: row.title, state: row.state }, ...(row.nonce !== null ? { encrypted: true } : {}) };
  // After the seal the ballot lives in sealed_ballots; its marks become public with the record.
  const sealed = await db.selectFrom('sealed_ballots as b').innerJoin('elections as e', 'e.id', 'b.election_id')
    .select(['e.id', 'e.title', 'e.state', 'e.marking', 'b.marks', 'b.invalid', 'b.nonce']).where('b.tracker', '=', tracker).executeTakeFirst();
  if (!sealed) return lookupSpoiled(db, tracker);
  const found: TrackerLookup = { tracker, status: 'recorded', election: { id: String(sealed.id), title: sealed.title, state: sealed.state } };
  if (sealed.nonce !== null) return { ...found, status: isPublished(sealed.state) ? 'counted' : 'recorded', encrypted: true };
  if (!isPublished(sealed.state) || sealed.marks === null) return found;
  const options = await db.selectFrom('election_options').select(['key', 'title']).where('election_id', '=', sealed.id).orderBy('position').execute();
  return {
    ...found, marking: sealed.marking, marks: sealed.marks, ...(sealed.invalid ? { invalid: sealed.invalid } : {}),
    options: options.map((o) => ({ id: o.key, title: o.title })),
  };
}

async function lookupSpoiled(db: Db, tracker: string): Promise<TrackerLookup | undefined> {
  const spoiled = await spoiledByTracker(db, tracker);
  if (!spoiled) return undefined;
  const e = await db.selectFrom('elections').select(['id', 'title', 'state', 'marking']).where('id', '=', spoiled.electionId).executeTakeFirstOrThrow();
  const options = await db.selectFrom('election_options').select(['key', 'title']).where('election_id', '=', e.id).orderBy('position').execute();
  return {
    tracker, status: 'spoiled', encrypted: true, election: { id: String(e.id), title: e.title, state: e.state },
    marking: e.marking, marks: spoiled.check.marks, options: options.map((o) => ({ id: o.key, title: o.title })), check: spoiled.check,
  };
}
