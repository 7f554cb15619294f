import type { Clock } from '../platform/time.ts';
import type { Db } from '../platform/db/index.ts';
import { isUniqueViolation } from '../platform/db/errors.ts';
import { transactionDeadline } from '../elections/store.ts';
import { marksFromChoices } from './rules.ts';
import { newTracker, normaliseTracker } from './tracker.ts';

export type CastRefusal = 'not-found' | 'not-open' | 'not-eligible' | 'not-present' | 'already-voted' | 'voted-on-paper' | 'invalid-marks';

export type CastResult =
  | { status: 'cast' | 'resubmitted'; tracker: string; marks: string }
  | { status: 'refused'; reason: CastRefusal };

const CAST_DEADLINE_MS = 10_000;

/**
 * Casts one electronic ballot, in ONE transaction: the deputy's roll row is marked only if it was not
 * marked before (`… where channel is null`), then the ballot goes into the box with no link back.
 * Zero rows marked means refusal, so concurrent casts by one deputy yield exactly one ballot.
 *
 * `tracker` comes from the review form: a resubmission of the same ballot (double tap, retry, back
 * button) with the same tracker and marks finds the recorded ballot and returns the same receipt.
 * Casting writes no audit entry: the roll row is its trace.
 */
export async function castBallot(db: Db, clock: Clock, input: { electionId: number; deputyId: number; marks: string; tracker?: string }): Promise<CastResult> {
  const offered = input.tracker ? normaliseTracker(input.tracker) : undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx): Promise<CastResult> => {
        await transactionDeadline(trx, CAST_DEADLINE_MS);
        // FOR SHARE: closing the election (FOR UPDATE) waits for casts in flight, and vice versa.
        const election = await trx.selectFrom('elections').select(['id', 'state', 'meeting_id', 'kind', 'marking', 'seats'])
          .where('id', '=', input.electionId).forShare().executeTakeFirst();
        if (!election) return { status: 'refused', reason: 'not-found' };
        if (election.state !== 'open') return { status: 'refused', reason: 'not-open' };

        const options = await trx.selectFrom('election_options').select('key').where('election_id', '=', election.id).orderBy('position').execute();
        const keys = options.map((o) => o.key);
        const choices = Object.fromEntries(keys.map((k, i) => [k, input.marks[i] ?? '']));
        const checked = input.marks.length === keys.length
          ? marksFromChoices({ kind: election.kind, marking: election.marking, seats: election.seats, optionKeys: keys }, choices)
          : { ok: false as const };
        if (!checked.ok) return { status: 'refused', reason: 'invalid-marks' };

        const roll = await trx.selectFrom('roll').select('channel').where('election_id', '=', election.id).where('deputy_id', '=', input.deputyId).executeTakeFirst();
        if (!roll) return { status: 'refused', reason: 'not-eligible' };
        if (roll.channel === 'electronic' && offered) {
          const same = await trx.selectFrom('ballots').select('marks')
            .where('election_id', '=', election.id).where('tracker', '=', offered).where('marks', '=', input.marks).executeTakeFirst();
          if (same) return { status: 'resubmitted', tracker: offered, marks: input.marks };
        }
        if (roll.channel === 'paper') return { status: 'refused', reason: 'voted-on-paper' };
        if (roll.channel === 'electronic') return { status: 'refused', reason: 'already-voted' };

        const attendance = await trx.selectFrom('attendance').select('present')
          .where('meeting_id', '=', election.meeting_id).where('deputy_id', '=', input.deputyId).executeTakeFirst();
        if (!attendance?.present) return { status: 'refused', reason: 'not-present' };

        const marked = await trx.updateTable('roll').set({ channel: 'electronic', voted_at: clock.now() })
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
