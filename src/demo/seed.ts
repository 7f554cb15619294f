import { sql } from 'kysely';
import { SYSTEM_ACTOR, type Acting } from '../audit/store.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/index.ts';
import { optionKey } from '../elections/rules.ts';
import { createElection, recordAttendance } from '../elections/store.ts';
import { addCandidate, createMeeting, createTerm, upsertDeputies } from '../meetings/store.ts';
import type { Role } from '../users/roles.ts';
import { createUser } from '../users/store.ts';
import { ValidationError } from '../validation.ts';
import { CANDIDATES_2023, CANDIDATES_2024 } from './candidates.ts';
import { demoRoster } from './deputies.ts';

/** The password of every demo account; printed at start-up, never used outside demo mode. */
export const DEMO_PASSWORD = 'minsheng-demo';

export interface DemoAccount {
  username: string;
  displayName: string;
  roles: Role[];
  /** The deputy code this account belongs to, for deputies and scrutineers. */
  deputyCode?: string;
  department?: string;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'mishu', displayName: '大会秘书处(演示)', roles: ['secretariat'] },
  { username: 'jianpiao1', displayName: '监票人甲(演示)', roles: ['scrutineer', 'deputy'], deputyCode: 'D011' },
  { username: 'jianpiao2', displayName: '监票人乙(演示)', roles: ['scrutineer', 'deputy'], deputyCode: 'D012' },
  { username: 'jiaoyu', displayName: '教育局(演示)', roles: ['department'], department: '教育局' },
  { username: 'd001', displayName: '代表 D001(演示)', roles: ['deputy'], deputyCode: 'D001' },
  { username: 'd002', displayName: '代表 D002(演示)', roles: ['deputy'], deputyCode: 'D002' },
];

export const DEMO_TERM_NAME = '龙游县第十四届人民代表大会';

/** True once demo (or any) data exists: start-up seeds only an empty database. */
export async function hasData(db: Db): Promise<boolean> {
  return (await db.selectFrom('terms').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/**
 * Builds the demo through the same service functions the app uses (every step audited): the term
 * and its 240 deputies, the 2023 and 2024 meetings with their candidates, and staff accounts.
 * Returns false when another process got there first.
 */
export async function seedDemo(db: Db, clock: Clock): Promise<boolean> {
  const acting: Acting = { clock, actor: SYSTEM_ACTOR };
  let termId: number;
  try {
    termId = (await createTerm(db, acting, { name: DEMO_TERM_NAME, ordinal: 14, startsOn: '2022-01-01', endsOn: '2026-12-31' })).id;
  } catch (e) {
    // Two instances starting at once against one PostgreSQL: the other one is seeding.
    if (e instanceof ValidationError) return false;
    throw e;
  }
  await upsertDeputies(db, acting, termId, demoRoster());

  const m2023 = await createMeeting(db, acting, {
    termId, title: '龙游县第十四届人民代表大会第二次会议', sessionOrdinal: 2, year: 2023,
    startsOn: '2023-01-09', endsOn: '2023-01-12',
  });
  for (const c of CANDIDATES_2023) await addCandidate(db, acting, m2023.id, c);

  const m2024 = await createMeeting(db, acting, {
    termId, title: '龙游县第十四届人民代表大会第三次会议', sessionOrdinal: 3, year: 2024,
    startsOn: '2024-01-15', endsOn: '2024-01-18',
  });
  for (const c of CANDIDATES_2024) await addCandidate(db, acting, m2024.id, c);

  // The current meeting's vote, ready to open: 12 candidates for 10 seats, attendance recorded.
  const candidates2024 = await db.selectFrom('candidates').select(['id', 'name', 'ballot_order']).where('meeting_id', '=', m2024.id).orderBy('ballot_order').execute();
  await createElection(db, acting, {
    meetingId: m2024.id, kind: 'selection', title: '2024年民生实事项目票决', marking: 'for-against-abstain', seats: 10, passBase: 'all-deputies',
    options: candidates2024.map((c) => ({ key: optionKey(c.ballot_order), title: c.name, candidateId: c.id })),
  });
  const roster = await db.selectFrom('deputies').select(['id', 'code']).where('term_id', '=', termId).orderBy('code').execute();
  // 228 of 240 present (every 20th absent): quorum met, and the demo deputies are all present.
  await recordAttendance(db, acting, m2024.id, roster.filter((_, i) => i % 20 !== 19).map((d) => d.id), true);

  const deputies = new Map((await db.selectFrom('deputies').select(['id', 'code']).where('term_id', '=', termId).execute())
    .map((d) => [d.code, d.id]));
  const departments = new Map((await db.selectFrom('departments').select(['id', 'name']).execute()).map((d) => [d.name, d.id]));
  for (const a of DEMO_ACCOUNTS) {
    await createUser(db, acting, {
      username: a.username, displayName: a.displayName, password: DEMO_PASSWORD, roles: a.roles,
      deputyId: a.deputyCode ? deputies.get(a.deputyCode)! : null,
      departmentId: a.department ? departments.get(a.department)! : null,
    });
  }
  return true;
}

/** Every table the app owns, for demo:reset and tests; TRUNCATE bypasses the append-only triggers. */
export async function truncateAll(db: Db): Promise<void> {
  const tables = await sql<{ tablename: string }>`
    select tablename from pg_tables where schemaname = current_schema() and tablename not like 'kysely_%'`.execute(db);
  if (tables.rows.length === 0) return;
  await sql`truncate table ${sql.join(tables.rows.map((t) => sql.table(t.tablename)))} restart identity cascade`.execute(db);
}
