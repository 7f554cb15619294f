import canonicalize from 'canonicalize';
import { sql } from 'kysely';
import {
  ceremonyTrustees, currentCeremony, issuePossessionNonce, messagesForTrustee, postCeremonyMessage, provePossession, setBallotMode, startCeremony,
} from '../ceremonies/store.ts';
import {
  dealForCeremony, provePossession as possessionProof, receiveForCeremony, sealTrusteeFile, simpleProofToJson, startTrustee,
  type EnvelopeJson, type ExchangeKeyJson, type SignedDealingJson, type TrusteeFile,
  aggregateBallots, ciphertextToJson, encodePoint, G, mulSecret, openTrusteeFile,
} from '../domain/crypto/index.ts';
import { LETTERS } from '../domain/vocabulary.ts';
import { partialDecryption } from '../decryption/rules.ts';
import { decryptionData, submitPartial } from '../decryption/store.ts';
import type { Acting, Actor } from '../platform/acting.ts';
import type { Db } from '../platform/db/index.ts';
import type { Clock } from '../platform/time.ts';

/**
 * The demo's key ceremonies and decryption: the 2024 selection and the 2024 测评 are set to
 * encrypted mode and their trustees (the scrutineer accounts) run the whole ceremony here, in Node,
 * with the protocol's own functions (src/domain/crypto/ceremony.ts) and through the store functions the pages use, so that every
 * message is checked as a browser's would be. Each trustee then proves possession of its key share
 * and its file is sealed under a passphrase that is PUBLISHED (demoTrusteePassphrase, and the
 * page /demo/trustee-files): anyone may play a trustee of the demo. Once the 测评 is sealed, its
 * trustees decrypt it here from those same published files (decryptAsDemoTrustees), as their
 * browsers would. Never do this for a real vote.
 */

/** The demo's trustee threshold: any two of its three trustees decrypt. */
export const DEMO_THRESHOLD = 2;

/** The published passphrase of the demo's trustee `index` (1-based): public, because this is a demo. */
export function demoTrusteePassphrase(index: number): string {
  return `minsheng-demo-trustee-${index}`;
}

/** A demo trustee's file as kept for the page: who, with which account, the file and its passphrase. */
export interface DemoTrusteeFile {
  id: number;
  electionId: number;
  electionTitle: string;
  trustee: number;
  username: string;
  name: string;
  passphrase: string;
  file: TrusteeFile;
}

/** The clock's times of the ceremony's steps, when the demo runs on fixed times (the 2024 meeting's). */
export interface CeremonyTimes {
  mode: string;
  started: string;
  possession: string;
}

interface TrusteeAccount {
  index: number;
  username: string;
  name: string;
  acting: Acting;
}

async function actorOf(db: Db, username: string): Promise<{ actor: Actor }> {
  const u = await db.selectFrom('users').select(['id', 'username'])
    .select((eb) => eb.selectFrom('user_roles').whereRef('user_roles.user_id', '=', 'users.id').select(sql<string[]>`array_agg(role)`.as('r')).as('roles'))
    .where('username', '=', username).executeTakeFirst();
  if (!u) throw new Error(`the demo's key ceremony needs the ${username} account`);
  // As the routes do: the actor is the signed-in user, named by username, acting in their roles.
  return { actor: { userId: u.id, name: u.username, roles: u.roles ?? [] } };
}

/**
 * Runs the demo's key ceremony for a draft election whose scrutineers are named and have accounts:
 * the secretariat (`secretariat`'s account) sets encrypted mode with k = DEMO_THRESHOLD and starts
 * the ceremony; each trustee publishes its exchange key, its dealing and envelopes, checks what it
 * received and confirms; each proves possession; their files are sealed with the published
 * passphrases and stored in demo_trustee_files. Throws if any step is refused (a demo that could
 * not hold its ceremony is not a demo of it).
 */
