import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, createPostgresDb, type Db } from '../../src/platform/db/index.ts';
import {
  burst, checkBox, checkTrackersOnline, createSelection, type Entry, type Ledger, newLedger, openElection, pending, prepareDemo, receipts, type Target, unanswered,
} from '../support/casting.ts';
import { adminUrl, withDatabase } from '../support/postgres.ts';
import { type RunningServer, startServer } from '../support/server-process.ts';

/**
 * kill -9 of the app in the middle of a burst of casts, again and again: whatever a deputy got a
 * receipt for is in the ballot box after the restart, the box matches the roll, and a deputy whose
 * cast went unanswered either has that ballot recorded (casting it again returns the same receipt)
 * or can still vote.
 */

const CONCURRENCY = 12;
/** Deputies checked in at the demo's 2024 meeting: each election ends with this many receipts. */
const PRESENT = 228;

const totals = { acknowledged: 0, kills: 0, restarts: 0 };
afterAll(() => {
  console.log(`crash (kill -9) totals: ${totals.acknowledged} acknowledged casts, ${totals.kills} kills, ${totals.restarts} restarts`);
});

interface Engine {
  env: Record<string, string | undefined>;
  /** Reads the database directly; for PGlite only while no server holds it. */
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
}

interface RunStats { acknowledged: number; kills: number; restarts: number; seenWithoutReceipt: Set<string>; transient: number; ms: number }

/**
 * One data set: the demo with every deputy given an account, `elections` selections opened one
 * after the other, each cast by all 240 deputies in bursts that are cut by `killsPerElection`
 * SIGKILLs at random moments, each followed by a check of the database and a restart.
 */
async function killRun(name: string, engine: Engine, elections: number, killsPerElection: number): Promise<RunStats> {
  const started = Date.now();
  const stats: RunStats = { acknowledged: 0, kills: 0, restarts: 0, seenWithoutReceipt: new Set(), transient: 0, ms: 0 };
  let server: RunningServer = await startServer(engine.env);
  const t: Target = { url: server.url };
  const ledgers: Ledger[] = [];
  try {
    const demo = await prepareDemo(t);
    const ids = [demo.electionId];
    for (let i = 1; i < elections; i++) ids.push(await createSelection(t, demo, `崩溃测试票决 ${i}`));

    for (const id of ids) {
      await openElection(t, id);
      const l = newLedger(id, demo.voters);
      ledgers.push(l);
      for (let k = 0; k < killsPerElection; k++) {
        const left = pending(l).length;
        // Mid-burst: after a random number of receipts, then a random few milliseconds more.
        const threshold = randomInt(1, Math.max(2, Math.floor(left * 0.6)));
        const before = new Set(receipts(l));
        let killing = false;
        const kill = () => {
          if (killing) return;
          killing = true;
          server.child.kill('SIGKILL');
        };
        const cut = await burst(t, l, {
          concurrency: CONCURRENCY, stopped: () => killing,
          onReceipt: (n) => { if (n === threshold) setTimeout(kill, randomInt(0, 40)); },
        });
        kill();
        const exit = await server.stop('SIGKILL');
        expect(exit.signal, server.output()).toBe('SIGKILL');
        stats.kills++;
        stats.transient += cut.transient;

        // While the server is down: every receipt so far is in the box, the box matches the roll.
        const box = await engine.withDb((db) => checkBox(db, ledgers));
        for (const tracker of box.unacknowledged) stats.seenWithoutReceipt.add(tracker);
        expect(box.receipts).toBe(ledgers.reduce((n, x) => n + receipts(x).length, 0));

        // The same data: the next start succeeds (startServer waits for /healthz 200).
        server = await startServer(engine.env);
        t.url = server.url;
        stats.restarts++;
        const health = await fetch(`${t.url}/healthz`);
        expect(health.status).toBe(200);
        await health.body?.cancel();
        // The receipts of the cut burst, through the public tracker API of the restarted server.
        await checkTrackersOnline(t, receipts(l).filter((e: Entry) => !before.has(e)));
      }
      // The rest of the deputies vote without a kill; those whose cast went unanswered cast again.
      const rest = await burst(t, l, { concurrency: CONCURRENCY });
      stats.transient += rest.transient;
      expect(l.problems, l.problems.join('\n')).toEqual([]);
      expect(pending(l)).toEqual([]);
      expect(receipts(l)).toHaveLength(PRESENT);
      stats.acknowledged += receipts(l).length;
    }

    const stopped = await server.stop('SIGTERM');
    expect(stopped.code, server.output()).toBe(0);
    // At the end every ballot in every box has its receipt, and nothing else is there.
    const box = await engine.withDb((db) => checkBox(db, ledgers));
    expect(box).toEqual({ ballots: PRESENT * elections, electronicRoll: PRESENT * elections, receipts: PRESENT * elections, unacknowledged: [] });
  } finally {
    await server.stop('SIGKILL');
  }
  stats.ms = Date.now() - started;
  const lost = unanswered(ledgers);
  totals.acknowledged += stats.acknowledged;
  totals.kills += stats.kills;
  totals.restarts += stats.restarts;
  console.log(`crash on ${name}: ${stats.acknowledged} acknowledged casts in ${elections} elections, ${stats.kills} kills (SIGKILL) and ${stats.restarts} restarts; `
    + `${lost.recorded} casts whose answer was lost had been recorded (${stats.seenWithoutReceipt.size} of them seen in the box while the server was down; `
    + `cast again, each returned the same tracker) and ${lost.notRecorded} had not (the deputy then voted); ${stats.transient} attempts cut off; ${(stats.ms / 1000).toFixed(1)} s`);
  return stats;
}

describe('kill -9 of the app during casting, on the embedded database', () => {
  it('loses no acknowledged ballot across 10 kills; the data directory reopens each time', { timeout: 300_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'minsheng-crash-'));
    try {
      const stats = await killRun('PGlite', {
        env: { DATA_DIR: dataDir, DEMO: '1', DATABASE_URL: undefined },
        async withDb(fn) {
          // The killed server's lock is stale (its pid is gone) and is taken over.
          const handle = await createDb({ databaseUrl: undefined, dataDir }, { holder: 'crash-test' });
          try {
            return await fn(handle.db);
          } finally {
            await handle.close();
          }
        },
      }, 5, 2);
      expect(stats.kills).toBeGreaterThanOrEqual(5);
      expect(stats.acknowledged).toBeGreaterThanOrEqual(1000);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('kill -9 of the app during casting, on PostgreSQL', () => {
  it('loses no acknowledged ballot across 6 kills', { timeout: 240_000 }, async () => {
    const url = process.env.TEST_DATABASE_URL!;
    const name = `minsheng_tf_${process.pid}_crash`;
    const admin = createPostgresDb(adminUrl(url));
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
    await sql`create database ${sql.id(name)}`.execute(admin.db);
    const reader = createPostgresDb(withDatabase(url, name));
    try {
      const stats = await killRun('PostgreSQL', {
        // A real installation on PostgreSQL has its secret (it needs it to publish); the trackers'
        // MACs depend on it, so that a ballot reviewed before a crash can be cast after the restart.
        env: { DATABASE_URL: withDatabase(url, name), DEMO: '1', SIGNING_KEY_SECRET: 'crash-test-signing-key-secret-0123456789abcdef' },
        withDb: (fn) => fn(reader.db),
      }, 2, 3);
      expect(stats.kills).toBeGreaterThanOrEqual(5);
    } finally {
      await reader.close();
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
      await admin.close();
    }
  });
});
