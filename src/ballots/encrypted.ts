/**
 * Casting and checking encrypted ballots (encrypted mode, docs/encrypted-casting.md): the server
 * receives a ballot the deputy's browser encrypted and proved, checks every proof, and records the
 * ciphertexts; it never sees the marks. A deputy may instead check the encryption (Benaloh
 * challenge): the ballot is then published with its marks and randomness as spoiled, never counted,
 * and the deputy votes again.
 */
import canonicalize from 'canonicalize';
import { currentCeremony } from '../ceremonies/store.ts';
import type { BallotChecker } from '../domain/crypto/checker.ts';
import { checkSpoiledBallot, decodePoint, type BallotSpec as CryptoSpec, type EncryptedBallot } from '../domain/crypto/index.ts';
import { sodiumChecker } from '../domain/crypto/sodium-checker.ts';
import { encryptedTracker } from '../domain/record/format-v2.ts';
import { votingOpenAt } from '../domain/lifecycle.ts';
import { isUniqueViolation } from '../platform/db/errors.ts';
import type { Db, Trx } from '../platform/db/index.ts';
import { transactionDeadline } from '../platform/db/transactions.ts';
import type { Clock } from '../platform/time.ts';
import { verifiedBallotNonce } from './nonce.ts';
import { type BallotSpec, castRefusal, type EncryptedRefusal, type Standing } from './rules.ts';

/** The most characters an encrypted ballot's JSON may have (a 12-option ballot has about 25,000). */
export const MAX_BALLOT_CHARS = 400_000;

const CAST_DEADLINE_MS = 10_000;

export type EncryptedCastResult =
  | { status: 'cast' | 'resubmitted'; tracker: string }
  | { status: 'refused'; reason: EncryptedRefusal; detail?: string };

export type SpoilResult =
  | { status: 'spoiled' | 'resubmitted'; tracker: string }
  | { status: 'refused'; reason: EncryptedRefusal; detail?: string };

/** What a ballot page in encrypted mode needs: the election key the trustees confirmed, and the context id. */
export interface ElectionKey {
  publicKey: string;
  fingerprint: string;
  contextId: string;
}

/** The crypto core's spec of a ballot (as the record's ballotSpecOf): seats whenever the election has them. */
export function cryptoSpecOf(spec: BallotSpec): CryptoSpec {
  return { marking: spec.marking, optionKeys: [...spec.optionKeys], ...(spec.seats !== null ? { seats: spec.seats } : {}) };
}

/** The key of an election in encrypted mode, from its complete key ceremony; undefined otherwise. */
export async function electionKeyOf(db: Db | Trx, electionId: number): Promise<ElectionKey | undefined> {
  const c = await currentCeremony(db, electionId);
  if (!c || c.state !== 'complete' || !c.result) return undefined;
  return { publicKey: c.result.publicKey, fingerprint: c.result.fingerprint, contextId: c.contextId };
}

/** Whether an election casts encrypted ballots. */
export async function isEncrypted(db: Db | Trx, electionId: number): Promise<boolean> {
  const row = await db.selectFrom('elections').select('ballot_mode').where('id', '=', electionId).executeTakeFirst();
  return row?.ballot_mode === 'encrypted';
}

// ---------------------------------------------------------------------------------------------
// The checker: libsodium's, made once per process, one per (election, key) kept.

let factory: ReturnType<typeof sodiumChecker> | undefined;
const checkers = new Map<string, BallotChecker>();
const MAX_CHECKERS = 64;

async function checkerFor(electionId: number, key: ElectionKey, spec: CryptoSpec): Promise<BallotChecker> {
  const id = `${electionId}\u0000${key.contextId}\u0000${key.publicKey}`;
  const found = checkers.get(id);
  if (found) return found;
  const make = await (factory ??= sodiumChecker());
  const made = make(key.publicKey, spec, key.contextId);
  if (checkers.size >= MAX_CHECKERS) checkers.delete(checkers.keys().next().value!);
  checkers.set(id, made);
  return made;
}

// ---------------------------------------------------------------------------------------------

interface Prepared {
  nonce: string;
  ballot: EncryptedBallot;
  /** RFC 8785 text of { ciphertexts, proofs }: what the box holds. */
  canonical: string;
  tracker: string;
  key: ElectionKey;
  spec: CryptoSpec;
}

