import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, SESSION_COOKIE } from '../src/auth/sessions.ts';
import { planRevisions, planState } from '../src/plans/store.ts';
import { projectDetail } from '../src/projects/public-store.ts';
import { getProject } from '../src/projects/store.ts';
import { postForm, postOnce } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { openTrackedDemo, type TrackedDemo } from './support/tracking.ts';

/** A plan form as the department fills it in: two milestones (weights 1 and 3) and a target. */
const planFields = (over: Record<string, string> = {}): Record<string, string> => ({
  total: '3820.5', totalUnit: 'wan', annual: '1200', annualUnit: 'wan', startsOn: '2024-02-01', deadline: '2024-12-31',
  location: '龙洲街道', leadOfficial: '副县长 王某', schedule: 'quarterly',
  'target.0.key': '', 'target.0.metric': '新增学位', 'target.0.value': '1200', 'target.0.unit': '个',
  'ms.0.key': '', 'ms.0.title': '开工', 'ms.0.due': '2024-03-01', 'ms.0.weight': '1',
  'ms.1.key': '', 'ms.1.title': '竣工验收', 'ms.1.due': '2024-12-15', 'ms.1.weight': '3',
  'ms.2.key': '', 'ms.2.title': '', 'ms.2.due': '', 'ms.2.weight': '',
  ...over,
});

