import { sql } from 'kysely';
import { SYSTEM_ACTOR, type Acting } from '../platform/acting.ts';
import { fixedClock, type Clock } from '../platform/time.ts';
import { loadSigningKey, type SigningConfig } from '../keys/signing.ts';
import { forgetPublishedSummaries } from '../counting/store.ts';
import type { Db } from '../platform/db/index.ts';
import { optionKey } from '../elections/rules.ts';
import { createElection } from '../elections/store.ts';
import { recordAttendance } from '../meetings/store.ts';
import { addCandidate, createMeeting } from '../meetings/store.ts';
import { createTerm, upsertDeputies } from '../terms/store.ts';
import type { Role } from '../domain/vocabulary.ts';
import { createUser } from '../users/store.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { ValidationError } from '../platform/validation.ts';
import { CANDIDATES_2023, CANDIDATES_2024 } from './candidates.ts';
import { demoRoster } from './deputies.ts';
import { DEMO_SETUP_AT, seedVote2023 } from './history.ts';
import { DEMO_2024_AT, seedRating2024, seedTracking2023 } from './tracking.ts';
import { DEPARTMENT_ACCOUNTS } from './tracking-script.ts';
import { runDemoCeremony } from './ceremony.ts';

/** The password of every demo account; printed at start-up, never used outside demo mode. */
export const DEMO_PASSWORD = 'minsheng-demo';

export interface DemoAccount {
  username: string;
  displayName: string;
  roles: Role[];
  /** The deputy code this account belongs to, for deputies and scrutineers. */
  deputyCode?: string;
  department?: string;
  /** Made only with the history (the lead departments of the year of tracking), not in `{ history: false }`. */
  withHistory?: true;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'mishu', displayName: '大会秘书处（演示）', roles: ['secretariat'] },
  { username: 'jianpiao1', displayName: '监票人甲（演示）', roles: ['scrutineer', 'deputy'], deputyCode: 'D011' },
  { username: 'jianpiao2', displayName: '监票人乙（演示）', roles: ['scrutineer', 'deputy'], deputyCode: 'D012' },
  // The third trustee of the 2024 selection's key ceremony (k = 2 of 3: one may be absent at decryption).
  { username: 'jianpiao3', displayName: '监票人丙（演示）', roles: ['scrutineer', 'deputy'], deputyCode: 'D013' },
  { username: 'jipiao1', displayName: '计票人甲（演示）', roles: ['clerk'] },
  { username: 'jipiao2', displayName: '计票人乙（演示）', roles: ['clerk'] },
  { username: 'jiaoyu', displayName: '教育局（演示）', roles: ['department'], department: '教育局' },
  { username: 'd001', displayName: '代表 D001（演示）', roles: ['deputy'], deputyCode: 'D001' },
  { username: 'd002', displayName: '代表 D002（演示）', roles: ['deputy'], deputyCode: 'D002' },
  // The lead departments of the 2023 projects besides 教育局: they plan and report in the demo's year of tracking.
  ...DEPARTMENT_ACCOUNTS.map((a): DemoAccount => ({ username: a.username, displayName: `${a.department}（演示）`, roles: ['department'], department: a.department, withHistory: true })),
];

/** The deputies named as scrutineers of the demo's votes: those of the two scrutineer accounts. */
export const DEMO_SCRUTINEERS = DEMO_ACCOUNTS.filter((a) => a.roles.includes('scrutineer')).map((a) => a.deputyCode!);

export const DEMO_TERM_NAME = '龙游县第十四届人民代表大会';

/** When the 2024 selection's key ceremony is held, with the history (after the vote is set up, before attendance). */
const CEREMONY_2024_AT = { mode: '2024-01-14T16:05:00+08:00', started: '2024-01-14T16:10:00+08:00', possession: '2024-01-14T16:40:00+08:00' } as const;

/** The 2024 meeting's selection: a draft in encrypted mode, its key ceremony held (src/demo/ceremony.ts). */
export const DEMO_2024_TITLE = '2024年民生实事项目票决';

