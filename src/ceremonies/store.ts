import { randomBytes } from 'node:crypto';
import { appendAudit } from '../audit/store.ts';
import {
  type CeremonyStatus, ceremonyStatus, decodePoint, newContextId, simpleProofFromJson, verifyPossession,
} from '../domain/crypto/index.ts';
import type { BallotMode, CeremonyMessageKind, CeremonyState } from '../domain/vocabulary.ts';
import type { Acting } from '../platform/acting.ts';
import type { Db, Trx } from '../platform/db/index.ts';
import { Refused } from '../platform/refusal.ts';
import { lockElection } from '../elections/transition.ts';
import type { CeremonyOverview } from './model.ts';
import { ceremonyMessages, checkMessage, exchangeKeyPoints, type MessageProblem, MIN_TRUSTEES, thresholdProblem } from './rules.ts';

/** Why a ceremony step is refused (each translated by the routes). */
export type CeremonyRefusal =
  | 'not-found' | 'not-draft' | 'not-encrypted' | 'too-few-trustees' | 'threshold' | 'already-started' | 'not-failed'
  | 'not-trustee' | 'not-running' | 'duplicate' | 'not-complete' | 'nonce-unknown' | 'nonce-used' | 'proof-fails' | MessageProblem;

/** Why an election in encrypted mode cannot open yet. */
export type OpeningRefusal = 'ceremony-incomplete' | 'possession-missing';

export interface CeremonyRow {
  id: number;
  electionId: number;
  contextId: string;
  k: number;
  n: number;
  state: CeremonyState;
  startedAt: Date;
  startedByName: string;
  result: Extract<CeremonyStatus, { state: 'complete' }> | null;
  failure: Extract<CeremonyStatus, { state: 'failed' }>['faults'] | null;
  endedAt: Date | null;
}

/** The ceremony of an election that counts now: the running or complete one, else the latest (failed) one. */
export async function currentCeremony(db: Db | Trx, electionId: number): Promise<CeremonyRow | undefined> {
  const r = await db.selectFrom('key_ceremonies').selectAll().where('election_id', '=', electionId)
    .orderBy((eb) => eb.case().when('state', 'in', ['running', 'complete']).then(0).else(1).end()).orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id, electionId: r.election_id, contextId: r.context_id, k: r.threshold, n: r.trustees, state: r.state, startedAt: r.started_at,
    startedByName: r.started_by_name, result: r.result as CeremonyRow['result'], failure: r.failure as CeremonyRow['failure'], endedAt: r.ended_at,
  };
}

/** The draft votes whose running or complete ceremony this person is a trustee of (for the scrutiny list). */
export async function ceremoniesOf(db: Db, userId: number): Promise<{ electionId: number; title: string; state: CeremonyState }[]> {
  return db.selectFrom('key_ceremonies as c').innerJoin('ceremony_trustees as t', 't.ceremony_id', 'c.id').innerJoin('users as u', 'u.deputy_id', 't.deputy_id')
    .innerJoin('elections as e', 'e.id', 'c.election_id')
    .select(['e.id as electionId', 'e.title', 'c.state']).where('u.id', '=', userId).where('c.state', 'in', ['running', 'complete']).where('e.state', '=', 'draft')
    .orderBy('e.id', 'desc').execute();
}

/** Whether a deputy is named as a scrutineer of an election (a trustee-to-be before its ceremony starts). */
export async function isNamedScrutineer(db: Db, electionId: number, deputyId: number): Promise<boolean> {
  return (await db.selectFrom('election_scrutineers').select('deputy_id').where('election_id', '=', electionId).where('deputy_id', '=', deputyId).executeTakeFirst()) !== undefined;
}

/** The trustees of a ceremony, 1 … n, with the deputies they are. */
export async function ceremonyTrustees(db: Db | Trx, ceremonyId: number): Promise<{ index: number; deputyId: number; code: string; name: string }[]> {
  return db.selectFrom('ceremony_trustees as t').innerJoin('deputies as d', 'd.id', 't.deputy_id')
    .select(['t.index', 't.deputy_id as deputyId', 'd.code', 'd.name']).where('t.ceremony_id', '=', ceremonyId).orderBy('t.index').execute();
}

async function storedMessages(db: Db | Trx, ceremonyId: number) {
  return db.selectFrom('ceremony_messages').select(['kind', 'trustee', 'recipient', 'body']).where('ceremony_id', '=', ceremonyId).orderBy('id').execute();
}

