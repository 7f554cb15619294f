import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import { createApp } from './app.ts';
import { systemClock } from './platform/time.ts';
import { ConfigError, loadConfig } from './config.ts';
import { migrateDatabase } from './database-roles.ts';
import { catchUpTracking } from './projects/making.ts';
import { SigningKeyUnavailable } from './keys/signing.ts';
import { createDb } from './platform/db/index.ts';
import { DataDirLockedError } from './platform/db/lock.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, hasData, seedDemo } from './demo/seed.ts';
import { isDatabaseUnavailable } from './platform/http/errors.tsx';
import { createShutdown } from './platform/http/shutdown.ts';
import { startScheduler } from './elections/scheduler.ts';
import { auditAnchor } from './audit/checkpoint-store.ts';
import { startCheckpointer } from './audit/checkpointer.ts';
import { createLogger } from './platform/log.ts';
import { deputyCodeClashes } from './terms/store.ts';

const SHUTDOWN_DEADLINE_MS = 10_000;

/** Where the database is, without credentials, for messages. */
function describeDatabase(url: string | undefined): string {
  if (!url) return 'the embedded data directory';
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}

/** Prints one line and exits 1: configuration and lock problems are the operator's to fix. */
function fail(message: string): never {
  process.stderr.write(`minsheng: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) fail(`configuration error: ${e.message}`);
    throw e;
  }
  const logger = createLogger(config.logLevel);

  let database;
  try {
    database = await createDb(config, { logger, holder: 'server' });
  } catch (e) {
    if (e instanceof DataDirLockedError) fail(e.message);
    throw e;
  }
  let applied: string[];
  try {
    applied = await migrateDatabase(config, database, logger);
  } catch (e) {
    await database.close();
    if (isDatabaseUnavailable(e) || isDatabaseUnavailable((e as Error).cause)) {
      fail(`cannot reach the database at ${describeDatabase(config.migrationDatabaseUrl ?? config.databaseUrl)}: ${((e as Error).cause as Error | undefined)?.message ?? (e as Error).message}`);
    }
    throw e;
  }
  if (applied.length) logger.info('migrations applied', { migrations: applied });
  // Codes that differ only in case make a typed code ambiguous; the roster is the secretariat's to correct.
  const clashes = await deputyCodeClashes(database.db);
  if (clashes.length) logger.warn('deputy codes that differ only in case: correct the roster (docs/operations.md)', { clashes });

  // Votes published before tracking existed (or by an older version) get their projects and ratings.
  const caughtUp = await catchUpTracking(database.db);
  if (caughtUp.projects || caughtUp.ratings) logger.info('tracking caught up with published votes', caughtUp);

  let seeded = false;
  if (config.demo && !(await hasData(database.db))) {
    try {
      // The demo's 2023 result is published with this installation's signing key.
      seeded = await seedDemo(database.db, systemClock, { signing: config });
    } catch (e) {
      if (e instanceof SigningKeyUnavailable) {
        await database.close();
        fail(`cannot create the demo data, whose 2023 result is signed: ${e.message}`);
      }
      throw e;
    }
    if (seeded) logger.info('demo data created');
  }

  const shutdown = createShutdown();
  // Scheduled closes: every instance checks; the guarded UPDATE closes each election exactly once.
  // Audit checkpoints: signed at every election transition (the app's and the scheduler's), and
  // hourly (and now, at start) while the chain grows.
  const anchor = auditAnchor(config, logger);
  const scheduler = startScheduler(database.db, systemClock, logger, 1000, anchor);
  const checkpointer = startCheckpointer(database.db, systemClock, anchor, logger);
  const app = createApp({ database, config, clock: systemClock, logger, shutdown, auditAnchor: anchor });
  const server = serve({ fetch: app.fetch, port: config.port }, () => {
    const ms = Math.round(performance.now() - startedAt);
    logger.info('listening', { url: config.publicUrl.origin, port: config.port, db: database.engine, demo: config.demo, startupMs: ms });
    const lines = [``, `  民生实事项目票决 minsheng is running at ${config.publicUrl.origin}/  (${database.engine}${database.engine === 'pglite' ? `, ${config.dataDir}` : ''}, ready in ${ms} ms)`];
    if (config.demo) {
      lines.push(`  Demo data${seeded ? ' created' : ''}: sign in with password "${DEMO_PASSWORD}" as`);
      for (const a of DEMO_ACCOUNTS) lines.push(`    ${a.username.padEnd(10)} ${a.roles.join(', ')}  ${a.displayName}`);
    }
    if (database.engine === 'pglite') lines.push('  Embedded database: for trying out and small meetings. For a real vote use DATABASE_URL=postgres://…');
    process.stdout.write(lines.join('\n') + '\n\n');
  }) as Server;
  server.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE') {
      void database.close().finally(() => fail(`PORT ${config.port} is already in use; set PORT to a free port`));
    } else {
      logger.error('server error', { err: e });
    }
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const force = setTimeout(() => {
      logger.error('shutdown deadline passed; exiting with requests still open');
      server.closeAllConnections();
      void database.close().finally(() => process.exit(1));
    }, SHUTDOWN_DEADLINE_MS);
    force.unref();
    shutdown.begin();
    await scheduler.stop();
    await checkpointer.stop();
    // Stop accepting; in-flight requests finish; idle keep-alive sockets are closed as they free up.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    await closed;
    clearInterval(idle);
    await database.close();
    clearTimeout(force);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`minsheng: start-up failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
