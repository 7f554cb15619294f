import { ConfigError, loadConfig, type Config } from '../src/config.ts';
import { createDb, type DbHandle } from '../src/platform/db/index.ts';
import { DataDirLockedError } from '../src/platform/db/lock.ts';
import { createLogger } from '../src/platform/log.ts';

/**
 * Shared start of every CLI: validated configuration and the database. On the embedded engine the
 * data directory lock makes a CLI refuse while a server (or another CLI) holds it.
 */
export async function openForCli(holder: string): Promise<{ config: Config; database: DbHandle }> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) exitWith(`configuration error: ${e.message}`);
    throw e;
  }
  try {
    const database = await createDb(config, { holder, logger: createLogger('warn', (l) => process.stderr.write(l + '\n')) });
    return { config, database };
  } catch (e) {
    if (e instanceof DataDirLockedError) exitWith(e.message);
    throw e;
  }
}

export function exitWith(message: string, code = 1): never {
  process.stderr.write(`minsheng: ${message}\n`);
  process.exit(code);
}

/** Runs a CLI body, turning any failure into one line on stderr and exit code 1. */
export function runCli(body: () => Promise<void>): void {
  body().then(() => process.exit(0), (e: unknown) => exitWith(e instanceof Error ? e.message : String(e)));
}
