import { type AuditAnchor, SYSTEM_ACTOR } from '../platform/acting.ts';
import type { Db } from '../platform/db/index.ts';
import type { Logger } from '../platform/log.ts';
import { Refused } from '../platform/refusal.ts';
import type { Clock } from '../platform/time.ts';
import { transition } from './transition.ts';

/**
 * Closes every open election whose scheduled close time has passed, each through the lifecycle in
 * its own transaction under the election's row lock: however many instances run this at once, and
 * however often after a restart, each election closes exactly once (with its scheduled time as
 * closed_at); an instance that finds it already closed is refused and moves on.
 */
export async function closeDueElections(db: Db, clock: Clock, auditAnchor?: AuditAnchor): Promise<number[]> {
  const due = await db.selectFrom('elections').select('id')
    .where('state', '=', 'open').where('close_scheduled_at', '<=', clock.now()).orderBy('id').execute();
  const closed: number[] = [];
  for (const { id } of due) {
    try {
      await db.transaction().execute((trx) => transition(trx, { clock, actor: SYSTEM_ACTOR, auditAnchor }, id, 'close', (e) => ({
        set: { closed_at: e.close_scheduled_at }, details: { scheduled: e.close_scheduled_at?.toISOString() }, result: undefined,
      })));
      closed.push(id);
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
    }
  }
  return closed;
}

/** Runs closeDueElections every `everyMs` until stopped; errors are logged, never fatal. */
export function startScheduler(db: Db, clock: Clock, logger: Logger, everyMs = 1000, auditAnchor?: AuditAnchor): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => closeDueElections(db, clock, auditAnchor))
      .then((ids) => { if (ids.length) logger.info('scheduled close', { elections: ids }); })
      .catch((err: unknown) => logger.warn('scheduled close failed', { err: err as Error }));
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
