import { trackPublication } from '../projects/making.ts';
import canonicalize from 'canonicalize';
import { sql } from 'kysely';
import { canStart, CERTIFICATIONS_REQUIRED, isPublished, SCRUTINY_STATES } from '../domain/lifecycle.ts';
import type { ElectionState } from '../domain/vocabulary.ts';
import { publicKeyFromDer, recordDigest, signEd25519, signingPayload, verifyEd25519 } from '../domain/record/digest.ts';
import type { Certification, ElectionRecord, InvalidReason, RecordBody } from '../domain/record/format.ts';
import { appendAudit } from '../audit/store.ts';
import { insertElection } from '../elections/store.ts';
import { lockElection, type LifecycleRefusal, transition } from '../elections/transition.ts';
import type { Acting } from '../platform/acting.ts';
import type { Db, Trx } from '../platform/db/index.ts';
import { transactionDeadline } from '../platform/db/transactions.ts';
import { Refused } from '../platform/refusal.ts';
import { beijingTime } from '../platform/time.ts';
import type { RecordSummary } from './model.ts';
import { buildRecordBody, checkRecordBody } from './record-builder.ts';
import { planRunoff } from './runoff-plan.ts';
import { boxCounts, electionFacts } from './sealed-facts.ts';
import { fixAggregate } from '../decryption/store.ts';
import { loadSigningKey, type SigningConfig } from '../keys/signing.ts';

/** A void reason is free text for the minutes; long enough for one paragraph. */
export const VOID_REASON_MAX = 500;

export type CountingRefusal =
  | LifecycleRefusal | 'paper-uncommitted' | 'paper-exceeds' | 'inconsistent'
  | 'stale-digest' | 'already-certified' | 'same-name' | 'not-named' | 'too-few-certifications' | 'reason-required' | 'reason-too-long'
  | 'no-tie' | 'runoff-exists' | 'title-invalid' | 'rerun-exists';

/** A counting step the rules refuse; nothing was written. */
const refuse = (reason: CountingRefusal, detail?: Record<string, unknown>) => new Refused<CountingRefusal>(reason, detail);

// Sealing a million ballots moves ~50 MB in one transaction: generous, but never forever.
const SEAL_DEADLINE_MS = 120_000;
const STEP_DEADLINE_MS = 10_000;

/** The election's row, locked, or a not-found refusal. */
async function lockedElection(trx: Trx, electionId: number) {
  const e = await lockElection(trx, electionId);
  if (!e) throw refuse('not-found');
  return e;
}

/**
 * Seals a closed election (closed → tallied, or closed → decrypting in encrypted mode), in ONE transaction:
 * - refuses unless paper ballots are committed to the box (or none were handed out) and no more came
 *   back than were handed out, and unless the box agrees with the roll;
 * - moves the election's ballots, in tracker order, into `sealed_ballots` (no id, no time, no
 *   channel) and deletes them from the box, through the database's SECURITY DEFINER function
 *   `minsheng_seal_ballots`, the only way past the box's write-once trigger;
 * - builds the record body (docs/record-format.md) from the sealed ballots with the pure tally, checks it with
 *   the independent verifier, and stores its canonical JSON and digest, which never change again;
 * - in encrypted mode instead fixes the aggregate of the encrypted ballots (src/decryption/store.ts
 *   fixAggregate) and leaves the election `decrypting`: the record is built when k trustees have
 *   decrypted the totals. The digest returned is then the aggregate's.
 */
