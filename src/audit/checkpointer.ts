import type { AuditAnchor } from '../platform/acting.ts';
import type { Db } from '../platform/db/index.ts';
import type { Logger } from '../platform/log.ts';
import type { Clock } from '../platform/time.ts';
import { checkpointIfGrown } from './checkpoint-store.ts';

export const HOURLY_MS = 60 * 60 * 1000;

/**
 * Signs an audit checkpoint at start and then every `everyMs` (hourly) while the chain grows: a
 * tick that finds nothing appended since the last checkpoint makes none. Entries outside election
 * transitions (sign-ins, set-up, paper entries) are so anchored within the hour. Several instances
 * may run it at once: the chain's lock serialises them and only the first finds the chain grown.
 * Errors are logged, never fatal.
 */
export function startCheckpointer(db: Db, clock: Clock, anchor: AuditAnchor, logger: Logger, everyMs = HOURLY_MS): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = running.then(() => checkpointIfGrown(db, clock, anchor))
      .then((made) => { if (made) logger.info('audit checkpoint', { seq: (made as { seq: number }).seq }); })
      .catch((err: unknown) => logger.warn('audit checkpoint failed', { err: err as Error }));
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
