import fc from 'fast-check';
import { createSession, SESSION_COOKIE } from '../../src/auth/sessions.ts';
import { POLICY } from '../../src/auth/policy.ts';
import { CATEGORIES, KEYED_INVALID_REASONS, PASS_BASES, ELECTORATES, SELECTION_MARKINGS, type Role } from '../../src/domain/vocabulary.ts';
import { castBallot } from '../../src/ballots/store.ts';
import { trackerMac } from '../../src/ballots/tracker.ts';
import { trackerKey } from '../../src/keys/installation.ts';
import { certifyElection, publishElection, sealElection } from '../../src/counting/store.ts';
import type { SigningConfig } from '../../src/keys/signing.ts';
import { closeElection, createElection, openElection } from '../../src/elections/store.ts';
import { optionKey } from '../../src/elections/rules.ts';
import { addCandidate, createMeeting, recordAttendance } from '../../src/meetings/store.ts';
import type { DbHandle } from '../../src/platform/db/index.ts';
import { fixedClock, type Clock } from '../../src/platform/time.ts';
import { createRosterImport, createTerm, upsertDeputies, IMPORT_TTL_MS } from '../../src/terms/store.ts';
import { createUser, resetAccountPassword } from '../../src/users/store.ts';
import { sameOrigin } from './app.ts';
import { buildFixture, deputyCode, FIXTURE_PASSWORD } from './fixtures.ts';
import { ROSTER_HEADER } from './roster.ts';

/**
 * Generated hostile requests for every form route (tests/hostile-generated.test.ts): a valid body
 * for each POST route of the access policy, built from a real world, and fast-check mutations of
 * it, sent as urlencoded or multipart bodies, or as bodies that are not forms at all.
 */

/** A file part of a multipart body. */
export interface FilePart { filename: string; type: string; content: string | Uint8Array }
export type FieldValue = string | FilePart;
export type Fields = [name: string, value: FieldValue][];

/** A valid request of one route: its `:id` (if the route has one) and its form fields. */
export interface ValidBody { id?: string; fields: Fields }

/** The request as sent: enough to replay it by hand when a property fails. */
export interface HostileRequest {
  route: string;
  path: string;
  /** How the body is sent: a form encoding of `fields`, or `raw` bytes under `contentType`. */
  encoding: 'urlencoded' | 'multipart' | 'raw';
  fields: Fields;
  contentType?: string;
  raw?: string | Uint8Array;
  /** The multipart boundary, when `encoding` is multipart. */
  boundary?: string;
  /** Headers besides the same-origin ones: an htmx request, a JSON client, another language. */
  headers: Record<string, string>;
  /** What was done to the valid body (for the failure report). */
  mutation: string;
}

// ---------------------------------------------------------------------------------------------
// The world the requests act on

/** Ids of everything the generators name; built through the app's own store functions. */
export interface World {
  termId: number;
  otherTermId: number;
  meetingId: number;
  otherMeetingId: number;
  /** A later meeting of the same term, whose ratings may take the first meeting's candidates. */
  laterMeetingId: number;
  candidateIds: number[];
  otherCandidateIds: number[];
  deputies: { id: number; code: string }[];
  /** Votes of the meeting in several states. */
  elections: { open: number; draft: number; closed: number; tallied: number; other: number };
  importIds: { pending: string; expired: string };
  /** Accounts the user routes may change: never the accounts that act. */
  victimUserIds: number[];
  /** A credential request waiting for a named scrutineer. */
  approvalId: number;
  /** The acting accounts' ids, kept out of the user routes' targets. */
  actorUserIds: number[];
  /** Sign-in names and their password, for the sign-in route. */
  usernames: string[];
  /**
   * Readies the world for a request of this route: a session cookie of an account the access
   * policy lets in, and for uploads an expired upload to clear; and whether that wrote anything
   * (so that the database changed before the request).
   */
  cookieFor(route: string): Promise<{ cookie: string | undefined; wrote: boolean }>;
  /** Tells the world how a request with this cookie was answered (an accepted sign-out ends the session). */
  answered(route: string, cookie: string | undefined, status: number): void;
  /** Every id of any object, for "the id of some other object". */
  allIds: number[];
  /**
   * Tracked projects, made by a published vote of the meeting: `own` are led by 测试局 (the
   * department of `ziji` and `mishu2`), `other` by 另一局 (whose officer is `lingju`).
   */
  projects: { own: number[]; other: number[] };
  /** The candidates those projects were (what a 测评 rates). */
  projectCandidateIds: number[];
  /**
   * The MAC the review page would issue with this tracker in this election to BALLOT_VOTER, the one
   * account that casts (issue 13: only issued trackers are cast; the MAC names the deputy).
   */
  trackerMac(electionId: number, tracker: string): string;
}

/** The account that casts ballots in the generated requests (D002, checked in). */
const BALLOT_VOTER = 'daibiao2';

/** Routes that end or change the acting session itself: each request gets a fresh session. */
const SELF_ENDING = new Set(['POST /logout', 'POST /account/password', 'POST /account/sessions/:id/revoke', 'POST /account/sessions/revoke-others',
  'POST /account/sign-out-everywhere', 'POST /elections/:id/ballot']);

