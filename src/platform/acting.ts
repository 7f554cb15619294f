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

/** Who acts, and when: every store function that changes data takes one and audits with it. */
export interface Acting {
  clock: Clock;
  actor: Actor;
}

export const SYSTEM_ACTOR: Actor = Object.freeze({ userId: null, name: 'system' });
