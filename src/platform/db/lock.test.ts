import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, lockPath } from './lock.ts';

describe('acquireDataDirLock', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'minsheng-lock-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('records who holds the directory and releases it', () => {
    const lock = acquireDataDirLock(dir, 'server');
    expect(JSON.parse(readFileSync(lockPath(dir), 'utf8'))).toMatchObject({ pid: process.pid, holder: 'server' });
    lock.release();
    expect(existsSync(lockPath(dir))).toBe(false);
  });

  it('refuses a second holder while a live process holds it, naming that process', () => {
    writeFileSync(lockPath(dir), JSON.stringify({ pid: process.ppid, host: hostname(), holder: 'server', since: 'then' }));
    expect(() => acquireDataDirLock(dir, 'migrate')).toThrow(DataDirLockedError);
    expect(() => acquireDataDirLock(dir, 'migrate')).toThrow(new RegExp(`in use by server \\(pid ${process.ppid}`));
  });

  it('takes over a lock left by a process that died', () => {
    writeFileSync(lockPath(dir), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), holder: 'server', since: 'then' }));
    const lock = acquireDataDirLock(dir, 'server');
    expect(JSON.parse(readFileSync(lockPath(dir), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('refuses an unreadable lock file rather than guess', () => {
    writeFileSync(lockPath(dir), '');
    expect(() => acquireDataDirLock(dir, 'server')).toThrow(/delete .*minsheng\.lock/);
  });
});