export async function buildWorld(database: DbHandle, clock: Clock, signing: SigningConfig): Promise<World> {
  const { db } = database;
  const fixture = await buildFixture(database, clock, {
    deputies: 8, standingCommittee: 3, present: 7, candidates: 4, election: { open: true },
    accounts: [
      { username: 'mishu', roles: ['secretariat'] },
      { username: 'mishu2', roles: ['secretariat', 'department'], department: '测试局' },
      // Scrutineers are deputies' own accounts (never the secretariat's), named for the fixture's votes.
      { username: 'jianpiao1', roles: ['scrutineer', 'deputy'], deputyCode: 'D003' },
      { username: 'jianpiao2', roles: ['scrutineer', 'deputy'], deputyCode: 'D004' },
      { username: 'daibiao1', roles: ['deputy'], deputyCode: 'D001' },
      { username: 'daibiao2', roles: ['deputy'], deputyCode: 'D002' },
      { username: 'daibiao8', roles: ['deputy'], deputyCode: 'D008' }, // absent from the meeting
      { username: 'ziji', roles: ['department'], department: '测试局' },
      { username: 'lingju', roles: ['department'], department: '另一局' },
      // Clerks key paper ballots (nobody else may).
      { username: 'jipiao1', roles: ['clerk'] },
      { username: 'jipiao2', roles: ['clerk'] },
      { username: 'denglu', roles: ['secretariat'] },
    ],
  });
  const { acting } = fixture;
  const options = fixture.candidates.map((c, i) => ({ key: optionKey(i + 1), title: c.name, candidateId: c.id }));
  const vote = (title: string) => createElection(db, acting, {
    meetingId: fixture.meetingId, kind: 'selection', title, marking: 'for-against-abstain', seats: 2, passBase: 'valid-ballots', options,
    scrutineers: [fixture.deputyId('D003'), fixture.deputyId('D004')],
  });
  const draft = (await vote('草稿票决')).id;
  const closed = (await vote('已截止票决')).id;
  await openElection(db, acting, closed);
  await closeElection(db, acting, closed);
  const tallied = (await vote('已封存票决')).id;
  await openElection(db, acting, tallied);
  await closeElection(db, acting, tallied);
  await sealElection(db, acting, tallied);

  // An earlier meeting of the term whose published vote chose three projects: two led by 测试局, one by 另一局.
  const trackedMeeting = await createMeeting(db, acting, { termId: fixture.termId, title: '测试届人民代表大会第零次会议', sessionOrdinal: 9, year: 2023, startsOn: '2023-01-10', endsOn: '2023-01-12' }, { published: true });
  const trackedOptions = [];
  for (const [i, lead] of ['测试局', '测试局', '另一局', '另一局'].entries()) {
    const c = await addCandidate(db, acting, trackedMeeting.id, {
      name: `跟踪项目${i + 1}`, category: i % 2 ? 'housing' : 'health', description: `${lead}牵头的项目。`, targets: ['目标'], totalInvestmentYuan: 5_000_000,
      deadline: '2023-12-31', leadDepartment: lead, coDepartments: lead === '另一局' ? ['测试局'] : [], leadOfficial: '副县长 某',
    });
    trackedOptions.push({ key: optionKey(i + 1), title: c.name, candidateId: c.id });
  }
  await recordAttendance(db, acting, trackedMeeting.id, fixture.deputies.map((d) => d.id), true);
  const published = (await createElection(db, acting, {
    meetingId: trackedMeeting.id, kind: 'selection', title: '已公布票决', marking: 'approval', seats: 3, passBase: 'valid-ballots',
    options: trackedOptions, scrutineers: [fixture.deputyId('D003'), fixture.deputyId('D004')],
  })).id;
  await openElection(db, acting, published);
  for (const code of ['D001', 'D002', 'D003']) await castBallot(db, clock, { electionId: published, deputyId: fixture.deputyId(code), marks: 'FFFN' });
  await closeElection(db, acting, published);
  const { digest: publishedDigest } = await sealElection(db, acting, published);
  for (const u of ['jianpiao1', 'jianpiao2']) {
    const a = fixture.account(u);
    await certifyElection(db, acting, published, { userId: a.id, name: a.displayName }, publishedDigest);
  }
  await publishElection(db, acting, published, signing);
  const projectRows = await db.selectFrom('projects as p').innerJoin('departments as d', 'd.id', 'p.lead_department_id')
    .select(['p.id', 'p.candidate_id', 'd.name']).where('p.meeting_id', '=', trackedMeeting.id).orderBy('p.rank').execute();
  const projects = { own: projectRows.filter((p) => p.name === '测试局').map((p) => p.id), other: projectRows.filter((p) => p.name === '另一局').map((p) => p.id) };

  // The next year's meeting of the same term, where this meeting's candidates can be rated.
  const laterMeeting = await createMeeting(db, acting, { termId: fixture.termId, title: '测试届人民代表大会第二次会议', sessionOrdinal: 2, year: 2025, startsOn: '2025-01-10', endsOn: '2025-01-12' });

  // Another term with its own meeting, candidates and vote: "the id of some other object".
  const other = await createTerm(db, acting, { name: '另一届人民代表大会', ordinal: 2, startsOn: '2027-01-01', endsOn: '2031-12-31' });
  await upsertDeputies(db, acting, other.id, [1, 2, 3].map((i) => ({ code: `X${i}`, name: `另届代表${i}`, delegation: '另一代表团', standingCommittee: false, phone: null })));
  const otherMeeting = await createMeeting(db, acting, { termId: other.id, title: '另一届第一次会议', sessionOrdinal: 1, year: 2027, startsOn: '2027-01-10', endsOn: '2027-01-12' });
  const otherCandidates: number[] = [];
  for (const i of [1, 2]) {
    otherCandidates.push((await addCandidate(db, acting, otherMeeting.id, {
      name: `另届候选${i}`, category: 'housing', description: '另一届的候选项目。', targets: ['目标'], totalInvestmentYuan: null,
      deadline: '2027-12-31', leadDepartment: '住建局', coDepartments: [], leadOfficial: '副县长 某',
    })).id);
  }
  const otherVote = (await createElection(db, acting, {
    meetingId: otherMeeting.id, kind: 'selection', title: '另届票决', marking: 'approval', seats: 1, passBase: 'present',
    options: otherCandidates.map((id, i) => ({ key: optionKey(i + 1), title: `另届候选${i + 1}`, candidateId: id })),
  })).id;

  const mishu = fixture.account('mishu');
  const rows = [{ line: 2, code: 'D009', name: '新代表九', delegation: '湖镇镇代表团', standingCommittee: false, phone: '13800000009' }];
  const pending = await createRosterImport(db, clock, { termId: fixture.termId, userId: mishu.id, fileName: 'roster.csv', rows });
  const expiredClock = fixedClock(new Date(clock.now().getTime() - 2 * IMPORT_TTL_MS).toISOString());
  const expired = await createRosterImport(db, expiredClock, { termId: fixture.termId, userId: mishu.id, fileName: 'old.csv', rows });

  const victims: number[] = [];
  for (const [i, roles] of ([['scrutineer', 'deputy'], ['secretariat'], ['department'], []] as Role[][]).entries()) {
    victims.push((await createUser(db, acting, {
      username: `beigai${i}`, displayName: `被改账号${i}`, password: FIXTURE_PASSWORD, roles, deputyId: roles.includes('deputy') ? fixture.deputyId('D006') : null,
    })).id);
  }
  // A credential step waiting for a named scrutineer: daibiao1 is on the open vote's roll.
  const reset = await resetAccountPassword(db, acting, fixture.account('daibiao1').id);
  const approvalId = reset && 'pending' in reset ? reset.pending.id : 0;

  // The accounts that act, by role; `denglu` only signs in (its password never changes).
  const actorRoles: Record<string, Role[]> = {
    mishu: ['secretariat'], mishu2: ['secretariat', 'department'], jianpiao1: ['scrutineer', 'deputy'], jianpiao2: ['scrutineer', 'deputy'],
    daibiao1: ['deputy'], daibiao2: ['deputy'], daibiao8: ['deputy'], ziji: ['department'], lingju: ['department'], denglu: ['secretariat'],
    jipiao1: ['clerk'], jipiao2: ['clerk'],
  };
  const actors = Object.keys(actorRoles).map((n) => fixture.account(n));
  const byRole = (role: Role) => actors.filter((a) => a.username !== 'denglu' && actorRoles[a.username]!.includes(role));
  // One session per account, minted when first needed; a route that may end its own session
  // (SELF_ENDING) gets a fresh one after it was accepted, since it then may have ended it.
  const cookies = new Map<string, string>();
  let turn = 0;
  // An upload nobody confirmed, old enough that the next upload clears it away: kept in the world,
  // so that every upload, refused or not, finds one to clear.
  const keepExpiredUpload = async () => {
    const old = await db.selectFrom('roster_imports').select('id').where('applied_at', 'is', null)
      .where('created_at', '<', new Date(clock.now().getTime() - IMPORT_TTL_MS)).executeTakeFirst();
    if (old) return false;
    await createRosterImport(db, expiredClock, { termId: fixture.termId, userId: mishu.id, fileName: 'old.csv', rows });
    return true;
  };
  const cookieFor = async (route: string) => {
    const refreshed = route === 'POST /admin/terms/:id/roster/preview' && await keepExpiredUpload();
    const { cookie, wrote } = await sessionFor(route);
    return { cookie, wrote: wrote || refreshed };
  };
  const sessionFor = async (route: string) => {
    const access = POLICY[route];
    if (access === undefined || access === 'anyone') return { cookie: undefined, wrote: false };
    const pool = route === 'POST /elections/:id/ballot' ? [fixture.account(BALLOT_VOTER)]
      : access === 'signed-in' ? [fixture.account('ziji')] : [...new Set(access.flatMap(byRole))];
    const account = pool[turn++ % pool.length]!;
    const key = SELF_ENDING.has(route) ? `${account.username} ${route}` : account.username;
    const cookie = cookies.get(key);
    if (cookie) return { cookie, wrote: false };
    const { token } = await createSession(db, clock, account.id, 'hostile');
    const fresh = `${SESSION_COOKIE}=${token}`;
    cookies.set(key, fresh);
    return { cookie: fresh, wrote: true };
  };
  const answered = (route: string, cookie: string | undefined, status: number) => {
    if (SELF_ENDING.has(route) && status < 400) for (const [k, v] of cookies) if (v === cookie) cookies.delete(k);
  };

  const deputies = fixture.deputies;
  const elections = { open: fixture.electionId!, draft, closed, tallied, other: otherVote };
  return {
    termId: fixture.termId, otherTermId: other.id, meetingId: fixture.meetingId, otherMeetingId: otherMeeting.id, laterMeetingId: laterMeeting.id,
    candidateIds: fixture.candidates.map((c) => c.id), otherCandidateIds: otherCandidates, deputies, elections,
    importIds: { pending, expired }, victimUserIds: victims, actorUserIds: actors.map((a) => a.id), approvalId,
    trackerMac: (electionId, t) => trackerMac(trackerKey(signing), electionId, fixture.deputyId('D002'), t),
    usernames: ['denglu', 'mishu', 'nobody'], cookieFor, answered, projects, projectCandidateIds: projectRows.map((p) => p.candidate_id),
    allIds: [...new Set([fixture.termId, other.id, fixture.meetingId, otherMeeting.id, laterMeeting.id, ...fixture.candidates.map((c) => c.id), ...otherCandidates,
      ...deputies.map((d) => d.id), ...Object.values(elections), ...victims, trackedMeeting.id, published, ...projects.own, ...projects.other])].sort((a, b) => a - b),
  };
}

