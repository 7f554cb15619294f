import { sql, type Transaction } from 'kysely';
import type { AuditEntry } from '../domain/tables.ts';
import type { Actor } from '../platform/acting.ts';
import type { Clock } from '../platform/time.ts';
import type { Database, Db } from '../platform/db/index.ts';
import { GENESIS_HASH, hashAuditEntry, type ChainLink } from './chain.ts';

export interface AuditEvent {
  action: string;
  /** What it was done to, e.g. "meeting:3" or "candidate:12". */
  subject: string;
  details?: Record<string, unknown>;
}

// Serialises appends (and checkpoints of the head) across connections and app instances for the length of the caller's transaction.
const AUDIT_LOCK_KEY = 0x6d73_6175; // "msau"

/** Holds the audit chain still until the caller's transaction ends: no entry is appended meanwhile. */
export async function lockAuditChain(trx: Transaction<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(trx);
}

/**
 * Appends one entry to the hash chain inside the caller's transaction, so the entry exists exactly
 * when the change it records does. Details must never hold passwords, tokens or ballot contents.
 */
export async function appendAudit(trx: Transaction<Database>, clock: Clock, actor: Actor, event: AuditEvent): Promise<void> {
  await lockAuditChain(trx);
  const last = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  const fields = {
    prevHash: last?.hash ?? GENESIS_HASH,
    at: clock.now().toISOString(),
    actorUserId: actor.userId,
    actorName: actor.name,
    action: event.action,
    subject: event.subject,
    details: event.details ?? {},
  };
  await trx.insertInto('audit_log').values({
    at: new Date(fields.at),
    actor_user_id: fields.actorUserId,
    actor_name: fields.actorName,
    action: fields.action,
    subject: fields.subject,
    details: JSON.stringify(fields.details),
    prev_hash: fields.prevHash,
    hash: hashAuditEntry(fields),
  }).execute();
}

/** Reads the chain in order, in pages, for verification. */
export async function* readAuditChain(db: Db, pageSize = 1000): AsyncGenerator<ChainLink> {
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('id', '>', after).orderBy('id').limit(pageSize).execute();
    for (const r of rows) {
      yield {
        id: r.id, hash: r.hash, prevHash: r.prev_hash, at: r.at.toISOString(), actorUserId: r.actor_user_id,
        actorName: r.actor_name, action: r.action, subject: r.subject, details: r.details,
      };
    }
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** A page of the log, newest first: entries whose action starts with `action`, before the entry `before`; `more` when older ones exist. */
export async function auditPage(db: Db, filter: { action: string; before: number | undefined }, size = 100): Promise<{ entries: AuditEntry[]; more: boolean }> {
  let q = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(size + 1);
  if (filter.action) q = q.where('action', 'like', `${filter.action.replace(/[%_\\]/g, '\\$&')}%`);
  if (filter.before !== undefined) q = q.where('id', '<', filter.before);
  const rows = await q.execute();
  return { entries: rows.slice(0, size), more: rows.length > size };
}
