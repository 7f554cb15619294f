import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { appendAudit } from '../audit/store.ts';
import { type Acting } from '../platform/acting.ts';
import { newTracker } from '../ballots/tracker.ts';
import type { Db } from '../platform/db/index.ts';
import { acceptsPaperEntry, votingOpenAt } from '../domain/lifecycle.ts';
import { LETTERS, type KeyedInvalidReason } from '../domain/vocabulary.ts';
import { type LifecycleRefusal, lockElection } from '../elections/transition.ts';
import { codeKey, isCodeShape, matchCodes } from '../domain/codes.ts';
import { Refused } from '../platform/refusal.ts';
import { isComplete, reconcilePaper, returnedExceedsIssued, type PaperEntry, type PaperReconciliation } from './rules.ts';

export type PaperRefusal = LifecycleRefusal | 'beyond-issued' | 'beyond-returned' | 'bad-marks' | 'incomplete' | 'unknown-deputies'
  | 'bad-codes' | 'unknown-codes' | 'returned-exceeds';

/** A paper-ballot step the rules refuse; nothing was written. */
const refuse = (reason: PaperRefusal, detail?: Record<string, unknown>) => new Refused<PaperRefusal>(reason, detail);

/**
 * Records that the named deputies received paper ballots (during the vote): their roll rows are
 * marked `paper`, so they cannot vote electronically, and vice versa. Codes are matched whatever
 * their case (an exact match first; src/domain/codes.ts). Only present deputies on the roll who
 * have not voted; anything else refuses the whole list, naming the codes, and issues nothing:
 * `bad-codes` (not a code at all), `unknown-codes` (no such deputy in the term),
 * `unknown-deputies` (a deputy who cannot receive one now). Returns how many were issued.
 */
export async function issuePaper(db: Db, acting: Acting, electionId: number, deputyCodes: readonly string[]): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const e = await lockElection(trx, electionId);
    if (!e) throw refuse('not-found');
    if (!votingOpenAt(e, acting.clock.now())) throw refuse('wrong-state');
    const malformed = deputyCodes.filter((c) => !isCodeShape(c));
    if (malformed.length > 0) throw refuse('bad-codes', { codes: [...new Set(malformed)] });
    const codes = deputyCodes.filter((c, i) => deputyCodes.findIndex((d) => codeKey(d) === codeKey(c)) === i);
    if (codes.length === 0) return 0;
    const { term_id: termId } = await trx.selectFrom('meetings').select('term_id').where('id', '=', e.meeting_id).executeTakeFirstOrThrow();
    const deputies = await trx.selectFrom('deputies as d')
      .leftJoin('roll as r', (j) => j.onRef('r.deputy_id', '=', 'd.id').on('r.election_id', '=', electionId))
      .leftJoin('attendance as a', (j) => j.onRef('a.deputy_id', '=', 'd.id').on('a.meeting_id', '=', e.meeting_id))
      .select(['d.id', 'd.code', sql<boolean>`r.deputy_id is not null and r.channel is null and a.present is true`.as('eligible')])
      .where('d.term_id', '=', termId).where(sql<string>`lower(d.code)`, 'in', codes.map(codeKey)).execute();
    const found = matchCodes(codes, deputies);
    const unknown = [...found.unknown, ...found.ambiguous];
    if (unknown.length > 0) throw refuse('unknown-codes', { codes: unknown });
    const ineligible = found.matched.filter((m) => !m.row.eligible);
    if (ineligible.length > 0) throw refuse('unknown-deputies', { codes: ineligible.map((m) => m.row.code) });
    const ids = [...new Set(found.matched.map((m) => m.row.id))];
    const now = acting.clock.now();
    await trx.updateTable('roll').set({ channel: 'paper', issued_at: now })
      .where('election_id', '=', electionId).where('deputy_id', 'in', ids).where('channel', 'is', null).execute();
    await trx.updateTable('elections')
      .set({ paper_issued: sql<number>`(select count(*) from roll where election_id = ${electionId} and channel = 'paper')` })
      .where('id', '=', electionId).execute();
    const issued = [...new Set(found.matched.map((m) => m.row.code))];
    await appendAudit(trx, acting.clock, acting.actor, { action: 'paper.issue', subject: `election:${electionId}`, details: { deputies: issued } });
    return ids.length;
  });
}

/**
 * Records how many paper ballots came back. More than were issued is refused and nothing is
 * saved (`returned-exceeds`, with both figures): a miscount is counted again, and if more really
 * came back the secretariat voids the vote deliberately on the scrutiny page, with the reason.
 */