// ---------------------------------------------------------------------------------------------
// Valid bodies, one generator per POST route of the policy

const ids = (xs: readonly number[]) => fc.constantFrom(...xs.map(String));
const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const TRACKER_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const tracker = fc.array(fc.integer({ min: 0, max: 31 }), { minLength: 16, maxLength: 16 })
  .map((xs) => xs.map((x) => TRACKER_ALPHABET[x]).join('').replace(/^(.{4})(.{4})(.{4})(.{4})$/, '$1-$2-$3-$4'));
const chineseText = (max: number) => fc.string({ unit: fc.constantFrom(...'民生实事项目代表会议测试票决甲乙丙丁一二三'), minLength: 1, maxLength: max });
const day = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
/** The ballot mode fields: either mode, an unknown one, none; k in range, out of it, not a number, none. */
const ballotMode: fc.Arbitrary<Fields> = fc.tuple(fc.constantFrom('encrypted', 'plaintext', 'secret', undefined), fc.constantFrom('2', '3', '1', '100', '二', '', undefined))
  .map(([mode, k]) => [...(mode === undefined ? [] : [['ballotMode', mode]]), ...(k === undefined ? [] : [['threshold', k]])] as Fields);
const digest = fc.oneof(fc.stringMatching(/^sha256:[0-9a-f]{64}$/), fc.constant(''));
/** F, A or N for each of four options, at most two F (every vote of the world has two seats or more). */
const ballotChoices = fc.array(fc.constantFrom('F', 'A', 'N'), { minLength: 4, maxLength: 4 })
  .map((letters) => {
    let f = 0;
    return letters.map((l, i): [string, string] => [`choice.${optionKey(i + 1)}`, l === 'F' && ++f > 2 ? 'A' : l]);
  });

function rosterCsv(rows: { code: string; name: string; delegation: string; committee: boolean; phone: string }[]): string {
  return [ROSTER_HEADER, ...rows.map((r) => `${r.code},${r.name},${r.delegation},${r.committee ? '是' : '否'},${r.phone}`)].join('\r\n') + '\r\n';
}
const rosterRow = fc.record({
  code: fc.integer({ min: 1, max: 30 }).map((n) => deputyCode(n)), name: chineseText(6), delegation: fc.constantFrom('龙洲街道代表团', '东华街道代表团'),
  committee: fc.boolean(), phone: fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 99_999_999 }).map((n) => `138${String(n).padStart(8, '0')}`)),
});

const fields = (...entries: fc.Arbitrary<[string, string]>[]) => fc.tuple(...entries).map((xs) => xs as Fields);
const field = (name: string, value: fc.Arbitrary<string>) => value.map((v): [string, string] => [name, v]);