describe.each(testEngines())('implementation plans on $name', (engine) => {
  let demo: TrackedDemo;
  let app: TrackedDemo['t']['app'];
  const cookie: Record<string, string> = {};
  let own: number;
  let others: number;
  const as = (who: string) => ({ Cookie: cookie[who]! });
  const get = (who: string, path: string, headers: Record<string, string> = {}) => app.request(path, { headers: { ...as(who), ...headers } });
  const planOf = (id: number) => `/workspace/projects/${id}/plan`;

  beforeAll(async () => {
    demo = await openTrackedDemo(engine);
    app = demo.t.app;
    const { db } = demo.database;
    for (const username of ['jiaoyu', 'mishu', 'd001']) {
      const u = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
      cookie[username] = `${SESSION_COOKIE}=${(await createSession(db, demo.t.clock, u.id, 'test')).token}`;
    }
    const edu = await db.selectFrom('departments').select('id').where('name', '=', '教育局').executeTakeFirstOrThrow();
    own = demo.projects.find((p) => p.leadDepartmentId === edu.id)!.id;
    others = demo.projects.find((p) => p.leadDepartmentId !== edu.id)!.id;
  });
  afterAll(async () => { await demo.database.close(); });

  it('lets the lead department draft the plan, starting from the candidate\'s figures', async () => {
    const candidate = await demo.database.db.selectFrom('projects as p').innerJoin('candidates as c', 'c.id', 'p.candidate_id')
      .select(['c.lead_official', 'c.deadline']).where('p.id', '=', own).executeTakeFirstOrThrow();
    const page = await get('jiaoyu', planOf(own));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`value="${candidate.lead_official}"`);
    expect(html).toContain(`value="${candidate.deadline}"`);

    const saved = await postOnce(app, planOf(own), planFields(), as('jiaoyu'));
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`${planOf(own)}?done=saved`);
    const state = await planState(demo.database.db, own);
    expect(state).toMatchObject({ approved: null, open: { revision: 1, state: 'draft' } });
  });

  it('gives "more rows" without saving anything', async () => {
    const res = await postOnce(app, planOf(own), { ...planFields({ 'ms.0.title': '开工（未保存）' }), more: '1' }, as('jiaoyu'));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('name="ms.5.title"');
    expect(html).toContain('开工（未保存）');
    const row = await demo.database.db.selectFrom('project_plans').select('milestones').where('project_id', '=', own).executeTakeFirstOrThrow();
    expect(row.milestones.map((m) => m.title)).toEqual(['开工', '竣工验收']);
  });

  it('refuses bad input with the translated page again (422), keeping what was typed', async () => {
    const res = await postOnce(app, planOf(own), planFields({ total: '12.3456789', 'ms.1.due': '2025-03-01', leadOfficial: '' }), as('jiaoyu'));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('万元最多六位小数');
    expect(html).toContain('第 2 行节点的完成时限须在 2024-02-01 至 2024-12-31 之间');
    expect(html).toContain('value="12.3456789"');
    expect(html).toContain('value="2025-03-01"');
    const en = await postOnce(app, planOf(own), planFields({ deadline: 'soon' }), { ...as('jiaoyu'), 'Accept-Language': 'en', Cookie: `${cookie.jiaoyu}; lang=en` });
    expect(en.status).toBe(422);
    expect(await en.text()).toMatch(/valid date|date/i);
    expect((await planState(demo.database.db, own)).open?.state).toBe('draft');
  });

  it('submits after saying the secretariat will review it, and the secretariat finds it in its queue', async () => {
    const asked = await postOnce(app, `${planOf(own)}/submit`, {}, as('jiaoyu'));
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('秘书处将审核它');
    expect((await planState(demo.database.db, own)).open?.state).toBe('draft');
    const done = await postForm(app, `${planOf(own)}/submit`, {}, as('jiaoyu'));
    expect(done.status).toBe(303);
    expect((await planState(demo.database.db, own)).open?.state).toBe('submitted');
    const queue = await (await get('mishu', '/admin/tracking/plans')).text();
    const title = (await getProject(demo.database.db, demo.t.clock, own))!.title;
    expect(queue).toContain(title);
    // Under review it cannot change.
    const edit = await postOnce(app, planOf(own), planFields({ location: '湖镇镇' }), as('jiaoyu'));
    expect(edit.headers.get('location')).toBe(`${planOf(own)}?error=under-review`);
  });

  it('lets the secretariat return it with a comment (required), which the department sees, corrects and submits again', async () => {
    const { open } = await planState(demo.database.db, own);
    const review = `/admin/tracking/plans/${open!.id}`;
    expect((await get('mishu', review)).status).toBe(200);
    const empty = await postOnce(app, `${review}/return`, { comment: '  ' }, as('mishu'));
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('退回须填写意见');
    const returned = await postOnce(app, `${review}/return`, { comment: '请补充资金来源。' }, as('mishu'));
    expect(returned.status).toBe(303);
    expect((await planState(demo.database.db, own)).open).toMatchObject({ state: 'returned', returnComment: '请补充资金来源。' });

    expect(await (await get('jiaoyu', planOf(own))).text()).toContain('请补充资金来源。');
    const corrected = await postOnce(app, planOf(own), planFields({ 'target.0.key': 't1', 'ms.0.key': 'm1', 'ms.1.key': 'm2', annual: '1500' }), as('jiaoyu'));
    expect(corrected.status).toBe(303);
    expect((await planState(demo.database.db, own)).open?.state).toBe('returned');
    expect((await postForm(app, `${planOf(own)}/submit`, {}, as('jiaoyu'))).status).toBe(303);
    expect((await planState(demo.database.db, own)).open?.state).toBe('submitted');
  });

  it('lets neither a deputy nor a department approve', async () => {
    const { open } = await planState(demo.database.db, own);
    for (const who of ['d001', 'jiaoyu']) {
      const res = await postOnce(app, `/admin/tracking/plans/${open!.id}/approve`, { confirm: '1' }, as(who));
      expect(res.status, who).toBe(403);
    }
    expect((await get('d001', '/admin/tracking/plans')).status).toBe(403);
    expect((await planState(demo.database.db, own)).open?.state).toBe('submitted');
  });

  it('approves after saying it becomes public and can no longer change; the project then shows the plan and progress from its milestones', async () => {
    const { open } = await planState(demo.database.db, own);
    const path = `/admin/tracking/plans/${open!.id}/approve`;
    const asked = await postOnce(app, path, {}, as('mishu'));
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('批准后不能再修改或撤回');
    expect((await postForm(app, path, {}, as('mishu'))).status).toBe(303);

    const project = (await getProject(demo.database.db, demo.t.clock, own))!;
    expect(project.plan).toMatchObject({
      revision: 1, totalInvestmentFen: 3_820_500_000, annualInvestmentFen: 1_500_000_000, deadline: '2024-12-31', startsOn: '2024-02-01', location: '龙洲街道',
      milestones: [{ key: 'm1', title: '开工', weight: 1 }, { key: 'm2', title: '竣工验收', weight: 3 }],
      targets: [{ key: 't1', metric: '新增学位', unit: '个', target: 1200 }],
    });
    expect(project.progress).toBe(0);
    // A report approved with the first milestone done (reports are another part's: written here directly).
    await demo.database.db.insertInto('project_reports').values({
      project_id: own, seq: 1, state: 'approved', narrative: '已开工。', milestones_done: JSON.stringify(['m1']),
      drafted_at: demo.t.clock.now(), decided_at: demo.t.clock.now(),
    }).execute();
    expect((await getProject(demo.database.db, demo.t.clock, own))!.progress).toBe(25);
  });

  it('never changes an approved revision: the trigger refuses even raw SQL', async () => {
    const { approved } = await planState(demo.database.db, own);
    await expect(sql`update project_plans set location = '湖镇镇' where id = ${approved!.id}`.execute(demo.database.db)).rejects.toThrow(/never changes/);
    await expect(sql`delete from project_plans where id = ${approved!.id}`.execute(demo.database.db)).rejects.toThrow(/never changes/);
    expect((await planState(demo.database.db, own)).approved?.content.location).toBe('龙洲街道');
  });

  it('makes a later change a new revision that needs its reason and shows what changed, keeping milestone keys', async () => {
    const page = await (await get('jiaoyu', planOf(own))).text();
    expect(page).toContain('调整实施方案（第 2 版）');
    const change = planFields({ 'target.0.key': 't1', 'ms.0.key': 'm1', 'ms.1.key': 'm2', 'ms.1.title': '竣工验收', deadline: '2025-06-30', 'ms.1.due': '2025-06-15', annual: '1500' });
    const noReason = await postOnce(app, planOf(own), change, as('jiaoyu'));
    expect(noReason.status).toBe(422);
    const html = await noReason.text();
    expect(html).toContain('调整方案须说明理由');
    expect(html).toContain('value="2025-06-30"');
    expect((await postOnce(app, planOf(own), { ...change, reason: '用地审批延后，竣工顺延半年。' }, as('jiaoyu'))).status).toBe(303);
    const { open, approved } = await planState(demo.database.db, own);
    expect(open).toMatchObject({ revision: 2, state: 'draft' });
    expect(approved?.revision).toBe(1);
    const row = await demo.database.db.selectFrom('project_plans').select(['reason', 'milestones']).where('id', '=', open!.id).executeTakeFirstOrThrow();
    expect(row.reason).toBe('用地审批延后，竣工顺延半年。');
    expect(row.milestones.map((m) => m.key)).toEqual(['m1', 'm2']);

    expect((await postForm(app, `${planOf(own)}/submit`, {}, as('jiaoyu'))).status).toBe(303);
    const review = await (await get('mishu', `/admin/tracking/plans/${open!.id}`)).text();
    expect(review).toContain('与第 1 版（已批准）相比的变化');
    expect(review).toMatch(/<del>2024年12月31日<\/del> → <ins>2025年6月30日<\/ins>/);
    expect(review).toContain('用地审批延后');
    // The public plan stays revision 1 until the secretariat approves revision 2.
    expect((await getProject(demo.database.db, demo.t.clock, own))!.plan?.deadline).toBe('2024-12-31');
    // The one public-only gate of plan revisions: the submitted revision 2 is not among the approved ones.
    expect((await planRevisions(demo.database.db, own)).map((r) => [r.revision, r.state])).toEqual([[1, 'approved'], [2, 'submitted']]);
    expect((await planRevisions(demo.database.db, own, { approvedOnly: true })).map((r) => r.revision)).toEqual([1]);
    expect((await projectDetail(demo.database.db, demo.t.clock, own))!.revisions.map((r) => r.revision)).toEqual([1]);
  });

  it('keeps a department out of another department\'s plan (403) and answers 404 for no project', async () => {
    expect((await get('jiaoyu', planOf(others))).status).toBe(403);
    expect((await postOnce(app, planOf(others), planFields(), as('jiaoyu'))).status).toBe(403);
    expect((await postOnce(app, `${planOf(others)}/submit`, {}, as('jiaoyu'))).status).toBe(403);
    expect((await get('jiaoyu', planOf(999_999))).status).toBe(404);
    expect((await get('mishu', planOf(own))).status).toBe(403);
    expect(await demo.database.db.selectFrom('project_plans').select('id').where('project_id', '=', others).execute()).toEqual([]);
  });

  it('audits every step', async () => {
    const actions = await demo.database.db.selectFrom('audit_log').select('action').where('action', 'like', 'plan.%').orderBy('id').execute();
    expect(actions.map((a) => a.action)).toEqual([
      'plan.save', 'plan.submit', 'plan.return', 'plan.save', 'plan.submit', 'plan.approve', 'plan.save', 'plan.submit',
    ]);
  });
});