/** What ceremonyStatus says of a ceremony's stored messages now. */
export async function statusOf(db: Db | Trx, c: CeremonyRow): Promise<CeremonyStatus> {
  if (c.state === 'complete' && c.result) return c.result;
  if (c.state === 'failed' && c.failure) return { state: 'failed', faults: c.failure };
  return ceremonyStatus({ contextId: c.contextId, k: c.k, n: c.n }, ceremonyMessages(await storedMessages(db, c.id)));
}

/**
 * The public messages trustee `index`'s browser needs: the ceremony's parameters, every exchange
 * key, dealing, complaint and confirmation, and the envelopes addressed to that trustee.
 */
export async function messagesForTrustee(db: Db, c: CeremonyRow, index: number) {
  const rows = await storedMessages(db, c.id);
  const of = (kind: CeremonyMessageKind) => rows.filter((r) => r.kind === kind).map((r) => r.body);
  return {
    electionId: String(c.electionId), contextId: c.contextId, k: c.k, n: c.n, index, state: c.state,
    exchangeKeys: of('exchange-key'), dealings: of('dealing'),
    envelopes: rows.filter((r) => r.kind === 'envelope' && r.recipient === index).map((r) => r.body),
    complaints: of('complaint'), confirmations: of('confirmation'),
    /** The kinds this trustee has already published (envelopes: to whom). */
    mine: rows.filter((r) => r.trustee === index).map((r) => (r.recipient === null ? r.kind : `${r.kind}:${r.recipient}`)),
  };
}

/**
 * Sets an election's ballot mode (and, in encrypted mode, its threshold k): a draft only, with
 * 2 ≤ k ≤ its named scrutineers, and not once a ceremony is running or complete. Audited.
 */
export async function setBallotMode(db: Db, acting: Acting, electionId: number, input: { mode: BallotMode; threshold: number | null }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const e = await lockElection(trx, electionId);
    if (!e) throw new Refused<CeremonyRefusal>('not-found');
    if (e.state !== 'draft') throw new Refused<CeremonyRefusal>('not-draft');
    if (await liveCeremony(trx, electionId)) throw new Refused<CeremonyRefusal>('already-started');
    let threshold: number | null = null;
    if (input.mode === 'encrypted') {
      const named = await namedCount(trx, electionId);
      threshold = input.threshold ?? 0;
      if (thresholdProblem(threshold, named)) throw new Refused<CeremonyRefusal>('threshold', { named });
    }
    await trx.updateTable('elections').set({ ballot_mode: input.mode, trustee_threshold: threshold }).where('id', '=', electionId).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'election.ballot-mode', subject: `election:${electionId}`, details: { mode: input.mode, threshold } });
  });
}

async function namedCount(trx: Trx, electionId: number): Promise<number> {
  return Number((await trx.selectFrom('election_scrutineers').select((eb) => eb.fn.countAll<number>().as('n')).where('election_id', '=', electionId).executeTakeFirstOrThrow()).n);
}

async function liveCeremony(trx: Trx, electionId: number) {
  return trx.selectFrom('key_ceremonies').select(['id', 'state']).where('election_id', '=', electionId).where('state', 'in', ['running', 'complete']).executeTakeFirst();
}

/**
 * Starts the key ceremony of a draft election in encrypted mode (the secretariat): a new context
 * id, threshold k, and trustees 1 … n frozen from the named scrutineers in order. Refused while
 * another is running or complete. `restart` says the previous one failed (then it must have).
 */
