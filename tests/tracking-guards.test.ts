import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createUser } from '../src/users/store.ts';
import { postForm, postOnce } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { approvePlanDirectly, cookieOf, officerOf } from './support/reports.ts';
import { openTrackedDemo, type TrackedDemo } from './support/tracking.ts';

/**
 * Findings of the outside review of tracking (security findings 1, 2, 7, 9), each through HTTP or
 * raw SQL on both engines:
 * 1. co-departments come from the latest APPROVED plan revision (a draft grants and revokes nothing),
 *    and only sections of standing co-departments join a report when it is submitted;
 * 2. an account with the secretariat's role and a department role never approves or returns its own
 *    department's report;
 * 7. the parts of an approved report never change (sections and evidence, INSERT or UPDATE into it),
 *    nor the evidence files it carries; a file's key is the SHA-256 of its bytes;
 * 9. a plan's start and deadline stay near the meeting year.
 */
const planFields = (over: Record<string, string> = {}): Record<string, string> => ({
  total: '1000', totalUnit: 'wan', annual: '500', annualUnit: 'wan', startsOn: '2023-04-01', deadline: '2024-12-31',
  location: '龙洲街道', leadOfficial: '副县长 王某', schedule: 'quarterly',
  'target.0.key': '', 'target.0.metric': '新增学位', 'target.0.value': '1200', 'target.0.unit': '个',
  'ms.0.key': '', 'ms.0.title': '开工', 'ms.0.due': '2023-09-30', 'ms.0.weight': '1',
  ...over,
});

