/**
 * The trustees' decryption of an encrypted election (docs/decryption.md), the database side: the
 * aggregate fixed at the seal, each trustee's partial decryption checked and stored write-once, and
 * the combination of k of them into the format-2 record (decrypting → tallied).
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { sql } from 'kysely';
import { appendAudit, lockAuditChain } from '../audit/store.ts';
import { GENESIS_HASH } from '../audit/chain.ts';
import { currentCeremony, ceremonyTrustees, type CeremonyRow } from '../ceremonies/store.ts';
import { recordElection } from '../counting/record-builder.ts';
import { boxCounts, electionFacts } from '../counting/sealed-facts.ts';
import { aggregateBallots, type BallotSpec, type EncryptedBallot } from '../domain/crypto/ballot.ts';
import { verifyPossession } from '../domain/crypto/ceremony.ts';
import { ciphertextToJson, type CiphertextJson } from '../domain/crypto/elgamal.ts';
import { decodePoint } from '../domain/crypto/group.ts';
import { simpleProofFromJson, type SimpleProofJson } from '../domain/crypto/proofs.ts';
import { sodiumChecker } from '../domain/crypto/sodium-checker.ts';
import { buildRecordV2Body, paperTotals } from '../domain/record/build-v2.ts';
import { recordDigest } from '../domain/record/digest.ts';
import { LETTERS, type InvalidReason } from '../domain/record/format.ts';
import type { DecryptionShareV2, RecordBodyV2 } from '../domain/record/format-v2.ts';
import { verifyRecordV2 } from '../domain/record/verify-v2.ts';
import type { Election } from '../domain/tables.ts';
import type { LifecycleRefusal } from '../elections/transition.ts';
import { lockElection, transition } from '../elections/transition.ts';
import type { Acting } from '../platform/acting.ts';
import type { Db, Trx } from '../platform/db/index.ts';
import { transactionDeadline } from '../platform/db/transactions.ts';
import { Refused } from '../platform/refusal.ts';
import { checkPartialProofs, parsePartial, type PartialProblem } from './rules.ts';

/** Why a decryption step is refused (each translated by the routes); nothing was written. */
export type DecryptionRefusal = LifecycleRefusal | 'not-trustee' | 'duplicate' | 'too-few-partials' | 'inconsistent' | 'not-as-sealed' | PartialProblem;

const refuse = (reason: DecryptionRefusal, detail?: Record<string, unknown>) => new Refused<DecryptionRefusal>(reason, detail);

// Combining builds and verifies the whole record (every ballot's proofs): seconds for thousands of ballots.
const COMBINE_DEADLINE_MS = 120_000;
const STEP_DEADLINE_MS = 10_000;