export async function startCeremony(db: Db, acting: Acting, electionId: number, restart = false): Promise<CeremonyRow> {
  const id = await db.transaction().execute(async (trx) => {
    const e = await lockElection(trx, electionId);
    if (!e) throw new Refused<CeremonyRefusal>('not-found');
    if (e.state !== 'draft') throw new Refused<CeremonyRefusal>('not-draft');
    if (e.ballot_mode !== 'encrypted') throw new Refused<CeremonyRefusal>('not-encrypted');
    if (await liveCeremony(trx, electionId)) throw new Refused<CeremonyRefusal>('already-started');
    const previous = await trx.selectFrom('key_ceremonies').select(['id', 'context_id']).where('election_id', '=', electionId).orderBy('id', 'desc').executeTakeFirst();
    if (restart !== (previous !== undefined)) throw new Refused<CeremonyRefusal>(restart ? 'not-failed' : 'already-started');
    const named = await trx.selectFrom('election_scrutineers').select('deputy_id').where('election_id', '=', electionId).orderBy('position').execute();
    if (named.length < MIN_TRUSTEES) throw new Refused<CeremonyRefusal>('too-few-trustees', { named: named.length });
    const k = e.trustee_threshold ?? 0;
    if (thresholdProblem(k, named.length)) throw new Refused<CeremonyRefusal>('threshold', { named: named.length });
    const contextId = newContextId(String(electionId));
    const row = await trx.insertInto('key_ceremonies').values({
      election_id: electionId, context_id: contextId, threshold: k, trustees: named.length, state: 'running',
      started_at: acting.clock.now(), started_by: acting.actor.userId, started_by_name: acting.actor.name, result: null, failure: null, ended_at: null,
    }).returning('id').executeTakeFirstOrThrow();
    await trx.insertInto('ceremony_trustees').values(named.map((s, i) => ({ ceremony_id: row.id, index: i + 1, deputy_id: s.deputy_id }))).execute();
    const codes = await trx.selectFrom('deputies').select(['id', 'code']).where('id', 'in', named.map((s) => s.deputy_id)).execute();
    await appendAudit(trx, acting.clock, acting.actor, {
      action: restart ? 'ceremony.restart' : 'ceremony.start', subject: `election:${electionId}`,
      details: {
        contextId, k, n: named.length, trustees: named.map((s) => codes.find((c) => c.id === s.deputy_id)?.code ?? String(s.deputy_id)),
        ...(previous ? { previous: previous.context_id } : {}),
      },
    });
    return row.id;
  });
  const started = await currentCeremony(db, electionId);
  if (started?.id !== id) throw new Error(`the ceremony ${id} just started is not election ${electionId}'s current one`);
  return started;
}

/** Starts a ceremony again after its predecessor failed: a new context id, trustees frozen anew. */
export function restartCeremony(db: Db, acting: Acting, electionId: number): Promise<CeremonyRow> {
  return startCeremony(db, acting, electionId, true);
}

/** The index of the acting person in a ceremony, from the deputy its account belongs to. */
async function trusteeIndex(trx: Trx | Db, acting: Acting, ceremonyId: number): Promise<number | undefined> {
  if (acting.actor.userId === null) return undefined;
  const row = await trx.selectFrom('users as u').innerJoin('ceremony_trustees as t', 't.deputy_id', 'u.deputy_id')
    .select('t.index').where('u.id', '=', acting.actor.userId).where('t.ceremony_id', '=', ceremonyId).executeTakeFirst();
  return row?.index;
}

/** The ceremony of an election and the acting person's index in it, or refused (not found, not a trustee). */
export async function trusteeOf(db: Db, acting: Acting, electionId: number): Promise<{ ceremony: CeremonyRow; index: number }> {
  const ceremony = await currentCeremony(db, electionId);
  if (!ceremony) throw new Refused<CeremonyRefusal>('not-trustee');
  const index = await trusteeIndex(db, acting, ceremony.id);
  if (index === undefined) throw new Refused<CeremonyRefusal>('not-trustee');
  return { ceremony, index };
}

/**
 * Stores one message a trustee publishes, in its own name only (its index comes from its session),
 * once per kind (and recipient), after the protocol's check of it; then runs ceremonyStatus over
 * everything stored and marks the ceremony complete (its result kept) or failed (its faults kept,
 * naming the trustees at fault). One transaction with the ceremony's row locked. Audited with the
 * kind and the trustee, never a message's content.
 */
