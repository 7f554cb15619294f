import type { Updateable } from 'kysely';
import { appendAudit } from '../audit/store.ts';
import { mayMake, type Step, targets } from '../domain/lifecycle.ts';
import type { Election, ElectionTable } from '../domain/tables.ts';
import type { ElectionState } from '../domain/vocabulary.ts';
import type { Acting } from '../platform/acting.ts';
import type { Trx } from '../platform/db/index.ts';
import { Refused } from '../platform/refusal.ts';

/** Why the lifecycle refuses a step: no such election, not from this state, or not by this person. */
export type LifecycleRefusal = 'not-found' | 'wrong-state' | 'not-allowed';

/** What a step's own work decides: the state to go to (when the table allows several), columns to set, audit details, a result. */
export interface StepOutcome<T> {
  to?: ElectionState;
  set?: Omit<Updateable<ElectionTable>, 'state' | 'id'>;
  details?: Record<string, unknown>;
  result: T;
}

/** The election's row, locked FOR UPDATE until the caller's transaction ends, or undefined. */
export async function lockElection(trx: Trx, electionId: number): Promise<Election | undefined> {
  return trx.selectFrom('elections').selectAll().where('id', '=', electionId).forUpdate().executeTakeFirst();
}

/**
 * Makes one lifecycle step of an election, inside the caller's transaction; the only code that
 * changes an election's state. It locks the election's row, checks the step against the lifecycle
 * table (from this state, by a person holding a role the table names for the step), runs
 * the step's own work with the locked row (work that may refuse with its own reasons), writes the
 * new state with the work's columns, appends the chained audit entry `election.<step>`, and signs
 * an audit checkpoint covering that entry (when the acting carries an `auditAnchor`, as the app's do).
 * Refusals are thrown as `Refused` with a typed reason; nothing is written then.
 */
export async function transition<T = undefined>(
  trx: Trx, acting: Acting, electionId: number, step: Step,
  work: (election: Election) => Promise<StepOutcome<T>> | StepOutcome<T> = () => ({ result: undefined as T }),
): Promise<T> {
  const election = await lockElection(trx, electionId);
  if (!election) throw new Refused<LifecycleRefusal>('not-found');
  // A person must hold a role the table names for the step; the installation itself (no user: the
  // scheduler, seeding, tools) acts as the operator's own hand.
  if (acting.actor.userId !== null && !mayMake(step, acting.actor.roles ?? [])) throw new Refused<LifecycleRefusal>('not-allowed', { step });
  const allowed = targets(step, election.state);
  if (allowed.length === 0) throw new Refused<LifecycleRefusal>('wrong-state', { step, state: election.state });
  const outcome = await work(election);
  // Where the table allows one target the work need not name it; where it allows several it must.
  const to = outcome.to ?? (allowed.length === 1 ? allowed[0]! : undefined);
  if (!to || !allowed.includes(to)) throw new Error(`lifecycle: ${step} from ${election.state} must lead to one of ${allowed.join(', ')}, not ${to}`);
  await trx.updateTable('elections').set({ ...outcome.set, state: to }).where('id', '=', electionId).execute();
  await appendAudit(trx, acting.clock, acting.actor, { action: `election.${step}`, subject: `election:${electionId}`, details: outcome.details });
  // A signed checkpoint of the chain, its head being the entry just written, commits with the step.
  if (acting.auditAnchor) await acting.auditAnchor(trx, acting.clock);
  return outcome.result;
}