describe.each(testEngines())('tracking guards on $name', (engine) => {
  let demo: TrackedDemo;
  let own: number;
  let jiaoyuDepartment: number;
  let realCo: number;
  let intruder: number;
  let jiaoyu: string;
  let mishu: string;
  let realCoOfficer: string;
  let intruderOfficer: string;
  let reportId: number;

  const db = () => demo.database.db;
  const get = (path: string, cookie: string) => demo.t.app.request(path, { headers: { Cookie: cookie } });
  const post = (path: string, cookie: string, fields: Record<string, string>) => postForm(demo.t.app, path, fields, { Cookie: cookie });
  const stateOf = async (id: number) => (await db().selectFrom('project_reports').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
  const newReport = async (seq: number, state: 'draft' | 'submitted' | 'approved') => (await db().insertInto('project_reports').values({
    project_id: own, seq, state, narrative: `报告 ${seq}`, percent: null, spent_fen: 0, period: '2023-Q4', actuals: '[]', milestones_done: '[]', sub_item_percents: '{}',
    drafted_at: new Date('2024-01-05T02:00:00Z'), submitted_at: state === 'draft' ? null : new Date('2024-01-06T02:00:00Z'),
    decided_at: state === 'approved' ? new Date('2024-01-07T02:00:00Z') : null,
  }).returning('id').executeTakeFirstOrThrow()).id;

  beforeAll(async () => {
    demo = await openTrackedDemo(engine);
    jiaoyuDepartment = (await db().selectFrom('departments').select('id').where('name', '=', '教育局').executeTakeFirstOrThrow()).id;
    own = demo.projects.find((p) => p.leadDepartmentId === jiaoyuDepartment)!.id;
    const others = (await db().selectFrom('departments').select('id').where('id', '!=', jiaoyuDepartment).orderBy('id').execute()).map((d) => d.id);
    [realCo, intruder] = [others[0]!, others[1]!];
    // The approved plan names realCo; the candidate's co-departments are left aside by it.
    await approvePlanDirectly(db(), own, { coDepartmentIds: [realCo] });
    jiaoyu = await cookieOf(db(), demo.t.clock, 'jiaoyu');
    mishu = await cookieOf(db(), demo.t.clock, 'mishu');
    realCoOfficer = await officerOf(db(), demo.t.clock, realCo);
    intruderOfficer = await officerOf(db(), demo.t.clock, intruder);
  });
  afterAll(async () => { await demo.database.close(); });

  it('1. grants nothing and revokes nothing by a draft revision naming other co-departments', async () => {
    const saved = await postOnce(demo.t.app, `/workspace/projects/${own}/plan`, { ...planFields(), coDepartments: String(intruder), reason: '调整协办单位。' }, { Cookie: jiaoyu });
    expect(saved.status).toBe(303);
    const draft = await db().selectFrom('project_plans').select(['revision', 'state', 'co_department_ids']).where('project_id', '=', own).where('revision', '=', 2).executeTakeFirstOrThrow();
    expect(draft).toMatchObject({ state: 'draft', co_department_ids: [intruder] });
    // The draft's department: nothing to see, nothing to write.
    expect((await get(`/workspace/projects/${own}`, intruderOfficer)).status).toBe(404);
    expect((await postOnce(demo.t.app, `/workspace/projects/${own}/sections`, { body: '冒充协办单位。' }, { Cookie: intruderOfficer })).status).toBe(404);
    expect(await (await get('/workspace', intruderOfficer)).text()).not.toContain(`/workspace/projects/${own}"`);
    // The approved plan's co-department keeps its standing.
    expect((await get(`/workspace/projects/${own}`, realCoOfficer)).status).toBe(200);
    expect(await (await get('/workspace', realCoOfficer)).text()).toContain(`/workspace/projects/${own}`);
    expect((await postOnce(demo.t.app, `/workspace/projects/${own}/sections`, { body: '协办单位的进展。' }, { Cookie: realCoOfficer })).status).toBe(303);
    expect(await db().selectFrom('report_sections').select('department_id').where('project_id', '=', own).execute()).toEqual([{ department_id: realCo }]);
  });

  it('1. joins at submit only the sections of departments that are co-departments then', async () => {
    // Revision 2 is approved (straight in the table): intruder is now the co-department, realCo no longer.
    await db().updateTable('project_plans').set({ state: 'approved', submitted_at: new Date('2024-01-02T02:00:00Z'), decided_at: new Date('2024-01-03T02:00:00Z'), decided_by_name: 'test' })
      .where('project_id', '=', own).where('revision', '=', 2).execute();
    expect((await get(`/workspace/projects/${own}`, realCoOfficer)).status).toBe(404);
    expect((await postOnce(demo.t.app, `/workspace/projects/${own}/sections`, { body: '新的协办单位。' }, { Cookie: intruderOfficer })).status).toBe(303);
    reportId = await newReport(1, 'draft');
    expect((await post(`/workspace/reports/${reportId}/submit`, jiaoyu, {})).status).toBe(303);
    expect(await stateOf(reportId)).toBe('submitted');
    const sections = await db().selectFrom('report_sections').select(['department_id', 'report_id']).where('project_id', '=', own).orderBy('id').execute();
    expect(sections).toEqual([{ department_id: realCo, report_id: null }, { department_id: intruder, report_id: reportId }]);
  });

  it('2. refuses an account of the secretariat and the lead department both approving and returning the report', async () => {
    await createUser(db(), { clock: demo.t.clock, actor: { userId: null, name: 'test' } }, {
      username: 'mishujiaoyu', displayName: '秘书兼教育局', password: 'correct horse battery', roles: ['secretariat', 'department'], departmentId: jiaoyuDepartment,
    });
    const both = await cookieOf(db(), demo.t.clock, 'mishujiaoyu');
    const approve = await post(`/admin/tracking/reports/${reportId}/approve`, both, {});
    expect(approve.status).toBe(303);
    expect(approve.headers.get('location')).toBe(`/admin/tracking/reports/${reportId}?error=own-department`);
    const ret = await post(`/admin/tracking/reports/${reportId}/return`, both, { comment: '退回自己部门的报告。' });
    expect(ret.status).toBe(303);
    expect(ret.headers.get('location')).toBe(`/admin/tracking/reports/${reportId}?error=own-department`);
    expect(await stateOf(reportId)).toBe('submitted');
    expect(await (await get(`/admin/tracking/reports/${reportId}?error=own-department`, both)).text()).toContain('不能审核本部门牵头项目的进展报告。');
    // The secretariat proper decides.
    expect((await post(`/admin/tracking/reports/${reportId}/approve`, mishu, {})).headers.get('location')).toBe(`/admin/tracking/reports/${reportId}?done=approved`);
    expect(await stateOf(reportId)).toBe('approved');
  });

  it('7. never lets a section or a piece of evidence join an approved report, inserted or moved', async () => {
    await expect(sql`insert into report_sections (project_id, department_id, report_id, body, written_at) values (${own}, ${intruder}, ${reportId}, '事后补写', now())`.execute(db()))
      .rejects.toThrow(/never change/);
    const pending = await db().insertInto('report_sections').values({ project_id: own, department_id: intruder, body: '待并入', written_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    await expect(sql`update report_sections set report_id = ${reportId} where id = ${pending.id}`.execute(db())).rejects.toThrow(/never change/);
    const draft = await newReport(2, 'draft');
    const png = Buffer.from('89504e470d0a1a0a0001', 'hex');
    const sha = createHash('sha256').update(png).digest('hex');
    await sql`insert into evidence_files (sha256, media_type, bytes, byte_size) values (${sha}, 'image/png', ${png}, ${png.length})`.execute(db());
    await sql`insert into report_evidence (report_id, position, sha256, caption) values (${draft}, 1, ${sha}, '现场')`.execute(db());
    await expect(sql`update report_evidence set report_id = ${reportId} where report_id = ${draft}`.execute(db())).rejects.toThrow(/never change/);
    await expect(sql`insert into report_evidence (report_id, position, sha256, caption) values (${reportId}, 9, ${sha}, '事后补充')`.execute(db())).rejects.toThrow(/never change/);
    await sql`delete from report_sections where id = ${pending.id}`.execute(db());
  });

  it('7. never changes an evidence file, nor deletes one an approved report carries; its key is the SHA-256 of its bytes', async () => {
    const bytes = Buffer.from('255044462d312e340a', 'hex');
    const sha = createHash('sha256').update(bytes).digest('hex');
    await sql`insert into evidence_files (sha256, media_type, bytes, byte_size) values (${sha}, 'application/pdf', ${bytes}, ${bytes.length})`.execute(db());
    await expect(sql`update evidence_files set bytes = ${Buffer.from('other')} where sha256 = ${sha}`.execute(db())).rejects.toThrow(/never changes/);
    await expect(sql`update evidence_files set media_type = 'image/png' where sha256 = ${sha}`.execute(db())).rejects.toThrow(/never changes/);
    // Carried by an approved report (the draft of the test before, approved now): never deleted.
    const pendingReport = await db().selectFrom('project_reports').select('id').where('project_id', '=', own).where('seq', '=', 2).executeTakeFirstOrThrow();
    await sql`update project_reports set state = 'approved', submitted_at = now(), decided_at = now() where id = ${pendingReport.id}`.execute(db());
    const carriedSha = (await db().selectFrom('report_evidence').select('sha256').where('report_id', '=', pendingReport.id).executeTakeFirstOrThrow()).sha256;
    await expect(sql`delete from evidence_files where sha256 = ${carriedSha}`.execute(db())).rejects.toThrow(/never changes/);
    // Carried by nothing: may go.
    await sql`delete from evidence_files where sha256 = ${sha}`.execute(db());
    // A key that is not the SHA-256 of the bytes.
    const wrong = createHash('sha256').update('something else').digest('hex');
    await expect(sql`insert into evidence_files (sha256, media_type, bytes, byte_size) values (${wrong}, 'application/pdf', ${bytes}, ${bytes.length})`.execute(db()))
      .rejects.toThrow(/evidence_files_sha256_bytes/);
    const { rows } = await sql<{ validated: boolean }>`select convalidated as validated from pg_constraint where conname = 'evidence_files_sha256_bytes'`.execute(db());
    expect(rows).toEqual([{ validated: true }]);
  });

  it('9. refuses a plan starting before the year before the meeting, or due after its tenth year', async () => {
    const revision = (over: Record<string, string>) => postOnce(demo.t.app, `/workspace/projects/${own}/plan`, { ...planFields(over), reason: '调整工期。' }, { Cookie: jiaoyu });
    const early = await revision({ startsOn: '0001-01-01' });
    expect(early.status).toBe(422);
    expect(await early.text()).toContain('开始日期不能早于 2022-01-01');
    const late = await revision({ deadline: '9999-12-31' });
    expect(late.status).toBe(422);
    expect(await late.text()).toContain('完成期限不能晚于 2033-12-31');
    expect(await db().selectFrom('project_plans').select('revision').where('project_id', '=', own).orderBy('revision').execute()).toEqual([{ revision: 1 }, { revision: 2 }]);
    expect((await revision({ startsOn: '2022-01-01', deadline: '2033-12-31' })).status).toBe(303);
  });
});
