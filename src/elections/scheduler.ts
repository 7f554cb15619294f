import { sql } from 'kysely';
import { appendAudit } from '../audit/store.ts';
import { SYSTEM_ACTOR } from '../platform/acting.ts';
import type { Clock } from '../platform/time.ts';
import type { Db } from '../platform/db/index.ts';
import type { Logger } from '../platform/log.ts';

/**
 * Closes every open election whose scheduled close time has passed. The state change is guarded by
 * `state = 'open'` in the same UPDATE, so however many instances run this at once, and however
 * often after a restart, each election closes exactly once (with its scheduled time as closed_at).
 */
export async function closeDueElections(db: Db, clock: Clock): Promise<number[]> {
  return db.transaction().execute(async (trx) => {
    const now = clock.now();
    const closed = await trx.updateTable('elections')
      .set({ state: 'closed', closed_at: sql<Date>`close_scheduled_at` })
      .where('state', '=', 'open').where('close_scheduled_at', '<=', now)
      .returning(['id', 'close_scheduled_at']).execute();
    for (const e of closed) {
      await appendAudit(trx, clock, SYSTEM_ACTOR, {
        action: 'election.close', subject: `election:${e.id}`, details: { scheduled: e.close_scheduled_at?.toISOString() },
      });
    }
    return closed.map((e) => e.id);
  });
}

/** Runs closeDueElections every `everyMs` until stopped; errors are logged, never fatal. */
export function startScheduler(db: Db, clock: Clock, logger: Logger, everyMs = 1000): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => closeDueElections(db, clock))
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
