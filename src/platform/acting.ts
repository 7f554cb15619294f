import type { Trx } from './db/index.ts';
import type { Clock } from './time.ts';

/**
 * Who did it: a signed-in person (with the roles they acted in), or the installation itself
 * (`userId` null: start-up, demo seeding, scheduled jobs, command-line tools), which is trusted as
 * the operator's own hand.
 */
export interface Actor {
  userId: number | null;
  name: string;
  /** The person's roles, against which the election lifecycle checks who may make a step. */
  roles?: readonly string[];
}

/**
 * Anchors the audit chain outside the database: inside the caller's transaction, signs a
 * checkpoint of the chain's head as it is now (src/audit/checkpoint-store.ts). The app hands one
 * to every step it takes, and the election lifecycle calls it after its audit entry, so that every
 * transition is covered by a checkpoint committed with it. Resolves to the checkpoint made, or
 * undefined when none was (nothing new, or no signing key under this configuration).
 */
export type AuditAnchor = (trx: Trx, clock: Clock) => Promise<unknown>;

/** Who acts, and when: every store function that changes data takes one and audits with it. */
export interface Acting {
  clock: Clock;
  actor: Actor;
  /**
   * Signs an audit checkpoint at each election transition. Tools and tests that leave it out get
   * no checkpoint there; the server's hourly checkpoint still covers their entries.
   */
  auditAnchor?: AuditAnchor;
}

export const SYSTEM_ACTOR: Actor = Object.freeze({ userId: null, name: 'system' });
