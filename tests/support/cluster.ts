import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './server-process.ts';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/**
 * A throwaway PostgreSQL 15 cluster of a test's own (initdb in a temp directory, trust auth, on a
 * free loopback port), run as the `postgres` user, so that a test may stop it hard and start it
 * again without touching anyone else's server. Needs root (for runuser) and the server binaries.
 */
export interface Cluster {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** Starts the server and waits until it accepts connections (crash recovery included). */
  start(): Promise<void>;
  /** `pg_ctl stop -m immediate`: every backend ends at once, nothing is shut down cleanly. */
  stopImmediately(): Promise<void>;
  /** Stops it if it runs and removes the directory; safe to call twice. */
  destroy(): Promise<void>;
  log(): string;
}

function postgresIds(): { uid: number; gid: number } | undefined {
  try {
    return { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) };
  } catch {
    return undefined;
  }
}

/** Whether this machine lets a test make a cluster: root, a `postgres` user, the PostgreSQL 15 binaries. */
export function canMakeCluster(): boolean {
  return process.getuid?.() === 0 && existsSync(join(BIN, 'initdb')) && existsSync(join(BIN, 'pg_ctl')) && postgresIds() !== undefined;
}

export async function makeCluster(): Promise<Cluster> {
  const ids = postgresIds()!;
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-cluster-'));
  chownSync(dir, ids.uid, ids.gid);
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const asPostgres = (tool: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', join(BIN, tool), ...args], { timeout: 60_000 });
  let running = false;
  let destroyed = false;
  const port = await freePort();
  const cluster: Cluster = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      await asPostgres('pg_ctl', ['-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-l', logFile, '-w', '-t', '60', 'start']);
      running = true;
    },
    async stopImmediately() {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      running = false;
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      if (running || existsSync(join(data, 'postmaster.pid'))) {
        await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      }
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => {
      try {
        return readFileSync(logFile, 'utf8').slice(-8000);
      } catch {
        return '';
      }
    },
  };
  try {
    await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await cluster.start();
  } catch (e) {
    await cluster.destroy();
    throw e;
  }
  return cluster;
}