export async function runDemoCeremony(db: Db, clock: Clock, electionId: number,
  options: { secretariat: string; fixed?: { clock: { set(d: string): void }; times: CeremonyTimes } }): Promise<void> {
  const at = (t: keyof CeremonyTimes) => options.fixed?.clock.set(options.fixed.times[t]);
  const secretariat: Acting = { clock, actor: (await actorOf(db, options.secretariat)).actor };

  at('mode');
  await setBallotMode(db, secretariat, electionId, { mode: 'encrypted', threshold: DEMO_THRESHOLD });
  at('started');
  const ceremony = await startCeremony(db, secretariat, electionId);
  const p = { contextId: ceremony.contextId, k: ceremony.k, n: ceremony.n };

  const accounts = await db.selectFrom('users').select(['username', 'deputy_id']).where('deputy_id', 'is not', null).execute();
  const trustees: TrusteeAccount[] = [];
  for (const t of await ceremonyTrustees(db, ceremony.id)) {
    const username = accounts.find((a) => a.deputy_id === t.deputyId)?.username;
    if (!username) throw new Error(`the demo's trustee ${t.index} (${t.code}) has no account`);
    const { actor } = await actorOf(db, username);
    trustees.push({ index: t.index, username, name: t.name, acting: { clock, actor } });
  }
  const messages = async (i: number) => await messagesForTrustee(db, ceremony, i) as unknown as {
    exchangeKeys: ExchangeKeyJson[]; dealings: SignedDealingJson[]; envelopes: EnvelopeJson[];
  };
  const post = async (t: TrusteeAccount, kind: Parameters<typeof postCeremonyMessage>[3], body: unknown) => {
    await postCeremonyMessage(db, t.acting, electionId, kind, body);
  };

  // Step 1: each trustee's exchange key.
  const exchangeSecrets = new Map<number, bigint>();
  for (const t of trustees) {
    const { exchangeSecret, message } = startTrustee(p, t.index);
    exchangeSecrets.set(t.index, exchangeSecret);
    await post(t, 'exchange-key', message);
  }
  // Step 2: each deals its shares, signed, one envelope to each other trustee.
  for (const t of trustees) {
    const dealt = await dealForCeremony(p, t.index, exchangeSecrets.get(t.index)!, (await messages(t.index)).exchangeKeys);
    await post(t, 'dealing', dealt.dealing);
    for (const e of dealt.envelopes) await post(t, 'envelope', e);
  }
  // Step 3: each checks what it received against the dealers' commitments and confirms the election key.
  const shares = new Map<number, bigint>();
  for (const t of trustees) {
    const m = await messages(t.index);
    const outcome = await receiveForCeremony(p, t.index, exchangeSecrets.get(t.index)!, m.exchangeKeys, m.dealings, m.envelopes);
    if (!outcome.ok) throw new Error(`the demo's trustee ${t.index} found dealer ${outcome.dealer}'s share wrong`);
    shares.set(t.index, outcome.secretShare);
    await post(t, 'confirmation', outcome.confirmation);
  }
  const complete = await currentCeremony(db, electionId);
  if (complete?.state !== 'complete' || !complete.result) throw new Error(`the demo's key ceremony did not complete (${complete?.state})`);

  // The trustees' final files, sealed under the published passphrases: PBKDF2 runs in Node's thread
  // pool, all three at once and while the proofs of possession are made.
  const result = complete.result;
  const sealing = Promise.all(trustees.map((t) => sealTrusteeFile(
    { contextId: p.contextId, electionId: String(electionId), index: t.index, publicShare: result.trustees[t.index - 1]!.publicShare, publicKey: result.publicKey },
    { secretShare: shares.get(t.index)! }, demoTrusteePassphrase(t.index),
  )));

  // Before opening: every trustee proves, for a nonce the server issues, that it holds its share.
  at('possession');
  for (const t of trustees) {
    const { nonce } = await issuePossessionNonce(db, t.acting, electionId);
    await provePossession(db, t.acting, electionId, nonce, simpleProofToJson(possessionProof(p.contextId, t.index, shares.get(t.index)!, nonce)));
  }
  const files = await sealing;
  await db.insertInto('demo_trustee_files').values(trustees.map((t, i) => ({
    election_id: electionId, trustee: t.index, username: t.username, name: t.name, passphrase: demoTrusteePassphrase(t.index), file: JSON.stringify(files[i]),
  }))).execute();
}

/** Every demo trustee file, by election and trustee. */
export async function demoTrusteeFiles(db: Db): Promise<DemoTrusteeFile[]> {
  const rows = await db.selectFrom('demo_trustee_files as f').innerJoin('elections as e', 'e.id', 'f.election_id')
    .select(['f.id', 'f.election_id', 'e.title', 'f.trustee', 'f.username', 'f.name', 'f.passphrase', 'f.file'])
    .orderBy('f.election_id').orderBy('f.trustee').execute();
  return rows.map((r) => ({
    id: r.id, electionId: r.election_id, electionTitle: r.title, trustee: r.trustee, username: r.username, name: r.name, passphrase: r.passphrase,
    file: r.file as unknown as TrusteeFile,
  }));
}

