import { sql } from 'kysely';
import sharp from 'sharp';
import { createSession, SESSION_COOKIE } from '../../src/auth/sessions.ts';
import type { PlanMilestone, PlanTarget } from '../../src/domain/tables.ts';
import type { Db } from '../../src/platform/db/index.ts';
import type { Clock } from '../../src/platform/time.ts';
import { createUser } from '../../src/users/store.ts';
import { sameOrigin } from './app.ts';

/**
 * Helpers of the reports and evidence tests: an approved plan put straight into the table (the plan
 * pages are another part's work), session cookies for the demo's accounts, an officer of any
 * department, multipart uploads, and images made here (never downloaded).
 */

export interface PlanOptions {
  coDepartmentIds?: number[];
  milestones?: PlanMilestone[];
  targets?: PlanTarget[];
  startsOn?: string;
  deadline?: string;
}

export const MILESTONES: PlanMilestone[] = [
  { key: 'm1', title: '完成设计招标', due: '2023-09-30', weight: 1, subItem: null },
  { key: 'm2', title: '主体完工', due: '2024-09-30', weight: 3, subItem: null },
];
export const TARGETS: PlanTarget[] = [{ key: 't1', metric: '新增学位', unit: '个', target: 1200 }];

/** An approved first revision of a project's plan: quarterly from 2023-04-01 to 2024-12-31, 年度计划 500万元. */
export async function approvePlanDirectly(db: Db, projectId: number, o: PlanOptions = {}): Promise<void> {
  await db.insertInto('project_plans').values({
    project_id: projectId, revision: 1, state: 'approved', total_investment_fen: 1_000_000_000, annual_investment_fen: 500_000_000,
    starts_on: o.startsOn ?? '2023-04-01', deadline: o.deadline ?? '2024-12-31', location: null, lead_official: '副县长 某', schedule: 'quarterly',
    co_department_ids: sql<number[]>`${`{${(o.coDepartmentIds ?? []).join(',')}}`}::integer[]` as unknown as number[],
    targets: JSON.stringify(o.targets ?? TARGETS), sub_items: '[]', milestones: JSON.stringify(o.milestones ?? MILESTONES),
    drafted_at: new Date('2023-03-20T00:00:00Z'), submitted_at: new Date('2023-03-21T00:00:00Z'), decided_at: new Date('2023-03-25T00:00:00Z'), decided_by_name: 'test',
  }).execute();
}

/** A session cookie of an existing account. */
export async function cookieOf(db: Db, clock: Clock, username: string): Promise<string> {
  const u = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  const { token } = await createSession(db, clock, u.id, 'test');
  return `${SESSION_COOKIE}=${token}`;
}

let officers = 0;
/** A new department officer of the department, and its session cookie. */
export async function officerOf(db: Db, clock: Clock, departmentId: number): Promise<string> {
  const username = `officer${process.pid}x${++officers}`;
  await createUser(db, { clock, actor: { userId: null, name: 'test' } }, { username, displayName: `部门人员${officers}`, password: 'correct horse battery', roles: ['department'], departmentId });
  return cookieOf(db, clock, username);
}

/** A same-origin multipart POST (a file upload). */
export function upload(app: { request: (path: string, init: RequestInit) => Response | Promise<Response> }, path: string, cookie: string, fields: Record<string, string | Blob>, fileName = 'photo.jpg') {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === 'string') form.append(k, v);
    else form.append(k, v, fileName);
  }
  return app.request(path, { method: 'POST', body: form, headers: { ...sameOrigin, Cookie: cookie } });
}

/** A JPEG made here, optionally carrying EXIF with a GPS position. */
export async function jpeg(opts: { width?: number; height?: number; gps?: boolean } = {}): Promise<Buffer> {
  const image = sharp({ create: { width: opts.width ?? 64, height: opts.height ?? 48, channels: 3, background: { r: 200, g: 60, b: 40 } } }).jpeg();
  if (!opts.gps) return image.toBuffer();
  return image.withExif({
    IFD0: { Make: 'TestCam', Model: 'Minsheng 1' },
    IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '29/1 2/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '119/1 10/1 0/1' },
  }).toBuffer();
}

export async function png(): Promise<Buffer> {
  return sharp({ create: { width: 32, height: 32, channels: 4, background: { r: 0, g: 120, b: 200, alpha: 1 } } }).png().toBuffer();
}
