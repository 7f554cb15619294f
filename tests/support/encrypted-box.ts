/**
 * TEST SUPPORT ONLY: casting and spoiling encrypted ballots straight into the database, for the
 * decryption tests on a branch where the encrypted casting routes (castEncryptedBallot, another
 * helper's work) are not present. It does what a cast does, in ONE transaction: marks the deputy's
 * roll row (only if not marked yet), puts the encrypted ballot (server-style nonce, canonical JSON,
 * no marks) into the box with its tracker, and records every ciphertext's first component so no
 * ballot can copy another. Nothing here is product code; the product's cast replaces it.
 */
import { randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';
import { encryptBallotWithRandomness, type BallotSpec, type EncryptedBallot } from '../../src/domain/crypto/ballot.ts';
import { decodePoint } from '../../src/domain/crypto/group.ts';
import { encryptedTracker } from '../../src/domain/record/format-v2.ts';
import { currentCeremony, issuePossessionNonce, messagesForTrustee, postCeremonyMessage, provePossession, startCeremony } from '../../src/ceremonies/store.ts';
import * as crypto from '../../src/domain/crypto/index.ts';
import { partialDecryption, type PartialDecryption } from '../../src/decryption/rules.ts';
import { LETTERS } from '../../src/domain/vocabulary.ts';
import type { Db } from '../../src/platform/db/index.ts';
import type { Clock } from '../../src/platform/time.ts';

/** The election's encryption parameters, as a browser gets them. */
export interface EncryptionTarget {
  electionId: number;
  publicKey: string;
  contextId: string;
  spec: BallotSpec;
}

const newNonce = () => randomBytes(16).toString('hex');

/** Encrypts `marks` and casts the ballot for the deputy, as a cast does; returns its tracker. */
export async function castEncryptedForTest(db: Db, clock: Clock, target: EncryptionTarget, deputyId: number, marks: string): Promise<string> {
  const nonce = newNonce();
  const { ballot } = encryptBallotWithRandomness(decodePoint(target.publicKey), target.spec, target.contextId, nonce, marks);
  return insertEncryptedForTest(db, clock, target, deputyId, nonce, ballot);
}

/** Casts an already encrypted ballot (possibly a forged one, for tests of refusals) for the deputy. */
export async function insertEncryptedForTest(db: Db, clock: Clock, target: EncryptionTarget, deputyId: number, nonce: string, ballot: EncryptedBallot): Promise<string> {
  const tracker = encryptedTracker(target.contextId, nonce, ballot.ciphertexts);
  await db.transaction().execute(async (trx) => {
    const marked = await trx.updateTable('roll').set({ channel: 'electronic', voted_at: clock.now() })
      .where('election_id', '=', target.electionId).where('deputy_id', '=', deputyId).where('channel', 'is', null).executeTakeFirst();
    if (marked.numUpdatedRows === 0n) throw new Error(`deputy ${deputyId} has voted already or is not on the roll`);
    await trx.insertInto('ballots').values({
      election_id: target.electionId, tracker, marks: null, nonce, ballot: canonicalize(ballot)!, channel: 'electronic', invalid: null,
    }).execute();
    await trx.insertInto('ciphertext_components')
      .values(ballot.ciphertexts.flat().map((ct) => ({ election_id: target.electionId, a: ct.a }))).execute();
  });
  return tracker;
}

/** A ballot checked by its voter (Benaloh challenge): never cast, stored with its marks and randomness. */
export async function spoilForTest(db: Db, target: EncryptionTarget, marks: string): Promise<string> {
  const nonce = newNonce();
  const { ballot, randomness } = encryptBallotWithRandomness(decodePoint(target.publicKey), target.spec, target.contextId, nonce, marks);
  const tracker = encryptedTracker(target.contextId, nonce, ballot.ciphertexts);
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('spoiled_ballots').values({
      election_id: target.electionId, tracker, nonce, ballot: canonicalize(ballot)!, marks, randomness: JSON.stringify(randomness),
    }).execute();
    await trx.insertInto('ciphertext_components')
      .values(ballot.ciphertexts.flat().map((ct) => ({ election_id: target.electionId, a: ct.a }))).execute();
  });
  return tracker;
}

