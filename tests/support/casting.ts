import { randomInt } from 'node:crypto';
import { confirmationFields } from './auth.ts';
import type { Db } from '../../src/platform/db/index.ts';

/**
 * Deputies casting through HTTP, as a browser does, against a server started by server-process.ts,
 * and the bookkeeping crash tests need: which ballot each deputy offered, which receipts came back,
 * and what the database holds afterwards.
 */

export const DEMO_PASSWORD = 'minsheng-demo';
const SESSION = 'minsheng_session';
const REQUEST_TIMEOUT_MS = 20_000;

export interface Voter { username: string; password: string }

/** The address of the server right now: a restarted server listens on another port. */
export interface Target { url: string }

/** A response that did not come back whole (refused, reset, cut off) or said 503: try again later. */
export class Transient extends Error {}

/** A 500: never right, unless a test chooses to count it while it breaks the database on purpose. */
export class ServerError extends Error {}

interface Answer { status: number; location: string | null; cookie: string | undefined; body: string }

/** One request with the server's own Origin; the whole body is read, or Transient is thrown. */
export async function request(t: Target, method: 'GET' | 'POST', path: string, fields?: URLSearchParams | Record<string, string>, cookie?: string): Promise<Answer> {
  let res: Response;
  try {
    res = await fetch(`${t.url}${path}`, {
      method, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      headers: {
        Origin: t.url,
        ...(cookie ? { Cookie: cookie } : {}),
        ...(fields ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(fields ? { body: fields instanceof URLSearchParams ? fields : new URLSearchParams(fields) } : {}),
    });
  } catch (e) {
    throw new Transient(`${method} ${path}: no answer (${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message})`);
  }
  let body: string;
  try {
    body = await res.text();
  } catch (e) {
    throw new Transient(`${method} ${path}: body cut off (${(e as Error).message})`);
  }
  if (res.status === 503) throw new Transient(`${method} ${path}: 503`);
  if (res.status === 500) throw new ServerError(`${method} ${path}: 500`);
  const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${SESSION}=`) && c !== `${SESSION}=`);
  return { status: res.status, location: res.headers.get('location'), cookie: set, body };
}

/** Signs in; returns the session cookie. A wrong password is a failure of the test, not a transient. */
export async function signIn(t: Target, v: Voter): Promise<{ cookie: string; location: string }> {
  const a = await request(t, 'POST', '/login', { username: v.username, password: v.password });
  if (a.status !== 303 || !a.cookie) throw new Error(`sign-in of ${v.username} answered ${a.status}: ${a.body.slice(0, 300)}`);
  return { cookie: a.cookie, location: a.location ?? '' };
}

const MISHU: Voter = { username: 'mishu', password: DEMO_PASSWORD };

/** Retries `fn` while it throws Transient (the database is restarting, a backend was terminated). */
export async function retrying<T>(fn: () => Promise<T>, deadlineMs = 60_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof Transient) || Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export interface Demo {
  voters: Voter[];
  meetingId: number;
  /** A plaintext selection in the 2024 meeting like the demo's (12 options, 10 seats), in draft. */
  electionId: number;
  candidateIds: string[];
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/**
 * Gives every deputy of the demo term an account (the secretariat issues the slips; each deputy signs
 * in with the one-time password and chooses `minsheng-demo`), finds the 2024 meeting and its
 * candidates, and sets up a plaintext selection of them in draft (the demo's own is encrypted). The
 * demo itself has only d001, d002 and jianpiao1–3.
 */
export async function prepareDemo(t: Target): Promise<Demo> {
  const { cookie: mishu } = await retrying(() => signIn(t, MISHU));
  const users = await retrying(() => request(t, 'GET', '/admin/users', undefined, mishu));
  const termId = /action="\/admin\/terms\/(\d+)\/credentials"/.exec(users.body)?.[1];
  if (!termId) throw new Error('no term to issue credentials for on /admin/users');
  const issued = await request(t, 'POST', `/admin/terms/${termId}/credentials`, {}, mishu);
  if (issued.status !== 200) throw new Error(`issuing credentials answered ${issued.status}`);
  const usernames = [...issued.body.matchAll(/class="slip__username"[^>]*>([^<]+)</g)].map((m) => m[1]!);
  const passwords = [...issued.body.matchAll(/class="slip__password"[^>]*>([^<]+)</g)].map((m) => m[1]!);
  // 240 deputies, 5 of whom have demo accounts (d001, d002, jianpiao1–3).
  if (usernames.length !== 235 || passwords.length !== usernames.length) throw new Error(`expected 235 slips, got ${usernames.length}/${passwords.length}`);
  await pool(usernames.map((u, i) => ({ username: u, password: passwords[i]! })), 4, async (slip) => {
    const { cookie, location } = await retrying(() => signIn(t, slip));
    if (location !== '/account/password') throw new Error(`first sign-in of ${slip.username} went to ${location}`);
    const changed = await retrying(() => request(t, 'POST', '/account/password', { current: '', password: DEMO_PASSWORD, confirm: DEMO_PASSWORD }, cookie));
    if (changed.status !== 303) throw new Error(`password change of ${slip.username} answered ${changed.status}`);
  });
  const voters = [...usernames, 'd001', 'd002', 'jianpiao1', 'jianpiao2', 'jianpiao3'].map((username) => ({ username, password: DEMO_PASSWORD }));

  const meetings = JSON.parse((await retrying(() => request(t, 'GET', '/api/meetings'))).body) as { id: string; year: number; elections: { id: string }[] }[];
  const m2024 = meetings.find((m) => m.year === 2024)!;
  const admin = await retrying(() => request(t, 'GET', `/admin/meetings/${m2024.id}`, undefined, mishu));
  const candidateIds = [...admin.body.matchAll(/name="include" value="(\d+)"/g)].map((m) => m[1]!);
  if (candidateIds.length !== 12) throw new Error(`expected 12 candidates, found ${candidateIds.length}`);
  // The demo's own 2024 selection is held in encrypted mode (its ballots are encrypted in the browser):
  // these tests cast plain form posts, so their vote is a plaintext selection like it, made here.
  const demo = { voters, meetingId: Number(m2024.id), electionId: 0, candidateIds };
  return { ...demo, electionId: await createSelection(t, demo, '故障测试票决') };
}

/** A further selection in the 2024 meeting, like the demo's (12 options, 10 seats), in draft. */
export async function createSelection(t: Target, demo: Demo, title: string): Promise<number> {
  const { cookie } = await retrying(() => signIn(t, MISHU));
  // The demo's meeting already holds a selection: a further one says why.
  // In plaintext mode: it opens without a key ceremony.
  const form = new URLSearchParams({ title, marking: 'for-against-abstain', seats: '10', passBase: 'all-deputies', note: '故障测试', ballotMode: 'plaintext' });
  for (const id of demo.candidateIds) form.append('include', id);
  const a = await retrying(() => request(t, 'POST', `/admin/meetings/${demo.meetingId}/elections`, form, cookie));
  const id = /^\/admin\/elections\/(\d+)\?done=election$/.exec(a.location ?? '')?.[1];
  if (a.status !== 303 || !id) throw new Error(`creating a selection answered ${a.status} ${a.location}: ${a.body.slice(0, 300)}`);
  // Its scrutineers: the demo's two.
  const named = await retrying(() => request(t, 'POST', `/admin/elections/${id}/scrutineers`, { scrutineers: 'D011 D012' }, cookie));
  if (named.status !== 303) throw new Error(`naming the scrutineers of ${id} answered ${named.status}: ${named.body.slice(0, 300)}`);
  return Number(id);
}

export async function openElection(t: Target, electionId: number): Promise<void> {
  const { cookie } = await retrying(() => signIn(t, MISHU));
  // Opening is confirmed: the first answer is the confirmation page, whose form is posted back.
  const asked = await retrying(() => request(t, 'POST', `/admin/elections/${electionId}/open`, {}, cookie));
  const fields = confirmationFields(asked.body);
  if (!fields) throw new Error(`opening ${electionId} asked nothing: ${asked.status} ${asked.body.slice(0, 300)}`);
  const a = await retrying(() => request(t, 'POST', `/admin/elections/${electionId}/open`, new URLSearchParams(fields), cookie));
  if (a.status !== 303 || !a.location?.includes('done=opened')) throw new Error(`opening ${electionId} answered ${a.status} ${a.location}`);
}

/** 12 marks F/A/N with at most 10 F (the seats). */
export function randomMarks(): string {
  let forLeft = 10;
  return Array.from({ length: 12 }, () => {
    const letter = 'FAN'[randomInt(3)]!;
    if (letter !== 'F') return letter;
    return forLeft-- > 0 ? 'F' : 'N';
  }).join('');
}

/** One deputy's ballot in one election, across attempts, kills and restarts. */
export interface Entry {
  voter: Voter;
  marks: string;
  /** The tracker the review page offered; kept for every later attempt, as a browser's back button would. */
  tracker?: string;
  /** The MAC the review page issued with it (src/ballots/tracker.ts). */
  trackerMac?: string;
  /** A cast was sent and its answer did not come back whole: it may or may not be in the box. */
  uncertain: boolean;
  receipt?: string;
  /** Signed in, but not checked in at the meeting (the ballot page says so): cannot vote. */
  absent?: boolean;
  attempts: number;
  /** The receipt came after an earlier cast of the same ballot went unanswered. */
  afterUnanswered?: boolean;
  /** After an unanswered cast, the ballot page said the deputy had voted: the cast had been recorded. */
  foundRecorded?: boolean;
}

export interface Ledger {
  electionId: number;
  entries: Entry[];
  /** Anything a correct server never answers (a 409 to a deputy who never got a receipt, a 500, …). */
  problems: string[];
}

export function newLedger(electionId: number, voters: readonly Voter[]): Ledger {
  const entries = voters.map((voter) => ({ voter, marks: randomMarks(), uncertain: false, attempts: 0 }));
  for (let i = entries.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return { electionId, entries, problems: [] };
}

/** Casts whose answer was lost: found recorded (then resubmitted: same receipt) or not (then cast again). */
export function unanswered(ledgers: readonly Ledger[]): { recorded: number; notRecorded: number } {
  const all = ledgers.flatMap((l) => l.entries.filter((e) => e.afterUnanswered));
  return { recorded: all.filter((e) => e.foundRecorded).length, notRecorded: all.filter((e) => !e.foundRecorded).length };
}

export const pending = (l: Ledger) => l.entries.filter((e) => !e.receipt && !e.absent);
export const receipts = (l: Ledger) => l.entries.filter((e) => e.receipt);

function choices(marks: string): Record<string, string> {
  return Object.fromEntries([...marks].map((m, i) => [`choice.c${String(i + 1).padStart(2, '0')}`, m]));
}

/**
 * One attempt by one deputy: sign in, and unless a tracker was offered before, open the ballot and
 * review it; then cast with the offered tracker. Returns true on a receipt (or when the deputy turns
 * out to be absent); throws Transient when an answer did not come back whole or said 503.
 */
async function attempt(t: Target, l: Ledger, e: Entry): Promise<boolean> {
  e.attempts++;
  const { cookie } = await signIn(t, e.voter);
  const path = `/elections/${l.electionId}/ballot`;
  if (!e.tracker) {
    const page = await request(t, 'GET', path, undefined, cookie);
    if (page.status === 403) { e.absent = true; return true; }
    if (page.status !== 200) { l.problems.push(`${e.voter.username}: ballot page ${page.status}${e.uncertain ? ' (after an unanswered cast)' : ''}`); e.absent = true; return true; }
    const review = await request(t, 'POST', `${path}/review`, choices(e.marks), cookie);
    const offered = /name="tracker" value="([^"]+)"/.exec(review.body)?.[1];
    const mac = /name="trackerMac" value="([^"]+)"/.exec(review.body)?.[1];
    if (review.status !== 200 || !offered || !mac) { l.problems.push(`${e.voter.username}: review ${review.status}`); e.absent = true; return true; }
    e.tracker = offered;
    e.trackerMac = mac;
  }
  const wasUncertain = e.uncertain;
  if (wasUncertain) {
    // The last cast went unanswered: the ballot page tells whether it was recorded (409, already
    // voted: then casting the same ballot again must return the same receipt) or not (200).
    const page = await request(t, 'GET', path, undefined, cookie);
    if (page.status === 409) e.foundRecorded = true;
    else if (page.status === 200) e.foundRecorded = false;
    else { l.problems.push(`${e.voter.username}: ballot page ${page.status} after an unanswered cast`); e.absent = true; return true; }
  }
  e.uncertain = true;
  const cast = await request(t, 'POST', path, { ...choices(e.marks), tracker: e.tracker!, trackerMac: e.trackerMac! }, cookie);
  const tracker = /<p class="tracker">([^<]+)<\/p>/.exec(cast.body)?.[1];
  if (cast.status !== 200 || !tracker) {
    // Never right: a deputy who got no receipt either has the offered ballot recorded (then the same
    // tracker and marks are a resubmission) or may still vote.
    l.problems.push(`${e.voter.username}: cast answered ${cast.status}${wasUncertain ? ' after an unanswered cast' : ''}: ${cast.body.replace(/\s+/g, ' ').slice(0, 200)}`);
    e.absent = true;
    return true;
  }
  if (tracker !== e.tracker) l.problems.push(`${e.voter.username}: receipt shows ${tracker}, the review offered ${e.tracker}`);
  e.receipt = tracker;
  e.uncertain = false;
  e.afterUnanswered = wasUncertain;
  return true;
}

export interface BurstOptions {
  concurrency: number;
  /** Called after each receipt with the number of receipts in this burst so far. */
  onReceipt?: (n: number) => void;
  /** True once the server is being killed: workers put their deputy back and stop. */
  stopped?: () => boolean;
  /** Pause after a transient failure while the server stays up (database restarting). */
  backoffMs?: number;
  /** Only this many of the deputies without a receipt (the first ones in the ledger's order). */
  take?: number;
  /** Count a 500 like a 503 (and try again) instead of failing: see the test that sets it. */
  tolerate500?: boolean;
}

export interface BurstResult { receipts: number; transient: number; serverErrors: number; transientSamples: string[] }

/**
 * Deputies without a receipt cast concurrently until each has one (or is absent), or until the
 * server is stopped. A deputy is handled by one worker at a time.
 */
export async function burst(t: Target, l: Ledger, o: BurstOptions): Promise<BurstResult> {
  const queue = pending(l).slice(0, o.take);
  const result: BurstResult = { receipts: 0, transient: 0, serverErrors: 0, transientSamples: [] };
  await Promise.all(Array.from({ length: o.concurrency }, async () => {
    for (;;) {
      if (o.stopped?.()) return;
      const e = queue.shift();
      if (!e) return;
      try {
        await attempt(t, l, e);
        if (e.receipt) {
          result.receipts++;
          o.onReceipt?.(result.receipts);
        }
      } catch (err) {
        if (err instanceof ServerError && o.tolerate500) result.serverErrors++;
        else if (!(err instanceof Transient)) throw err;
        result.transient++;
        if (result.transientSamples.length < 5) result.transientSamples.push(err.message);
        queue.push(e);
        if (o.stopped?.()) return;
        if (o.backoffMs) await new Promise((r) => setTimeout(r, o.backoffMs));
      }
    }
  }));
  return result;
}

export interface BoxCheck {
  ballots: number;
  electronicRoll: number;
  receipts: number;
  /** Ballots in the box whose cast went unanswered (no receipt yet), by tracker. */
  unacknowledged: string[];
}

/**
 * What the database holds against what the clients saw, per election: every receipt's tracker is in
 * the ballot box with the marks the deputy chose; ballots in the box = roll rows marked electronic
 * (one roll row per deputy: no deputy has two ballots); every ballot without a receipt is the offered
 * ballot of a deputy whose cast went unanswered (nothing appears from nowhere).
 */
export async function checkBox(db: Db, ledgers: readonly Ledger[]): Promise<BoxCheck> {
  const total: BoxCheck = { ballots: 0, electronicRoll: 0, receipts: 0, unacknowledged: [] };
  const problems: string[] = [];
  for (const l of ledgers) {
    const box = new Map((await db.selectFrom('ballots').select(['tracker', 'marks', 'channel'])
      .where('election_id', '=', l.electionId).execute()).map((b) => [b.tracker, b]));
    const { n: roll } = await db.selectFrom('roll').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('election_id', '=', l.electionId).where('channel', '=', 'electronic').executeTakeFirstOrThrow();
    const byTracker = new Map(l.entries.filter((e) => e.tracker).map((e) => [e.tracker!, e]));
    let got = 0;
    for (const e of l.entries) {
      if (!e.receipt) continue;
      got++;
      const b = box.get(e.receipt);
      if (!b) problems.push(`election ${l.electionId}: ${e.voter.username}'s receipt ${e.receipt} is not in the ballot box`);
      else if (b.marks !== e.marks) problems.push(`election ${l.electionId}: ${e.receipt} holds ${b.marks}, ${e.voter.username} chose ${e.marks}`);
    }
    for (const [tracker, b] of box) {
      if (b.channel !== 'electronic') problems.push(`election ${l.electionId}: a ${b.channel} ballot`);
      const e = byTracker.get(tracker);
      if (e?.receipt === tracker) continue;
      if (e && e.uncertain && e.marks === b.marks) { total.unacknowledged.push(tracker); continue; }
      problems.push(`election ${l.electionId}: ballot ${tracker} (${b.marks}) belongs to no unanswered cast`);
    }
    if (box.size !== roll) problems.push(`election ${l.electionId}: ${box.size} ballots in the box but ${roll} roll rows marked electronic`);
    total.ballots += box.size;
    total.electronicRoll += roll;
    total.receipts += got;
  }
  if (problems.length) throw new Error(`the ballot box disagrees with the receipts:\n${problems.join('\n')}`);
  return total;
}

/** Every given receipt answers 200 on the public tracker API (a few requests at a time). */
export async function checkTrackersOnline(t: Target, entries: readonly Entry[]): Promise<void> {
  const missing: string[] = [];
  await pool(entries, 8, async (e) => {
    const a = await retrying(() => request(t, 'GET', `/api/trackers/${e.receipt}`));
    if (a.status !== 200) missing.push(`${e.receipt} (${e.voter.username}): ${a.status}`);
  });
  if (missing.length) throw new Error(`receipts not found by /api/trackers:\n${missing.join('\n')}`);
}