export async function sealElection(db: Db, acting: Acting, electionId: number): Promise<{ digest: string; ballots: number; state: 'tallied' | 'decrypting' }> {
  return db.transaction().execute(async (trx) => {
    await transactionDeadline(trx, SEAL_DEADLINE_MS);
    return transition<{ digest: string; ballots: number; state: 'tallied' | 'decrypting' }>(trx, acting, electionId, 'seal', async (e) => {
      if (e.paper_issued > 0 && !e.paper_committed_at) throw refuse('paper-uncommitted');
      const paperReturned = e.paper_returned ?? 0;
      if (paperReturned > e.paper_issued) throw refuse('paper-exceeds', { returned: paperReturned, issued: e.paper_issued });

      const counts = await boxCounts(trx, e);
      // The ballot box's invariants (docs/threat-model.md), checked once more before anything is fixed for ever.
      if (counts.boxElectronic !== counts.electronic || counts.paper !== e.paper_issued || counts.boxPaper !== paperReturned
        || e.deputies_total === null || counts.roll !== e.deputies_total || !e.opened_at || !e.closed_at) {
        throw refuse('inconsistent', { ...counts, paperIssued: e.paper_issued, paperReturned, deputiesTotal: e.deputies_total });
      }

      // The database's own seal function moves the box into sealed_ballots, in tracker order, and
      // checks the vote is closed itself: no role can empty or rewrite the box any other way.
      await sql`select minsheng_seal_ballots(${electionId}::integer)`.execute(trx);

      // Encrypted mode: the aggregate is fixed now; the record waits for k trustees' decryptions.
      if (e.ballot_mode === 'encrypted') {
        const fixed = await fixAggregate(trx, acting, e);
        return {
          to: 'decrypting',
          details: { ballots: fixed.ballots, paper: paperReturned, aggregate: fixed.digest },
          result: { digest: fixed.digest, ballots: fixed.ballots + paperReturned, state: 'decrypting' as const },
        };
      }

      const ballots = await trx.selectFrom('sealed_ballots').select(['tracker', 'marks', 'invalid']).$narrowType<{ marks: string }>()
        .where('election_id', '=', electionId).orderBy(sql`tracker collate "C"`).execute();
      const body = buildRecordBody({ ...await electionFacts(trx, e, counts), ballots });
    const problems = checkRecordBody(body);
    if (problems.length) throw refuse('inconsistent', { problems: problems.map((p) => `[${p.code}] ${p.message}`) });
    const text = canonicalize(body)!;
    const digest = recordDigest(body);

    const now = acting.clock.now();
    await trx.insertInto('election_records').values({ election_id: electionId, body: text, digest, sealed_at: now, published_at: null }).execute();
    return {
      to: 'tallied',
      details: { digest, ballots: body.ballots.length, valid: body.result.valid, invalid: body.result.invalid },
      result: { digest, ballots: body.ballots.length, state: 'tallied' as const },
    };
    });
  });
}

/**
 * A scrutineer confirms the digest they reviewed. Refused when the digest they saw is not the
 * record's (stale page, tampering), or when the same person (or another with the same display name,
 * which the record could not tell apart) already confirmed. With CERTIFICATIONS_REQUIRED distinct
 * confirmations the election becomes certified; further scrutineers may still confirm until it is
 * published.
 */
export async function certifyElection(db: Db, acting: Acting, electionId: number, certifier: { userId: number; name: string }, digest: string): Promise<{ state: 'tallied' | 'certified'; certifications: number }> {
  return db.transaction().execute(async (trx) => {
    await transactionDeadline(trx, STEP_DEADLINE_MS);
    return transition(trx, acting, electionId, 'certify', async () => {
      const rec = await trx.selectFrom('election_records').select(['digest', 'certifications', 'certified_by'])
        .where('election_id', '=', electionId).executeTakeFirstOrThrow();
      // Only the deputies named as this election's scrutineers before it opened certify it, each
      // from their own account (the scrutineer role sits only on a deputy's own account).
      const named = await trx.selectFrom('election_scrutineers as s').innerJoin('users as u', 'u.deputy_id', 's.deputy_id')
        .select('s.deputy_id').where('s.election_id', '=', electionId).where('u.id', '=', certifier.userId).executeTakeFirst();
      if (!named) throw refuse('not-named');
      if (digest.trim() !== rec.digest) throw refuse('stale-digest');
      if (rec.certified_by.includes(certifier.userId)) throw refuse('already-certified');
      const name = certifier.name.trim();
      if (rec.certifications.some((c) => c.name === name)) throw refuse('same-name');
      const certification: Certification = { role: 'scrutineer', name, at: beijingTime(acting.clock.now()), digest: rec.digest };
      const certifications = [...rec.certifications, certification];
      await trx.updateTable('election_records')
        .set({ certifications: JSON.stringify(certifications), certified_by: sql<number[]>`array_append(certified_by, ${certifier.userId}::integer)` })
        .where('election_id', '=', electionId).execute();
      const state = certifications.length >= CERTIFICATIONS_REQUIRED ? 'certified' : 'tallied';
      return {
        to: state, details: { digest: rec.digest, name, certifications: certifications.length, state },
        result: { state, certifications: certifications.length },
      };
    });
  });
}

/**
 * Publishes a certified election (certified → published): signs the canonical { certifications,
 * digest } with the Ed25519 key and stores the signature. The record never changes afterwards (a
 * trigger refuses any change to a published record). The key is made or opened first, outside the
 * transaction, so that no lock is held while it is derived.
 */