export async function postCeremonyMessage(db: Db, acting: Acting, electionId: number, kind: CeremonyMessageKind, body: unknown): Promise<CeremonyStatus> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('key_ceremonies').selectAll().where('election_id', '=', electionId).where('state', 'in', ['running', 'complete'])
      .forUpdate().executeTakeFirst();
    const latest = row ?? await trx.selectFrom('key_ceremonies').selectAll().where('election_id', '=', electionId).orderBy('id', 'desc').executeTakeFirst();
    if (!latest) throw new Refused<CeremonyRefusal>('not-trustee');
    const index = await trusteeIndex(trx, acting, latest.id);
    if (index === undefined) throw new Refused<CeremonyRefusal>('not-trustee');
    if (latest.state !== 'running') throw new Refused<CeremonyRefusal>('not-running');
    const rows = await storedMessages(trx, latest.id);
    const checked = checkMessage({
      contextId: latest.context_id, k: latest.threshold, n: latest.trustees, exchangeKeys: exchangeKeyPoints(rows),
      envelope: (d, r) => rows.find((m) => m.kind === 'envelope' && m.trustee === d && m.recipient === r)?.body,
    }, kind, body, index);
    if ('problem' in checked) throw new Refused<CeremonyRefusal>(checked.problem);
    if (rows.some((m) => m.kind === kind && m.trustee === checked.trustee && m.recipient === checked.recipient)) throw new Refused<CeremonyRefusal>('duplicate');
    await trx.insertInto('ceremony_messages').values({
      ceremony_id: latest.id, kind, trustee: checked.trustee, recipient: checked.recipient, body: JSON.stringify(body), received_at: acting.clock.now(),
    }).execute();
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'ceremony.message', subject: `election:${electionId}`,
      details: { contextId: latest.context_id, kind, trustee: checked.trustee, ...(checked.recipient === null ? {} : { recipient: checked.recipient }) },
    });
    const status = await ceremonyStatus({ contextId: latest.context_id, k: latest.threshold, n: latest.trustees },
      ceremonyMessages([...rows, { kind, body }]));
    if (status.state === 'complete') {
      await trx.updateTable('key_ceremonies').set({ state: 'complete', result: JSON.stringify(status), ended_at: acting.clock.now() }).where('id', '=', latest.id).execute();
      await appendAudit(trx, acting.clock, acting.actor, {
        action: 'ceremony.complete', subject: `election:${electionId}`,
        details: { contextId: latest.context_id, publicKey: status.publicKey, fingerprint: status.fingerprint, exchangeFingerprint: status.exchangeFingerprint },
      });
    } else if (status.state === 'failed') {
      await trx.updateTable('key_ceremonies').set({ state: 'failed', failure: JSON.stringify(status.faults), ended_at: acting.clock.now() }).where('id', '=', latest.id).execute();
      await appendAudit(trx, acting.clock, acting.actor, {
        action: 'ceremony.failed', subject: `election:${electionId}`, details: { contextId: latest.context_id, faults: status.faults },
      });
    }
    return status;
  });
}

/** A 128-bit nonce from the operating system's CSPRNG, 32 lower-case hex digits. */
function newNonce(): string {
  return randomBytes(16).toString('hex');
}

async function completeForPossession(trx: Trx, acting: Acting, electionId: number) {
  const e = await lockElection(trx, electionId);
  if (!e) throw new Refused<CeremonyRefusal>('not-found');
  const c = await trx.selectFrom('key_ceremonies').selectAll().where('election_id', '=', electionId).where('state', 'in', ['running', 'complete']).executeTakeFirst();
  const index = c ? await trusteeIndex(trx, acting, c.id) : undefined;
  if (!c || index === undefined) throw new Refused<CeremonyRefusal>('not-trustee');
  if (c.state !== 'complete') throw new Refused<CeremonyRefusal>('not-complete');
  if (e.state !== 'draft') throw new Refused<CeremonyRefusal>('not-draft');
  return { c, index };
}

/** Issues a nonce for trustee's proof of possession (after the ceremony completed, before opening). */
export async function issuePossessionNonce(db: Db, acting: Acting, electionId: number): Promise<{ nonce: string; index: number; contextId: string }> {
  return db.transaction().execute(async (trx) => {
    const { c, index } = await completeForPossession(trx, acting, electionId);
    const nonce = newNonce();
    await trx.insertInto('possession_proofs').values({ ceremony_id: c.id, index, nonce, issued_at: acting.clock.now(), proof: null, proved_at: null }).execute();
    return { nonce, index, contextId: c.context_id };
  });
}

/**
 * Records a trustee's proof of possession for a nonce the server issued to that trustee and that
 * no proof has used yet; refused when the proof does not verify against the trustee's public share.
 * Audited with the trustee and the nonce.
 */
export async function provePossession(db: Db, acting: Acting, electionId: number, nonce: string, proofJson: unknown): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { c, index } = await completeForPossession(trx, acting, electionId);
    const issued = await trx.selectFrom('possession_proofs').selectAll().where('ceremony_id', '=', c.id).where('index', '=', index).where('nonce', '=', nonce).forUpdate().executeTakeFirst();
    if (!issued) throw new Refused<CeremonyRefusal>('nonce-unknown');
    if (issued.proof !== null) throw new Refused<CeremonyRefusal>('nonce-used');
    const share = (c.result as CeremonyRow['result'])!.trustees[index - 1]!.publicShare;
    let ok = false;
    try {
      ok = verifyPossession(c.context_id, index, decodePoint(share), nonce, simpleProofFromJson(proofJson));
    } catch {
      ok = false;
    }
    if (!ok) throw new Refused<CeremonyRefusal>('proof-fails');
    await trx.updateTable('possession_proofs').set({ proof: JSON.stringify(proofJson), proved_at: acting.clock.now() })
      .where('nonce', '=', nonce).execute();
    await appendAudit(trx, acting.clock, acting.actor, { action: 'ceremony.possession', subject: `election:${electionId}`, details: { contextId: c.context_id, trustee: index, nonce } });
  });
}

