import { sql } from 'kysely';
import { randomInt } from 'node:crypto';
import type { Acting, Actor } from '../platform/acting.ts';
import { castBallot } from '../ballots/store.ts';
import { fixedClock } from '../platform/time.ts';
import type { SigningConfig } from '../keys/signing.ts';
import { certifyElection, publishElection, sealElection } from '../counting/store.ts';
import type { Db } from '../platform/db/index.ts';
import { optionKey } from '../elections/rules.ts';
import { closeElection, createElection, openElection } from '../elections/store.ts';
import { recordAttendance } from '../meetings/store.ts';
import { commitPaper, issuePaper, keyPaperBallot, recordReturned } from '../paper/store.ts';
import { mulberry32 } from './deputies.ts';

/**
 * The demo's past: the 2023 meeting's vote (第二次会议, 12 candidates for 10 seats), cast by every
 * deputy present through the casting service, a few on paper, then closed, sealed, certified by the
 * two demo scrutineers and published, signed with the installation's key. Every step goes through
 * the functions the app's routes call, at the times of a plausible session (Beijing time), so the
 * record, the roll and the audit log read like the real thing. The marks are invented: drawn from a
 * seeded PRNG and a per-candidate popularity, so the counts are the same on every machine; but which
 * deputy casts which of those ballots, and in what order, is drawn with crypto randomness at seeding
 * time, so that not even the source code links a demo deputy to a ballot (the trackers are random too).
 */

export const DEMO_2023_TITLE = '2023年民生实事项目票决';

/** When the term, roster, accounts and the 2023 meeting were set up (before the session). */
export const DEMO_SETUP_AT = '2023-01-03T09:00:00+08:00';

/** The session's timetable, Beijing time. */
const AT = {
  created: '2023-01-10T16:00:00+08:00', // the presidium fixed the voting rules
  attendance: '2023-01-11T09:00:00+08:00',
  opened: '2023-01-11T09:30:00+08:00',
  paperIssued: '2023-01-11T09:32:00+08:00',
  closed: '2023-01-11T10:00:00+08:00',
  paperReturned: '2023-01-11T10:02:00+08:00',
  paperKeyed: '2023-01-11T10:03:00+08:00',
  paperCommitted: '2023-01-11T10:08:00+08:00',
  sealed: '2023-01-11T10:10:00+08:00',
  certified: '2023-01-11T10:18:00+08:00',
  published: '2023-01-11T10:30:00+08:00',
} as const;

const SEATS = 10;

/** Deputies on leave that morning (请假): 9 of 240, so 231 present (2024: 228). */
const isAbsent = (rosterIndex: number) => rosterIndex % 26 === 13;

/** Deputies who asked for a paper ballot; one of the three paper ballots marks more 赞成 than seats (作废). */
const PAPER_DEPUTIES = ['D057', 'D163', 'D208'] as const;

/**
 * How likely a deputy is to mark each candidate 赞成 (by name): ten well supported, two not. The
 * spread keeps the ten chosen apart in the count (no tie), as real published counts usually are.
 */
const POPULARITY: Readonly<Record<string, number>> = {
  学前教育扩容提质: 0.97,
  普惠托育扩容: 0.86,
  公共场所无障碍改造: 0.36,
  老旧小区改造提升: 0.9,
  农村公路提升: 0.93,
  山塘水库系统治理: 0.83,
  '15分钟品质文化生活圈': 0.8,
  妇女儿童医院和健康产业中心建设: 0.91,
  城市智慧停车: 0.28,
  '居家养老与“浙里康养”': 0.95,
  生活垃圾分类收运: 0.77,
  饮用水水源地保护: 0.88,
};
/** Of the marks that are not 赞成, the share of 反对 (the rest are 弃权). */
const AGAINST_SHARE = 0.3;

/**
 * `count` valid for-against-abstain ballots over candidates of the given popularity, in ballot
 * order: each candidate is 赞成 with its popularity, else 反对 or 弃权; a deputy who would mark more
 * than `seats` 赞成 abstains on the least popular of them instead, as the ballot requires.
 */
export function demoMarks(popularity: readonly number[], count: number, seats: number, rnd: () => number): string[] {
  const leastPopularFirst = popularity.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
  const ballots: string[] = [];
  for (let b = 0; b < count; b++) {
    const marks = popularity.map((p) => {
      const u = rnd();
      return u < p ? 'F' : u < p + (1 - p) * AGAINST_SHARE ? 'A' : 'N';
    });
    let excess = marks.filter((m) => m === 'F').length - seats;
    for (const i of leastPopularFirst) {
      if (excess <= 0) break;
      if (marks[i] === 'F') {
        marks[i] = 'N';
        excess--;
      }
    }
    ballots.push(marks.join(''));
  }
  return ballots;
}

