import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { appendAudit } from '../audit/store.ts';
import { type Acting } from '../platform/acting.ts';
import { newTracker } from '../ballots/tracker.ts';
import type { Db } from '../platform/db/index.ts';
import type { Election } from '../domain/tables.ts';
import { acceptsPaperEntry, votingOpenAt } from '../domain/lifecycle.ts';
import { LETTERS, type KeyedInvalidReason } from '../domain/vocabulary.ts';
import { type LifecycleRefusal, lockElection } from '../elections/transition.ts';
import { codeKey, isCodeShape, matchCodes } from '../domain/codes.ts';
import { Refused } from '../platform/refusal.ts';
import { isComplete, type Keying, reconcilePaper, returnedExceedsIssued, sameKeying, sheetTaken, type PaperEntry, type PaperReconciliation } from './rules.ts';
import { MAX_INT4 } from '../platform/validation.ts';

export type PaperRefusal = LifecycleRefusal | 'not-issued' | 'beyond-issued' | 'beyond-returned' | 'bad-marks' | 'incomplete' | 'unknown-deputies'
  | 'bad-codes' | 'unknown-codes' | 'returned-exceeds' | 'keyed-twice' | 'changed';

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
    const found = await deputiesToIssue(trx, acting, e, deputyCodes);
    if (found.ids.length === 0) return 0;
    const { ids } = found;
    const now = acting.clock.now();
    await trx.updateTable('roll').set({ channel: 'paper', issued_at: now })
      .where('election_id', '=', electionId).where('deputy_id', 'in', ids).where('channel', 'is', null).execute();
    await trx.updateTable('elections')
      .set({ paper_issued: sql<number>`(select count(*) from roll where election_id = ${electionId} and channel = 'paper')` })
      .where('id', '=', electionId).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'paper.issue', subject: `election:${electionId}`, details: { deputies: found.codes } });
    return ids.length;
  });
}

/** The deputies holding a paper ballot of this vote, in code order: who a mistaken hand-out may be undone for. */
export async function paperHolders(db: Db, electionId: number): Promise<{ code: string; name: string }[]> {
  const rows = await db.selectFrom('roll as r').innerJoin('deputies as d', 'd.id', 'r.deputy_id')
    .select(['d.code', 'd.name']).where('r.election_id', '=', electionId).where('r.channel', '=', 'paper').execute();
  return rows.sort((a, b) => a.code.localeCompare(b.code, 'en', { numeric: true }));
}

/**
 * Undoes a mistaken hand-out while the vote is open (the blank ballot is taken back first): the
 * deputy's roll row returns to "not voted", so they may vote on a tablet or take a ballot again.
 * Refused once the vote has closed (the returned count then covers it) and for a deputy who holds
 * no paper ballot, naming the code. Audited as `paper.unissue`. Returns the deputy's code as the
 * roster spells it.
 */
export async function unissuePaper(db: Db, acting: Acting, electionId: number, code: string): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const e = await lockElection(trx, electionId);
    if (!e) throw refuse('not-found');
    if (!votingOpenAt(e, acting.clock.now())) throw refuse('wrong-state');
    if (!isCodeShape(code)) throw refuse('bad-codes', { codes: [code] });
    const { term_id: termId } = await trx.selectFrom('meetings').select('term_id').where('id', '=', e.meeting_id).executeTakeFirstOrThrow();
    const deputies = await trx.selectFrom('deputies as d')
      .leftJoin('roll as r', (j) => j.onRef('r.deputy_id', '=', 'd.id').on('r.election_id', '=', electionId))
      .select(['d.id', 'd.code', 'r.channel']).where('d.term_id', '=', termId).where(sql<string>`lower(d.code)`, '=', codeKey(code)).execute();
    const found = matchCodes([code], deputies);
    const match = found.matched[0];
    if (!match) throw refuse('unknown-codes', { codes: [code] });
    if (match.row.channel !== 'paper') throw refuse('not-issued', { codes: [match.row.code] });
    await trx.updateTable('roll').set({ channel: null, issued_at: null })
      .where('election_id', '=', electionId).where('deputy_id', '=', match.row.id).where('channel', '=', 'paper').execute();
    await trx.updateTable('elections')
      .set({ paper_issued: sql<number>`(select count(*) from roll where election_id = ${electionId} and channel = 'paper')` })
      .where('id', '=', electionId).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'paper.unissue', subject: `election:${electionId}`, details: { deputy: match.row.code } });
    return match.row.code;
  });
}