export async function publishElection(db: Db, acting: Acting, electionId: number, config: SigningConfig): Promise<{ digest: string; fingerprint: string }> {
  const before = await db.selectFrom('elections').select('state').where('id', '=', electionId).executeTakeFirst();
  if (!before) throw refuse('not-found');
  if (!canStart('publish', before.state)) throw refuse('wrong-state', { state: before.state });
  const key = await loadSigningKey(db, config);
  return db.transaction().execute(async (trx) => {
    await transactionDeadline(trx, STEP_DEADLINE_MS);
    const published = await transition(trx, acting, electionId, 'publish', async () => {
      const rec = await trx.selectFrom('election_records').select(['digest', 'certifications']).where('election_id', '=', electionId).executeTakeFirstOrThrow();
      const distinct = new Set(rec.certifications.filter((c) => c.digest === rec.digest).map((c) => c.name)).size;
      if (distinct < CERTIFICATIONS_REQUIRED) throw refuse('too-few-certifications', { distinct });
      const payload = signingPayload(rec.certifications, rec.digest);
      const value = signEd25519(key.privateKey, payload);
      if (!verifyEd25519(publicKeyFromDer(key.publicKeyDer), payload, value)) throw new Error('the signing key does not verify its own signature');
      const signature = { alg: 'ed25519' as const, publicKey: key.publicKeyDer.toString('base64'), value: value.toString('base64') };
      const now = acting.clock.now();
      await trx.updateTable('election_records').set({ signature: JSON.stringify(signature), published_at: now }).where('election_id', '=', electionId).execute();
      return {
        details: { digest: rec.digest, keyFingerprint: key.fingerprint, certifications: rec.certifications.length },
        result: { digest: rec.digest, fingerprint: key.fingerprint },
      };
    });
    // The projects it chooses (or the ratings it gives) exist from the moment the result is public.
    await trackPublication(trx, electionId);
    return published;
  });
}

/**
 * Voids a closed or tallied election with the reason (e.g. more paper ballots returned than issued,
 * a disturbance in the hall). Sealed ballots and an unpublished record stay as evidence.
 */
export async function voidElection(db: Db, acting: Acting, electionId: number, reason: string): Promise<void> {
  const text = reason.trim();
  if (!text) throw refuse('reason-required');
  if ([...text].length > VOID_REASON_MAX) throw refuse('reason-too-long');
  await db.transaction().execute(async (trx) => {
    await transactionDeadline(trx, STEP_DEADLINE_MS);
    await transition(trx, acting, electionId, 'void', (e) => ({ set: { void_reason: text }, details: { reason: text, from: e.state }, result: undefined }));
  });
}

/** The deputies named as an election's scrutineers, in order: a runoff or a re-run starts with the same (the secretariat may change them before it opens). */
async function scrutineersOf(trx: Trx, electionId: number): Promise<number[]> {
  return (await trx.selectFrom('election_scrutineers').select('deputy_id').where('election_id', '=', electionId).orderBy('position').execute()).map((r) => r.deputy_id);
}

/**
 * A runoff or a re-run is held in the ballot mode of the vote it follows, with the same threshold k:
 * an encrypted vote's successor is encrypted too and needs a key ceremony of its own (a new context
 * id, the trustees' new files) before it opens. Audited as setting the mode is.
 */
async function carryBallotMode(trx: Trx, acting: Acting, from: { ballot_mode: 'encrypted' | 'plaintext'; trustee_threshold: number | null }, toId: number) {
  const to = await trx.selectFrom('elections').select(['ballot_mode', 'trustee_threshold']).where('id', '=', toId).executeTakeFirstOrThrow();
  if (to.ballot_mode === from.ballot_mode && to.trustee_threshold === from.trustee_threshold) return;
  await trx.updateTable('elections').set({ ballot_mode: from.ballot_mode, trustee_threshold: from.trustee_threshold }).where('id', '=', toId).execute();
  await appendAudit(trx, acting.clock, acting.actor, {
    action: 'election.ballot-mode', subject: `election:${toId}`, details: { mode: from.ballot_mode, threshold: from.trustee_threshold },
  });
}

/** One live (not void) runoff per count; the database's partial unique index backs this up. */
async function refuseSecondRunoff(trx: Trx, countId: number) {
  const existing = await trx.selectFrom('elections').select('id').where('runoff_of', '=', countId).where('state', '!=', 'void').executeTakeFirst();
  if (existing) throw refuse('runoff-exists', { id: existing.id });
}

/** An election title, as the set-up form allows. */
export const TITLE_MAX = 200;