/** A valid body per route key: anything the route's own page would post. */
export const VALID_BODIES: Readonly<Record<string, (w: World) => fc.Arbitrary<ValidBody>>> = {
  'POST /login': (w) => fields(field('username', pick(w.usernames)), field('password', fc.oneof(fc.constant(FIXTURE_PASSWORD), fc.string())), field('next', fc.constantFrom('', '/admin', '/vote')))
    .map((f) => ({ fields: f })),
  'POST /logout': () => fc.constant({ fields: [] }),
  'POST /account/password': () => fc.string({ minLength: 10, maxLength: 30 }).map((p) => ({ fields: [['current', FIXTURE_PASSWORD], ['password', p], ['confirm', p]] })),
  'POST /account/sessions/:id/revoke': () => fc.stringMatching(/^[a-z2-7]{24}$/).map((id) => ({ id, fields: [] })),
  'POST /account/sessions/revoke-others': () => fc.constant({ fields: [] }),
  'POST /account/sign-out-everywhere': () => fc.constant({ fields: [] }),

  'POST /meetings/:id/check-in': (w) => ids([w.meetingId]).map((id) => ({ id, fields: [] })),
  'POST /elections/:id/ballot/review': (w) => fc.tuple(ids([w.elections.open]), ballotChoices).map(([id, c]) => ({ id, fields: c })),
  'POST /elections/:id/ballot': (w) => fc.tuple(ids([w.elections.open]), ballotChoices, tracker)
    .map(([id, c, t]) => ({ id, fields: [...c, ['tracker', t], ['trackerMac', w.trackerMac(Number(id), t)]] })),
  // The open vote is in plaintext mode: a check (Benaloh) of an encrypted ballot is refused there, translated.
  'POST /elections/:id/ballot/spoil': (w) => fc.tuple(ids([w.elections.open]), fc.stringMatching(/^[0-9a-f]{32}$/), fc.string(), fc.constantFrom('FAN', 'FFA', ''))
    .map(([id, nonce, ballot, marks]) => ({ id, fields: [['nonce', nonce], ['nonceMac', 'x'.repeat(22)], ['ballot', ballot], ['marks', marks], ['randomness', '[]'], ['confirm', '1']] })),

  'POST /admin/meetings': (w) => fc.tuple(ids([w.termId, w.otherTermId]), chineseText(30), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 2022, max: 2026 }), fc.integer({ min: 1, max: 5 }), fc.boolean())
    .map(([termId, title, session, year, days, shared]) => ({ fields: [['termId', termId], ['title', title], ['sessionOrdinal', String(session)], ['year', String(year)],
      ['startsOn', `${year}-03-01`], ['endsOn', `${year}-03-0${days}`], ['sharedTablets', shared ? '1' : '0']] })),
  'POST /admin/meetings/:id/candidates': (w) => fc.tuple(ids([w.meetingId, w.otherMeetingId]), candidateFields).map(([id, f]) => ({ id, fields: f })),
  'POST /admin/candidates/:id': (w) => fc.tuple(ids([...w.candidateIds, ...w.otherCandidateIds]), candidateFields).map(([id, f]) => ({ id, fields: f })),
  'POST /admin/meetings/:id/elections': (w) => fc.tuple(fc.subarray(w.candidateIds, { minLength: 2 }), chineseText(20), pick(SELECTION_MARKINGS), pick(PASS_BASES), fc.integer({ min: 1, max: 3 }), ballotMode)
    .map(([chosen, title, marking, passBase, seats, mode]) => ({ id: String(w.meetingId), fields: [['title', title], ['marking', marking], ['passBase', passBase], ['seats', String(seats)], ...mode,
      // The meeting already holds a selection: a further one states why.
      ['note', `补充票决：${title}`],
      ...chosen.flatMap((c, i): Fields => [['include', String(c)], [`order.${c}`, String(i + 1)]])] })),
  'POST /admin/meetings/:id/ratings': (w) => fc.tuple(ids([w.laterMeetingId, w.meetingId]), chineseText(20), pick(PASS_BASES), pick(ELECTORATES), fc.subarray(w.projectCandidateIds, { minLength: 1 }))
    .map(([id, title, passBase, electorate, projects]) => ({ id, fields: [['title', title], ['passBase', passBase], ['electorate', electorate],
      ...projects.map((p): [string, string] => ['project', String(p)])] })),
  'POST /admin/meetings/:id/settings': (w) => fc.tuple(ids([w.meetingId, w.otherMeetingId]), fc.boolean(), fc.boolean())
    .map(([id, shared, self]) => ({ id, fields: [['sharedTablets', shared ? '1' : '0'], ['selfCheckIn', self ? '1' : '0']] })),
  'POST /admin/meetings/:id/attendance': (w) => fc.tuple(fc.subarray(w.deputies.map((d) => d.id)), fc.boolean(), fc.constantFrom('', 'q=代表&delegation=', 'delegation=龙洲街道代表团'))
    .map(([deputies, present, back]) => ({ id: String(w.meetingId), fields: [...deputies.map((d): [string, string] => ['deputy', String(d)]), ['present', present ? '1' : '0'], ['back', back]] })),

  'POST /admin/meetings/:id/attendance/delegation': (w) => fc.tuple(ids([w.meetingId, w.otherMeetingId]), fc.constantFrom('龙洲街道代表团', '东华街道代表团', '湖镇镇代表团'), fc.boolean())
    .map(([id, delegation, present]) => ({ id, fields: [['delegation', delegation], ['present', present ? '1' : '0']] })),
  'POST /admin/elections/:id/ballot-mode': (w) => fc.tuple(electionId(w), ballotMode).map(([id, mode]) => ({ id, fields: mode })),
  'POST /admin/elections/:id/open': (w) => electionOnly(w),
  'POST /admin/elections/:id/close': (w) => electionOnly(w),
  'POST /admin/elections/:id/schedule': (w) => fc.tuple(electionId(w), fc.oneof(fc.constant(''), fc.integer({ min: 10, max: 23 }).map((h) => `2024-01-15 ${h}:30`)))
    .map(([id, at]) => ({ id, fields: [['closeAt', at]] })),
  'POST /admin/elections/:id/paper/issue': (w) => fc.tuple(electionId(w), fc.subarray(w.deputies.map((d) => d.code), { minLength: 1, maxLength: 2 }))
    .map(([id, codes]) => ({ id, fields: [['codes', codes.join(' ')]] })),
  'POST /admin/elections/:id/paper/unissue': (w) => fc.tuple(electionId(w), pick(w.deputies.map((d) => d.code))).map(([id, code]) => ({ id, fields: [['code', code]] })),
  'POST /admin/elections/:id/paper/returned': (w) => fc.tuple(electionId(w), fc.integer({ min: 0, max: 3 })).map(([id, n]) => ({ id, fields: [['returned', String(n)]] })),
  'POST /admin/elections/:id/paper/entries': (w) => fc.tuple(electionId(w), fc.integer({ min: 1, max: 3 }), ballotChoices, fc.constantFrom('', ...KEYED_INVALID_REASONS))
    .map(([id, seq, c, invalid]) => ({ id, fields: [['seq', String(seq)], ...c, ['invalid', invalid]] })),
  'POST /admin/elections/:id/paper/commit': (w) => electionOnly(w),
  'POST /admin/elections/:id/seal': (w) => electionOnly(w),
  'POST /admin/elections/:id/certify': (w) => fc.tuple(electionId(w), digest).map(([id, d]) => ({ id, fields: [['digest', d]] })),
  'POST /admin/elections/:id/publish': (w) => electionOnly(w),
  'POST /admin/elections/:id/void': (w) => fc.tuple(electionId(w), chineseText(40)).map(([id, reason]) => ({ id, fields: [['reason', reason]] })),
  'POST /admin/elections/:id/runoff': (w) => fc.tuple(electionId(w), chineseText(20)).map(([id, title]) => ({ id, fields: [['title', title]] })),
  'POST /admin/elections/:id/rerun': (w) => electionOnly(w),
  'POST /admin/elections/:id/delete': (w) => electionOnly(w),
  // The key ceremony: the World's votes are in plaintext mode (refused), and its scrutineer is no trustee (refused, writing nothing).
  'POST /admin/elections/:id/ceremony/start': (w) => electionOnly(w),
  'POST /admin/elections/:id/ceremony/restart': (w) => electionOnly(w),
  'POST /scrutiny/elections/:id/ceremony/messages': (w) => fc.tuple(electionId(w), fc.constantFrom('exchange-key', 'dealing', 'envelope', 'complaint', 'confirmation', 'other'),
    fc.oneof(fc.json(), fc.constant('{"trustee":1,"key":"00","proof":{"c":"00","s":"00"}}')))
    .map(([id, kind, message]) => ({ id, fields: [['kind', kind], ['message', message]] })),
  'POST /scrutiny/elections/:id/ceremony/possession/nonce': (w) => electionOnly(w),
  'POST /scrutiny/elections/:id/ceremony/possession': (w) => fc.tuple(electionId(w), fc.stringMatching(/^[0-9a-f]{32}$/), fc.json())
    .map(([id, nonce, proof]) => ({ id, fields: [['nonce', nonce], ['proof', proof]] })),
  // The decryption: the World's votes are in plaintext mode and never decrypting (refused, writing nothing).
  'POST /scrutiny/elections/:id/decryption': (w) => fc.tuple(electionId(w), fc.oneof(fc.json(),
    fc.constant('{"trustee":1,"shares":[[{"d":"00","proof":{"c":"00","s":"00"}}]]}')))
    .map(([id, partial]) => ({ id, fields: [['partial', partial]] })),
  'POST /admin/elections/:id/decrypt': (w) => electionOnly(w),
  'POST /admin/elections/:id/scrutineers': (w) => fc.tuple(electionId(w), fc.uniqueArray(pick(w.deputies.map((d) => d.code)), { minLength: 2, maxLength: 3 }), fc.constantFrom(' ', ', ', '、', '，'))
    .map(([id, codes, sep]) => ({ id, fields: [['scrutineers', codes.join(sep)]] })),
  'POST /admin/meetings/:id/publish': (w) => ids([w.meetingId, w.laterMeetingId, w.otherMeetingId]).map((id) => ({ id, fields: [] as Fields })),
  'POST /scrutiny/approvals/:id/confirm': (w) => ids([w.approvalId, w.approvalId + 1000]).map((id) => ({ id, fields: [] as Fields })),
  'POST /scrutiny/approvals/:id/decline': (w) => ids([w.approvalId, w.approvalId + 1000]).map((id) => ({ id, fields: [] as Fields })),

  'POST /admin/users': () => fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{2,12}$/), chineseText(10), fc.subarray(['secretariat', 'scrutineer'], { minLength: 1 }))
    .map(([username, name, roles]) => ({ fields: [['username', username], ['displayName', name], ...roles.map((r): [string, string] => ['roles', r]), ['departmentId', ''], ['deputyCode', '']] })),
  'POST /admin/users/:id/roles': (w) => fc.tuple(ids(w.victimUserIds), fc.subarray(['secretariat', 'scrutineer', 'department'] as const), fc.constantFrom('', 'D004', 'D005'))
    .map(([id, roles, code]) => ({ id, fields: [...roles.map((r): [string, string] => ['roles', r]), ['departmentId', ''], ['deputyCode', code]] })),
  'POST /admin/users/:id/reset': (w) => victimOnly(w),
  'POST /admin/users/:id/disable': (w) => victimOnly(w),
  'POST /admin/users/:id/enable': (w) => victimOnly(w),
  'POST /admin/users/:id/unlock': (w) => victimOnly(w),
  'POST /admin/terms': () => fc.tuple(chineseText(20), fc.integer({ min: 1, max: 999 }), fc.integer({ min: 2000, max: 2090 }))
    .map(([name, ordinal, year]) => ({ fields: [['name', name], ['ordinal', String(ordinal)], ['startsOn', `${year}-01-01`], ['endsOn', `${year + 4}-12-31`]] })),
  'POST /admin/terms/:id/roster/preview': (w) => fc.tuple(ids([w.termId, w.otherTermId]), fc.uniqueArray(rosterRow, { minLength: 1, maxLength: 5, selector: (r) => r.code }), fc.constantFrom('roster.csv', '代表名册.csv', 'C:\\Users\\秘书处\\名册.csv'))
    .map(([id, rows, filename]) => ({ id, fields: [['file', { filename, type: 'text/csv', content: rosterCsv(rows) }]] })),
  'POST /admin/roster-imports/:id/apply': (w) => fc.constantFrom(w.importIds.pending, w.importIds.expired).map((id) => ({ id, fields: [] })),
  'POST /admin/terms/:id/credentials': (w) => fc.tuple(ids([w.termId, w.otherTermId]), fc.subarray(w.deputies.map((d) => d.id), { maxLength: 2 }))
    .map(([id, deputies]) => ({ id, fields: deputies.map((d): [string, string] => ['deputy', String(d)]) })),
  // Tracking: the department's workspace, progress reports and evidence (track-reports). The world has
  // no approved plan nor report: these reach their refusals (no plan: 409; no report: 404) and never write. The evidence is a 1×1 PNG.
  'POST /workspace/projects/:id/sections': (w) => fc.tuple(ids([...w.projects.own, ...w.projects.other]), chineseText(50))
    .map(([id, body]) => ({ id, fields: [['body', body]] })),
  'POST /workspace/projects/:id/reports': (w) => fc.tuple(ids(w.projects.own), chineseText(50), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 1e9 }))
    .map(([id, narrative, percent, fen]) => ({ id, fields: [['kind', 'progress'], ['period', '2023-Q2'], ['narrative', narrative], ['percent', String(percent)], ['spent', (fen / 100).toFixed(2)]] })),
  'POST /workspace/reports/:id': (w) => fc.tuple(ids(w.allIds), chineseText(50), fc.integer({ min: 0, max: 100 }))
    .map(([id, narrative, percent]) => ({ id, fields: [['kind', 'progress'], ['period', ''], ['narrative', narrative], ['percent', String(percent)], ['spent', '100.50']] })),
  'POST /workspace/reports/:id/submit': (w) => ids(w.allIds).map((id) => ({ id, fields: [['confirm', '1'], ['fact.state', 'draft'], ['fact.evidence', '0']] })),
  'POST /workspace/reports/:id/correct': (w) => ids(w.allIds).map((id) => ({ id, fields: [] })),
  'POST /workspace/reports/:id/evidence': (w) => fc.tuple(ids(w.allIds), chineseText(20), fc.constantFrom('photo.png', '照片.jpg'))
    .map(([id, caption, filename]) => ({ id, fields: [['caption', caption], ['file', { filename, type: 'image/png', content: new Uint8Array(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64')) }]] })),
  'POST /admin/tracking/reports/:id/approve': (w) => ids(w.allIds).map((id) => ({ id, fields: [['confirm', '1'], ['fact.state', 'submitted'], ['fact.evidence', '0'], ['fact.sections', '0']] })),
  'POST /admin/tracking/reports/:id/return': (w) => fc.tuple(ids(w.allIds), chineseText(50)).map(([id, comment]) => ({ id, fields: [['comment', comment]] })),
  // Supervision: a deputy's note, the secretariat's due date, the department's replies (confirmed), a citizen's opinion (with the
  // honeypot left empty, as a person leaves it) and the secretariat's decision. Notes and opinions are numbered from 1 as the run files them.
  'POST /projects/:id/notes': (w) => fc.tuple(ids([...w.projects.own, ...w.projects.other]), chineseText(200)).map(([id, body]) => ({ id, fields: [['body', body]] })),
  'POST /admin/tracking/notes/:id/due': () => fc.tuple(ids([1, 2, 3]), day).map(([id, due]) => ({ id, fields: [['due', due]] })),
  'POST /workspace/notes/:id/reply': () => fc.tuple(ids([1, 2, 3]), chineseText(200), fc.boolean())
    .map(([id, reply, confirmed]) => ({ id, fields: [['reply', reply], ...(confirmed ? [['confirm', '1'], ['fact.replied', '0']] as Fields : [])] })),
  'POST /projects/:id/opinions': (w) => fc.tuple(ids([...w.projects.own, ...w.projects.other]), chineseText(200)).map(([id, body]) => ({ id, fields: [['body', body], ['website', '']] })),
  // Accepting is confirmed (secure-b): mostly with the confirmation, so that the replies below have accepted opinions.
  'POST /admin/tracking/opinions/:id/accept': () => fc.tuple(ids([1, 2, 3]), fc.integer({ min: 0, max: 3 }))
    .map(([id, n]) => ({ id, fields: n > 0 ? [['confirm', '1'], ['fact.pending', '1']] as Fields : [] as Fields })),
  'POST /admin/tracking/opinions/:id/reject': () => ids([4, 5, 6]).map((id) => ({ id, fields: [] as Fields })),
  'POST /workspace/opinions/:id/reply': () => fc.tuple(ids([1, 2, 3]), chineseText(200), fc.boolean())
    .map(([id, reply, confirmed]) => ({ id, fields: [['reply', reply], ...(confirmed ? [['confirm', '1'], ['fact.replied', '0']] as Fields : [])] })),

  // Tracking: plans (the World's tracked projects run 2024-02-01 to 2024-12-31 in these plans) and departments.
  'POST /workspace/projects/:id/plan': (w) => fc.tuple(
    ids([...w.projects.own, ...w.projects.other]), fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 99 }), fc.constantFrom('wan', 'yuan'),
    fc.constantFrom('', '湖镇镇', '龙洲街道'), chineseText(6), fc.constantFrom('monthly', 'quarterly'), chineseText(20),
    fc.array(fc.tuple(chineseText(8), fc.integer({ min: 1, max: 5000 }), fc.constantFrom('个', '公里', '所')), { maxLength: 2 }),
    fc.array(fc.tuple(chineseText(8), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 10 })), { maxLength: 3 }),
  ).map(([id, whole, cents, unit, location, official, schedule, reason, targets, milestones]) => ({
    id,
    fields: [
      ['total', `${whole}.${String(cents).padStart(2, '0')}`], ['totalUnit', unit], ['annual', String(whole)], ['annualUnit', unit],
      ['startsOn', '2024-02-01'], ['deadline', '2024-12-31'], ['location', location], ['leadOfficial', official], ['schedule', schedule], ['reason', reason],
      ...targets.flatMap(([metric, value, u], i): Fields => [[`target.${i}.key`, ''], [`target.${i}.metric`, metric], [`target.${i}.value`, String(value)], [`target.${i}.unit`, u]]),
      ...milestones.flatMap(([title, day, weight], i): Fields => [[`ms.${i}.key`, ''], [`ms.${i}.title`, title],
        [`ms.${i}.due`, new Date(Date.UTC(2024, 1, 1 + day)).toISOString().slice(0, 10)], [`ms.${i}.weight`, String(weight)]]),
    ],
  })),
  'POST /workspace/projects/:id/plan/submit': (w) => fc.tuple(ids([...w.projects.own, ...w.projects.other]), fc.boolean(), fc.integer({ min: 1, max: 3 }), fc.constantFrom('draft', 'returned'))
    .map(([id, confirm, revision, state]) => ({ id, fields: confirm ? [['confirm', '1'], ['fact.revision', String(revision)], ['fact.state', state]] : [] })),
  'POST /admin/tracking/plans/:id/approve': () => fc.integer({ min: 1, max: 8 }).map((id) => ({ id: String(id), fields: [] as Fields })),
  'POST /admin/tracking/plans/:id/return': () => fc.tuple(fc.integer({ min: 1, max: 8 }), chineseText(30)).map(([id, comment]) => ({ id: String(id), fields: [['comment', comment]] })),
  'POST /admin/departments': () => chineseText(10).map((name) => ({ fields: [['name', `${name}局`]] })),
  // Renamed to a name of the list (its own, or a taken one): the World's departments keep their names for the routes after.
  'POST /admin/departments/:id': () => fc.tuple(fc.integer({ min: 1, max: 8 }), pick(WORLD_DEPARTMENTS)).map(([id, name]) => ({ id: String(id), fields: [['name', name]] })),
  // Security fixes (secure-b): withdrawing an accepted opinion and rejecting a project's pending ones, asked or confirmed.
  'POST /admin/tracking/opinions/:id/withdraw': () => fc.tuple(ids([1, 2, 3, 7]), fc.boolean(), fc.constantFrom('0', '1'))
    .map(([id, confirm, replied]) => ({ id, fields: confirm ? [['confirm', '1'], ['fact.accepted', '1'], ['fact.replied', replied]] as Fields : [] as Fields })),
  'POST /admin/tracking/projects/:id/opinions/reject-pending': (w) => fc.tuple(ids([...w.projects.own, ...w.projects.other]), fc.boolean(), fc.integer({ min: 0, max: 5 }))
    .map(([id, confirm, pending]) => ({ id, fields: confirm ? [['confirm', '1'], ['fact.pending', String(pending)]] as Fields : [] as Fields })),
};

/** The World's departments (the one list): a candidate's lead and co-departments are chosen from them. */
const WORLD_DEPARTMENTS = ['测试局', '另一局', '住建局'] as const;
const candidateFields: fc.Arbitrary<Fields> = fc.tuple(chineseText(20), pick(CATEGORIES), chineseText(100), fc.array(chineseText(10), { minLength: 1, maxLength: 3 }),
  fc.oneof(fc.constant(''), fc.integer({ min: 1, max: 99_999 }).map(String)), day, pick(WORLD_DEPARTMENTS), fc.subarray([...WORLD_DEPARTMENTS]), chineseText(10))
  .map(([name, category, description, targets, wan, deadline, lead, co, official]) => [
    ['name', name], ['category', category], ['description', description], ['targets', targets.join('\n')], ['investmentWan', wan],
    ['deadline', deadline], ['leadDepartment', lead], ...co.filter((d) => d !== lead).map((d): [string, string] => ['coDepartments', d]), ['leadOfficial', official],
  ]);
const electionId = (w: World) => ids(Object.values(w.elections));
const electionOnly = (w: World) => electionId(w).map((id) => ({ id, fields: [] as Fields }));
const victimOnly = (w: World) => ids(w.victimUserIds).map((id) => ({ id, fields: [] as Fields }));

/** Every POST route of the access policy: the routes a hostile form can reach. */
export function formRoutes(): string[] {
  return Object.keys(POLICY).filter((k) => k.startsWith('POST '));
}

// ---------------------------------------------------------------------------------------------
// Hostile values and mutations

const CONTROL = fc.array(fc.integer({ min: 0, max: 0x1f }), { minLength: 1, maxLength: 6 }).map((cs) => String.fromCharCode(...cs));
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '', ' ', '0', '-0', '-1', '-2147483648', '-2147483649', '2147483647', '2147483648', '4294967296', '9007199254740993',
    '99999999999999999999999999', '1e309', '1e3', '1.5', '0x1f', 'NaN', 'Infinity', '１２３', '٣', ' 7 ', '+7', '007',
    'null', 'undefined', 'true', '[]', '{}', '__proto__', 'constructor', '<script>alert(1)</script>', "'; drop table terms; --",
    '\u0000', 'a\u0000b', '\u202e', '\ufeff', '\u200b', 'e\u0301', '\ud800', '\udfff', '\ud83d', '𠀀', '👨‍👩‍👧', '\r\n', '\t', '\u0085',
    '\u2028', '%00', '%', '../../etc/passwd', '2024-02-30', '2024-13-01', '0000-00-00', '9999-12-31', '2024-01-15T00:00', '2024-01-15 25:61',
  ),
  CONTROL,
  // A NUL or another control character somewhere inside ordinary text.
  fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom('\u0000', '\u0001', '\u001b', '\u007f', '\u0000\u0000'), fc.string({ maxLength: 10 })).map(([a, c, b]) => `${a}${c}${b}`),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.bigInt().map(String),
  fc.double().map(String),
  fc.tuple(fc.constantFrom('x', '代', '\u0301', '\u0000'), fc.integer({ min: 200, max: 70_000 })).map(([c, n]) => c.repeat(n)),
);

