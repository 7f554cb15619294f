import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { dictionary } from '../../src/platform/i18n/index.ts';
import { createPostgresDb } from '../../src/platform/db/index.ts';
import { adminUrl, withDatabase } from '../support/postgres.ts';
import { startServer } from '../support/server-process.ts';

interface Traffic { ok: number; unavailable: number; others: string[]; messages: Set<string> }

/** Request loops against public pages until `until`; every answer is sorted by status. */
async function traffic(url: string, concurrency: number, until: () => boolean): Promise<Traffic> {
  const seen: Traffic = { ok: 0, unavailable: 0, others: [], messages: new Set() };
  await Promise.all(Array.from({ length: concurrency }, async (_, i) => {
    while (!until()) {
      const res = await fetch(`${url}${i % 2 ? '/meetings/2' : '/api/meetings'}`).catch((e: Error) => e);
      if (res instanceof Error) { seen.others.push(`no answer: ${res.message}`); continue; }
      const body = await res.text().catch((e: Error) => `\u0000${e.message}`);
      if (body.startsWith('\u0000')) { seen.others.push(`broken body: ${body.slice(1)}`); continue; }
      if (res.status === 200) seen.ok++;
      else if (res.status === 503) { seen.unavailable++; seen.messages.add(i % 2 ? 'page' : 'json'); if (!body.includes(dictionary('zh-CN')['error.503'])) seen.others.push(`503 without the message: ${body.slice(0, 200)}`); }
      else seen.others.push(`status ${res.status}`);
    }
  }));
  return seen;
}

describe.runIf(process.env.TEST_DATABASE_URL)('losing database connections mid-query (PostgreSQL)', () => {
  it('answers 503 with the translated retry message for the requests in flight, stays up and recovers by itself', { timeout: 120_000 }, async () => {
    const url = process.env.TEST_DATABASE_URL!;
    const name = `minsheng_tf_${process.pid}_connloss`;
    const admin = createPostgresDb(adminUrl(url));
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
    await sql`create database ${sql.id(name)}`.execute(admin.db);
    const server = await startServer({ DATABASE_URL: withDatabase(url, name), DEMO: '1' });
    try {
      let stop = false;
      const running = traffic(server.url, 16, () => stop);
      // As the outside probe did: end the server's backends that are in the middle of something.
      // Queries take about a millisecond, so a backend is caught mid-query only by polling often:
      // poll until ten have been ended (or a minute has passed, which the assertion below reports).
      let terminated = 0;
      const deadline = Date.now() + 60_000;
      while (terminated < 10 && Date.now() < deadline) {
        const { rows } = await sql<{ n: number }>`
          select count(*) filter (where pg_terminate_backend(pid)) as n from pg_stat_activity
          where datname = ${name} and state <> 'idle' and pid <> pg_backend_pid()`.execute(admin.db);
        terminated += Number(rows[0]!.n);
        await new Promise((r) => setTimeout(r, 2));
      }
      await new Promise((r) => setTimeout(r, 500));
      stop = true;
      const seen = await running;
      console.log(`connection loss: ${terminated} backends terminated mid-query; ${seen.ok} pages served, ${seen.unavailable} answered 503`);
      expect(server.child.exitCode, server.output()).toBeNull();
      expect(terminated).toBeGreaterThan(0);
      expect(seen.unavailable).toBeGreaterThan(0);
      expect(seen.others).toEqual([]);
      expect(seen.ok).toBeGreaterThan(0);
      // Recovered without a restart: fresh connections serve pages again.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}/meetings/2`)).status).toBe(200);
      expect((await server.stop('SIGTERM')).code, server.output()).toBe(0);
    } finally {
      await server.stop();
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
      await admin.close();
    }
  });
});
