import { createSession, SESSION_COOKIE } from '../../src/auth/sessions.ts';
import { optionKey } from '../../src/elections/rules.ts';
import type { Role } from '../../src/domain/vocabulary.ts';
import { createElection, type NewElection, openElection } from '../../src/elections/store.ts';
import { addCandidate, createMeeting, recordAttendance } from '../../src/meetings/store.ts';
import { SYSTEM_ACTOR, type Acting } from '../../src/platform/acting.ts';
import type { DbHandle } from '../../src/platform/db/index.ts';
import type { Clock } from '../../src/platform/time.ts';
import { createTerm, upsertDeputies } from '../../src/terms/store.ts';
import { createUser } from '../../src/users/store.ts';

/**
 * Small, exact test data built through the app's own service functions (the same ones the demo
 * and the routes use, every step audited), for tests that need a term, a meeting, some deputies,
 * candidates, accounts and a vote, but nothing of the demo's particular data. Tests whose
 * assertions are about the demo itself use `TestEngine.openDemo()` instead.
 */

/** The password of every fixture account. */
export const FIXTURE_PASSWORD = 'fixture password 2024';

export interface FixtureAccount {
  username: string;
  roles: Role[];
  /** The code of the deputy the account belongs to (deputies and scrutineers may have one). */
  deputyCode?: string;
  displayName?: string;
  /** The department of a department officer's account (made if it does not exist). */
  department?: string;
}

export interface FixtureOptions {
  /** How many deputies the term has, coded D001, D002, … in roster order. */
  deputies: number;
  /** How many of them, from D001 on, sit on the standing committee (default none). */
  standingCommittee?: number;
  /** How many of them, from D001 on, are checked in at the meeting (default all of them). */
  present?: number;
  /** How many candidate projects the meeting has (default none), in ballot order. */
  candidates?: number;
  /**
   * A vote of the meeting, in draft unless `open`; by default a selection over every candidate
   * (options c01, c02, … in ballot order), for-against-abstain, one seat fewer than the candidates,
   * passing on valid ballots.
   */
  election?: Partial<Omit<NewElection, 'meetingId' | 'scrutineers'>> & {
    open?: boolean;
    /**
     * Deputy codes named as the vote's scrutineers; by default `scrutineersFor` the meeting (the
     * deputies of the scrutineer accounts, made up to two).
     */
    scrutineers?: string[];
  };
  accounts?: FixtureAccount[];
}

export interface FixtureUser {
  id: number;
  username: string;
  displayName: string;
  password: string;
  /** A Cookie header for a new session of this user (no password check: fast). */
  cookie(): Promise<string>;
}

export interface Fixture {
  /** The system acting at the fixture's clock, as the seed and the tests' own set-up steps do. */
  acting: Acting;
  termId: number;
  meetingId: number;
  /** Every deputy of the term, in code order. */
  deputies: { id: number; code: string }[];
  /** The id of the deputy with this code (throws for an unknown code). */
  deputyId(code: string): number;
  /** The meeting's candidates, in ballot order. */
  candidates: { id: number; name: string }[];
  /** The vote asked for with `election`. */
  electionId: number | undefined;
  /** The account with this username (throws for one not asked for). */
  account(username: string): FixtureUser;
}

export const deputyCode = (n: number) => `D${String(n).padStart(3, '0')}`;
const DELEGATIONS = ['龙洲街道代表团', '东华街道代表团', '湖镇镇代表团'];

/**
 * A term with `deputies` deputies, one 2024 meeting (15–18 January 2024) with `present` of them
 * checked in and `candidates` candidate projects, the `accounts`, and the `election`.
 */
