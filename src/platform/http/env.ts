import type { AuditAnchor } from '../acting.ts';
import type { Clock } from '../time.ts';
import type { Config } from '../../config.ts';
import type { DbHandle } from '../db/index.ts';
import type { Lang, Translate } from '../i18n/index.ts';
import type { Logger } from '../log.ts';
import type { RegisteredUser } from '../registry.ts';
import type { Shutdown } from './shutdown.ts';

/** Everything the app needs from outside; createApp starts nothing by itself. */
export interface AppDeps {
  database: DbHandle;
  config: Config;
  clock: Clock;
  logger: Logger;
  /** Signals long-lived responses (SSE) to end when the server shuts down. */
  shutdown: Shutdown;
  /** Signs audit checkpoints at election transitions; createApp makes one from the configuration when not given. */
  auditAnchor?: AuditAnchor;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    lang: Lang;
    t: Translate;
    /** The signed-in user, or null for citizens and signed-out visitors. */
    user: RegisteredUser | null;
  };
}
