import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Thrown when another live process holds the embedded database. */
export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

interface LockInfo { pid: number; host: string; holder: string; since: string }

export function lockPath(dataDir: string): string {
  return join(dataDir, 'minsheng.lock');
}

/** Whether a process with this pid exists on this host (EPERM: it exists, but is not ours). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

/**
 * Takes DATA_DIR/minsheng.lock with an exclusive create. Two processes on one PGlite directory
 * corrupt it beyond repair, so a lock held by a live process on this host is final; a lock left by a
 * process that died (same host, pid gone) is taken over.
 */
export function acquireDataDirLock(dataDir: string, holder: string): DataDirLock {
  const path = lockPath(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      const info: LockInfo = { pid: process.pid, host: hostname(), holder, since: new Date().toISOString() };
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          const current = readLock(path);
          if (current?.pid === process.pid) unlinkSync(path);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const other = readLock(path);
      const stale = other !== undefined && other.host === hostname() && (other.pid === process.pid || !isProcessAlive(other.pid));
      if (!stale) {
        const who = other ? `${other.holder} (pid ${other.pid} on ${other.host}, since ${other.since})` : 'another process';
        throw new DataDirLockedError(
          `The embedded database in ${dataDir} is in use by ${who}. Stop it first (or, if nothing is running, delete ${path}), or use DATABASE_URL=postgres://… to run alongside.`,
        );
      }
      unlinkSync(path);
    }
  }
  throw new DataDirLockedError(`Could not take the lock ${path}`);
}
