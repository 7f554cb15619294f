import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, readAuditChain } from '../src/audit/store.ts';
import { SYSTEM_ACTOR } from '../src/platform/acting.ts';
import { checkChain } from '../src/audit/chain.ts';
import { fixedClock } from '../src/platform/time.ts';
import { createPostgresDb, type DbHandle } from '../src/platform/db/index.ts';
import { createMigrator, migrateToLatest } from '../src/platform/db/migrate.ts';
import { emptyPostgres, testEngines } from './support/databases.ts';

describe.each(testEngines())('database on $name', (engine) => {
  let database: DbHandle;
  beforeAll(async () => { database = await engine.open(); });
  afterAll(async () => { await database.close(); });

  it('reports its engine and answers a ping', async () => {
    expect(database.engine).toBe(engine.name);
    await expect(database.ping()).resolves.toBeUndefined();
  });

  it('returns the same JavaScript types on both engines', async () => {
    const { rows } = await sql<Record<string, unknown>>`
      select count(*) as n, 9007199254740991::int8 as big, 2.50::numeric as amount, '2023-01-09'::date as day,
             '2024-01-15T09:00:00+08:00'::timestamptz as at, '["a"]'::jsonb as list, 7::int4 as small`.execute(database.db);
    expect(rows[0]).toEqual({
      n: 1, big: 9007199254740991, amount: '2.50', day: '2023-01-09',
      at: new Date('2024-01-15T01:00:00Z'), list: ['a'], small: 7,
    });
  });

  it('refuses an int8 beyond the safe integer range instead of rounding it', async () => {
    await expect(sql`select 9007199254740993::int8 as x`.execute(database.db)).rejects.toThrow(/safe integer/);
  });

  it('keeps the audit log append-only and its chain intact', async () => {
    const clock = fixedClock('2024-01-15T01:00:00Z');
    for (const action of ['test.one', 'test.two', 'test.three']) {
      await database.db.transaction().execute((trx) => appendAudit(trx, clock, SYSTEM_ACTOR, { action, subject: 'test:1', details: { action } }));
      clock.advance(1000);
    }
    const entries = [];
    for await (const e of readAuditChain(database.db)) entries.push(e);
    expect(entries.map((e) => e.action)).toEqual(['test.one', 'test.two', 'test.three']);
    expect(checkChain(entries)).toBeUndefined();
    await expect(sql`update audit_log set action = 'forged'`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(database.db)).rejects.toThrow(/append-only/);
  });

  it('serialises concurrent audit appends into one unbroken chain', async () => {
    const clock = fixedClock('2024-01-15T02:00:00Z');
    await Promise.all(Array.from({ length: 8 }, (_, i) =>
      database.db.transaction().execute((trx) => appendAudit(trx, clock, SYSTEM_ACTOR, { action: 'test.concurrent', subject: `n:${i}` }))));
    const entries = [];
    for await (const e of readAuditChain(database.db)) entries.push(e);
    expect(entries.filter((e) => e.action === 'test.concurrent')).toHaveLength(8);
    expect(checkChain(entries)).toBeUndefined();
  });

  it('reverts every migration with down and applies them again', async () => {
    const migrator = createMigrator(database.db);
    const before = (await migrator.getMigrations()).filter((m) => m.executedAt).length;
    expect(before).toBeGreaterThan(0);
    for (let i = 0; i < before; i++) {
      const { error } = await migrator.migrateDown();
      expect(error).toBeUndefined();
    }
    const { rows } = await sql<{ n: number }>`select count(*) as n from pg_tables where schemaname = current_schema() and tablename not like 'kysely%'`.execute(database.db);
    expect(rows[0]!.n).toBe(0);
    expect(await migrateToLatest(database.db)).toHaveLength(before);
    expect(await migrateToLatest(database.db)).toEqual([]);
  });
});

describe.runIf(emptyPostgres())('migrations on one PostgreSQL from two instances at once', () => {
  it('applies each migration exactly once', async () => {
    const empty = await emptyPostgres()!();
    const second = createPostgresDb(empty.url);
    try {
      const [a, b] = await Promise.all([migrateToLatest(empty.db), migrateToLatest(second.db)]);
      const all = (await createMigrator(empty.db).getMigrations()).map((m) => m.name);
      expect([...a, ...b].sort()).toEqual(all.sort());
      const { rows } = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(empty.db);
      expect(rows[0]!.n).toBe(all.length);
    } finally {
      await second.close();
      await empty.close();
    }
  });
});