/** A form field name that no form posts, or one posted as the wrong kind. */
const hostileName = fc.oneof(fc.constantFrom('', '__proto__', 'constructor', 'choice.', 'choice.c99', 'order.x', 'include', 'deputy', 'file', 'a[b]', 'a\u0000', '名'), fc.string({ maxLength: 12 }));

const hostileFileName = fc.oneof(
  fc.constantFrom('', '.', '..', '../../etc/passwd', 'C:\\a\\..\\b.csv', 'a\u0000.csv', '\u0000', 'a\r\nX-Evil: 1.csv', 'a";b=".csv', 'a%00.csv',
    '\u202egnp.csv', '名册\ud800.csv', 'x'.repeat(5000), ' '),
  hostileString,
);

const hostileFileContent: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.constantFrom('', '\u0000', `${ROSTER_HEADER}\r\nD001,代表\u0000一,龙洲街道代表团,否,\r\n`, `${ROSTER_HEADER}\r\nD001\u0000,代表一,龙洲街道代表团,否,\r\n`,
    `\ufeff${ROSTER_HEADER}\r\nD001,代表一,龙洲街道代表团,否,\r\n`, `${ROSTER_HEADER}\r\n"D001,代表一\r\n`, 'code,name,delegation\r\n=cmd|calc,=1+1,@x\r\n',
    `${ROSTER_HEADER}\r\nD001,${'长'.repeat(60)},龙洲街道代表团,也许,12\r\n`, `${ROSTER_HEADER},${ROSTER_HEADER}\r\n`),
  fc.uint8Array({ maxLength: 200 }),
  fc.tuple(fc.constant(ROSTER_HEADER), fc.array(fc.array(hostileString, { maxLength: 6 }), { maxLength: 4 }))
    .map(([h, rows]) => [h, ...rows.map((r) => r.join(','))].join('\r\n')),
);