export async function recordReturned(db: Db, acting: Acting, electionId: number, returned: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const e = await lockElection(trx, electionId);
    if (!e) throw refuse('not-found');
    if (!acceptsPaperEntry(e.state) || e.paper_committed_at) throw refuse('wrong-state');
    if (returnedExceedsIssued(returned, e.paper_issued)) throw refuse('returned-exceeds', { returned, issued: e.paper_issued });
    await trx.updateTable('elections').set({ paper_returned: returned }).where('id', '=', electionId).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'paper.returned', subject: `election:${electionId}`, details: { returned, issued: e.paper_issued } });
  });
}

/**
 * One clerk's keying of the paper ballot at position `seq` of the returned stack (unmarked = N).
 * Keying again replaces the clerk's own entry, which is how a mismatch is corrected.
 */
export async function keyPaperBallot(db: Db, acting: Acting, electionId: number, entry: { seq: number; marks: string; invalid: KeyedInvalidReason | null }): Promise<void> {
  const clerk = acting.actor.userId;
  if (clerk === null) throw refuse('wrong-state');
  await db.transaction().execute(async (trx) => {
    const e = await trx.selectFrom('elections').select(['state', 'marking', 'paper_issued', 'paper_returned', 'paper_committed_at'])
      .where('id', '=', electionId).forShare().executeTakeFirst();
    if (!e) throw refuse('not-found');
    if (!acceptsPaperEntry(e.state) || e.paper_committed_at) throw refuse('wrong-state');
    if (!Number.isInteger(entry.seq) || entry.seq < 1 || entry.seq > e.paper_issued) throw refuse('beyond-issued', { issued: e.paper_issued });
    if (e.paper_returned !== null && entry.seq > e.paper_returned) throw refuse('beyond-returned', { returned: e.paper_returned });
    const options = await trx.selectFrom('election_options').select((eb) => eb.fn.countAll<number>().as('n')).where('election_id', '=', electionId).executeTakeFirstOrThrow();
    const letters = LETTERS[e.marking];
    if (entry.marks.length !== options.n || [...entry.marks].some((l) => !letters.includes(l))) throw refuse('bad-marks');
    const now = acting.clock.now();
    await trx.insertInto('paper_entries').values({ election_id: electionId, clerk_user_id: clerk, seq: entry.seq, marks: entry.marks, invalid: entry.invalid, entered_at: now })
      .onConflict((oc) => oc.columns(['election_id', 'clerk_user_id', 'seq']).doUpdateSet({ marks: entry.marks, invalid: entry.invalid, entered_at: now }))
      .execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'paper.key', subject: `election:${electionId}`, details: { seq: entry.seq } });
  });
}

export async function paperReconciliation(db: Db, electionId: number): Promise<{ reconciliation: PaperReconciliation; returned: number | null; issued: number; entries: (PaperEntry & { clerkName: string })[] }> {
  const e = await db.selectFrom('elections').select(['kind', 'seats', 'paper_issued', 'paper_returned']).where('id', '=', electionId).executeTakeFirstOrThrow();
  const entries = await db.selectFrom('paper_entries as p').innerJoin('users as u', 'u.id', 'p.clerk_user_id')
    .select(['p.clerk_user_id as clerkUserId', 'p.seq', 'p.marks', 'p.invalid', 'u.display_name as clerkName'])
    .where('p.election_id', '=', electionId).orderBy('p.seq').orderBy('p.clerk_user_id').execute();
  const returned = e.paper_returned;
  return { reconciliation: reconcilePaper(entries, returned ?? 0, e.kind, e.seats), returned, issued: e.paper_issued, entries };
}

/**
 * Puts the agreed paper ballots into the ballot box, each with a fresh random tracker, once every
 * returned ballot has two agreeing keyings. Happens once per election.
 */
export async function commitPaper(db: Db, acting: Acting, electionId: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const e = await lockElection(trx, electionId);
    if (!e) throw refuse('not-found');
    if (!acceptsPaperEntry(e.state) || e.paper_committed_at || e.paper_returned === null) throw refuse('wrong-state');
    const entries = await trx.selectFrom('paper_entries').select(['clerk_user_id as clerkUserId', 'seq', 'marks', 'invalid']).where('election_id', '=', electionId).execute();
    const r = reconcilePaper(entries, e.paper_returned, e.kind, e.seats);
    if (!isComplete(r, e.paper_returned)) throw refuse('incomplete', { mismatched: r.mismatched.length, incomplete: r.incomplete.length });
    // Stack order must not survive into the box: ballots are inserted in random order with random ids.
    const shuffled = [...r.agreed];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    for (const b of shuffled) {
      await trx.insertInto('ballots').values({ election_id: electionId, tracker: newTracker(), marks: b.marks, channel: 'paper', invalid: b.invalid ?? null }).execute();
    }
    await trx.updateTable('elections').set({ paper_committed_at: acting.clock.now() }).where('id', '=', electionId).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'paper.commit', subject: `election:${electionId}`, details: { ballots: r.agreed.length } });
    return r.agreed.length;
  });
}