/** A uniformly random order (Fisher–Yates with the operating system's randomness). */
function secretShuffle<T>(xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export interface HistoryInput {
  termId: number;
  meetingId: number;
  signing: SigningConfig;
}

/**
 * Runs the 2023 vote from draft to published. The staff accounts (mishu, jianpiao1, jianpiao2) must
 * exist. Returns the election's id.
 */
export async function seedVote2023(db: Db, input: HistoryInput): Promise<number> {
  const clock = fixedClock(AT.created);
  const staff = new Map((await db.selectFrom('users').select(['id', 'username', 'display_name', 'deputy_id'])
    .select((eb) => eb.selectFrom('user_roles').whereRef('user_roles.user_id', '=', 'users.id').select(sql<string[]>`array_agg(role)`.as('r')).as('roles'))
    .where('username', 'in', ['mishu', 'jianpiao1', 'jianpiao2', 'jipiao1', 'jipiao2']).execute()).map((u) => [u.username, u]));
  const user = (username: string) => {
    const u = staff.get(username);
    if (!u) throw new Error(`the demo's 2023 vote needs the ${username} account`);
    return u;
  };
  // As the routes do: the actor is the signed-in user, named by username, acting in their roles.
  const as = (username: string): Acting => ({ clock, actor: { userId: user(username).id, name: username, roles: user(username).roles ?? [] } satisfies Actor });
  const secretariat = as('mishu');

  const candidates = await db.selectFrom('candidates').select(['id', 'name', 'ballot_order'])
    .where('meeting_id', '=', input.meetingId).orderBy('ballot_order').execute();
  const roster = await db.selectFrom('deputies').select(['id', 'code']).where('term_id', '=', input.termId).orderBy('code').execute();
  // The scrutineers are the deputies of the two scrutineer accounts, named before the vote opens.
  const scrutineers = ['jianpiao1', 'jianpiao2'].map((u) => user(u).deputy_id!);
  const election = await createElection(db, secretariat, {
    meetingId: input.meetingId, kind: 'selection', title: DEMO_2023_TITLE, marking: 'for-against-abstain', seats: SEATS, passBase: 'all-deputies',
    options: candidates.map((c) => ({ key: optionKey(c.ballot_order), title: c.name, candidateId: c.id })),
    scrutineers,
  });

  const present = roster.filter((_, i) => !isAbsent(i));
  clock.set(AT.attendance);
  await recordAttendance(db, secretariat, input.meetingId, present.map((d) => d.id), true);

  clock.set(AT.opened);
  await openElection(db, secretariat, election.id);

  const rnd = mulberry32(230111);
  const popularity = candidates.map((c) => {
    const p = POPULARITY[c.name];
    if (p === undefined) throw new Error(`no demo popularity for candidate ${c.name}`);
    return p;
  });
  const paperCodes = new Set<string>(PAPER_DEPUTIES);
  // The deputies come to the tablets in a secret random order, each casting the next of the ballots.
  const electronic = secretShuffle(present.filter((d) => !paperCodes.has(d.code)));
  const marks = demoMarks(popularity, electronic.length + PAPER_DEPUTIES.length - 1, SEATS, rnd);
  const paperMarks = secretShuffle([...marks.slice(electronic.length), 'F'.repeat(SEATS + 1).padEnd(candidates.length, 'N')]);

  // Deputies vote from the tablets over about twenty minutes, in no particular order.
  clock.set(AT.opened);
  let paperIssued = false;
  for (const [i, deputy] of electronic.entries()) {
    clock.advance(2_000 + Math.floor(rnd() * 7_000));
    if (!paperIssued && clock.now() >= new Date(AT.paperIssued)) {
      await issuePaper(db, secretariat, election.id, PAPER_DEPUTIES);
      paperIssued = true;
    }
    const r = await castBallot(db, clock, { electionId: election.id, deputyId: deputy.id, marks: marks[i]! });
    if (r.status !== 'cast') throw new Error(`demo ballot refused: ${r.status === 'refused' ? r.reason : r.status}`);
  }
  if (!paperIssued) await issuePaper(db, secretariat, election.id, PAPER_DEPUTIES);

  clock.set(AT.closed);
  await closeElection(db, secretariat, election.id);
  clock.set(AT.paperReturned);
  await recordReturned(db, secretariat, election.id, paperMarks.length);
  // Two clerks key every returned paper ballot independently; they agree.
  clock.set(AT.paperKeyed);
  for (const clerk of ['jipiao1', 'jipiao2']) {
    for (const [i, m] of paperMarks.entries()) {
      clock.advance(30_000);
      await keyPaperBallot(db, as(clerk), election.id, { seq: i + 1, marks: m, invalid: null });
    }
  }
  clock.set(AT.paperCommitted);
  await commitPaper(db, secretariat, election.id);

  clock.set(AT.sealed);
  const { digest } = await sealElection(db, secretariat, election.id);
  clock.set(AT.certified);
  for (const username of ['jianpiao1', 'jianpiao2']) {
    const u = user(username);
    await certifyElection(db, as(username), election.id, { userId: u.id, name: u.display_name }, digest);
    clock.advance(60_000);
  }
  clock.set(AT.published);
  await publishElection(db, secretariat, election.id, input.signing);
  return election.id;
}