const hostileValue: fc.Arbitrary<FieldValue> = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.record({ filename: hostileFileName, type: fc.constantFrom('text/csv', 'application/octet-stream', '', 'text/html'), content: hostileFileContent }) },
);

/** Path ids that are not (or not this route's) objects. */
const hostileId = (w: World, route: string) => fc.oneof(
  fc.constantFrom('0', '-1', '-2147483648', '2147483647', '2147483648', '99999999999999999999', '1e3', '1.0', '01', '+1', 'abc', '%00', '%20', '１', '%E2%80%AE1'),
  // The user routes never target the accounts that act: a disabled or demoted actor would end the run's meaning.
  fc.constantFrom(...(route.startsWith('POST /admin/users/:id') ? w.allIds.filter((id) => !w.actorUserIds.includes(id)) : w.allIds).map(String)),
  fc.integer({ min: -5, max: 200 }).filter((id) => !route.startsWith('POST /admin/users/:id') || !w.actorUserIds.includes(id)).map(String),
);

const BOUNDARY = fc.stringMatching(/^[A-Za-z0-9'()+_,./:=?-]{1,60}$/).filter((b) => !b.endsWith(' '));

const NOT_FORMS = ['', 'text/plain', 'application/json', 'text/xml', 'multipart/form-data', 'multipart/form-data; boundary=', 'multipart/mixed; boundary=x',
  'application/x-www-form-urlencoded; charset=utf-16', 'APPLICATION/X-WWW-FORM-URLENCODED', 'multipart/form-data; boundary="a b"', 'application/octet-stream'];

/** Bodies that only pretend to be forms: broken multipart, broken percent-encoding, a type that is not a form. */
const rawBody = (fields: Fields): fc.Arbitrary<Pick<HostileRequest, 'contentType' | 'raw' | 'mutation'>> => {
  const text = fields.map(([n, v]) => `${n}=${typeof v === 'string' ? v : ''}`).join('&');
  return fc.oneof(
    fc.tuple(BOUNDARY, fc.constantFrom('truncated', 'other boundary', 'no closing', 'LF only', 'no blank line', 'no disposition', 'garbage header', 'boundary too long'))
      .map(([b, how]) => {
        const ok = multipartBody(fields, b);
        const s = Buffer.from(ok).toString('latin1');
        const body = how === 'truncated' ? s.slice(0, Math.max(1, Math.floor(s.length / 2)))
          : how === 'other boundary' ? s.replaceAll(b, `${b}x`)
          : how === 'no closing' ? s.replace(new RegExp(`--${escapeRegExp(b)}--\\r\\n$`), '')
          : how === 'LF only' ? s.replaceAll('\r\n', '\n')
          : how === 'no blank line' ? s.replaceAll('\r\n\r\n', '\r\n')
          : how === 'no disposition' ? s.replaceAll('Content-Disposition: form-data; ', 'X: ')
          : how === 'garbage header' ? s.replaceAll('Content-Disposition', 'Content-Disposition\u0000:\u00ff')
          : s;
        const boundary = how === 'boundary too long' ? b.repeat(20) : b;
        return { contentType: `multipart/form-data; boundary=${boundary}`, raw: Buffer.from(body, 'latin1'), mutation: `multipart: ${how}` };
      }),
    fc.constantFrom('%', '%zz', '%FF%FE', 'a=%E4%B8', '=&=&', '&&&', 'a=1&a', '%00=1', 'x=%C0%80', 'a=%ED%A0%80')
      .map((junk) => ({ contentType: 'application/x-www-form-urlencoded', raw: `${text}&${junk}`, mutation: `urlencoded: ${junk}` })),
    fc.constantFrom(...NOT_FORMS).map((type) => ({ contentType: type, raw: text, mutation: `content type ${JSON.stringify(type)}` })),
  );
};

/** Mostly a plain browser form post; sometimes htmx's, a JSON client's, or in English. */
const EXTRA_HEADERS: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({ 'HX-Request': 'true' }, { Accept: 'application/json' }, { 'Accept-Language': 'en' }, { 'HX-Request': 'true', 'HX-Target': 'main' }) },
);

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A valid body and mutations of it, as a request to send. */
export function hostileRequest(route: string, w: World): fc.Arbitrary<HostileRequest> {
  const valid = VALID_BODIES[route];
  if (!valid) throw new Error(`no valid-body generator for ${route}`);
  const hasId = route.includes(':id');
  return valid(w).chain((v) => {
    const n = v.fields.length;
    const at = fc.nat({ max: Math.max(0, n - 1) });
    type Change = { fields: Fields; id?: string; query?: string; mutation: string };
    const same: fc.Arbitrary<Change> = fc.constant({ fields: v.fields, id: v.id, mutation: 'none (valid body)' });
    const changes: fc.Arbitrary<Change>[] = [
      fc.tuple(hostileName, hostileValue).map(([name, value]) => ({ fields: [...v.fields, [name, value]], id: v.id, mutation: 'field added' })),
    ];
    if (n > 0) {
      changes.push(
        at.map((i) => ({ fields: v.fields.filter((_, j) => j !== i), id: v.id, mutation: `field ${v.fields[i]![0]} dropped` })),
        at.map((i) => ({ fields: [...v.fields.slice(0, i + 1), ...v.fields.slice(i)], id: v.id, mutation: `field ${v.fields[i]![0]} twice` })),
        fc.tuple(at, hostileValue).map(([i, value]) => ({ fields: v.fields.map((f, j): [string, FieldValue] => (j === i ? [f[0], value] : f)), id: v.id, mutation: `field ${v.fields[i]![0]} replaced` })),
        fc.tuple(fc.array(fc.tuple(at, hostileValue), { minLength: 2, maxLength: 4 })).map(([subs]) => {
          const out = [...v.fields];
          for (const [i, value] of subs) out[i] = [out[i]![0], value];
          return { fields: out, id: v.id, mutation: 'several fields replaced' };
        }),
        fc.tuple(at, hostileName).map(([i, name]) => ({ fields: v.fields.map((f, j): [string, FieldValue] => (j === i ? [name, f[1]] : f)), id: v.id, mutation: `field ${v.fields[i]![0]} renamed` })),
        fc.constant({ fields: [], id: v.id, mutation: 'every field dropped' }),
      );
    }
    const files = v.fields.flatMap(([, value], i) => (typeof value === 'string' ? [] : [i]));
    const fileChanges: fc.Arbitrary<Change>[] = [];
    if (files.length > 0) {
      const file = (i: number) => v.fields[i]![1] as FilePart;
      const withFile = (i: number, f: FilePart) => v.fields.map((x, j): [string, FieldValue] => (j === i ? [x[0], f] : x));
      fileChanges.push(
        fc.tuple(pick(files), hostileFileName).map(([i, filename]) => ({ fields: withFile(i, { ...file(i), filename }), id: v.id, mutation: 'file name replaced' })),
        fc.tuple(pick(files), hostileFileContent).map(([i, content]) => ({ fields: withFile(i, { ...file(i), content }), id: v.id, mutation: 'file content replaced' })),
        // One cell of a valid CSV replaced: the rest of the file stays good, so the bad cell is what is judged.
        fc.tuple(pick(files), fc.nat(), hostileString).map(([i, at, cell]) => {
          const text = String(file(i).content);
          const cells = text.split(',');
          cells[1 + (at % (cells.length - 1))] = cell.replaceAll(',', '');
          return { fields: withFile(i, { ...file(i), content: cells.join(',') }), id: v.id, mutation: 'file cell replaced' };
        }),
      );
    }
    if (hasId) changes.push(hostileId(w, route).map((id) => ({ fields: v.fields, id, mutation: 'id replaced' })));
    changes.push(fc.oneof(fc.constantFrom('edit=1', 'read=gb18030', 'next=//evil.example', 'done=x', 'error=%00', '%ff', '&&='),
      fc.tuple(hostileName, hostileString).map(([n, value]) => new URLSearchParams([[n, value]]).toString()))
      .map((query) => ({ fields: v.fields, id: v.id, query, mutation: 'query added' })));
    // Upload routes: most mutations go to the file (its name, its content, one of its cells).
    const change = fc.oneof({ weight: 2, arbitrary: same }, { weight: 8, arbitrary: fc.oneof(...changes) },
      ...(fileChanges.length > 0 ? [{ weight: 12, arbitrary: fc.oneof(...fileChanges) }] : []));
    return fc.tuple(change, fc.constantFrom('urlencoded', 'multipart', 'raw') as fc.Arbitrary<HostileRequest['encoding']>, BOUNDARY, EXTRA_HEADERS)
      .chain(([c, encoding, boundary, headers]) => {
        const path = route.slice('POST '.length).replace(':id', c.id ?? '') + (c.query === undefined ? '' : `?${c.query}`);
        const base: HostileRequest = { route, path, encoding, fields: c.fields, headers, mutation: c.mutation };
        if (encoding === 'urlencoded') return fc.constant(base);
        if (encoding === 'multipart') return fc.constant({ ...base, boundary });
        return rawBody(c.fields).map((r) => ({ ...base, ...r, mutation: `${c.mutation}; ${r.mutation}` }));
      });
  });
}

