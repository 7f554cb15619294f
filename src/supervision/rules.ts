import { z } from 'zod';
import type { PlanMilestone } from '../domain/tables.ts';
import type { Schedule } from '../domain/vocabulary.ts';
import { isoDate, requiredText } from '../platform/validation.ts';
import { lateReports, overdueMilestones, reportingPeriods } from '../projects/progress.ts';

/**
 * Supervision of the tracked projects, pure: deputies' inspection notes (视察意见) and their reply
 * due dates, citizens' opinions (群众意见) and their limits, and the overdue list the secretariat and
 * the standing committee read (late reports, overdue milestones, unanswered notes).
 */

/** Days a department has to reply to a deputy's note unless the secretariat sets another date. */
export const NOTE_REPLY_DAYS = 30;

export const noteInput = z.object({ body: requiredText(5000) });
export const replyInput = z.object({ reply: requiredText(5000) });
export const dueInput = z.object({ due: isoDate });
export const opinionInput = z.object({ body: requiredText(2000) });

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The calendar day `days` after `date` (both 'YYYY-MM-DD'). */
export function addDays(date: string, days: number): string {
  return isoDay(dayNumber(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** The reply due date of a note filed on `filedOn`: thirty days later. */
export function defaultReplyDue(filedOn: string): string {
  return addDays(filedOn, NOTE_REPLY_DAYS);
}

/** A note is overdue once its due date has passed with no reply (due on the 10th: overdue on the 11th). */
export function isNoteOverdue(note: { replyDue: string; replied: boolean }, today: string): boolean {
  return !note.replied && note.replyDue < today;
}

// ---------------------------------------------------------------------------------------------
// Citizens' opinions: generous limits, so that a town hall's shared address is not locked out.

export interface Limit { max: number; windowMs: number }
export const OPINION_LIMITS = {
  /**
   * From one client address (an IPv4 address, or an IPv6 /64: `addressBucket`), counted in fixed
   * ten-minute windows. Twenty, not five: a town hall, a school or a village committee sends every
   * resident through one NAT address, and a public hearing there may well produce a dozen opinions
   * in ten minutes; a flood from one address is still bounded (at most 2 × 20 across a window's
   * edge, about 120 an hour), and the secretariat rejects a project's pending opinions at once.
   * There is deliberately no cap per project: it would let forty addresses lock every citizen out
   * of a project for a day.
   */
  perAddress: { max: 20, windowMs: 10 * 60_000 },
} as const satisfies Record<string, Limit>;

/** The start of the fixed window `now` falls in: what an attempt is stored with, never its exact time. */
export function windowStart(now: Date, limit: Limit): Date {
  return new Date(Math.floor(now.getTime() / limit.windowMs) * limit.windowMs);
}

/**
 * Seconds until one more is allowed, given how many were counted in the window `now` falls in: 0
 * when one more is allowed now, else until the window ends (at least 1).
 */
export function retryAfterSeconds(countInWindow: number, now: Date, limit: Limit): number {
  if (countInWindow < limit.max) return 0;
  const ends = windowStart(now, limit).getTime() + limit.windowMs;
  return Math.max(1, Math.ceil((ends - now.getTime()) / 1000));
}

/** The eight 16-bit groups of an IPv6 address (zone dropped, embedded IPv4 read), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  let a = address.toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v4 = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  if (v4) {
    const b = v4.slice(2, 6).map(Number);
    if (b.some((x) => x > 255)) return undefined;
    a = `${v4[1]}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const halves = a.split('::');
  if (halves.length > 2) return undefined;
  const part = (s: string) => (s === '' ? [] : s.split(':'));
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => parseInt(g, 16));
}

/**
 * What the per-address limit counts by: an IPv4 address as it is; an IPv6 address by its /64 (one
 * household or one customer is given a whole /64, so a full IPv6 address would be a new "address"
 * at every request); an IPv4-mapped IPv6 address (::ffff:a.b.c.d) as its IPv4 address. Anything
 * else (no address known) as it is.
 */
export function addressBucket(address: string): string {
  const trimmed = address.trim();
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(trimmed)) return trimmed;
  const g = ipv6Groups(trimmed);
  if (!g) return trimmed.toLowerCase();
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255].join('.');
  return `${g.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64`;
}

/** What in an opinion looks like personal data: the secretariat is warned before making it public. */
export type PersonalDataHint = 'mobile' | 'landline' | 'id-number' | 'email';
export const PERSONAL_DATA_HINTS = ['mobile', 'landline', 'id-number', 'email'] as const satisfies readonly PersonalDataHint[];

const HINT_PATTERNS: Record<PersonalDataHint, RegExp> = {
  // A mainland mobile number: 1[3-9] and nine digits, maybe grouped 3-4-4 by spaces or dashes.
  mobile: /(?<!\d)1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)/,
  // A landline: an area code 0xx or 0xxx (maybe in brackets), then 7 or 8 digits.
  landline: /(?<!\d)(?:\(0\d{2,3}\)|0\d{2,3})[ -]?\d{7,8}(?!\d)/,
  // A resident ID number: 17 digits and a check digit or X.
  'id-number': /(?<!\d)\d{17}[\dXx](?![\dXx])/,
  email: /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/,
};