/** The MAC, the size, the JSON, the election's mode and key, every proof: what needs no lock. */
async function prepare(db: Db, input: { electionId: number; deputyId: number; nonce?: string; nonceMac?: string; ballot?: string; macKey: Uint8Array; spec: BallotSpec }): Promise<Prepared | { reason: EncryptedRefusal; detail?: string }> {
  const nonce = verifiedBallotNonce(input.macKey, input.electionId, input.deputyId, input.nonce, input.nonceMac);
  if (!nonce) return { reason: 'bad-nonce' };
  if (!(await isEncrypted(db, input.electionId))) return { reason: 'not-encrypted' };
  if (typeof input.ballot !== 'string' || input.ballot.length === 0) return { reason: 'bad-ballot', detail: 'no ballot' };
  if (input.ballot.length > MAX_BALLOT_CHARS) return { reason: 'bad-ballot', detail: 'too large' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(input.ballot);
  } catch {
    return { reason: 'bad-ballot', detail: 'not JSON' };
  }
  const key = await electionKeyOf(db, input.electionId);
  if (!key) return { reason: 'not-open' };
  const spec = cryptoSpecOf(input.spec);
  const checked = (await checkerFor(input.electionId, key, spec)).check(nonce, parsed);
  if (checked !== true) return { reason: 'bad-ballot', detail: checked };
  // Checked: exactly { ciphertexts, proofs } in canonical encodings.
  const ballot = parsed as EncryptedBallot;
  const canonical = canonicalize({ ciphertexts: ballot.ciphertexts, proofs: ballot.proofs })!;
  return { nonce, ballot, canonical, tracker: encryptedTracker(key.contextId, nonce, ballot.ciphertexts), key, spec };
}

/** Every ciphertext's first component, for ciphertext_components. */
function components(ballot: EncryptedBallot): string[] {
  return ballot.ciphertexts.flatMap((row) => row.map((ct) => ct.a));
}

type ElectionAtCast = { id: number; state: Parameters<typeof votingOpenAt>[0]['state']; meeting_id: number; close_scheduled_at: Date | null };

async function lockedElection(trx: Trx, electionId: number): Promise<ElectionAtCast | undefined> {
  // FOR SHARE: closing the election (FOR UPDATE) waits for casts in flight, and vice versa.
  return trx.selectFrom('elections').select(['id', 'state', 'meeting_id', 'close_scheduled_at']).where('id', '=', electionId).forShare().executeTakeFirst();
}

/**
 * Locks the deputy's roll row FOR UPDATE until the transaction ends: a cast and a check (spoil) of
 * the same deputy, hence of the same nonce (its MAC ties it to one deputy), run one after the other,
 * so the second sees the first's nonce and is refused. Without it both could pass the nonce check at
 * once, and the record builder would refuse the duplicate nonce, blocking the combination.
 */
async function lockRollRow(trx: Trx, electionId: number, deputyId: number): Promise<void> {
  await trx.selectFrom('roll').select('deputy_id').where('election_id', '=', electionId).where('deputy_id', '=', deputyId).forUpdate().execute();
}

async function standingAt(trx: Trx, election: ElectionAtCast, now: Date, deputyId: number): Promise<Standing> {
  const row = await trx.selectFrom('roll as r')
    .leftJoin('attendance as a', (j) => j.onRef('a.deputy_id', '=', 'r.deputy_id').on('a.meeting_id', '=', election.meeting_id))
    .select(['r.channel', 'a.present'])
    .where('r.election_id', '=', election.id).where('r.deputy_id', '=', deputyId).executeTakeFirst();
  return { votingOpen: votingOpenAt(election, now), onRoll: row !== undefined, channel: row?.channel ?? null, present: row?.present === true };
}