/**
 * Creates the runoff (再次投票) of a count that ended in a tie across the cut-off: a draft election of
 * kind `runoff` in the same meeting, among the tied options only, for the seats the tie left, with
 * the same marking, pass base and electorate, and `runoff_of` naming the count it resolves (a runoff
 * may itself tie and have its own runoff). Only once the count is published (the tie is then
 * public), and only one live runoff per count (a void one is held again with rerunElection).
 * Returns the new election's id.
 */
export async function createRunoff(db: Db, acting: Acting, electionId: number, title: string): Promise<{ id: number }> {
  const name = title.trim();
  if (!name || [...name].length > TITLE_MAX) throw refuse('title-invalid');
  return db.transaction().execute(async (trx) => {
    await transactionDeadline(trx, STEP_DEADLINE_MS);
    const e = await lockedElection(trx, electionId);
    // The presidium announces the tie (the count is published) before the deputies vote again.
    if (e.kind === 'satisfaction' || !isPublished(e.state)) throw refuse('wrong-state', { state: e.state, kind: e.kind });
    await refuseSecondRunoff(trx, electionId);
    const { rows: [rec] } = await sql<{ tie: { options: string[]; seats: number } | null }>`
      select body::jsonb -> 'result' -> 'tie' as tie from election_records where election_id = ${electionId}`.execute(trx);
    const options = await trx.selectFrom('election_options').select(['key', 'title', 'candidate_id as candidateId'])
      .where('election_id', '=', electionId).orderBy('position').execute();
    const plan = planRunoff({ ...(rec?.tie ? { tie: rec.tie } : {}) }, options);
    if (!plan.ok) throw refuse('no-tie', { why: plan.reason });
    const runoff = await insertElection(trx, acting, {
      meetingId: e.meeting_id, kind: 'runoff', title: name, marking: e.marking, seats: plan.seats, passBase: e.pass_base,
      electorate: e.electorate, runoffOf: electionId, options: plan.options, scrutineers: await scrutineersOf(trx, electionId),
    });
    await carryBallotMode(trx, acting, e, runoff.id);
    return { id: runoff.id };
  });
}

/**
 * Holds a void election again: a new draft with the same kind, rules, electorate and options (and,
 * for a runoff, the same count it resolves), naming the void one it replaces. One re-run per void
 * election; a re-run that is itself voided can be re-run in turn.
 */
export async function rerunElection(db: Db, acting: Acting, electionId: number): Promise<{ id: number }> {
  return db.transaction().execute(async (trx) => {
    await transactionDeadline(trx, STEP_DEADLINE_MS);
    // A runoff held again is a runoff of the same count: lock that count first, as createRunoff does,
    // so that a new runoff and a re-run of a void one cannot both become live.
    const parent = (await trx.selectFrom('elections').select('runoff_of').where('id', '=', electionId).executeTakeFirst())?.runoff_of;
    if (parent) await lockedElection(trx, parent);
    const e = await lockedElection(trx, electionId);
    if (e.state !== 'void') throw refuse('wrong-state', { state: e.state });
    const existing = await trx.selectFrom('elections').select('id').where('rerun_of', '=', electionId).executeTakeFirst();
    if (existing) throw refuse('rerun-exists', { id: existing.id });
    if (e.runoff_of !== null) await refuseSecondRunoff(trx, e.runoff_of);
    const options = await trx.selectFrom('election_options').select(['key', 'title', 'candidate_id as candidateId'])
      .where('election_id', '=', electionId).orderBy('position').execute();
    const rerun = await insertElection(trx, acting, {
      meetingId: e.meeting_id, kind: e.kind, title: e.title, marking: e.marking, seats: e.seats, passBase: e.pass_base,
      electorate: e.electorate, runoffOf: e.runoff_of, rerunOf: electionId, options, scrutineers: await scrutineersOf(trx, electionId),
    });
    await carryBallotMode(trx, acting, e, rerun.id);
    return { id: rerun.id };
  });
}

/**
 * The sealed (or published) record without its ballots, read in the database (the body of a large
 * election is tens of megabytes; results pages need only its small part). Undefined before the seal.
 */