/** The name a demo trustee file is saved under, as the ceremony page names a final file (views/assets/ceremony.ts). */
export function demoTrusteeFileName(f: Pick<DemoTrusteeFile, 'electionId' | 'trustee'>): string {
  return `minsheng-trustee-${f.electionId}-${f.trustee}-final.json`;
}

/** The complete ceremonies of the elections given (those the demo's files belong to): title, k and n. */
export async function demoCeremonies(db: Db, electionIds: readonly number[]): Promise<{ electionId: number; title: string; k: number; n: number }[]> {
  if (electionIds.length === 0) return [];
  return db.selectFrom('key_ceremonies as k').innerJoin('elections as e', 'e.id', 'k.election_id')
    .select(['e.id as electionId', 'e.title', 'k.threshold as k', 'k.trustees as n'])
    .where('k.election_id', 'in', [...new Set(electionIds)]).where('k.state', '=', 'complete').orderBy('e.id').execute();
}

/**
 * The demo trustees' decryption of a sealed encrypted election (state `decrypting`), each trustee
 * in turn as its browser does it (views/assets/decryption.ts), in Node: it fetches what the page
 * fetches (decryptionData, as that trustee), opens ITS PUBLISHED FILE from demo_trustee_files with
 * the published passphrase (so the files on /demo/trustee-files are the ones that decrypted the
 * demo), checks the file is this election's and this trustee's and that its share matches the
 * public share, and that the sealed ballots multiply to the stored aggregate; proves the decryption
 * of each total and posts it through submitPartial, which checks every proof and combines at k
 * (→ tallied). `trustees` are the usernames, in the order they decrypt (at most k: a partial after
 * the combination is refused); with `fixed`, the clock is set to each one's time first. Throws if
 * anything is refused or does not match.
 */
export async function decryptAsDemoTrustees(db: Db, clock: Clock, electionId: number,
  options: { trustees: readonly string[]; fixed?: { clock: { set(d: string): void }; times: readonly string[] } }): Promise<{ combined: boolean }> {
  const actings: Acting[] = [];
  for (const username of options.trustees) actings.push({ clock, actor: (await actorOf(db, username)).actor });
  const data = [];
  for (const acting of actings) data.push(await decryptionData(db, acting, electionId));
  const files = await db.selectFrom('demo_trustee_files').select(['trustee', 'file', 'passphrase']).where('election_id', '=', electionId).execute();
  // PBKDF2 (600,000 iterations) runs in Node's thread pool: every file is opened at once.
  const opened = await Promise.all(data.map(async (d) => {
    const f = files.find((x) => x.trustee === d.index);
    if (!f) throw new Error(`the demo's trustee ${d.index} of election ${electionId} has no published file`);
    return openTrusteeFile(f.file, f.passphrase);
  }));
  // The sealed ballots are public and the same for every trustee: their product is computed once,
  // and each trustee compares the aggregate it is asked to decrypt with it. (A browser also checks
  // every ballot's proofs; the seed does not repeat that: castEncryptedBallot checked each, and the
  // combination's verifier checks them all again before the record is stored.)
  const first = data[0];
  const sum = first && canonicalize(aggregateBallots(first.spec, first.ballots.map((b) => b.ballot)).map((row) => row.map(ciphertextToJson)));
  let combined = false;
  for (const [i, d] of data.entries()) {
    const { header, content } = opened[i]!;
    const mine = d.trustees.find((t) => t.index === d.index);
    const share = content.secretShare;
    if (header.contextId !== d.contextId || header.index !== d.index || share === undefined || !mine) {
      throw new Error(`the demo's trustee file ${d.index} is not for this election's ceremony`);
    }
    if (encodePoint(mulSecret(G, share)) !== mine.publicShare) throw new Error(`the demo's trustee file ${d.index} holds another share`);
    if (canonicalize(d.ballots) !== canonicalize(first!.ballots) || canonicalize(d.aggregate) !== sum) {
      throw new Error('the sealed ballots do not multiply to the stored aggregate');
    }
    const at = options.fixed?.times[i];
    if (at !== undefined) options.fixed!.clock.set(at);
    const partial = partialDecryption({ publicKey: d.publicKey, contextId: d.contextId, letters: LETTERS[d.spec.marking] }, d.index, share, d.aggregate);
    combined = (await submitPartial(db, actings[i]!, electionId, JSON.stringify(partial))).combined;
  }
  return { combined };
}