/** "sha256:" + hex SHA-256 of a text (as aggregateDigest in ./as-sealed.ts, with Node's hash). */
const sha256 = (text: string) => `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;

/** The ballot spec of an election: its marking, option keys in ballot order and seats. */
async function specOf(db: Db | Trx, e: Pick<Election, 'id' | 'marking' | 'seats'>): Promise<BallotSpec> {
  const options = await db.selectFrom('election_options').select('key').where('election_id', '=', e.id).orderBy('position').execute();
  return { marking: e.marking, optionKeys: options.map((o) => o.key), ...(e.seats !== null ? { seats: e.seats } : {}) };
}

/** The sealed encrypted ballots of an election, in tracker order. */
async function sealedEncrypted(db: Db | Trx, electionId: number): Promise<{ nonce: string; ballot: EncryptedBallot }[]> {
  const rows = await db.selectFrom('sealed_ballots').select(['nonce', 'ballot']).where('election_id', '=', electionId).where('ballot', 'is not', null)
    .orderBy(sql`tracker collate "C"`).execute();
  return rows.map((r) => ({ nonce: r.nonce!, ballot: JSON.parse(r.ballot!) as EncryptedBallot }));
}

/**
 * Called by the seal of an encrypted election (src/counting/store.ts sealElection), inside its
 * transaction and after `minsheng_seal_ballots` moved the box: multiplies the sealed electronic
 * ballots into the aggregate (no proof checked again: the server checked each when it was cast, and
 * every trustee's browser checks them all before decrypting) and stores it with the complete
 * ceremony it is encrypted under. Returns how many ballots it holds and the digest of its canonical JSON.
 */
export async function fixAggregate(trx: Trx, acting: Acting, e: Election): Promise<{ ballots: number; digest: string }> {
  const ceremony = await currentCeremony(trx, e.id);
  if (!ceremony || ceremony.state !== 'complete') throw refuse('inconsistent', { ceremony: ceremony?.state ?? 'none' });
  const ballots = await sealedEncrypted(trx, e.id);
  const aggregate = aggregateBallots(await specOf(trx, e), ballots.map((b) => b.ballot)).map((row) => row.map(ciphertextToJson));
  const text = canonicalize(aggregate)!;
  await trx.insertInto('encrypted_tallies').values({ election_id: e.id, ceremony_id: ceremony.id, aggregate: text, ballots: ballots.length, sealed_at: acting.clock.now() }).execute();
  return { ballots: ballots.length, digest: sha256(text) };
}

/** A trustee as the decryption pages show it. */
export interface DecryptionTrustee {
  index: number;
  name: string;
  publicShare: string;
  /** Whether this trustee's partial decryption is in. */
  decrypted: boolean;
}

/** Everything public about an election's decryption: its ceremony, the aggregate and who has decrypted. */
export interface DecryptionContext {
  electionId: number;
  state: Election['state'];
  ceremony: CeremonyRow & { result: NonNullable<CeremonyRow['result']> };
  k: number;
  trustees: DecryptionTrustee[];
  /** [option][letter], fixed at the seal. */
  aggregate: CiphertextJson[][];
  aggregateDigest: string;
  ballots: number;
  /** The roll's count of deputies who voted electronically. */
  electronic: number;
  /** The aggregate's digest and ballot count as the seal's audit entry recorded them (undefined if it has none). */
  sealed: { digest: string; ballots: number } | undefined;
}

/** The aggregate digest and ballot count the seal's audit entry (`election.seal`) recorded. */
async function sealAnnouncement(db: Db | Trx, electionId: number): Promise<DecryptionContext['sealed']> {
  const row = await db.selectFrom('audit_log').select('details').where('action', '=', 'election.seal').where('subject', '=', `election:${electionId}`)
    .orderBy('id', 'desc').limit(1).executeTakeFirst();
  const d = row?.details as Record<string, unknown> | undefined;
  return d && typeof d['aggregate'] === 'string' && typeof d['ballots'] === 'number' ? { digest: d['aggregate'], ballots: d['ballots'] } : undefined;
}

/** The roll's count of electronic votes of an election. */
async function rollElectronic(db: Db | Trx, electionId: number): Promise<number> {
  const row = await db.selectFrom('roll').select((eb) => eb.fn.countAll<string>().as('n')).where('election_id', '=', electionId).where('channel', '=', 'electronic')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Refuses ('not-as-sealed') unless the stored aggregate is the one the seal fixed: its SHA-256 and
 * ballot count are those the seal's audit entry recorded, and that count is the roll's electronic
 * count (and, given `sealedBallots`, so many sealed encrypted ballots are sent). A server operator who
 * rewrote the aggregate (or the sealed ballots) to have trustees decrypt one ballot is stopped here;
 * trustees' browsers check the same against what their page states.
 */
function assertAsSealed(context: DecryptionContext, sealedBallots?: number): void {
  const s = context.sealed;
  if (!s || s.digest !== context.aggregateDigest || s.ballots !== context.ballots || context.ballots !== context.electronic
    || (sealedBallots !== undefined && sealedBallots !== context.electronic)) {
    throw refuse('not-as-sealed', { digest: context.aggregateDigest, sealed: s?.digest ?? null, ballots: context.ballots, electronic: context.electronic, sent: sealedBallots ?? null });
  }
}

/** The decryption context of a sealed encrypted election; undefined before its seal (or in plaintext mode). */
export async function decryptionContext(db: Db | Trx, electionId: number): Promise<DecryptionContext | undefined> {
  const tally = await db.selectFrom('encrypted_tallies').selectAll().where('election_id', '=', electionId).executeTakeFirst();
  if (!tally) return undefined;
  const e = await db.selectFrom('elections').select('state').where('id', '=', electionId).executeTakeFirstOrThrow();
  const c = await db.selectFrom('key_ceremonies').selectAll().where('id', '=', tally.ceremony_id).executeTakeFirstOrThrow();
  const ceremony = {
    id: c.id, electionId: c.election_id, contextId: c.context_id, k: c.threshold, n: c.trustees, state: c.state, startedAt: c.started_at,
    startedByName: c.started_by_name, result: c.result as NonNullable<CeremonyRow['result']>, failure: null, endedAt: c.ended_at,
  };
  const done = new Set((await db.selectFrom('decryption_partials').select('trustee').where('election_id', '=', electionId).execute()).map((r) => r.trustee));
  const people = await ceremonyTrustees(db, c.id);
  const trustees = people.map((p) => ({ index: p.index, name: p.name, publicShare: ceremony.result.trustees[p.index - 1]!.publicShare, decrypted: done.has(p.index) }));
  return {
    electionId, state: e.state, ceremony, k: c.threshold, trustees, aggregate: JSON.parse(tally.aggregate) as CiphertextJson[][],
    aggregateDigest: sha256(tally.aggregate), ballots: tally.ballots, electronic: await rollElectronic(db, electionId), sealed: await sealAnnouncement(db, electionId),
  };
}

/** The acting person's trustee index in the ceremony the election was sealed under, or undefined. */
async function trusteeIndex(db: Db | Trx, acting: Acting, ceremonyId: number): Promise<number | undefined> {
  if (acting.actor.userId === null) return undefined;
  const row = await db.selectFrom('users as u').innerJoin('ceremony_trustees as t', 't.deputy_id', 'u.deputy_id')
    .select('t.index').where('u.id', '=', acting.actor.userId).where('t.ceremony_id', '=', ceremonyId).executeTakeFirst();
  return row?.index;
}

/** The context and the acting person's index in it; refused unless they are one of its trustees. */
export async function trusteeForDecryption(db: Db | Trx, acting: Acting, electionId: number): Promise<{ context: DecryptionContext; index: number }> {
  const context = await decryptionContext(db, electionId);
  if (!context) throw refuse('not-trustee');
  const index = await trusteeIndex(db, acting, context.ceremony.id);
  if (index === undefined) throw refuse('not-trustee');
  return { context, index };
}

/**
 * What a trustee's browser needs to decrypt (GET …/decryption.json): the election key and context
 * id, the trustees' public shares, the ballot spec, every sealed encrypted ballot with its nonce
 * (to recompute the aggregate, checking every proof) and the aggregate as fixed at the seal.
 */
export async function decryptionData(db: Db, acting: Acting, electionId: number) {
  const { context, index } = await trusteeForDecryption(db, acting, electionId);
  if (context.state !== 'decrypting') throw refuse('wrong-state', { state: context.state });
  const e = await db.selectFrom('elections').select(['id', 'marking', 'seats']).where('id', '=', electionId).executeTakeFirstOrThrow();
  const ballots = await sealedEncrypted(db, electionId);
  assertAsSealed(context, ballots.length);
  return {
    index,
    contextId: context.ceremony.contextId,
    threshold: context.k,
    publicKey: context.ceremony.result.publicKey,
    trustees: context.trustees.map((t) => ({ index: t.index, name: t.name, publicShare: t.publicShare, decrypted: t.decrypted })),
    spec: await specOf(db, e),
    ballots,
    aggregate: context.aggregate,
  };
}

/**
 * Stores a trustee's partial decryption (the form field `partial`, JSON of { trustee, shares }):
 * only from a trustee of the election's ceremony, in its own name, while the election is
 * `decrypting`, once (write-once: a second one is refused), and only when every share's
 * Chaum–Pedersen proof holds against the trustee's public share and the stored aggregate. Audited
 * with the trustee's index (no share). When k are in, combines them at once (combineDecryption, in
 * its own transaction: a refusal there leaves the partial stored, answers `combined: false`, and
 * the scrutiny page offers the retry).
 */
export async function submitPartial(db: Db, acting: Acting, electionId: number, text: string): Promise<{ trustee: number; partials: number; k: number; combined: boolean }> {
  const stored = await db.transaction().execute(async (trx) => {
    await transactionDeadline(trx, STEP_DEADLINE_MS);
    const e = await lockElection(trx, electionId);
    if (!e) throw refuse('not-found');
    const { context, index } = await trusteeForDecryption(trx, acting, electionId);
    if (e.state !== 'decrypting') throw refuse('wrong-state', { state: e.state });
    if (context.trustees.find((t) => t.index === index)!.decrypted) throw refuse('duplicate', { trustee: index });
    assertAsSealed(context);
    const letters = LETTERS[e.marking];
    const partial = parsePartial(text, { trustee: index, options: context.aggregate.length, letters: letters.length });
    if ('problem' in partial) throw refuse(partial.problem);
    const checked = checkPartialProofs(partial, {
      publicKey: context.ceremony.result.publicKey, contextId: context.ceremony.contextId,
      publicShare: context.trustees.find((t) => t.index === index)!.publicShare, letters,
    }, context.aggregate);
    if (checked !== true) throw refuse('proof-fails', { option: checked.option + 1, letter: checked.letter });
    await trx.insertInto('decryption_partials').values({ election_id: electionId, trustee: index, shares: canonicalize(partial.shares)!, received_at: acting.clock.now() }).execute();
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'election.partial-decryption', subject: `election:${electionId}`, details: { contextId: context.ceremony.contextId, trustee: index },
    });
    return { trustee: index, partials: context.trustees.filter((t) => t.decrypted).length + 1, k: context.k };
  });
  if (stored.partials < stored.k) return { ...stored, combined: false };
  try {
    await combineDecryption(db, acting, electionId);
    return { ...stored, combined: true };
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    // Another trustee's request combined them first: nothing is left to do.
    if (e.reason === 'wrong-state') return { ...stored, combined: true };
    // The partial is stored all the same; the scrutiny page offers the secretariat the retry.
    return { ...stored, combined: false };
  }
}

/** The trustees' proofs of possession in the record: for each trustee a stored proof that verifies. */
async function possessionOf(trx: Trx, ceremony: DecryptionContext['ceremony']): Promise<Map<number, { nonce: string; proof: SimpleProofJson }>> {
  const rows = await trx.selectFrom('possession_proofs').select(['index', 'nonce', 'proof']).where('ceremony_id', '=', ceremony.id).where('proof', 'is not', null)
    .orderBy('proved_at').execute();
  const found = new Map<number, { nonce: string; proof: SimpleProofJson }>();
  for (const r of rows) {
    if (found.has(r.index)) continue;
    const share = ceremony.result.trustees[r.index - 1]?.publicShare;
    try {
      if (share && verifyPossession(ceremony.contextId, r.index, decodePoint(share), r.nonce, simpleProofFromJson(r.proof))) {
        found.set(r.index, { nonce: r.nonce, proof: r.proof as unknown as SimpleProofJson });
      }
    } catch {
      // a stored proof that does not parse proves nothing
    }
  }
  return found;
}

/**
 * Combines the stored partial decryptions (decrypting → tallied), in one transaction: refused with
 * fewer than k, and unless the aggregate and the sealed ballots are as the seal fixed them
 * (assertAsSealed); builds the format-2 record body (docs/record-format-v2.md) from the ceremony, the
 * sealed ballots, the spoiled ballots, the paper ballots' totals, the partials and the audit chain's
 * head, runs the independent verifier over it with the libsodium checker (every ballot's proofs
 * again), and stores its canonical JSON and digest as the v1 seal does. Run by the trustee whose
 * partial completes k, or by the secretariat retrying.
 */
export async function combineDecryption(db: Db, acting: Acting, electionId: number): Promise<{ digest: string; ballots: number }> {
  const checker = await sodiumChecker();
  return db.transaction().execute(async (trx) => {
    await transactionDeadline(trx, COMBINE_DEADLINE_MS);
    return transition(trx, acting, electionId, 'decrypt', async (e) => {
      const context = await decryptionContext(trx, electionId);
      if (!context) throw refuse('inconsistent', { tally: 'none' });
      const partials = await trx.selectFrom('decryption_partials').select(['trustee', 'shares']).where('election_id', '=', electionId).orderBy('trustee').execute();
      if (partials.length < context.k) throw refuse('too-few-partials', { partials: partials.length, k: context.k });
      const ballots = await sealedEncrypted(trx, electionId);
      assertAsSealed(context, ballots.length);

      const facts = await electionFacts(trx, e, await boxCounts(trx, e));
      const election = recordElection(facts);
      const possession = await possessionOf(trx, context.ceremony);
      const sealed = await trx.selectFrom('sealed_ballots').select(['marks', 'invalid']).where('election_id', '=', electionId).where('marks', 'is not', null).execute();
      const spoiled = await trx.selectFrom('spoiled_ballots').select(['nonce', 'ballot', 'marks', 'randomness']).where('election_id', '=', electionId).execute();
      await lockAuditChain(trx);
      const { rows: [audit] } = await sql<{ head: string | null; length: number }>`
        select (select hash from audit_log order by id desc limit 1) as head, (select count(*) from audit_log)::integer as length`.execute(trx);

      let body: RecordBodyV2;
      try {
        body = buildRecordV2Body({
          election,
          roll: facts.roll,
          crypto: {
            contextId: context.ceremony.contextId,
            threshold: context.k,
            trustees: context.trustees.map((t) => {
              const proved = possession.get(t.index);
              if (!proved) throw new RangeError(`trustee ${t.index} has no valid proof of possession`);
              return { name: t.name, dealing: context.ceremony.result.trustees[t.index - 1]!.dealing, possession: proved };
            }),
          },
          ballots,
          spoiled: spoiled.map((s) => ({ nonce: s.nonce, ballot: JSON.parse(s.ballot) as EncryptedBallot, marks: s.marks, randomness: JSON.parse(s.randomness) as string[][] })),
          paper: paperTotals(e.kind, election.rules, election.options.length,
            sealed.map((b) => ({ marks: b.marks!, ...(b.invalid ? { invalid: b.invalid as InvalidReason } : {}) }))),
          partials: partials.map((p) => ({ trustee: p.trustee, shares: JSON.parse(p.shares) as DecryptionShareV2[][] })),
          audit: { head: audit!.head ?? GENESIS_HASH, length: Number(audit!.length) },
        });
      } catch (err) {
        if (err instanceof RangeError) throw refuse('inconsistent', { problems: [err.message] });
        throw err;
      }
      const digest = recordDigest(body);
      const { problems } = verifyRecordV2({ ...body, digest, certifications: [], signature: null }, { checker });
      const real = problems.filter((p) => p.code !== 'signature' && p.code !== 'key');
      if (real.length) throw refuse('inconsistent', { problems: real.map((p) => `[${p.code}] ${p.message}`) });

      const text = canonicalize(body)!;
      await trx.insertInto('election_records').values({ election_id: electionId, body: text, digest, sealed_at: acting.clock.now(), published_at: null }).execute();
      return {
        to: 'tallied',
        details: { digest, ballots: body.ballots.length, paper: facts.roll.paperReturned, partials: partials.map((p) => p.trustee), valid: body.result.valid, invalid: body.result.invalid },
        result: { digest, ballots: body.ballots.length },
      };
    });
  });
}

/**
 * What the scrutiny page shows of an election in `decrypting`: k, the trustees and who has decrypted,
 * and the aggregate's digest as the seal's audit entry recorded it, with its ballot count.
 */
export async function decryptionProgress(db: Db, electionId: number): Promise<{ k: number; n: number; trustees: Omit<DecryptionTrustee, 'publicShare'>[]; ballots: number; digest: string } | undefined> {
  const context = await decryptionContext(db, electionId);
  if (!context) return undefined;
  return {
    k: context.k, n: context.trustees.length, trustees: context.trustees.map(({ publicShare: _p, ...t }) => t),
    ballots: context.sealed?.ballots ?? context.ballots, digest: context.sealed?.digest ?? context.aggregateDigest,
  };
}