export async function recordSummary(db: Db, electionId: number): Promise<RecordSummary | undefined> {
  const cached = publishedSummaries.get(db)?.get(electionId);
  if (cached) return cached;
  // The body is parsed once (OFFSET 0 keeps the planner from copying the cast into both expressions).
  const { rows: [row] } = await sql<{
    election_id: number; digest: string; certifications: Certification[]; certified_by: number[];
    signature: ElectionRecord['signature'] | null; sealed_at: Date; published_at: Date | null;
    summary: Omit<RecordBody, 'ballots'>; ballot_count: number;
  }>`
    select r.election_id, r.digest, r.certifications, r.certified_by, r.signature, r.sealed_at, r.published_at,
           p.j - 'ballots' - 'spoiled' - 'aggregate' as summary, jsonb_array_length(p.j -> 'ballots') as ballot_count
    from election_records r, lateral (select r.body::jsonb as j offset 0) p
    where r.election_id = ${electionId}`.execute(db);
  if (!row) return undefined;
  const summary: RecordSummary = {
    electionId: row.election_id, digest: row.digest, certifications: row.certifications, certifiedBy: row.certified_by,
    signature: row.signature, sealedAt: row.sealed_at, publishedAt: row.published_at, body: row.summary, ballotCount: row.ballot_count,
  };
  if (summary.publishedAt) {
    const cache = publishedSummaries.get(db) ?? new Map<number, RecordSummary>();
    publishedSummaries.set(db, cache.set(electionId, summary));
  }
  return summary;
}

/**
 * Published records never change (a trigger refuses it), so their summaries are kept once read:
 * public pages and the hall display would otherwise re-parse a whole record, ballots included, on
 * every view. Per database handle; each instance keeps its own.
 */
const publishedSummaries = new WeakMap<Db, Map<number, RecordSummary>>();

/** Forgets the kept summaries, for when a whole database is emptied (demo:reset, tests). */
export function forgetPublishedSummaries(db: Db): void {
  publishedSummaries.delete(db);
}

/**
 * The published record exactly as served at /elections/:id/record.json: the stored canonical body
 * with digest, certifications and signature added. Byte-identical on every call; undefined until
 * the election is published.
 */
export async function publishedRecordJson(db: Db, electionId: number): Promise<string | undefined> {
  const row = await db.selectFrom('election_records').select(['body', 'digest', 'certifications', 'signature'])
    .where('election_id', '=', electionId).where('published_at', 'is not', null).executeTakeFirst();
  if (!row) return undefined;
  // The body is a canonical JSON object: "{…}". The added members go before its closing brace.
  return `${row.body.slice(0, -1)},"certifications":${JSON.stringify(row.certifications)},"digest":${JSON.stringify(row.digest)},"signature":${JSON.stringify(row.signature)}}`;
}

/** The published record, parsed (docs/record-format.md); undefined until published. */
export async function publishedRecord(db: Db, electionId: number): Promise<ElectionRecord | undefined> {
  const text = await publishedRecordJson(db, electionId);
  return text === undefined ? undefined : JSON.parse(text) as ElectionRecord;
}

/** Sealed ballots counted invalid, with their reasons, in tracker order: for scrutineers. */
export async function invalidSealedBallots(db: Db, electionId: number): Promise<{ tracker: string; marks: string; invalid: InvalidReason }[]> {
  const rows = await db.selectFrom('sealed_ballots').select(['tracker', 'marks', 'invalid']).$narrowType<{ marks: string }>()
    .where('election_id', '=', electionId).where('invalid', 'is not', null).orderBy(sql`tracker collate "C"`).execute();
  return rows.map((r) => ({ tracker: r.tracker, marks: r.marks, invalid: r.invalid! }));
}

/** Votes past their close (newest first, at most 200), with who has certified each, for the scrutiny list. */
export async function scrutinyList(db: Db, viewerId: number): Promise<{ id: number; title: string; state: ElectionState; meetingTitle: string; certifiedBy: number[]; namedMe: boolean }[]> {
  const rows = await db.selectFrom('elections as e').innerJoin('meetings as m', 'm.id', 'e.meeting_id')
    .leftJoin('election_records as r', 'r.election_id', 'e.id')
    .select(['e.id', 'e.title', 'e.state', 'm.title as meetingTitle', 'r.certified_by'])
    .select((eb) => eb.exists(eb.selectFrom('election_scrutineers as s').innerJoin('users as u', 'u.deputy_id', 's.deputy_id')
      .select('s.election_id').whereRef('s.election_id', '=', 'e.id').where('u.id', '=', viewerId)).as('namedMe'))
    .where('e.state', 'in', SCRUTINY_STATES)
    .orderBy('e.id', 'desc').limit(200).execute();
  return rows.map((r) => ({ id: r.id, title: r.title, state: r.state, meetingTitle: r.meetingTitle, certifiedBy: r.certified_by ?? [], namedMe: Boolean(r.namedMe) }));
}