/**
 * The kinds of personal data a text seems to hold (full-width digits and signs read as ASCII):
 * mainland mobile numbers, landlines, ID numbers, e-mail addresses. A hint, not a proof: it decides
 * nothing, it warns.
 */
export function personalDataHints(text: string): PersonalDataHint[] {
  const normalized = text.normalize('NFKC');
  return PERSONAL_DATA_HINTS.filter((k) => HINT_PATTERNS[k].test(normalized));
}

/** Rejected opinions' texts are deleted this many days after the decision. */
export const REJECTED_OPINION_DAYS = 30;

// ---------------------------------------------------------------------------------------------
// The overdue list

/** A project as the overdue list reads it: its approved plan (if any) and what has been reported and done. */
export interface OverdueProject {
  id: number;
  title: string;
  department: { id: number; name: string };
  plan: { schedule: Schedule; startsOn: string; deadline: string; milestones: readonly PlanMilestone[] } | null;
  /** Periods with a submitted or approved report. */
  reportedPeriods: ReadonlySet<string>;
  /** Milestone keys done by standing approved reports. */
  milestonesDone: ReadonlySet<string>;
  /** Its final report is approved: nothing more is due. */
  finished: boolean;
}

export interface OverdueNote {
  id: number;
  projectId: number;
  deputyName: string;
  replyDue: string;
  replied: boolean;
}

interface OverdueBase {
  project: { id: number; title: string; department: { id: number; name: string } };
  dueOn: string;
  /** Whole days past the due date, at least 1. */
  daysLate: number;
}
export type OverdueItem =
  | OverdueBase & { kind: 'report'; period: string }
  | OverdueBase & { kind: 'milestone'; milestone: string }
  | OverdueBase & { kind: 'note'; noteId: number; deputyName: string };

export const OVERDUE_KINDS = ['report', 'milestone', 'note'] as const;

/**
 * Everything overdue on `today`: reports of periods due without a submitted or approved report,
 * milestones past due and not done, notes past their reply date without a reply. The latest first
 * (most days late), then by project and kind.
 */
export function overdueList(projects: readonly OverdueProject[], notes: readonly OverdueNote[], today: string): OverdueItem[] {
  const items: OverdueItem[] = [];
  const byId = new Map(projects.map((p) => [p.id, p]));
  const of = (p: OverdueProject) => ({ id: p.id, title: p.title, department: p.department });
  const late = (dueOn: string) => daysBetween(dueOn, today);
  for (const p of projects) {
    if (!p.plan) continue;
    const periods = reportingPeriods(p.plan.schedule, p.plan.startsOn, p.plan.deadline);
    for (const r of lateReports(periods, p.reportedPeriods, today, p.finished)) {
      items.push({ kind: 'report', project: of(p), period: r.period, dueOn: r.dueOn, daysLate: late(r.dueOn) });
    }
    if (p.finished) continue;
    for (const m of overdueMilestones(p.plan, p.milestonesDone, today)) {
      items.push({ kind: 'milestone', project: of(p), milestone: m.title, dueOn: m.due, daysLate: late(m.due) });
    }
  }
  for (const n of notes) {
    const p = byId.get(n.projectId);
    if (!p || !isNoteOverdue(n, today)) continue;
    items.push({ kind: 'note', project: of(p), noteId: n.id, deputyName: n.deputyName, dueOn: n.replyDue, daysLate: late(n.replyDue) });
  }
  const kindOrder = (k: OverdueItem['kind']) => OVERDUE_KINDS.indexOf(k);
  return items.sort((a, b) => b.daysLate - a.daysLate || a.project.id - b.project.id || kindOrder(a.kind) - kindOrder(b.kind) || a.dueOn.localeCompare(b.dueOn));
}