// ---------------------------------------------------------------------------------------------
// Encoding

const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** A multipart/form-data body as a browser writes it, except that names are written as they come. */
export function multipartBody(fields: Fields, boundary: string): Uint8Array {
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    parts.push(utf8(`--${boundary}\r\n`));
    if (typeof value === 'string') {
      parts.push(utf8(`Content-Disposition: form-data; name="${name}"\r\n\r\n`), utf8(value), utf8('\r\n'));
    } else {
      parts.push(utf8(`Content-Disposition: form-data; name="${name}"; filename="${value.filename}"\r\n`));
      if (value.type) parts.push(utf8(`Content-Type: ${value.type}\r\n`));
      parts.push(utf8('\r\n'), typeof value.content === 'string' ? utf8(value.content) : Buffer.from(value.content), utf8('\r\n'));
    }
  }
  parts.push(utf8(`--${boundary}--\r\n`));
  return new Uint8Array(Buffer.concat(parts));
}

/** The request's body and Content-Type header. */
export function encode(r: HostileRequest): { body: string | Uint8Array; contentType: string } {
  if (r.encoding === 'raw') return { body: r.raw ?? '', contentType: r.contentType ?? '' };
  if (r.encoding === 'multipart') return { body: multipartBody(r.fields, r.boundary!), contentType: `multipart/form-data; boundary=${r.boundary}` };
  // A file in a urlencoded form is just its text (what a form without enctype would send is its name; either way text).
  const params = new URLSearchParams(r.fields.map(([n, v]) => [n, typeof v === 'string' ? v : typeof v.content === 'string' ? v.content : Buffer.from(v.content).toString('latin1')]));
  return { body: params.toString(), contentType: 'application/x-www-form-urlencoded' };
}

/** The RequestInit of a hostile request, as a same-origin browser would send it (CSRF passes). */
export function requestInit(r: HostileRequest, cookie: string | undefined): RequestInit {
  const { body, contentType } = encode(r);
  const headers: Record<string, string> = { ...r.headers, ...sameOrigin };
  if (contentType) headers['Content-Type'] = contentType;
  if (cookie) headers.Cookie = cookie;
  return { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body) as Uint8Array<ArrayBuffer>, headers };
}
