import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays, daysBetween, defaultReplyDue, isNoteOverdue, OPINION_LIMITS, opinionInput, type OverdueNote, overdueList, type OverdueProject, retryAfterSeconds,
} from './rules.ts';

const day = fc.integer({ min: Date.UTC(2020, 0, 1) / 86_400_000, max: Date.UTC(2030, 11, 31) / 86_400_000 })
  .map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10));

const project = (over: Partial<OverdueProject> = {}): OverdueProject => ({
  id: 1, title: '学前教育扩容提质', department: { id: 7, name: '教育局' },
  plan: { schedule: 'quarterly', startsOn: '2023-03-01', deadline: '2023-12-31', milestones: [
    { key: 'm1', title: '完成设计', due: '2023-05-31', weight: 1, subItem: null },
    { key: 'm2', title: '竣工验收', due: '2023-12-20', weight: 3, subItem: null },
  ] },
  reportedPeriods: new Set(), milestonesDone: new Set(), finished: false, ...over,
});

describe('reply due dates', () => {
  it('are thirty days after filing, across months and leap years', () => {
    expect(defaultReplyDue('2024-01-15')).toBe('2024-02-14');
    expect(defaultReplyDue('2024-02-01')).toBe('2024-03-02');
    expect(defaultReplyDue('2023-12-15')).toBe('2024-01-14');
  });

  it('make a note overdue only the day after, and never once it is answered', () => {
    fc.assert(fc.property(day, day, fc.boolean(), (due, today, replied) => {
      expect(isNoteOverdue({ replyDue: due, replied }, today)).toBe(!replied && daysBetween(due, today) >= 1);
    }));
  });

  it('count days both ways', () => {
    fc.assert(fc.property(day, fc.integer({ min: -4000, max: 4000 }), (d, n) => {
      expect(daysBetween(d, addDays(d, n))).toBe(n);
    }));
  });
});

describe('the overdue list', () => {
  it('names late reports, overdue milestones and unanswered notes, with project, department and how late', () => {
    const notes: OverdueNote[] = [
      { id: 5, projectId: 1, deputyName: '王代表', replyDue: '2023-07-01', replied: false },
      { id: 6, projectId: 1, deputyName: '李代表', replyDue: '2023-07-01', replied: true },
    ];
    const list = overdueList([project({ reportedPeriods: new Set(['2023-Q1']) })], notes, '2023-07-15');
    expect(list).toEqual([
      { kind: 'milestone', project: { id: 1, title: '学前教育扩容提质', department: { id: 7, name: '教育局' } }, milestone: '完成设计', dueOn: '2023-05-31', daysLate: 45 },
      { kind: 'note', project: expect.objectContaining({ id: 1 }), noteId: 5, deputyName: '王代表', dueOn: '2023-07-01', daysLate: 14 },
      { kind: 'report', project: expect.objectContaining({ id: 1 }), period: '2023-Q2', dueOn: '2023-07-10', daysLate: 5 },
    ]);
  });

  it('has nothing for a project without an approved plan but its notes, and nothing once the final report is approved', () => {
    expect(overdueList([project({ plan: null })], [], '2024-06-01')).toEqual([]);
    expect(overdueList([project({ finished: true })], [], '2024-06-01')).toEqual([]);
  });

  const facts = fc.record({
    reported: fc.subarray(['2023-Q1', '2023-Q2', '2023-Q3', '2023-Q4']),
    done: fc.subarray(['m1', 'm2']),
    notes: fc.array(fc.record({ replyDue: day, replied: fc.boolean() }), { maxLength: 4 }),
  });
  const build = (f: { reported: string[]; done: string[]; notes: { replyDue: string; replied: boolean }[] }) => ({
    projects: [project({ reportedPeriods: new Set(f.reported), milestonesDone: new Set(f.done) })],
    notes: f.notes.map((n, i) => ({ id: i + 1, projectId: 1, deputyName: '代表', ...n })),
  });

  it('lists only what is past due, each at least a day late, latest first', () => {
    fc.assert(fc.property(facts, day, (f, today) => {
      const { projects, notes } = build(f);
      const list = overdueList(projects, notes, today);
      for (const item of list) {
        expect(item.dueOn < today).toBe(true);
        expect(item.daysLate).toBe(daysBetween(item.dueOn, today));
        expect(item.daysLate).toBeGreaterThanOrEqual(1);
      }
      for (let i = 1; i < list.length; i++) expect(list[i - 1]!.daysLate).toBeGreaterThanOrEqual(list[i]!.daysLate);
    }));
  });

  it('only grows as the days pass (nothing is forgiven by waiting), and each item grows later', () => {
    fc.assert(fc.property(facts, day, fc.integer({ min: 0, max: 400 }), (f, today, wait) => {
      const { projects, notes } = build(f);
      const key = (i: ReturnType<typeof overdueList>[number]) => `${i.kind}/${i.dueOn}/${i.kind === 'report' ? i.period : i.kind === 'note' ? i.noteId : i.milestone}`;
      const now = new Map(overdueList(projects, notes, today).map((i) => [key(i), i.daysLate]));
      const later = new Map(overdueList(projects, notes, addDays(today, wait)).map((i) => [key(i), i.daysLate]));
      for (const [k, late] of now) expect(later.get(k)).toBe(late + wait);
    }));
  });

  it('loses an item when it is done: a report submitted, a milestone done, a note answered', () => {
    fc.assert(fc.property(facts, day, (f, today) => {
      const all = { reported: ['2023-Q1', '2023-Q2', '2023-Q3', '2023-Q4'], done: ['m1', 'm2'], notes: f.notes.map((n) => ({ ...n, replied: true })) };
      const completed = build(all);
      expect(overdueList(completed.projects, completed.notes, today)).toEqual([]);
    }));
  });
});

