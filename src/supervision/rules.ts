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
  /** From one client address. */
  perAddress: { max: 5, windowMs: 10 * 60_000 },
  /** On one project, from everyone. */
  perProject: { max: 200, windowMs: DAY_MS },
} as const satisfies Record<string, Limit>;

/**
 * Seconds until one more is allowed under the limit, given the times of the earlier ones: 0 when
 * one more is allowed now. The oldest within the window has to leave it first.
 */
export function retryAfterSeconds(times: readonly Date[], now: Date, limit: Limit): number {
  const since = now.getTime() - limit.windowMs;
  const inWindow = times.map((d) => d.getTime()).filter((t) => t > since).sort((a, b) => a - b);
  if (inWindow.length < limit.max) return 0;
  const leaves = inWindow[inWindow.length - limit.max]! + limit.windowMs;
  return Math.max(1, Math.ceil((leaves - now.getTime()) / 1000));
}

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
