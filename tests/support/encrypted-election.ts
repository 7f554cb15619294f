import {
  currentCeremony, issuePossessionNonce, postCeremonyMessage, provePossession, setBallotMode, startCeremony,
} from '../../src/ceremonies/store.ts';
import {
  dealForCeremony, provePossession as makePossessionProof, receiveForCeremony, simpleProofToJson, startTrustee,
  type EnvelopeJson, type ExchangeKeyJson, type SignedDealingJson,
} from '../../src/domain/crypto/index.ts';
import { openElection } from '../../src/elections/store.ts';
import type { Acting } from '../../src/platform/acting.ts';
import type { Db } from '../../src/platform/db/index.ts';

/**
 * Puts a draft election in encrypted mode and runs its whole key ceremony with the protocol's own
 * functions, through the ceremony store as the trustees' browsers would (every message checked and
 * judged by the server's code): exchange keys, dealings, envelopes, confirmations, then every
 * trustee's proof of possession; then opens it. `trustees` are the accounts of the named
 * scrutineers, in order. Returns the election key and the trustees' secret shares.
 */
export async function openEncrypted(db: Db, acting: Acting, electionId: number, trustees: readonly { id: number; displayName: string }[], k = 2) {
  await setBallotMode(db, acting, electionId, { mode: 'encrypted', threshold: k });
  await startCeremony(db, acting, electionId);
  const c = (await currentCeremony(db, electionId))!;
  const p = { contextId: c.contextId, k: c.k, n: c.n };
  const as = trustees.map((u): Acting => ({ clock: acting.clock, actor: { userId: u.id, name: u.displayName, roles: ['scrutineer', 'deputy'] } }));
  const secrets: bigint[] = [];
  const keys: ExchangeKeyJson[] = [];
  for (let i = 1; i <= p.n; i++) {
    const { exchangeSecret, message } = startTrustee(p, i);
    secrets.push(exchangeSecret);
    keys.push(message);
    await postCeremonyMessage(db, as[i - 1]!, electionId, 'exchange-key', message);
  }
  const dealings: SignedDealingJson[] = [];
  const envelopes: EnvelopeJson[] = [];
  for (let i = 1; i <= p.n; i++) {
    const dealt = await dealForCeremony(p, i, secrets[i - 1]!, keys);
    dealings.push(dealt.dealing);
    envelopes.push(...dealt.envelopes);
    await postCeremonyMessage(db, as[i - 1]!, electionId, 'dealing', dealt.dealing);
    for (const e of dealt.envelopes) await postCeremonyMessage(db, as[i - 1]!, electionId, 'envelope', e);
  }
  const shares: bigint[] = [];
  for (let i = 1; i <= p.n; i++) {
    const outcome = await receiveForCeremony(p, i, secrets[i - 1]!, keys, dealings, envelopes.filter((e) => e.recipient === i));
    if (!outcome.ok) throw new Error(`trustee ${i}: ${outcome.reason}`);
    shares.push(outcome.secretShare);
    await postCeremonyMessage(db, as[i - 1]!, electionId, 'confirmation', outcome.confirmation);
  }
  for (let i = 1; i <= p.n; i++) {
    const { nonce } = await issuePossessionNonce(db, as[i - 1]!, electionId);
    await provePossession(db, as[i - 1]!, electionId, nonce, simpleProofToJson(makePossessionProof(p.contextId, i, shares[i - 1]!, nonce)));
  }
  await openElection(db, acting, electionId);
  const done = (await currentCeremony(db, electionId))!;
  return { contextId: done.contextId, publicKey: done.result!.publicKey, fingerprint: done.result!.fingerprint, shares };
}