/** Whether any of these first components was cast or spoiled in the election before. */
async function anyCopied(trx: Trx, electionId: number, as: string[]): Promise<boolean> {
  const row = await trx.selectFrom('ciphertext_components').select('a').where('election_id', '=', electionId).where('a', 'in', as).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Whether the nonce was used already by a cast or a spoiled ballot of the election. */
async function nonceTaken(trx: Trx, electionId: number, nonce: string): Promise<'cast' | 'spoiled' | undefined> {
  if (await trx.selectFrom('ballots').select('tracker').where('election_id', '=', electionId).where('nonce', '=', nonce).executeTakeFirst()) return 'cast';
  if (await trx.selectFrom('spoiled_ballots').select('tracker').where('election_id', '=', electionId).where('nonce', '=', nonce).executeTakeFirst()) return 'spoiled';
  return undefined;
}

/**
 * Casts one encrypted ballot. Before any lock: the nonce's MAC (issued to this deputy in this
 * election, src/ballots/nonce.ts), the size, the JSON, every proof (libsodium's checker). Then in
 * ONE transaction, as castBallot: the election FOR SHARE and open; the deputy's roll row FOR UPDATE
 * (a check of the same nonce waits, see lockRollRow); the same ballot cast before with
 * this nonce is a resubmission (same receipt); the roll marked only if unmarked; the ballot into the
 * box (tracker = encryptedTracker(contextId, nonce, ciphertexts), nonce, canonical JSON, no marks);
 * every ciphertext's `a` into ciphertext_components, where one cast or spoiled before refuses the
 * ballot as a copy. Never audited: the roll row is its trace.
 */
export async function castEncryptedBallot(db: Db, clock: Clock, input: {
  electionId: number; deputyId: number; nonce?: string; nonceMac?: string; ballot?: string; macKey: Uint8Array; spec: BallotSpec;
}): Promise<EncryptedCastResult> {
  const p = await prepare(db, input);
  if ('reason' in p) return { status: 'refused', ...p };
  try {
    return await db.transaction().execute(async (trx): Promise<EncryptedCastResult> => {
      await transactionDeadline(trx, CAST_DEADLINE_MS);
      const election = await lockedElection(trx, input.electionId);
      if (!election) return { status: 'refused', reason: 'not-found' };
      const now = clock.now();
      if (!votingOpenAt(election, now)) return { status: 'refused', reason: 'not-open' };
      await lockRollRow(trx, election.id, input.deputyId);
      const standing = await standingAt(trx, election, now, input.deputyId);
      if (standing.channel === 'electronic') {
        const same = await trx.selectFrom('ballots').select('tracker')
          .where('election_id', '=', election.id).where('nonce', '=', p.nonce).where('ballot', '=', p.canonical).executeTakeFirst();
        if (same) return { status: 'resubmitted', tracker: same.tracker };
      }
      const why = castRefusal(standing);
      if (why) return { status: 'refused', reason: why };
      if (await nonceTaken(trx, election.id, p.nonce)) return { status: 'refused', reason: 'nonce-used' };
      const as = components(p.ballot);
      if (await anyCopied(trx, election.id, as)) return { status: 'refused', reason: 'copied-ballot' };

      const marked = await trx.updateTable('roll').set({ channel: 'electronic', voted_at: now })
        .where('election_id', '=', election.id).where('deputy_id', '=', input.deputyId).where('channel', 'is', null)
        .executeTakeFirst();
      if (marked.numUpdatedRows === 0n) return { status: 'refused', reason: 'already-voted' };
      await trx.insertInto('ballots').values({
        election_id: election.id, tracker: p.tracker, marks: null, nonce: p.nonce, ballot: p.canonical, channel: 'electronic', invalid: null,
      }).execute();
      await trx.insertInto('ciphertext_components').values(as.map((a) => ({ election_id: election.id, a }))).execute();
      return { status: 'cast', tracker: p.tracker };
    });
  } catch (e) {
    // Two casts of copies at the same moment: the second finds the first's components.
    if (isUniqueViolation(e)) return { status: 'refused', reason: 'copied-ballot' };
    throw e;
  }
}

/**
 * The Benaloh check of one ballot: instead of casting it, the deputy reveals its marks and
 * randomness. Checked as a cast would be (MAC, proofs), and the randomness must open the
 * ciphertexts to the marks; the deputy must be able to vote now (open, on the roll, present, not
 * voted), under the deputy's roll row locked as a cast locks it. Then into spoiled_ballots with its components, never counted; the roll is not touched.
 * The same check posted again answers the same; another ballot with a used nonce is refused.
 */
export async function spoilBallot(db: Db, clock: Clock, input: {
  electionId: number; deputyId: number; nonce?: string; nonceMac?: string; ballot?: string; marks?: string; randomness?: string; macKey: Uint8Array; spec: BallotSpec;
}): Promise<SpoilResult> {
  const p = await prepare(db, input);
  if ('reason' in p) return { status: 'refused', ...p };
  let randomness: unknown;
  try {
    randomness = JSON.parse(input.randomness ?? '');
  } catch {
    return { status: 'refused', reason: 'bad-spoil', detail: 'randomness is not JSON' };
  }
  const marks = input.marks ?? '';
  const valid = Array.isArray(randomness) && randomness.every((row) => Array.isArray(row) && row.every((x) => typeof x === 'string'))
    ? checkSpoiledBallot(decodePoint(p.key.publicKey), p.spec, p.ballot, marks, randomness as string[][])
    : 'randomness must be [option][letter] strings';
  if (valid !== true) return { status: 'refused', reason: 'bad-spoil', detail: valid };
  const randomnessJson = JSON.stringify(randomness);
  try {
    return await db.transaction().execute(async (trx): Promise<SpoilResult> => {
      await transactionDeadline(trx, CAST_DEADLINE_MS);
      const election = await lockedElection(trx, input.electionId);
      if (!election) return { status: 'refused', reason: 'not-found' };
      const now = clock.now();
      await lockRollRow(trx, election.id, input.deputyId);
      const same = await trx.selectFrom('spoiled_ballots').select('tracker')
        .where('election_id', '=', election.id).where('nonce', '=', p.nonce).where('ballot', '=', p.canonical).executeTakeFirst();
      if (same) return { status: 'resubmitted', tracker: same.tracker };
      const why = castRefusal(await standingAt(trx, election, now, input.deputyId));
      if (why) return { status: 'refused', reason: why };
      if (await nonceTaken(trx, election.id, p.nonce)) return { status: 'refused', reason: 'nonce-used' };
      const as = components(p.ballot);
      if (await anyCopied(trx, election.id, as)) return { status: 'refused', reason: 'copied-ballot' };
      await trx.insertInto('spoiled_ballots').values({
        election_id: election.id, tracker: p.tracker, nonce: p.nonce, ballot: p.canonical, marks, randomness: randomnessJson,
      }).execute();
      await trx.insertInto('ciphertext_components').values(as.map((a) => ({ election_id: election.id, a }))).execute();
      return { status: 'spoiled', tracker: p.tracker };
    });
  } catch (e) {
    if (isUniqueViolation(e)) return { status: 'refused', reason: 'copied-ballot' };
    throw e;
  }
}

/** A spoiled ballot as the check page needs it (GET /api/trackers/:tracker): everything to check it anywhere. */
export interface SpoiledCheck {
  publicKey: string;
  fingerprint: string;
  contextId: string;
  spec: CryptoSpec;
  tracker: string;
  nonce: string;
  ciphertexts: EncryptedBallot['ciphertexts'];
  proofs: EncryptedBallot['proofs'];
  marks: string;
  randomness: string[][];
}

/** The spoiled ballot with this tracker, ready for the check page, or undefined. */
export async function spoiledByTracker(db: Db, tracker: string): Promise<{ electionId: number; check: SpoiledCheck } | undefined> {
  const row = await db.selectFrom('spoiled_ballots as s').innerJoin('elections as e', 'e.id', 's.election_id')
    .select(['s.election_id', 's.tracker', 's.nonce', 's.ballot', 's.marks', 's.randomness', 'e.marking', 'e.seats', 'e.kind'])
    .where('s.tracker', '=', tracker).executeTakeFirst();
  if (!row) return undefined;
  const key = await electionKeyOf(db, row.election_id);
  if (!key) return undefined;
  const options = await db.selectFrom('election_options').select('key').where('election_id', '=', row.election_id).orderBy('position').execute();
  const ballot = JSON.parse(row.ballot) as EncryptedBallot;
  return {
    electionId: row.election_id,
    check: {
      publicKey: key.publicKey, fingerprint: key.fingerprint, contextId: key.contextId,
      spec: cryptoSpecOf({ kind: row.kind, marking: row.marking, seats: row.seats, optionKeys: options.map((o) => o.key) }),
      tracker: row.tracker, nonce: row.nonce, ciphertexts: ballot.ciphertexts, proofs: ballot.proofs, marks: row.marks,
      randomness: JSON.parse(row.randomness) as string[][],
    },
  };
}