export async function buildFixture(database: DbHandle, clock: Clock, options: FixtureOptions): Promise<Fixture> {
  const { db } = database;
  const acting: Acting = { clock, actor: SYSTEM_ACTOR };
  const term = await createTerm(db, acting, { name: '测试届人民代表大会', ordinal: 1, startsOn: '2022-01-01', endsOn: '2026-12-31' });
  await upsertDeputies(db, acting, term.id, Array.from({ length: options.deputies }, (_, i) => ({
    code: deputyCode(i + 1), name: `代表${i + 1}`, delegation: DELEGATIONS[i % DELEGATIONS.length]!,
    standingCommittee: i < (options.standingCommittee ?? 0), phone: null,
  })));
  const deputies = await db.selectFrom('deputies').select(['id', 'code']).where('term_id', '=', term.id).orderBy('code').execute();
  const ids = new Map(deputies.map((d) => [d.code, d.id]));
  const deputyId = (code: string) => {
    const id = ids.get(code);
    if (id === undefined) throw new Error(`no fixture deputy ${code}`);
    return id;
  };

  const meeting = await createMeeting(db, acting, {
    termId: term.id, title: '测试届人民代表大会第一次会议', sessionOrdinal: 1, year: 2024, startsOn: '2024-01-15', endsOn: '2024-01-18',
  }, { published: true });
  const candidates: { id: number; name: string }[] = [];
  for (let i = 1; i <= (options.candidates ?? 0); i++) {
    const c = await addCandidate(db, acting, meeting.id, {
      name: `候选项目${i}`, category: 'health', description: `第${i}个候选项目。`, targets: [`目标${i}`],
      totalInvestmentYuan: 1_000_000 * i, deadline: '2024-12-31', leadDepartment: '测试局', coDepartments: [], leadOfficial: '副县长 测试',
    });
    candidates.push({ id: c.id, name: c.name });
  }
  await recordAttendance(db, acting, meeting.id, deputies.slice(0, options.present ?? deputies.length).map((d) => d.id), true);

  const accounts = new Map<string, FixtureUser>();
  for (const a of options.accounts ?? []) {
    const displayName = a.displayName ?? `${a.username}（测试）`;
    const departmentId = a.department === undefined ? null
      : (await db.insertInto('departments').values({ name: a.department }).onConflict((oc) => oc.column('name').doUpdateSet({ name: a.department! })).returning('id').executeTakeFirstOrThrow()).id;
    const user = await createUser(db, acting, {
      username: a.username, displayName, password: FIXTURE_PASSWORD, roles: a.roles,
      deputyId: a.deputyCode ? deputyId(a.deputyCode) : null, departmentId,
    });
    accounts.set(user.username, {
      id: user.id, username: user.username, displayName, password: FIXTURE_PASSWORD,
      async cookie() {
        const { token } = await createSession(db, clock, user.id, 'test');
        return `${SESSION_COOKIE}=${token}`;
      },
    });
  }

  let electionId: number | undefined;
  if (options.election) {
    const { open, scrutineers, ...e } = options.election;
    electionId = (await createElection(db, acting, {
      meetingId: meeting.id, kind: 'selection', title: '测试票决', marking: 'for-against-abstain',
      seats: Math.max(1, candidates.length - 1), passBase: 'valid-ballots',
      options: candidates.map((c, i) => ({ key: optionKey(i + 1), title: c.name, candidateId: c.id })),
      scrutineers: scrutineers ? scrutineers.map(deputyId) : await scrutineersFor(db, meeting.id),
      ...e,
    })).id;
    if (open) await openElection(db, acting, electionId);
  }

  return {
    acting, termId: term.id, meetingId: meeting.id, deputies, deputyId, candidates, electionId,
    account(username) {
      const a = accounts.get(username);
      if (!a) throw new Error(`no fixture account ${username}`);
      return a;
    },
  };
}

/**
 * Deputies to name as a vote's scrutineers (a vote opens only with two named): the deputies of the
 * meeting's term whose accounts hold the scrutineer role, in code order, made up to two with the
 * term's first deputies by code.
 */
export async function scrutineersFor(db: DbHandle['db'], meetingId: number): Promise<number[]> {
  const { term_id: termId } = await db.selectFrom('meetings').select('term_id').where('id', '=', meetingId).executeTakeFirstOrThrow();
  const withRole = (await db.selectFrom('deputies as d').innerJoin('users as u', 'u.deputy_id', 'd.id').innerJoin('user_roles as r', 'r.user_id', 'u.id')
    .select('d.id').where('d.term_id', '=', termId).where('r.role', '=', 'scrutineer').orderBy('d.code').execute()).map((d) => d.id);
  if (withRole.length >= 2) return withRole;
  const first = (await db.selectFrom('deputies').select('id').where('term_id', '=', termId).orderBy('code').limit(2).execute()).map((d) => d.id);
  return [...withRole, ...first.filter((id) => !withRole.includes(id))].slice(0, 2);
}
