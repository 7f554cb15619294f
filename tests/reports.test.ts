import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { getProject } from '../src/projects/store.ts';
import { reportsOf, submitReport, submittedReports } from '../src/reports/store.ts';
import { sameOrigin } from './support/app.ts';
import { postForm, postOnce } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { approvePlanDirectly, cookieOf, jpeg, officerOf, upload } from './support/reports.ts';
import { openTrackedDemo, type TrackedDemo } from './support/tracking.ts';

/**
 * The report cycle of issue 12 through HTTP, on the demo's 2023 projects: 教育局 (jiaoyu) drafts
 * and submits, the secretariat (mishu) returns one with a comment and approves the next; progress
 * and status follow the approved report; what is approved never changes; a correction replaces
 * it; nobody else sees or touches what is not public. Plans are put straight into the table.
 */
describe.each(testEngines())('progress reports on $name', (engine) => {
  let demo: TrackedDemo;
  let own: number;
  let other: number;
  let otherLead: number;
  let jiaoyuDepartment: number;
  let jiaoyu: string;
  let mishu: string;
  let deputy: string;
  let reportId: number;
  let sha: string;

  const db = () => demo.database.db;
  const get = (path: string, cookie?: string) => demo.t.app.request(path, { headers: cookie ? { Cookie: cookie } : {} });
  const post = (path: string, cookie: string, fields: Record<string, string>) => postForm(demo.t.app, path, fields, { Cookie: cookie });
  const stateOf = async (id: number) => (await db().selectFrom('project_reports').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;

  beforeAll(async () => {
    demo = await openTrackedDemo(engine);
    jiaoyuDepartment = (await db().selectFrom('departments').select('id').where('name', '=', '教育局').executeTakeFirstOrThrow()).id;
    own = demo.projects.find((p) => p.leadDepartmentId === jiaoyuDepartment)!.id;
    const o = demo.projects.find((p) => p.leadDepartmentId !== jiaoyuDepartment)!;
    other = o.id;
    otherLead = o.leadDepartmentId;
    await approvePlanDirectly(db(), own);
    // 教育局 is a co-department of the other project.
    await approvePlanDirectly(db(), other, { coDepartmentIds: [jiaoyuDepartment], milestones: [] });
    jiaoyu = await cookieOf(db(), demo.t.clock, 'jiaoyu');
    mishu = await cookieOf(db(), demo.t.clock, 'mishu');
    deputy = await cookieOf(db(), demo.t.clock, 'd001');
  });
  afterAll(async () => { await demo.database.close(); });

  it('lands a department officer on its workspace after signing in', async () => {
    const res = await postOnce(demo.t.app, '/login', { username: 'jiaoyu', password: 'minsheng-demo' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/workspace');
  });

  it('shows the workspace: its own projects with what is late, and the co-owned one read-only', async () => {
    const res = await get('/workspace', jiaoyu);
    expect(res.status).toBe(200);
    const html = await res.text();
    const title = (await getProject(db(), demo.t.clock, own))!.title;
    const otherTitle = (await getProject(db(), demo.t.clock, other))!.title;
    expect(html).toContain(title);
    expect(html).toContain(otherTitle);
    expect(html).toContain('逾期未报');
    expect(html).toContain(`/workspace/projects/${own}`);
  });

  it('says the plan is due for a project of its own without one, linking to the plan page', async () => {
    const planless = demo.projects.filter((p) => p.leadDepartmentId === jiaoyuDepartment && p.id !== own);
    const html = await (await get('/workspace', jiaoyu)).text();
    for (const p of planless) expect(html).toContain(`/workspace/projects/${p.id}/plan`);
  });

  it('drafts a report for the current period by default and saves it', async () => {
    const page = await (await get(`/workspace/projects/${own}`, jiaoyu)).text();
    expect(page).toContain('value="2023-Q4" selected');
    const res = await post(`/workspace/projects/${own}/reports`, jiaoyu, {
      kind: 'progress', period: '2023-Q4', narrative: '完成设计招标。', spent: '1,234.56', 'actual.t1': '300', milestone: 'm1',
    });
    expect(res.status).toBe(303);
    reportId = Number(/\/workspace\/reports\/(\d+)/.exec(res.headers.get('location')!)![1]);
    const row = await db().selectFrom('project_reports').selectAll().where('id', '=', reportId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'draft', period: '2023-Q4', spent_fen: 123456, milestones_done: ['m1'], actuals: [{ target: 't1', value: 300 }], percent: null });
  });

  it('refuses a bad report with the form again (422), nothing saved', async () => {
    const before = await db().selectFrom('project_reports').select('id').execute();
    const res = await post(`/workspace/reports/${reportId}`, jiaoyu, { kind: 'progress', period: '2023-Q4', narrative: '', spent: '12.345', percent: '50' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('12.345');
    expect(await db().selectFrom('project_reports').select('id').execute()).toEqual(before);
    expect((await db().selectFrom('project_reports').select('spent_fen').where('id', '=', reportId).executeTakeFirstOrThrow()).spent_fen).toBe(123456);
  });

  it('attaches evidence; until approval nobody but the department and the secretariat can see it', async () => {
    const res = await upload(demo.t.app, `/workspace/reports/${reportId}/evidence`, jiaoyu, { caption: '设计招标现场', file: new Blob([new Uint8Array(await jpeg())]) });
    expect(res.status).toBe(303);
    sha = (await db().selectFrom('report_evidence').select('sha256').where('report_id', '=', reportId).executeTakeFirstOrThrow()).sha256;
    expect((await get(`/evidence/${sha}`)).status).toBe(404);
    expect((await get(`/evidence/${sha}`, deputy)).status).toBe(404);
    expect((await get(`/evidence/${sha}`, await officerOf(db(), demo.t.clock, otherLead))).status).toBe(404);
    expect((await get(`/evidence/${sha}`, jiaoyu)).status).toBe(200);
    expect((await get(`/evidence/${sha}`, mishu)).status).toBe(200);
    expect(await reportsOf(db(), own, { publicOnly: true })).toEqual([]);
  });

  it('lets no other department see or report on the project', async () => {
    const stranger = await officerOf(db(), demo.t.clock, otherLead);
    expect((await get(`/workspace/projects/${own}`, stranger)).status).toBe(404);
    expect((await get(`/workspace/reports/${reportId}`, stranger)).status).toBe(404);
    expect((await post(`/workspace/projects/${own}/reports`, stranger, { kind: 'progress', period: '', narrative: '冒报', spent: '1' })).status).toBe(404);
    expect((await post(`/workspace/reports/${reportId}/submit`, stranger, {})).status).toBe(404);
    expect((await upload(demo.t.app, `/workspace/reports/${reportId}/evidence`, stranger, { caption: 'x', file: new Blob([new Uint8Array(await jpeg())]) })).status).toBe(404);
    expect(await stateOf(reportId)).toBe('draft');
  });

  it('lets a co-department read the project and write its section, but not see drafts nor report', async () => {
    // 教育局 co-owns `other`; the lead of `other` drafts a report.
    const lead = await officerOf(db(), demo.t.clock, otherLead);
    const created = await post(`/workspace/projects/${other}/reports`, lead, { kind: 'progress', period: '2023-Q4', narrative: '牵头部门草稿', spent: '10', percent: '20' });
    expect(created.status).toBe(303);
    const leadReport = Number(/(\d+)/.exec(created.headers.get('location')!.replace(/^.*reports\//, ''))![1]);
    const page = await get(`/workspace/projects/${other}`, jiaoyu);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('牵头部门草稿');
    expect((await get(`/workspace/reports/${leadReport}`, jiaoyu)).status).toBe(404);
    expect((await post(`/workspace/projects/${other}/reports`, jiaoyu, { kind: 'progress', period: '', narrative: '越权', spent: '1', percent: '1' })).status).toBe(404);
    expect((await post(`/workspace/reports/${leadReport}/submit`, jiaoyu, {})).status).toBe(404);
    const section = await post(`/workspace/projects/${other}/sections`, jiaoyu, { body: '教育局完成配套校舍改造。' });
    expect(section.status).toBe(303);
    // The lead's own department cannot write a section of its own project.
    expect((await post(`/workspace/projects/${other}/sections`, lead, { body: '自己' })).status).toBe(404);
    const { sections } = await submitReport(db(), { clock: demo.t.clock, actor: { userId: null, name: 'test' } }, otherLead, leadReport);
    expect(sections).toBe(1);
    expect((await db().selectFrom('report_sections').select('report_id').where('project_id', '=', other).executeTakeFirstOrThrow()).report_id).toBe(leadReport);
  });

  it('submits the report once confirmed, into the secretariat\'s queue', async () => {
    const asked = await postOnce(demo.t.app, `/workspace/reports/${reportId}/submit`, {}, { Cookie: jiaoyu });
    expect(asked.status).toBe(200);
    expect(await stateOf(reportId)).toBe('draft');
    expect((await post(`/workspace/reports/${reportId}/submit`, jiaoyu, {})).status).toBe(303);
    expect(await stateOf(reportId)).toBe('submitted');
    expect((await submittedReports(db())).map((q) => q.id)).toContain(reportId);
    const queue = await get('/admin/tracking/reports', mishu);
    expect(queue.status).toBe(200);
    expect(await queue.text()).toContain(`/admin/tracking/reports/${reportId}`);
  });

  it('lets neither a deputy nor the department approve', async () => {
    expect((await post(`/admin/tracking/reports/${reportId}/approve`, deputy, {})).status).toBe(403);
    expect((await post(`/admin/tracking/reports/${reportId}/approve`, jiaoyu, {})).status).toBe(403);
    expect((await get(`/admin/tracking/reports/${reportId}`, deputy)).status).toBe(403);
    expect(await stateOf(reportId)).toBe('submitted');
  });

  it('returns the report with a comment, which the workspace shows; the department edits and resubmits', async () => {
    expect((await post(`/admin/tracking/reports/${reportId}/return`, mishu, { comment: '' })).status).toBe(422);
    expect(await stateOf(reportId)).toBe('submitted');
    expect((await post(`/admin/tracking/reports/${reportId}/return`, mishu, { comment: '请补充招标文件。' })).status).toBe(303);
    expect(await stateOf(reportId)).toBe('returned');
    expect(await (await get('/workspace', jiaoyu)).text()).toContain('请补充招标文件。');
    const saved = await post(`/workspace/reports/${reportId}`, jiaoyu, {
      kind: 'progress', period: '2023-Q4', narrative: '完成设计招标，补充招标文件。', spent: '1234.56', 'actual.t1': '300', milestone: 'm1',
    });
    expect(saved.status).toBe(303);
    expect((await post(`/workspace/reports/${reportId}/submit`, jiaoyu, {})).status).toBe(303);
    expect(await stateOf(reportId)).toBe('submitted');
  });

  it('approves after confirmation: public, and progress, money and status follow it', async () => {
    const before = (await getProject(db(), demo.t.clock, own))!;
    expect(before).toMatchObject({ progress: 0, status: 'not-started' });
    const asked = await postOnce(demo.t.app, `/admin/tracking/reports/${reportId}/approve`, {}, { Cookie: mishu });
    expect(asked.status).toBe(200);
    expect(await stateOf(reportId)).toBe('submitted');
    expect((await post(`/admin/tracking/reports/${reportId}/approve`, mishu, {})).status).toBe(303);
    expect(await stateOf(reportId)).toBe('approved');
    const after = (await getProject(db(), demo.t.clock, own))!;
    // m1 (weight 1 of 4) done; on 2024-01-15 45 % of the plan's time has passed.
    expect(after).toMatchObject({ progress: 25, status: 'behind', approvedReports: 1 });
    expect(after.money.spentFen).toBe(123456);
    const [pub] = await reportsOf(db(), own, { publicOnly: true });
    expect(pub).toMatchObject({ id: reportId, state: 'approved', evidence: [{ sha256: sha, caption: '设计招标现场' }] });
    expect((await get(`/evidence/${sha}`)).status).toBe(200);
    const actions = (await db().selectFrom('audit_log').select('action').where('subject', '=', `report:${reportId}`).orderBy('id').execute()).map((a) => a.action);
    expect(actions).toEqual(['report.save', 'report.evidence.add', 'report.submit', 'report.return', 'report.save', 'report.submit', 'report.approve']);
  });

  it('never changes an approved report: not through the routes, not in the database', async () => {
    const row = () => db().selectFrom('project_reports').selectAll().where('id', '=', reportId).executeTakeFirstOrThrow();
    const before = await row();
    const res = await post(`/workspace/reports/${reportId}`, jiaoyu, { kind: 'progress', period: '2023-Q4', narrative: '改写', spent: '1' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('error=wrong-state');
    expect((await upload(demo.t.app, `/workspace/reports/${reportId}/evidence`, jiaoyu, { caption: '补', file: new Blob([new Uint8Array(await jpeg({ width: 20 }))]) })).headers.get('location')).toContain('error=wrong-state');
    expect((await post(`/admin/tracking/reports/${reportId}/return`, mishu, { comment: '再改' })).headers.get('location')).toContain('error=wrong-state');
    await expect(db().updateTable('project_reports').set({ spent_fen: 1 }).where('id', '=', reportId).execute()).rejects.toThrow(/never changes/);
    await expect(db().deleteFrom('report_evidence').where('report_id', '=', reportId).execute()).rejects.toThrow(/never change/);
    await expect(sql`update project_reports set narrative = 'x' where id = ${reportId}`.execute(db())).rejects.toThrow();
    expect(await row()).toEqual(before);
  });

  it('corrects an approved report by a new one that names it and replaces its figures once approved', async () => {
    const started = await post(`/workspace/reports/${reportId}/correct`, jiaoyu, {});
    expect(started.status).toBe(303);
    const correction = Number(/\/workspace\/reports\/(\d+)/.exec(started.headers.get('location')!)![1]);
    expect(correction).not.toBe(reportId);
    const draft = await db().selectFrom('project_reports').selectAll().where('id', '=', correction).executeTakeFirstOrThrow();
    expect(draft).toMatchObject({ corrects_id: reportId, state: 'draft', spent_fen: 123456, period: '2023-Q4' });
    expect((await post(`/workspace/reports/${correction}`, jiaoyu, {
      kind: 'progress', period: '2023-Q4', narrative: '更正：投资额录入有误。', spent: '2000', 'actual.t1': '300', milestone: 'm1',
    })).status).toBe(303);
    expect((await post(`/workspace/reports/${correction}/submit`, jiaoyu, {})).status).toBe(303);
    expect((await post(`/admin/tracking/reports/${correction}/approve`, mishu, {})).status).toBe(303);
    const project = (await getProject(db(), demo.t.clock, own))!;
    expect(project.money.spentFen).toBe(200000);
    expect(project.progress).toBe(25);
    const reports = await reportsOf(db(), own, { publicOnly: true });
    expect(reports.map((r) => [r.id, r.correctsId, r.correctedById])).toEqual([[reportId, null, correction], [correction, reportId, null]]);
    // A corrected report is corrected once.
    expect((await post(`/workspace/reports/${reportId}/correct`, jiaoyu, {})).headers.get('location')).toContain('error=corrected');
  });

  it('offers a rectification report only once the latest rating is 不满意', async () => {
    const fields = { kind: 'rectification', period: '', narrative: '整改', spent: '2000', 'actual.t1': '300' };
    const refused = await post(`/workspace/projects/${own}/reports`, jiaoyu, fields);
    expect(refused.status).toBe(409);
    await db().insertInto('project_ratings').values({
      project_id: own, election_id: demo.electionId, option_key: 'A', rating: 'unsatisfied', satisfied: 1, basically: 1, unsatisfied: 5, abstain: 0, published_at: new Date('2024-01-10T00:00:00Z'),
    }).execute();
    expect((await getProject(db(), demo.t.clock, own))!.status).toBe('rectifying');
    expect(await (await get(`/workspace/projects/${own}`, jiaoyu)).text()).toContain('value="rectification"');
    const res = await post(`/workspace/projects/${own}/reports`, jiaoyu, fields);
    expect(res.status).toBe(303);
    const id = Number(/(\d+)$/.exec(res.headers.get('location')!.split('?')[0]!)![1]);
    expect((await db().selectFrom('project_reports').select('kind').where('id', '=', id).executeTakeFirstOrThrow()).kind).toBe('rectification');
  });

  it('refuses a second report while one is open', async () => {
    const res = await post(`/workspace/projects/${own}/reports`, jiaoyu, { kind: 'progress', period: '', narrative: '又一份', spent: '1' });
    expect(res.status).toBe(409);
  });

  it('keeps sign-in pages and evidence out of reach of the signed-out', async () => {
    expect((await get('/workspace')).status).toBe(303);
    expect((await demo.t.app.request(`/workspace/projects/${own}/sections`, { method: 'POST', body: new URLSearchParams({ body: 'x' }), headers: { ...sameOrigin, 'Content-Type': 'application/x-www-form-urlencoded' } })).status).toBeGreaterThanOrEqual(300);
  });
});
