import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkChain } from '../src/audit/chain.ts';
import { readAuditChain } from '../src/audit/store.ts';
import { fixedClock } from '../src/clock.ts';
import type { DbHandle } from '../src/db/index.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, hasData, seedDemo, truncateAll } from '../src/demo/seed.ts';
import { verifyPassword } from '../src/users/password.ts';
import { testEngines } from './support/databases.ts';

describe.each(testEngines())('demo data on $name', (engine) => {
  let database: DbHandle;
  const clock = fixedClock('2024-01-10T00:00:00Z');
  beforeAll(async () => {
    database = await engine.open();
    expect(await hasData(database.db)).toBe(false);
    expect(await seedDemo(database.db, clock)).toBe(true);
  });
  afterAll(async () => { await database.close(); });

  const count = async (table: string) =>
    (await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(database.db)).rows[0]!.n;

  it('holds the term, its 240 deputies (29 on the standing committee) and two meetings of 12 candidates', async () => {
    expect(await count('terms')).toBe(1);
    expect(await count('deputies')).toBe(240);
    const sc = await database.db.selectFrom('deputies').select((eb) => eb.fn.countAll<number>().as('n')).where('standing_committee', '=', true).executeTakeFirstOrThrow();
    expect(sc.n).toBe(29);
    const meetings = await database.db.selectFrom('meetings').select(['year', 'title']).orderBy('year').execute();
    expect(meetings.map((m) => m.year)).toEqual([2023, 2024]);
    const perMeeting = await database.db.selectFrom('candidates').select(['meeting_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('meeting_id').execute();
    expect(perMeeting.map((r) => r.n)).toEqual([12, 12]);
    const names = await database.db.selectFrom('deputies').select('name').execute();
    expect(new Set(names.map((n) => n.name)).size).toBe(240);
  });

  it('has a staff account for every role, with hashed passwords', async () => {
    const roles = await database.db.selectFrom('user_roles').select('role').distinct().execute();
    expect(roles.map((r) => r.role).sort()).toEqual(['department', 'deputy', 'scrutineer', 'secretariat']);
    const users = await database.db.selectFrom('users').selectAll().execute();
    expect(users.map((u) => u.username).sort()).toEqual(DEMO_ACCOUNTS.map((a) => a.username).sort());
    for (const u of users) {
      expect(u.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(u.password_hash).not.toContain(DEMO_PASSWORD);
    }
    expect(await verifyPassword(users[0]!.password_hash, DEMO_PASSWORD)).toBe(true);
    const scrutineer = users.find((u) => u.username === 'jianpiao1')!;
    expect(scrutineer.deputy_id).not.toBeNull();
    expect(users.find((u) => u.username === 'jiaoyu')!.department_id).not.toBeNull();
  });

  it('was created through the audited service functions', async () => {
    const entries = [];
    for await (const e of readAuditChain(database.db)) entries.push(e);
    expect(checkChain(entries)).toBeUndefined();
    const actions = entries.map((e) => e.action);
    expect(actions.filter((a) => a === 'candidate.create')).toHaveLength(24);
    expect(actions).toContain('roster.import');
    expect(actions.filter((a) => a === 'meeting.create')).toHaveLength(2);
    expect(actions.filter((a) => a === 'user.create')).toHaveLength(DEMO_ACCOUNTS.length);
    expect(JSON.stringify(entries)).not.toContain(DEMO_PASSWORD);
  });

  it('does not seed twice, and rebuilds from scratch after a reset', async () => {
    expect(await seedDemo(database.db, clock)).toBe(false);
    expect(await count('meetings')).toBe(2);
    await truncateAll(database.db);
    expect(await hasData(database.db)).toBe(false);
    expect(await count('audit_log')).toBe(0);
    expect(await seedDemo(database.db, clock)).toBe(true);
    expect(await count('candidates')).toBe(24);
  });
});

describe.each(testEngines())('the audit log page on $name', (engine) => {
  it('shows entries newest first with the chain intact, filters by action, and reports a forged entry', async () => {
    const { testApp } = await import('./support/app.ts');
    const { sessionCookieFrom, signIn } = await import('./support/auth.ts');
    const database = await engine.open();
    try {
      await seedDemo(database.db, fixedClock('2024-01-10T00:00:00Z'));
      const t = testApp(database);
      const cookie = sessionCookieFrom(await signIn(t.app, 'jianpiao1', DEMO_PASSWORD))!;
      const page = await (await t.app.request('/admin/audit?action=candidate.', { headers: { Cookie: cookie } })).text();
      expect(page).toContain('哈希链完整');
      expect(page.match(/<code>candidate\.create<\/code>/g)).toHaveLength(24);
      expect(page).not.toContain('<code>roster.import</code>');
      // Forge an entry (UPDATE and DELETE are refused by the trigger, so append a false one).
      await sql`insert into audit_log (at, actor_user_id, actor_name, action, subject, details, prev_hash, hash)
        values (now(), null, 'intruder', 'election.publish', 'election:1', '{}', 'sha256:bogus', 'sha256:forged')`.execute(database.db);
      const broken = await (await t.app.request('/admin/audit', { headers: { Cookie: cookie } })).text();
      expect(broken).toContain('哈希链在第');
      expect(broken).toContain('prev-mismatch');
    } finally {
      await database.close();
    }
  });
});
