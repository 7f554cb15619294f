import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { confirmationFields } from '../support/auth.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockPath } from '../../src/platform/db/lock.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';

interface LoadResult { ok: number; refused: number; broken: string[] }

/**
 * Keeps `concurrency` request loops busy against the server until it stops answering. A response
 * whose headers arrived but whose body broke off, or a status other than 200/503, counts as broken.
 */
async function load(url: string, concurrency: number, stopAfterMs: number): Promise<LoadResult> {
  const result: LoadResult = { ok: 0, refused: 0, broken: [] };
  const until = Date.now() + stopAfterMs;
  await Promise.all(Array.from({ length: concurrency }, async (_, i) => {
    while (Date.now() < until) {
      let res: Response;
      try {
        res = await fetch(`${url}${i % 2 ? '/' : '/api/meetings'}`);
      } catch {
        result.refused++;
        if (result.refused > concurrency * 3) return;
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      try {
        const body = await res.text();
        if (res.status === 200 && body.length > 0) result.ok++;
        else if (res.status !== 503) result.broken.push(`status ${res.status}`);
      } catch (e) {
        result.broken.push(`body: ${(e as Error).message}`);
      }
    }
  }));
  return result;
}

async function shutDownUnderLoad(server: RunningServer, signal: NodeJS.Signals) {
  const running = load(server.url, 8, 15_000);
  await new Promise((r) => setTimeout(r, 800));
  const stopped = await server.stop(signal);
  const traffic = await running;
  return { stopped, traffic };
}

describe('graceful shutdown on the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'minsheng-fault-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each(['SIGTERM', 'SIGINT'] as const)('%s during requests exits 0 within 10 s and leaves a database that reopens cleanly', async (signal) => {
    const server = await startServer({ DATA_DIR: dataDir, DEMO: '1', DATABASE_URL: undefined });
    const { stopped, traffic } = await shutDownUnderLoad(server, signal);
    expect(stopped.code, server.output()).toBe(0);
    expect(stopped.ms).toBeLessThan(10_000);
    expect(traffic.ok).toBeGreaterThan(0);
    expect(traffic.broken).toEqual([]);
    expect(existsSync(lockPath(dataDir))).toBe(false);

    const again = await startServer({ DATA_DIR: dataDir, DEMO: '1', DATABASE_URL: undefined });
    const meetings = await (await fetch(`${again.url}/api/meetings`)).json() as unknown[];
    expect(meetings).toHaveLength(2);
    expect((await again.stop()).code).toBe(0);
  });

  it('a second server on the same data directory refuses to start while the first runs', async () => {
    const first = await startServer({ DATA_DIR: dataDir, DEMO: '1', DATABASE_URL: undefined });
    await expect(startServer({ DATA_DIR: dataDir, DEMO: '1', DATABASE_URL: undefined })).rejects.toThrow(/is in use by server/);
    expect((await first.stop()).code).toBe(0);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('graceful shutdown on PostgreSQL', () => {
  it('SIGTERM during requests exits 0 within 10 s, and the next start finds the data', async () => {
    const { createPostgresDb } = await import('../../src/platform/db/index.ts');
    const { adminUrl, withDatabase } = await import('../support/postgres.ts');
    const { sql } = await import('kysely');
    const url = process.env.TEST_DATABASE_URL!;
    const name = `minsheng_tf_${process.pid}_shutdown`;
    const admin = createPostgresDb(adminUrl(url));
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
    await sql`create database ${sql.id(name)}`.execute(admin.db);
    try {
      const env = { DATABASE_URL: withDatabase(url, name), DEMO: '1' };
      const server = await startServer(env);
      const { stopped, traffic } = await shutDownUnderLoad(server, 'SIGTERM');
      expect(stopped.code, server.output()).toBe(0);
      expect(stopped.ms).toBeLessThan(10_000);
      expect(traffic.broken).toEqual([]);
      const again = await startServer(env);
      expect(await (await fetch(`${again.url}/api/meetings`)).json()).toHaveLength(2);
      expect((await again.stop()).code).toBe(0);
    } finally {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
      await admin.close();
    }
  });
});

describe('graceful shutdown with live streams open', () => {
  it('ends open SSE streams and exits 0 within 10 s', async () => {
    const server = await startServer({ DEMO: '1', DATABASE_URL: undefined });
    try {
      const form = (fields: Record<string, string>, cookie?: string) => ({
        method: 'POST', redirect: 'manual' as const, body: new URLSearchParams(fields),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url, ...(cookie ? { Cookie: cookie } : {}) },
      });
      const login = await fetch(`${server.url}/login`, form({ username: 'mishu', password: 'minsheng-demo' }));
      const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('minsheng_session='))!;
      const meetings = await (await fetch(`${server.url}/api/meetings`)).json() as { elections: { id: string }[] }[];
      const id = meetings[0]!.elections[0]!.id;
      const asked = await (await fetch(`${server.url}/admin/elections/${id}/open`, form({}, cookie))).text();
      expect((await fetch(`${server.url}/admin/elections/${id}/open`, form(Object.fromEntries(confirmationFields(asked)!), cookie))).status).toBe(303);
      const streams = await Promise.all([1, 2, 3].map(() => fetch(`${server.url}/admin/elections/${id}/turnout/stream`, { headers: { Cookie: cookie } })));
      for (const s of streams) expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const readers = streams.map((s) => s.body!.getReader());
      await Promise.all(readers.map((r) => r.read()));
      const stopped = await server.stop('SIGTERM');
      expect(stopped.code, server.output()).toBe(0);
      expect(stopped.ms).toBeLessThan(10_000);
      for (const r of readers) {
        for (;;) {
          const { done } = await r.read().catch(() => ({ done: true }));
          if (done) break;
        }
      }
    } finally {
      await server.stop();
    }
  });
});
