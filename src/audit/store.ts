import { sql, type Transaction } from 'kysely';
import type { Clock } from '../platform/time.ts';
import type { Database, Db } from '../platform/db/index.ts';
import { GENESIS_HASH, hashAuditEntry, type ChainLink } from './chain.ts';

/** Who did it: a signed-in user, or the system itself (start-up, demo seeding, scheduled jobs). */
export interface Actor {
  userId: number | null;
  name: string;
}

/** Who acts, and when: every service function that changes data takes one and audits with it. */
export interface Acting {
  clock: Clock;
  actor: Actor;
}

export const SYSTEM_ACTOR: Actor = Object.freeze({ userId: null, name: 'system' });

export interface AuditEvent {
  action: string;
  /** What it was done to, e.g. "meeting:3" or "candidate:12". */
  subject: string;
  details?: Record<string, unknown>;
}

// Serialises appends across connections and app instances for the length of the caller's transaction.
const AUDIT_LOCK_KEY = 0x6d73_6175; // "msau"

/**
 * Appends one entry to the hash chain inside the caller's transaction, so the entry exists exactly
 * when the change it records does. Details must never hold passwords, tokens or ballot contents.
 */
export async function appendAudit(trx: Transaction<Database>, clock: Clock, actor: Actor, event: AuditEvent): Promise<void> {
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(trx);
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