/**
 * The deputies a hand-out would reach, their codes as the roster spells them, checked exactly as
 * `issuePaper` checks them, writing nothing: what the confirmation page states.
 */
export async function previewIssue(db: Db, acting: Acting, electionId: number, deputyCodes: readonly string[]): Promise<string[]> {
  const e = await db.selectFrom('elections').selectAll().where('id', '=', electionId).executeTakeFirst();
  if (!e) throw refuse('not-found');
  return (await deputiesToIssue(db, acting, e, deputyCodes)).codes;
}

async function deputiesToIssue(trx: Db, acting: Acting, e: Election, deputyCodes: readonly string[]): Promise<{ ids: number[]; codes: string[] }> {
  const electionId = e.id;
  if (!votingOpenAt(e, acting.clock.now())) throw refuse('wrong-state');
  const malformed = deputyCodes.filter((c) => !isCodeShape(c));
  if (malformed.length > 0) throw refuse('bad-codes', { codes: [...new Set(malformed)] });
  const codes = deputyCodes.filter((c, i) => deputyCodes.findIndex((d) => codeKey(d) === codeKey(c)) === i);
  if (codes.length === 0) return { ids: [], codes: [] };
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
  return { ids: [...new Set(found.matched.map((m) => m.row.id))], codes: [...new Set(found.matched.map((m) => m.row.code))] };
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
 * Only a clerk keys (a person acting without the clerk role is refused; the installation itself,
 * as seeding and tools do, is the operator's hand). A sheet's two entries come from two different
 * clerks: a third is refused (`keyed-twice`). Keying again replaces the clerk's own entry, which
 * is how a mismatch is corrected: `replacing` is the entry the clerk was shown and confirmed
 * replacing (null: none), refused as `changed` when it is no longer what is stored. A replaced
 * entry is audited with what it said before and says now (`paper.rekey`). Returns the entry replaced.
 */
export async function keyPaperBallot(db: Db, acting: Acting, electionId: number, entry: { seq: number; marks: string; invalid: KeyedInvalidReason | null },
  replacing?: Keying | null): Promise<Keying | null> {
  const clerk = acting.actor.userId;
  if (clerk === null) throw refuse('wrong-state');
  if (acting.actor.roles && !acting.actor.roles.includes('clerk')) throw refuse('not-allowed');
  return db.transaction().execute(async (trx) => {
    const e = await trx.selectFrom('elections').select(['state', 'marking', 'paper_issued', 'paper_returned', 'paper_committed_at'])
      .where('id', '=', electionId).forShare().executeTakeFirst();
    if (!e) throw refuse('not-found');
    if (!acceptsPaperEntry(e.state) || e.paper_committed_at) throw refuse('wrong-state');
    if (!Number.isInteger(entry.seq) || entry.seq < 1 || entry.seq > e.paper_issued) throw refuse('beyond-issued', { issued: e.paper_issued });
    if (e.paper_returned !== null && entry.seq > e.paper_returned) throw refuse('beyond-returned', { returned: e.paper_returned });
    const options = await trx.selectFrom('election_options').select((eb) => eb.fn.countAll<number>().as('n')).where('election_id', '=', electionId).executeTakeFirstOrThrow();
    const letters = LETTERS[e.marking];
    if (entry.marks.length !== options.n || [...entry.marks].some((l) => !letters.includes(l))) throw refuse('bad-marks');
    // The sheet's entries, locked: two clerks keying the same sheet at once are taken one after the other.
    const sheet = await trx.selectFrom('paper_entries').select(['clerk_user_id as clerkUserId', 'seq', 'marks', 'invalid'])
      .where('election_id', '=', electionId).where('seq', '=', entry.seq).forUpdate().execute();
    if (sheetTaken(sheet, clerk, entry.seq)) throw refuse('keyed-twice', { seq: entry.seq });
    const mine = sheet.find((x) => x.clerkUserId === clerk);
    const before: Keying | null = mine ? { marks: mine.marks, invalid: mine.invalid } : null;
    if (replacing !== undefined && (replacing === null ? before !== null : before === null || !sameKeying(before, replacing))) throw refuse('changed', { seq: entry.seq });
    const now = acting.clock.now();
    await trx.insertInto('paper_entries').values({ election_id: electionId, clerk_user_id: clerk, seq: entry.seq, marks: entry.marks, invalid: entry.invalid, entered_at: now })
      .onConflict((oc) => oc.columns(['election_id', 'clerk_user_id', 'seq']).doUpdateSet({ marks: entry.marks, invalid: entry.invalid, entered_at: now }))
      .execute();
    const after: Keying = { marks: entry.marks, invalid: entry.invalid };
    await appendAudit(trx, acting.clock, acting.actor, before && !sameKeying(before, after)
      ? { action: 'paper.rekey', subject: `election:${electionId}`, details: { seq: entry.seq, before, after } }
      : { action: 'paper.key', subject: `election:${electionId}`, details: { seq: entry.seq } });
    return before;
  });
}

/** One clerk's own entry of a sheet, if they keyed it. */
export async function ownEntry(db: Db, electionId: number, clerkUserId: number, seq: number): Promise<Keying | null> {
  if (!Number.isInteger(seq) || seq < 1 || seq > MAX_INT4) return null;
  const row = await db.selectFrom('paper_entries').select(['marks', 'invalid'])
    .where('election_id', '=', electionId).where('clerk_user_id', '=', clerkUserId).where('seq', '=', seq).executeTakeFirst();
  return row ?? null;
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
 * returned ballot has two agreeing keyings. Happens once per election. `expected`: the number of
 * ballots the person confirmed putting in, refused (`changed`) when it no longer holds.
 */
export async function commitPaper(db: Db, acting: Acting, electionId: number, expected?: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const e = await lockElection(trx, electionId);
    if (!e) throw refuse('not-found');
    if (!acceptsPaperEntry(e.state) || e.paper_committed_at || e.paper_returned === null) throw refuse('wrong-state');
    const entries = await trx.selectFrom('paper_entries').select(['clerk_user_id as clerkUserId', 'seq', 'marks', 'invalid']).where('election_id', '=', electionId).execute();
    const r = reconcilePaper(entries, e.paper_returned, e.kind, e.seats);
    if (!isComplete(r, e.paper_returned)) throw refuse('incomplete', { mismatched: r.mismatched.length, incomplete: r.incomplete.length });
    // The confirmation stated how many go into the box: only that many, or nothing.
    if (expected !== undefined && expected !== r.agreed.length) throw refuse('changed', { ballots: r.agreed.length });
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

/** The votes whose paper ballots wait to be keyed (counted back or about to be), newest first: the clerks' list. */
export async function keyingList(db: Db): Promise<{ id: number; title: string; meetingTitle: string; returned: number | null }[]> {
  return db.selectFrom('elections as e').innerJoin('meetings as m', 'm.id', 'e.meeting_id')
    .select(['e.id', 'e.title', 'm.title as meetingTitle', 'e.paper_returned as returned'])
    .where('e.state', '=', 'closed').where('e.paper_committed_at', 'is', null).where('e.paper_issued', '>', 0)
    .orderBy('e.id', 'desc').limit(200).execute();
}