describe('the limits on citizens\' opinions', () => {
  const now = new Date('2024-01-15T02:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('allow five from an address in ten minutes, and say when the sixth may come', () => {
    const four = [1, 2, 3, 4].map((m) => ago(m * 60_000));
    expect(retryAfterSeconds(four, now, OPINION_LIMITS.perAddress)).toBe(0);
    const five = [...four, ago(9 * 60_000)];
    // The oldest (nine minutes ago) leaves the window in one minute.
    expect(retryAfterSeconds(five, now, OPINION_LIMITS.perAddress)).toBe(60);
    expect(retryAfterSeconds(five.map((d) => new Date(d.getTime() - 10 * 60_000)), now, OPINION_LIMITS.perAddress)).toBe(0);
  });

  it('never make anyone wait longer than the window, nor at all below the limit', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 2 * 86_400_000 }), { maxLength: 250 }), fc.constantFrom(OPINION_LIMITS.perAddress, OPINION_LIMITS.perProject), (agos, limit) => {
      const wait = retryAfterSeconds(agos.map(ago), now, limit);
      const inWindow = agos.filter((a) => a < limit.windowMs).length;
      if (inWindow < limit.max) expect(wait).toBe(0);
      else {
        expect(wait).toBeGreaterThan(0);
        expect(wait).toBeLessThanOrEqual(Math.ceil(limit.windowMs / 1000));
        // After waiting, one more is allowed.
        const after = new Date(now.getTime() + wait * 1000);
        expect(retryAfterSeconds(agos.map(ago), after, limit)).toBe(0);
      }
    }));
  });

  it('take an opinion of at most 2,000 characters', () => {
    expect(opinionInput.safeParse({ body: '好'.repeat(2000) }).success).toBe(true);
    expect(opinionInput.safeParse({ body: '好'.repeat(2001) }).success).toBe(false);
    expect(opinionInput.safeParse({ body: ' \n ' }).success).toBe(false);
  });
});
