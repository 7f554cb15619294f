import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overdueNow } from '../src/supervision/store.ts';
import { testEngines } from './support/databases.ts';
import { accountIn, cookieOf, getAs, postAs, projectsLedBy } from './support/supervision.ts';
import { openTrackedDemo, type TrackedDemo } from './support/tracking.ts';

describe.each(testEngines())('the secretariat\'s tracking console and the overdue list on $name', (engine) => {
  let demo: TrackedDemo;
  let education: number;
  let health: number;

  beforeAll(async () => {
    demo = await openTrackedDemo(engine);
    education = (await projectsLedBy(demo, '教育局'))[0]!;
    health = (await projectsLedBy(demo, '卫生健康局'))[0]!;
    const { db } = demo.database;
    const at = new Date('2023-02-20T02:00:00Z');
    // The columns the plans' and reports' own stores fill; these tests set only what the overdue list reads.
    const planned = { reason: null, location: null, co_department_ids: [], drafted_by: null, decided_by: null, return_comment: null };
    const reported = { corrects_id: null, plan_revision: 1, drafted_by: null, decided_by: null, decided_by_name: null, return_comment: null };
    // 教育局's approved plan: quarterly reports from March, two milestones. 卫生健康局's plan waits for review.
    await db.insertInto('project_plans').values({
      ...planned, project_id: education, revision: 1, state: 'approved', total_investment_fen: 100_000_000, annual_investment_fen: 60_000_000,
      starts_on: '2023-03-01', deadline: '2024-06-30', lead_official: '副县长 某', schedule: 'quarterly',
      milestones: JSON.stringify([
        { key: 'm1', title: '完成设计招标', due: '2023-05-31', weight: 1, subItem: null },
        { key: 'm2', title: '主体完工', due: '2024-03-31', weight: 3, subItem: null },
      ]),
      drafted_at: at, submitted_at: at, decided_at: at, decided_by_name: 'mishu',
    }).execute();
    await db.insertInto('project_plans').values({
      ...planned, project_id: health, revision: 1, state: 'submitted', total_investment_fen: 1, annual_investment_fen: 1, starts_on: null, deadline: '2023-12-31',
      lead_official: '副县长 某', schedule: 'monthly', drafted_at: at, submitted_at: at, decided_at: null, decided_by_name: null,
    }).execute();
    // Reports for 2023-Q1 (approved, milestone m1 done) and 2023-Q2 (submitted, awaiting review); none for Q3 or Q4.
    await db.insertInto('project_reports').values([
      { ...reported, project_id: education, seq: 1, period: '2023-Q1', state: 'approved', narrative: '设计招标完成。', percent: 20, milestones_done: JSON.stringify(['m1']), drafted_at: at, submitted_at: at, decided_at: at },
      { ...reported, project_id: education, seq: 2, period: '2023-Q2', state: 'submitted', narrative: '开工。', percent: 30, drafted_at: at, submitted_at: at, decided_at: null },
    ]).execute();
    // A note filed in December, due 2024-01-10, unanswered.
    const d001 = await db.selectFrom('deputies').select('id').where('code', '=', 'D001').executeTakeFirstOrThrow();
    await db.insertInto('inspection_notes').values({ filed_by: null, reply: null, replied_by: null, replied_at: null, project_id: education, deputy_id: d001.id, body: '请加快进度。', filed_at: new Date('2023-12-11T02:00:00Z'), reply_due: '2024-01-10' }).execute();
  });
  afterAll(async () => { await demo.database.close(); });

  it('computes the overdue list: late reports, overdue milestones, unanswered notes, with project, department and days late', async () => {
    // The app's clock: 2024-01-15 (Beijing).
    const list = await overdueNow(demo.database.db, demo.t.clock);
    const lines = list.map((i) => [i.kind, i.project.id, i.project.department.name, i.kind === 'report' ? i.period : i.kind === 'note' ? i.deputyName : i.milestone, i.dueOn, i.daysLate]);
    const d001 = await demo.database.db.selectFrom('deputies').select('name').where('code', '=', 'D001').executeTakeFirstOrThrow();
    expect(lines).toEqual([
      // Q3 was due 2023-10-10; Q2 is submitted (under review), so not late; m1 is done; m2 not yet due.
      ['report', education, '教育局', '2023-Q3', '2023-10-10', 97],
      ['report', education, '教育局', '2023-Q4', '2024-01-10', 5],
      ['note', education, '教育局', d001.name, '2024-01-10', 5],
    ]);
    // In April, the milestone due in March is overdue too.
    demo.t.clock.set('2024-04-02T01:00:00Z');
    expect((await overdueNow(demo.database.db, demo.t.clock)).filter((i) => i.kind === 'milestone').map((i) => [i.dueOn, i.daysLate])).toEqual([['2024-03-31', 2]]);
    demo.t.clock.set('2024-01-15T01:00:00Z');
  });

  it('shows the secretariat the review queues with their counts and links, and the overdue list', async () => {
    const mishu = await cookieOf(demo, 'mishu');
    const res = await getAs(demo, '/admin/tracking', mishu);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const href of ['/admin/tracking/plans', '/admin/tracking/reports', '/admin/tracking/opinions', '/admin/tracking/notes']) expect(html).toContain(`href="${href}"`);
    // One plan and one report wait for review.
    expect(html).toMatch(/待审核的实施方案 <span class="chip">1<\/span>/);
    expect(html).toMatch(/待审核的进展报告 <span class="chip">1<\/span>/);
    expect(html).toContain('2023-Q3进展报告未报送');
    expect(html).toContain('97天');
    expect(html).toContain('<caption class="visually-hidden">逾期事项（3项）</caption>');
    const en = await (await getAs(demo, '/admin/tracking', `${mishu}; lang=en`)).text();
    expect(en).toContain('Progress report for 2023-Q4 not submitted');
  });

  it('shows the same list to a deputy of the standing committee, and refuses another deputy (403), a department and a citizen', async () => {
    // D001 sits on the standing committee (常委会组成人员); D100 does not.
    const member = await getAs(demo, '/supervision/overdue', await cookieOf(demo, 'd001'));
    expect(member.status).toBe(200);
    expect(await member.text()).toContain('2023-Q3进展报告未报送');
    const plain = await accountIn(demo, ['deputy'], { deputyCode: 'D100' });
    expect((await demo.database.db.selectFrom('deputies').select('standing_committee').where('code', '=', 'D100').executeTakeFirstOrThrow()).standing_committee).toBe(false);
    expect((await getAs(demo, '/supervision/overdue', await cookieOf(demo, plain))).status).toBe(403);
    expect((await getAs(demo, '/supervision/overdue', await cookieOf(demo, 'jiaoyu'))).status).toBe(403);
    expect((await getAs(demo, '/supervision/overdue')).status).toBe(303);
    expect((await getAs(demo, '/admin/tracking', await cookieOf(demo, 'd001'))).status).toBe(403);
  });

  it('drops a note from the list once the department answers it', async () => {
    const [noteRow] = await demo.database.db.selectFrom('inspection_notes').select('id').where('project_id', '=', education).execute();
    await postAs(demo, `/workspace/notes/${noteRow!.id}/reply`, { reply: '已加快进度。' }, await cookieOf(demo, 'jiaoyu'));
    expect((await overdueNow(demo.database.db, demo.t.clock)).map((i) => i.kind)).toEqual(['report', 'report']);
  });
});
