import { createHash } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { ProjectPlanTable, ProjectReportTable } from '../../src/domain/tables.ts';
import type { DbHandle } from '../../src/platform/db/index.ts';
import type { TrackedDemo } from './tracking.ts';

/** Words that must never appear in public: each marks a row that is not public. */
export const SECRET = { draftReport: 'DRAFT-REPORT-NOT-PUBLIC', returnedReport: 'RETURNED-REPORT-NOT-PUBLIC', pendingOpinion: 'PENDING-OPINION-NOT-PUBLIC', rejectedOpinion: 'REJECTED-OPINION-NOT-PUBLIC', draftPlan: 'DRAFT-PLAN-REASON-NOT-PUBLIC' } as const;
/** Words that must appear: each marks a public row. */
export const PUBLIC = { report: '新增学位已落实过半', correction: '更正：新增学位数', section: '配合单位完成校舍验收', note: '建议加快食堂建设', reply: '已督促施工单位', opinion: '希望增加课后服务', opinionReply: '已纳入课后服务计划', caption: '新建教学楼主体完工' } as const;

/**
 * Writes, with SQL (the write paths are being built at the same time), a year of tracking for the
 * first ranked project: an approved plan (two milestones, one done, one overdue on 2024-08-01), an
 * approved report corrected by a later approved one with a section and a photo, a submitted and a
 * returned report, a draft plan revision, a note with its reply, an accepted opinion with a reply,
 * and a pending and a rejected opinion. Location 城南街道 and a second project's plan at 湖镇镇.
 */
export async function writeTracking(demo: TrackedDemo): Promise<{ projectId: number; otherId: number; reportIds: number[] }> {
  const db: DbHandle['db'] = demo.database.db;
  const [first, second] = demo.projects;
  const at = (s: string) => new Date(s);
  const plan = (projectId: number, revision: number, state: 'approved' | 'draft', extra: Partial<Insertable<ProjectPlanTable>>) => db.insertInto('project_plans').values({
    project_id: projectId, revision, state, reason: null, total_investment_fen: 500_000_000, annual_investment_fen: 200_000_000,
    starts_on: '2023-03-01', deadline: '2024-12-31', location: '城南街道', lead_official: '张副县长', schedule: 'quarterly',
    targets: JSON.stringify([{ key: 't1', metric: '新增学位', unit: '个', target: 1200 }]),
    milestones: JSON.stringify([
      { key: 'm1', title: '主体结构封顶', due: '2023-09-30', weight: 1, subItem: null },
      { key: 'm2', title: '竣工验收', due: '2024-01-10', weight: 1, subItem: null },
    ]),
    drafted_at: at('2023-03-05T02:00:00Z'), decided_at: state === 'approved' ? at('2023-03-10T02:00:00Z') : null, decided_by_name: 'mishu', ...extra,
  } as Insertable<ProjectPlanTable>).execute();
  await plan(first!.id, 1, 'approved', {});
  await plan(first!.id, 2, 'draft', { reason: SECRET.draftPlan, annual_investment_fen: 999_900 });
  await plan(second!.id, 1, 'approved', { location: '湖镇镇', annual_investment_fen: 100_000_000, decided_at: at('2023-03-11T02:00:00Z'), milestones: '[]' });
  const report = (seq: number, state: 'approved' | 'submitted' | 'returned', narrative: string, extra: Partial<Insertable<ProjectReportTable>> = {}) => db.insertInto('project_reports').values({
    project_id: first!.id, seq, state, narrative, percent: 50, spent_fen: 80_000_000, period: '2023-Q3',
    actuals: JSON.stringify([{ target: 't1', value: 600 }]), milestones_done: JSON.stringify(['m1']),
    drafted_at: at('2023-10-01T02:00:00Z'), decided_at: state === 'approved' || state === 'returned' ? at(`2023-10-0${seq + 1}T02:00:00Z`) : null,
    return_comment: state === 'returned' ? '请补充照片' : null, ...extra,
  } as Insertable<ProjectReportTable>).returning('id').executeTakeFirstOrThrow();
  const r1 = await report(1, 'approved', PUBLIC.report);
  const r2 = await report(2, 'submitted', PUBLIC.correction, { corrects_id: r1.id, spent_fen: 90_000_000, actuals: JSON.stringify([{ target: 't1', value: 640 }]) });
  await report(3, 'submitted', SECRET.draftReport, { spent_fen: 190_000_000, milestones_done: JSON.stringify(['m1', 'm2']) });
  await report(4, 'returned', SECRET.returnedReport, { spent_fen: 195_000_000 });
  const dept = await db.selectFrom('departments').select('id').where('id', '!=', first!.leadDepartmentId).executeTakeFirstOrThrow();
  await db.insertInto('report_sections').values({ project_id: first!.id, department_id: dept.id, report_id: r2.id, body: PUBLIC.section, written_at: at('2023-10-02T02:00:00Z') }).execute();
  const png = Buffer.from('89504e470d0a1a0a', 'hex');
  const sha = createHash('sha256').update(png).digest('hex');
  await db.insertInto('evidence_files').values({ sha256: sha, media_type: 'image/png', bytes: png, byte_size: png.length, width: 800, height: 600 }).execute();
  await db.insertInto('report_evidence').values({ report_id: r2.id, position: 1, sha256: sha, caption: PUBLIC.caption }).execute();
  // Parts join a report before its approval; an approved report never changes.
  await db.updateTable('project_reports').set({ state: 'approved', decided_at: at('2023-10-03T02:00:00Z') }).where('id', '=', r2.id).execute();
  const deputy = await db.selectFrom('deputies').select('id').orderBy('id').executeTakeFirstOrThrow();
  await db.insertInto('inspection_notes').values({
    project_id: first!.id, deputy_id: deputy.id, body: PUBLIC.note, filed_at: at('2023-11-01T02:00:00Z'), reply_due: '2023-12-01',
    reply: PUBLIC.reply, replied_at: at('2023-11-20T02:00:00Z'),
  }).execute();
  const opinion = (body: string, state: 'pending' | 'accepted' | 'rejected', reply: string | null = null) => db.insertInto('citizen_opinions').values({
    project_id: first!.id, body, submitted_at: at('2023-11-05T02:00:00Z'), state, reply, replied_at: reply ? at('2023-11-25T02:00:00Z') : null,
  }).execute();
  await opinion(PUBLIC.opinion, 'accepted', PUBLIC.opinionReply);
  await opinion(SECRET.pendingOpinion, 'pending');
  await opinion(SECRET.rejectedOpinion, 'rejected');
  return { projectId: first!.id, otherId: second!.id, reportIds: [r1.id, r2.id] };
}

/** Fails with the secret's name when any non-public text shows in `text`. */
export function expectNoSecret(text: string): void {
  for (const [name, secret] of Object.entries(SECRET)) {
    if (text.includes(secret)) throw new Error(`non-public ${name} appears`);
  }
}