/** True once demo (or any) data exists: start-up seeds only an empty database. */
export async function hasData(db: Db): Promise<boolean> {
  return (await db.selectFrom('terms').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/**
 * What the demo holds besides the 2024 meeting's draft vote:
 * - `{ signing }` (the default, what the server and demo:reset do): also the 2023 vote, cast, sealed,
 *   certified and published with the installation's signing key, so `signing` must be the
 *   configuration the app will run with (the key is made in the database or under DATA_DIR).
 * - `{ history: false }`: without the 2023 vote, for tests that need only the 2024 draft and the
 *   accounts (it saves the ~230 casts and the key derivation).
 * - `selection2024`: the 2024 selection's ballot mode, `encrypted` (the default: its key ceremony is
 *   held and the trustee files published) or `plaintext` (no ceremony; for the tests of the
 *   plaintext mode's pages, which use the 2024 draft as their vote).
 */
export type DemoOptions = ({ signing: SigningConfig; history?: true } | { history: false; signing?: SigningConfig }) & {
  selection2024?: 'encrypted' | 'plaintext';
};

/**
 * Builds the demo through the same service functions the app uses (every step audited): the term
 * and its 240 deputies, the 2023 meeting with its candidates, staff accounts, the 2023 vote (unless
 * left out), and the 2024 meeting with its candidates and a vote ready to open. With the 2023 vote,
 * everything up to its publication carries 2023 times and the 2024 meeting `clock`'s, so that the
 * audit log reads in time order. Returns false when another process got there first.
 */
export async function seedDemo(db: Db, clock: Clock, options: DemoOptions): Promise<boolean> {
  // The 2023 vote is signed with this; undefined when it is left out.
  const signing = options.history === false ? undefined : options.signing;
  // Before anything is written: a key that cannot be made or opened would leave a half-built demo.
  if (signing) await loadSigningKey(db, signing);
  const past: Acting = { clock: signing ? fixedClock(DEMO_SETUP_AT) : clock, actor: SYSTEM_ACTOR };
  let termId: number;
  try {
    termId = (await createTerm(db, past, { name: DEMO_TERM_NAME, ordinal: 14, startsOn: '2022-01-01', endsOn: '2026-12-31' })).id;
  } catch (e) {
    // Two instances starting at once against one PostgreSQL: the other one is seeding.
    if (e instanceof ValidationError) return false;
    throw e;
  }
  await upsertDeputies(db, past, termId, demoRoster());

  const m2023 = await createMeeting(db, past, {
    termId, title: '龙游县第十四届人民代表大会第二次会议', sessionOrdinal: 2, year: 2023,
    startsOn: '2023-01-09', endsOn: '2023-01-12',
  }, { published: true });
  for (const c of CANDIDATES_2023) await addCandidate(db, past, m2023.id, c);

  const deputies = new Map((await db.selectFrom('deputies').select(['id', 'code']).where('term_id', '=', termId).execute())
    .map((d) => [d.code, d.id]));
  // Departments come from the candidates' lead departments.
  const departments = new Map((await db.selectFrom('departments').select(['id', 'name']).execute()).map((d) => [d.name, d.id]));
  for (const a of DEMO_ACCOUNTS) {
    if (a.withHistory && !signing) continue;
    await createUser(db, past, {
      username: a.username, displayName: a.displayName, password: DEMO_PASSWORD, roles: a.roles,
      deputyId: a.deputyCode ? deputies.get(a.deputyCode)! : null,
      departmentId: a.department ? departments.get(a.department)! : null,
    });
  }

  if (signing) {
    await seedVote2023(db, { termId, meetingId: m2023.id, signing });
    // The year of tracking of the ten projects it chose, through 2023.
    await seedTracking2023(db, { meetingId: m2023.id });
  }

  // With the history, the 2024 meeting is set up at its own fixed times in January 2024 (after the
  // 2023 year, before the 测评), so that the audit log reads in time order.
  const fixed = signing ? fixedClock(DEMO_2024_AT.setup) : undefined;
  const acting: Acting = { clock: fixed ?? clock, actor: SYSTEM_ACTOR };
  const m2024 = await createMeeting(db, acting, {
    termId, title: '龙游县第十四届人民代表大会第三次会议', sessionOrdinal: 3, year: 2024,
    startsOn: '2024-01-15', endsOn: '2024-01-18',
  }, { published: true });
  for (const c of CANDIDATES_2024) await addCandidate(db, acting, m2024.id, c);

  // The current meeting's vote, ready to open: 12 candidates for 10 seats, its three scrutineers named,
  // in encrypted mode with its key ceremony held (the trustees' files published: a demo), attendance recorded.
  fixed?.set(DEMO_2024_AT.selectionCreated);
  const candidates2024 = await db.selectFrom('candidates').select(['id', 'name', 'ballot_order']).where('meeting_id', '=', m2024.id).orderBy('ballot_order').execute();
  const selection2024 = await createElection(db, acting, {
    meetingId: m2024.id, kind: 'selection', title: DEMO_2024_TITLE, marking: 'for-against-abstain', seats: 10, passBase: 'all-deputies',
    options: candidates2024.map((c) => ({ key: optionKey(c.ballot_order), title: c.name, candidateId: c.id })),
    scrutineers: DEMO_SCRUTINEERS.map((code) => deputies.get(code)!),
  });
  if (options.selection2024 !== 'plaintext') await runDemoCeremony(db, acting.clock, selection2024.id, { secretariat: 'mishu', ...(fixed ? { fixed: { clock: fixed, times: CEREMONY_2024_AT } } : {}) });
  const roster = await db.selectFrom('deputies').select(['id', 'code']).where('term_id', '=', termId).orderBy('code').execute();
  // 228 of 240 present (every 20th absent): quorum met, and the demo deputies are all present.
  fixed?.set(DEMO_2024_AT.attendance);
  await recordAttendance(db, acting, m2024.id, roster.filter((_, i) => i % 20 !== 19).map((d) => d.id), true);
  // The 测评 of the 2023 projects at the 2024 meeting, then the rectification it asks for.
  if (signing) await seedRating2024(db, { meetingId: m2024.id, signing });
  return true;
}

/**
 * Empties the database for demo:reset and tests: drops and re-creates its schema, then migrates.
 * (The box, the sealed ballots, the records and the audit log refuse TRUNCATE, and their triggers
 * refuse deletes: only the schema's owner can start again from nothing.)
 */
export async function resetDatabase(db: Db): Promise<void> {
  await sql`drop schema public cascade`.execute(db);
  await sql`create schema public`.execute(db);
  await migrateToLatest(db);
  forgetPublishedSummaries(db);
}
