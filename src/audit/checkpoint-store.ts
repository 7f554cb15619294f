import { type SigningConfig, type SigningKey, signingKeyCache, SigningKeyUnavailable } from '../keys/signing.ts';
import type { AuditAnchor } from '../platform/acting.ts';
import type { Db, Trx } from '../platform/db/index.ts';
import type { Logger } from '../platform/log.ts';
import type { Clock } from '../platform/time.ts';
import { type Checkpoint, checkpointContent, checkpointPayload, signCheckpoint, storedCheckpoint } from './checkpoints.ts';
import { lockAuditChain } from './store.ts';

/**
 * Signs and stores a checkpoint of the audit chain as it stands, inside the caller's transaction,
 * unless the chain has not grown since the last checkpoint (or is empty): then undefined. The
 * chain's lock is held, so no entry can slip in between reading the head and storing it, and
 * checkpoints are numbered without gaps.
 */
export async function checkpointAudit(trx: Trx, clock: Clock, key: SigningKey): Promise<Checkpoint | undefined> {
  await lockAuditChain(trx);
  const head = await trx.selectFrom('audit_log').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!head) return undefined;
  const last = await trx.selectFrom('audit_checkpoints').select(['seq', 'last_id']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (last && last.last_id === head.id) return undefined;
  const { length } = await trx.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('length'))
    .where('id', '<=', head.id).executeTakeFirstOrThrow();
  const now = clock.now();
  const content = checkpointContent({ seq: (last?.seq ?? 0) + 1, length: Number(length), lastId: head.id, head: head.hash, at: now, publicKeyDer: key.publicKeyDer });
  const checkpoint = signCheckpoint(content, key);
  await trx.insertInto('audit_checkpoints').values({
    seq: content.seq, at: now, length: content.length, last_id: content.lastId, head: content.head,
    key_fingerprint: content.keyFingerprint, body: checkpointPayload(content).toString('utf8'),
    public_key: checkpoint.signature.publicKey, signature: checkpoint.signature.value,
  }).execute();
  return checkpoint;
}

/**
 * The installation's audit anchor: signs a checkpoint with the installation's key (opened once and
 * kept). Where this configuration has no usable key (PostgreSQL without SIGNING_KEY_SECRET, a demo
 * key outside demo mode), it makes none and says so in the log, without failing the step it
 * follows: the key is the operator's to provide, and the next checkpoint covers what was missed.
 */
export function auditAnchor(config: SigningConfig, logger?: Logger): AuditAnchor & ((trx: Trx, clock: Clock) => Promise<Checkpoint | undefined>) {
  const openKey = signingKeyCache(config);
  return async (trx, clock) => {
    let key: SigningKey;
    try {
      key = await openKey(trx);
    } catch (e) {
      if (!(e instanceof SigningKeyUnavailable)) throw e;
      logger?.warn('audit checkpoint not signed: no signing key', { problem: e.message });
      return undefined;
    }
    return checkpointAudit(trx, clock, key);
  };
}

/** A checkpoint in a transaction of its own, if the chain grew since the last one. */
export async function checkpointIfGrown(db: Db, clock: Clock, anchor: AuditAnchor): Promise<unknown> {
  return db.transaction().execute((trx) => anchor(trx, clock));
}

/** Published checkpoints in order: those after `after` (a seq), at most `limit`; `more` when later ones exist. */
export async function readCheckpoints(db: Db, page: { after?: number; limit?: number } = {}): Promise<{ checkpoints: Checkpoint[]; more: boolean }> {
  let q = db.selectFrom('audit_checkpoints').select(['body', 'public_key', 'signature']).orderBy('seq');
  if (page.after !== undefined) q = q.where('seq', '>', page.after);
  if (page.limit !== undefined) q = q.limit(page.limit + 1);
  const rows = await q.execute();
  const more = page.limit !== undefined && rows.length > page.limit;
  return { checkpoints: (more ? rows.slice(0, page.limit) : rows).map(storedCheckpoint), more };
}

/** The newest checkpoints first, for the feed. */
export async function latestCheckpoints(db: Db, limit: number): Promise<Checkpoint[]> {
  const rows = await db.selectFrom('audit_checkpoints').select(['body', 'public_key', 'signature']).orderBy('seq', 'desc').limit(limit).execute();
  return rows.map(storedCheckpoint);
}