/** The trustees (indices) with a valid proof of possession in a complete ceremony. */
export async function possessionProved(db: Db | Trx, c: Pick<CeremonyRow, 'id' | 'contextId' | 'result'>): Promise<Set<number>> {
  const rows = await db.selectFrom('possession_proofs').select(['index', 'nonce', 'proof']).where('ceremony_id', '=', c.id).where('proof', 'is not', null).execute();
  const proved = new Set<number>();
  for (const r of rows) {
    const share = c.result?.trustees[r.index - 1]?.publicShare;
    try {
      if (share && verifyPossession(c.contextId, r.index, decodePoint(share), r.nonce, simpleProofFromJson(r.proof))) proved.add(r.index);
    } catch {
      // a stored proof that does not parse proves nothing
    }
  }
  return proved;
}

/**
 * Whether an election in encrypted mode may open (checked inside openElection's transaction): its
 * ceremony is complete and every trustee 1 … n proved possession of its key share for a nonce the
 * server issued. Undefined when it may (or the election is in plaintext mode).
 */
export async function openingRefusal(trx: Trx, election: { id: number; ballot_mode: BallotMode }): Promise<{ reason: OpeningRefusal; detail: Record<string, unknown> } | undefined> {
  if (election.ballot_mode !== 'encrypted') return undefined;
  const c = await currentCeremony(trx, election.id);
  if (!c || c.state !== 'complete') return { reason: 'ceremony-incomplete', detail: {} };
  const proved = await possessionProved(trx, c);
  const missing = Array.from({ length: c.n }, (_, i) => i + 1).filter((i) => !proved.has(i));
  return missing.length > 0 ? { reason: 'possession-missing', detail: { missing: missing.join('、') } } : undefined;
}

/** The secretariat's view of an election's key ceremony: state, who is missing, faults named, both fingerprints once known. */
export async function ceremonyOverview(db: Db, election: { id: number; state: string; trustee_threshold: number | null }): Promise<CeremonyOverview> {
  const c = await currentCeremony(db, election.id);
  const named = await db.selectFrom('election_scrutineers as s').innerJoin('deputies as d', 'd.id', 's.deputy_id')
    .select(['s.position as index', 'd.code', 'd.name']).where('s.election_id', '=', election.id).orderBy('s.position').execute();
  const draft = election.state === 'draft';
  if (!c) {
    return {
      state: 'none', k: election.trustee_threshold, n: named.length, trustees: named, missing: [], faults: [], proved: [],
      canStart: draft, canRestart: false,
    };
  }
  const trustees = (await ceremonyTrustees(db, c.id)).map((t) => ({ index: t.index, name: t.name, code: t.code }));
  const nameOf = (i: number | null) => (i === null ? undefined : trustees.find((t) => t.index === i)?.name);
  const status = await statusOf(db, c);
  const base = { k: c.k, n: c.n, contextId: c.contextId, trustees, canStart: false, canRestart: draft && c.state === 'failed' };
  switch (status.state) {
    case 'failed':
      return { ...base, state: 'failed', missing: [], faults: status.faults.map((f) => ({ index: f.trustee, name: nameOf(f.trustee), kind: f.kind, reason: f.reason })), proved: [] };
    case 'waiting':
      return {
        ...base, state: c.state, faults: [], proved: [], exchangeFingerprint: status.exchangeFingerprint,
        missing: status.missing.map((m) => ({ index: m.trustee, name: nameOf(m.trustee) ?? '', what: m.what, ...(m.recipient === undefined ? {} : { recipient: m.recipient }) })),
      };
    case 'complete':
      return {
        ...base, state: 'complete', missing: [], faults: [], exchangeFingerprint: status.exchangeFingerprint, fingerprint: status.fingerprint,
        proved: [...await possessionProved(db, c)].sort((a, b) => a - b),
      };
    default: {
      const never: never = status;
      throw new Error(`unknown ceremony status ${JSON.stringify(never)}`);
    }
  }
}
