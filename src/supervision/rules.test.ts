import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays, daysBetween, defaultReplyDue, isNoteOverdue, addressBucket, OPINION_LIMITS, opinionInput, type OverdueNote, overdueList, type OverdueProject, personalDataHints, retryAfterSeconds, windowStart,
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

  it('allow twenty from an address in a ten-minute window (a town hall behind one NAT), and say when the window ends', () => {
    expect(OPINION_LIMITS).toEqual({ perAddress: { max: 20, windowMs: 600_000 } });
    expect(retryAfterSeconds(19, now, OPINION_LIMITS.perAddress)).toBe(0);
    // 02:00:00 starts a window: it ends ten minutes later.
    expect(retryAfterSeconds(20, now, OPINION_LIMITS.perAddress)).toBe(600);
    expect(retryAfterSeconds(20, new Date('2024-01-15T02:09:30Z'), OPINION_LIMITS.perAddress)).toBe(30);
    expect(windowStart(new Date('2024-01-15T02:09:59.999Z'), OPINION_LIMITS.perAddress)).toEqual(now);
  });

  it('never make anyone wait longer than the window, nor at all below the limit', () => {
    const limit = OPINION_LIMITS.perAddress;
    fc.assert(fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 86_400_000 }), (count, offset) => {
      const at = new Date(now.getTime() + offset);
      const wait = retryAfterSeconds(count, at, limit);
      if (count < limit.max) expect(wait).toBe(0);
      else {
        expect(wait).toBeGreaterThan(0);
        expect(wait).toBeLessThanOrEqual(limit.windowMs / 1000);
        // After waiting, it is another window.
        expect(windowStart(new Date(at.getTime() + wait * 1000), limit).getTime()).toBeGreaterThan(windowStart(at, limit).getTime());
      }
    }));
  });

  it('count an IPv4 address as it is, an IPv6 address by its /64, and an IPv4-mapped one as IPv4', () => {
    expect(addressBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:0DB8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8:1:2::1%eth0')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('::ffff:cb00:7107')).toBe('203.0.113.7');
    expect(addressBucket('unknown')).toBe('unknown');
    // Every address of one /64 is one bucket.
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 4, maxLength: 4 }), (low) => {
      expect(addressBucket(`2001:db8:aa:bb:${low.map((x) => x.toString(16)).join(':')}`)).toBe('2001:db8:aa:bb::/64');
    }));
  });

  it('see mobile numbers, landlines, ID numbers and e-mail addresses in an opinion, and nothing in plain text', () => {
    expect(personalDataHints('希望延长托管时间，谢谢。')).toEqual([]);
    expect(personalDataHints('请联系我13812345678')).toEqual(['mobile']);
    expect(personalDataHints('电话 138-1234-5678')).toEqual(['mobile']);
    expect(personalDataHints('电话１３８１２３４５６７８')).toEqual(['mobile']);
    expect(personalDataHints('座机0571-88886666')).toEqual(['landline']);
    expect(personalDataHints('座机(010)12345678')).toEqual(['landline']);
    expect(personalDataHints('身份证33010219900101123X')).toEqual(['id-number']);
    expect(personalDataHints('邮箱 zhang.san+1@example.com.cn')).toEqual(['email']);
    // Amounts, years and long numbers that are none of these.
    expect(personalDataHints('2024年投资500万元，新增学位1200个，编号12345678901234567890123')).toEqual([]);
  });

  it('take an opinion of at most 2,000 characters', () => {
    expect(opinionInput.safeParse({ body: '好'.repeat(2000) }).success).toBe(true);
    expect(opinionInput.safeParse({ body: '好'.repeat(2001) }).success).toBe(false);
    expect(opinionInput.safeParse({ body: ' \n ' }).success).toBe(false);
  });
});