/**
 * TEST SUPPORT ONLY: a complete key ceremony for an election in encrypted mode, every trustee's
 * browser step run here with the protocol's own functions and posted through the ceremony's store
 * (as its routes do), then every trustee's proof of possession. Returns what the trustees keep
 * (their secret shares, which a real server never sees) and the election key.
 */
export async function runCeremonyForTest(db: Db, clock: Clock, electionId: number, trustees: readonly { userId: number; name: string }[]): Promise<{
  contextId: string; publicKey: string; shares: bigint[]; publicShares: string[];
}> {
  const secretariat = { clock, actor: { userId: null, name: 'test secretariat', roles: ['secretariat' as const] } };
  const as = (i: number) => ({ clock, actor: { userId: trustees[i - 1]!.userId, name: trustees[i - 1]!.name, roles: ['scrutineer' as const] } });
  const started = await startCeremony(db, secretariat, electionId);
  const p = { contextId: started.contextId, k: started.k, n: started.n };
  const messages = async (i: number) => messagesForTrustee(db, (await currentCeremony(db, electionId))!, i);
  const secrets: bigint[] = [];
  for (let i = 1; i <= p.n; i++) {
    const { exchangeSecret, message } = crypto.startTrustee(p, i);
    secrets.push(exchangeSecret);
    await postCeremonyMessage(db, as(i), electionId, 'exchange-key', message);
  }
  for (let i = 1; i <= p.n; i++) {
    const dealt = await crypto.dealForCeremony(p, i, secrets[i - 1]!, (await messages(i)).exchangeKeys as crypto.ExchangeKeyJson[]);
    await postCeremonyMessage(db, as(i), electionId, 'dealing', dealt.dealing);
    for (const e of dealt.envelopes) await postCeremonyMessage(db, as(i), electionId, 'envelope', e);
  }
  const shares: bigint[] = [];
  for (let i = 1; i <= p.n; i++) {
    const m = await messages(i);
    const outcome = await crypto.receiveForCeremony(p, i, secrets[i - 1]!, m.exchangeKeys as crypto.ExchangeKeyJson[],
      m.dealings as crypto.SignedDealingJson[], m.envelopes as crypto.EnvelopeJson[]);
    if (!outcome.ok) throw new Error(`trustee ${i} complains about dealer ${outcome.dealer}`);
    shares.push(outcome.secretShare);
    await postCeremonyMessage(db, as(i), electionId, 'confirmation', outcome.confirmation);
  }
  const done = (await currentCeremony(db, electionId))!;
  if (done.state !== 'complete' || !done.result) throw new Error(`the ceremony is ${done.state}`);
  for (let i = 1; i <= p.n; i++) {
    const { nonce } = await issuePossessionNonce(db, as(i), electionId);
    await provePossession(db, as(i), electionId, nonce, crypto.simpleProofToJson(crypto.provePossession(p.contextId, i, shares[i - 1]!, nonce)));
  }
  return { contextId: p.contextId, publicKey: done.result.publicKey, shares, publicShares: done.result.trustees.map((t) => t.publicShare) };
}

/** TEST SUPPORT ONLY: trustee `index`'s partial decryption of an aggregate, as its browser makes it (src/decryption/rules.ts). */
export function partialForTest(target: { publicKey: string; contextId: string; marking: BallotSpec['marking'] }, index: number, share: bigint,
  aggregate: readonly (readonly { a: string; b: string }[])[]): PartialDecryption {
  return partialDecryption({ publicKey: target.publicKey, contextId: target.contextId, letters: LETTERS[target.marking] }, index, share, aggregate);
}
