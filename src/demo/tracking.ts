import { sql } from 'kysely';
import sharp from 'sharp';
import { castEncryptedBallot, cryptoSpecOf, electionKeyOf } from '../ballots/encrypted.ts';
import { issueBallotNonce } from '../ballots/nonce.ts';
import type { BallotSpec } from '../ballots/rules.ts';
import { certifyElection, publishElection, recordSummary, sealElection } from '../counting/store.ts';
import { decodePoint, encryptBallot } from '../domain/crypto/index.ts';
import { trackerKey } from '../keys/installation.ts';
import type { Db } from '../platform/db/index.ts';
import type { Acting, Actor } from '../platform/acting.ts';
import { fixedClock } from '../platform/time.ts';
import type { SigningConfig } from '../keys/signing.ts';
import { optionKey } from '../elections/rules.ts';
import { closeElection, createElection, openElection } from '../elections/store.ts';
import { ratableProjects } from '../meetings/store.ts';
import { approvePlan, returnPlan, savePlan, submitPlan } from '../plans/store.ts';
import type { PlanContent } from '../plans/rules.ts';
import { prepareEvidence } from '../reports/evidence.ts';
import { addEvidence, approveReport, createReport, returnReport, saveReport, submitReport } from '../reports/store.ts';
import type { ReportInput } from '../reports/rules.ts';
import { decideOpinion, fileNote, replyToNote, replyToOpinion, setNoteDue, submitOpinion } from '../supervision/store.ts';
import { decryptAsDemoTrustees, runDemoCeremony } from './ceremony.ts';
import { mulberry32 } from './deputies.ts';
import { PROJECT_SCRIPTS, type ProjectScript } from './tracking-script.ts';

/**
 * The demo's year of tracking (issue 12, "Demo data"): the ten projects the 2023 vote chose are
 * planned, reported on with photos, approved (one plan and one report returned first, one plan
 * revised), inspected by deputies and commented on by citizens through 2023, then rated (测评) at
 * the 2024 meeting, and the project rated 不满意 files a rectification report. Every step goes
 * through the store functions the routes call, as the accounts that would take it, at fixed
 * Beijing times, so the audit log reads in time order. Photos are drawn here with sharp (no
 * download, no text, so no fonts needed) and go through the same checks as an upload.
 */

/** The 2024 meeting's timetable, Beijing time (seed.ts sets the meeting up at these times when it seeds the history). */

/** A target's reported actual at this share of it: whole for a count (6 所, not 6.18 所), two decimals otherwise (3.59 个/千人). */
function actualOf(target: number, share: number): number {
  return Number.isInteger(target) ? Math.round(target * share) : Math.round(target * share * 100) / 100;
}

export const DEMO_2024_AT = {
  setup: '2024-01-10T09:00:00+08:00',
  selectionCreated: '2024-01-14T16:00:00+08:00',
  attendance: '2024-01-16T09:00:00+08:00',
  ratingCreated: '2024-01-16T09:10:00+08:00',
  // The 测评's key ceremony (encrypted mode, k = 2 of its three scrutineers), before it opens.
  ratingMode: '2024-01-16T09:11:00+08:00',
  ratingCeremony: '2024-01-16T09:12:00+08:00',
  ratingPossession: '2024-01-16T09:16:00+08:00',
  ratingOpened: '2024-01-16T09:20:00+08:00',
  ratingClosed: '2024-01-16T09:50:00+08:00',
  ratingSealed: '2024-01-16T09:55:00+08:00',
  // Two of its three trustees decrypt the totals; the second's partial combines them (→ tallied).
  ratingDecrypted: ['2024-01-16T09:57:00+08:00', '2024-01-16T09:58:00+08:00'],
  ratingCertified: '2024-01-16T10:00:00+08:00',
  ratingPublished: '2024-01-16T10:30:00+08:00',
  rectificationDrafted: '2024-03-05T10:00:00+08:00',
  rectificationApproved: '2024-03-08T15:00:00+08:00',
} as const;

export const DEMO_RATING_TITLE = '2023年民生实事项目满意度测评';

/** The project rated 不满意 at the 2024 meeting (then 整改中) and its rectification report. */
const RECTIFIED = '生活垃圾分类收运';
const RECTIFICATION = '针对测评中代表反映的“前端分类、后端混运”问题，已对全县分类收运车辆加装识别标识和车载监控，实行“桶车对应”收运，' +
  '建立混装混运投诉快速处置机制，2月份抽查收运车辆320车次，未发现混运；同步在12个乡镇开展入户督导，分类准确率由68%提升至83%。';

/** How the deputies rate each project (chances of 满意, 基本满意, 不满意; the rest 弃权): most well, one badly. */
const RATING_ODDS: Readonly<Record<string, readonly [number, number, number]>> = {
  学前教育扩容提质: [0.8, 0.17, 0.02],
  普惠托育扩容: [0.7, 0.25, 0.03],
  老旧小区改造提升: [0.4, 0.45, 0.12],
  农村公路提升: [0.75, 0.2, 0.03],
  山塘水库系统治理: [0.72, 0.22, 0.03],
  '15分钟品质文化生活圈': [0.68, 0.27, 0.03],
  妇女儿童医院和健康产业中心建设: [0.3, 0.5, 0.16],
  '居家养老与“浙里康养”': [0.78, 0.18, 0.02],
  [RECTIFIED]: [0.08, 0.2, 0.68],
  饮用水水源地保护: [0.66, 0.28, 0.03],
};

/** The 测评's scrutineers, in order: its three trustees (k = 2); the first two decrypt and certify. */
const RATING_SCRUTINEERS = ['jianpiao1', 'jianpiao2', 'jianpiao3'] as const;

/**
 * The demo's 测评 ballots, from its seeded generator: for each of `voters` deputies in turn, how long
 * after the previous one they cast (ms) and their marks (满意 S, 基本满意 B, 不满意 U, 弃权 N) on the
 * projects titled `titles`, in ballot order. The same on every machine: tests recount the record
 * against it.
 */
export function demoRatingBallots(titles: readonly string[], voters: number): { afterMs: number; marks: string }[] {
  const rnd = mulberry32(240116);
  return Array.from({ length: voters }, () => {
    const afterMs = 20_000 + Math.floor(rnd() * 30_000);
    const marks = titles.map((title) => {
      const odds = RATING_ODDS[title] ?? [0.7, 0.25, 0.03];
      const u = rnd();
      return u < odds[0] ? 'S' : u < odds[0] + odds[1] ? 'B' : u < odds[0] + odds[1] + odds[2] ? 'U' : 'N';
    }).join('');
    return { afterMs, marks };
  });
}

interface Users { as(username: string, clock: Acting['clock']): Acting; departmentOf(username: string): number; deputyOf(username: string): number; idOf(username: string): number; displayName(username: string): string }

async function loadUsers(db: Db): Promise<Users> {
  const rows = await db.selectFrom('users').select(['id', 'username', 'display_name', 'deputy_id', 'department_id'])
    .select((eb) => eb.selectFrom('user_roles').whereRef('user_roles.user_id', '=', 'users.id').select(sql<string[]>`array_agg(role)`.as('r')).as('roles'))
    .execute();
  const byName = new Map(rows.map((u) => [u.username, u]));
  const user = (username: string) => {
    const u = byName.get(username);
    if (!u) throw new Error(`the demo's tracking needs the ${username} account`);
    return u;
  };
  return {
    // As the routes do: the actor is the signed-in user, named by username, acting in their roles.
    as: (username, clock) => ({ clock, actor: { userId: user(username).id, name: username, roles: user(username).roles ?? [] } satisfies Actor }),
    departmentOf: (username) => user(username).department_id ?? (() => { throw new Error(`${username} is not a department's account`); })(),
    deputyOf: (username) => user(username).deputy_id ?? (() => { throw new Error(`${username} is not a deputy's account`); })(),
    idOf: (username) => user(username).id,
    displayName: (username) => user(username).display_name,
  };
}

// ---------------------------------------------------------------------------------------------
// Photos

/**
 * A plausible site photo, drawn: sky, ground, a sun and buildings (more and taller as the work
 * advances), in the project's colour. JPEG, about 30 kB; the same for the same arguments.
 */
export async function demoPhoto(hue: number, stage: number, seed: number): Promise<Uint8Array> {
  const w = 800;
  const h = 600;
  const rnd = mulberry32(seed);
  const shapes: string[] = [];
  const horizon = 380 + Math.floor(rnd() * 60);
  shapes.push(`<circle cx="${80 + Math.floor(rnd() * 640)}" cy="${70 + Math.floor(rnd() * 60)}" r="${34 + Math.floor(rnd() * 20)}" fill="#f7d774"/>`);
  shapes.push(`<path d="M0 ${horizon} Q 200 ${horizon - 90} 400 ${horizon - 20} T 800 ${horizon - 40} V ${h} H 0 Z" fill="hsl(${(hue + 100) % 360},28%,58%)"/>`);
  shapes.push(`<rect x="0" y="${horizon}" width="${w}" height="${h - horizon}" fill="hsl(${(hue + 80) % 360},25%,42%)"/>`);
  const count = 2 + stage;
  for (let i = 0; i < count; i++) {
    const bw = 70 + Math.floor(rnd() * 60);
    const bh = 60 + Math.floor(rnd() * (60 + stage * 45));
    const x = 30 + Math.floor(((i + rnd() * 0.5) / count) * (w - 140));
    const y = horizon - bh + 10;
    shapes.push(`<rect x="${x}" y="${y}" width="${bw}" height="${bh}" fill="hsl(${hue},${30 + Math.floor(rnd() * 30)}%,${55 + Math.floor(rnd() * 25)}%)" stroke="#5b5b5b" stroke-width="2"/>`);
    for (let wy = y + 12; wy < horizon - 12; wy += 22) {
      for (let wx = x + 10; wx < x + bw - 14; wx += 20) shapes.push(`<rect x="${wx}" y="${wy}" width="9" height="11" fill="#e9f1f7"/>`);
    }
  }
  if (stage < 4) {
    // A crane while the work goes on.
    const cx = 120 + Math.floor(rnd() * 560);
    shapes.push(`<path d="M${cx} ${horizon} V ${horizon - 260} H ${cx + 150} M${cx} ${horizon - 240} L ${cx + 60} ${horizon - 260} M${cx + 130} ${horizon - 260} V ${horizon - 200}" stroke="#e0a526" stroke-width="7" fill="none"/>`);
  }
  shapes.push(`<rect x="0" y="${h - 70}" width="${w}" height="70" fill="#8f8f8f"/><path d="M0 ${h - 35} H ${w}" stroke="#f2f2f2" stroke-width="4" stroke-dasharray="40 30"/>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${shapes.join('')}</svg>`;
  const sky = hslToRgb((hue + 190) % 360, 0.45, 0.8);
  const data = await sharp({ create: { width: w, height: h, channels: 3, background: sky } })
    .composite([{ input: Buffer.from(svg) }]).jpeg({ quality: 80 }).toBuffer();
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function hslToRgb(hue: number, s: number, l: number): { r: number; g: number; b: number } {
  const k = (n: number) => (n + hue / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => Math.round(255 * (l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)))));
  return { r: f(0), g: f(8), b: f(4) };
}

// ---------------------------------------------------------------------------------------------
// The year, as events in time order

interface Event { at: number; run: () => Promise<void> }

/** Beijing wall time → instant; `minutes` later. */
const bj = (date: string, time: string, minutes = 0) => Date.parse(`${date}T${time}:00+08:00`) + minutes * 60_000;
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The n-th (0-based) period of a plan starting in January 2023, and the day after it ends. */
function periodOf(schedule: ProjectScript['schedule'], n: number): { period: string; ended: string } {
  if (schedule === 'monthly') {
    const month = n + 1;
    const next = month === 12 ? '2024-01-01' : `2023-${String(month + 1).padStart(2, '0')}-01`;
    return { period: `2023-${String(month).padStart(2, '0')}`, ended: next };
  }
  const next = n === 3 ? '2024-01-01' : `2023-${String(n * 3 + 4).padStart(2, '0')}-01`;
  return { period: `2023-Q${n + 1}`, ended: next };
}

export interface TrackingInput {
  /** The 2023 meeting, whose published vote made the projects. */
  meetingId: number;
}

/** What the tracking seed made, for the rating and for tests. */
export interface TrackingSeeded {
  projects: Map<string, number>;
}

/**
 * Plays the year 2023 of the 2023 meeting's projects (plans, reports, evidence, notes, opinions),
 * up to January 2024 before the 2024 meeting. The demo's accounts must exist (seed.ts).
 */
export async function seedTracking2023(db: Db, input: TrackingInput): Promise<TrackingSeeded> {
  const clock = fixedClock('2023-01-12T09:00:00+08:00');
  const users = await loadUsers(db);
  const rows = await db.selectFrom('projects as p').innerJoin('candidates as c', 'c.id', 'p.candidate_id')
    .select(['p.id', 'p.rank', 'p.candidate_id', 'c.name', 'c.total_investment_yuan', 'c.deadline', 'c.lead_official'])
    .where('p.meeting_id', '=', input.meetingId).orderBy('p.rank').execute();
  const projects = new Map(rows.map((r) => [r.name, r.id]));
  const events: Event[] = [];
  const at = (time: number, run: () => Promise<void>) => events.push({ at: time, run });
  const mishu = () => users.as('mishu', clock);

  for (const [index, row] of rows.entries()) {
    const script = PROJECT_SCRIPTS[row.name];
    if (!script) throw new Error(`no demo tracking script for the chosen project ${row.name}`);
    const co = (await db.selectFrom('candidate_co_departments').select('department_id').where('candidate_id', '=', row.candidate_id).orderBy('department_id').execute()).map((d) => d.department_id);
    const department = users.departmentOf(script.username);
    const officer = () => users.as(script.username, clock);
    const totalFen = (row.total_investment_yuan ?? 0) * 100;
    const milestones = (dues: Record<number, string> = {}) => script.milestones.map((m, i) => ({ key: `m${i + 1}`, title: m.title, due: dues[i + 1] ?? m.due, weight: m.weight, subItem: null }));
    const plan = (over: Partial<PlanContent> = {}): PlanContent => ({
      totalInvestmentFen: totalFen, annualInvestmentFen: (script.annualYuan ?? row.total_investment_yuan ?? 0) * 100,
      startsOn: null, deadline: row.deadline!, location: script.location, leadOfficial: row.lead_official, schedule: script.schedule,
      coDepartmentIds: co, targets: script.targets.map((t, i) => ({ key: `t${i + 1}`, ...t })), subItems: [], milestones: milestones(), ...over,
    });
    const minute = index * 7;

    // The plan: drafted and submitted in the third week of January, approved before the end of the month.
    let planId = 0;
    if (script.planReturned) {
      const first = plan({ location: null, milestones: milestones().slice(0, -1) });
      at(bj('2023-01-19', '10:00', minute), async () => { planId = (await savePlan(db, officer(), row.id, department, first, null)).id; });
      at(bj('2023-01-19', '16:00', minute), async () => { await submitPlan(db, officer(), row.id, department); });
      at(bj('2023-01-28', '10:00', minute), async () => { await returnPlan(db, mishu(), planId, script.planReturned!, null); });
      at(bj('2023-01-29', '15:00', minute), async () => { await savePlan(db, officer(), row.id, department, plan(), null); });
      at(bj('2023-01-29', '16:00', minute), async () => { await submitPlan(db, officer(), row.id, department); });
      at(bj('2023-01-31', '10:00', minute), async () => { await approvePlan(db, mishu(), planId, null); });
    } else {
      at(bj('2023-01-19', '10:00', minute), async () => { planId = (await savePlan(db, officer(), row.id, department, plan(), null)).id; });
      at(bj('2023-01-19', '16:00', minute), async () => { await submitPlan(db, officer(), row.id, department); });
      at(bj('2023-01-30', '10:00', minute), async () => { await approvePlan(db, mishu(), planId, null); });
    }
    if (script.revision) {
      const r = script.revision;
      let revisionId = 0;
      at(bj('2023-07-10', '10:00', minute), async () => {
        revisionId = (await savePlan(db, officer(), row.id, department, plan({ milestones: milestones(r.dues), annualInvestmentFen: r.annualYuan * 100 }), r.reason)).id;
      });
      at(bj('2023-07-10', '11:00', minute), async () => { await submitPlan(db, officer(), row.id, department); });
      at(bj('2023-07-14', '10:00', minute), async () => { await approvePlan(db, mishu(), revisionId, null); });
    }

    // The reports: drafted on the third day after the period, approved on the seventh.
    let annualYuan = script.annualYuan ?? row.total_investment_yuan ?? 0;
    for (const [n, report] of script.reports.entries()) {
      const { period, ended } = periodOf(script.schedule, n);
      if (script.revision && ended > '2023-07-14') annualYuan = script.revision.annualYuan;
      const spentFen = Math.round(annualYuan * report.spent) * 100;
      const input = (narrative: string): ReportInput => ({
        kind: 'progress', period, narrative, percent: null, spentFen, final: report.final ?? false,
        actuals: script.targets.map((t, i) => ({ target: `t${i + 1}`, value: actualOf(t.target, report.actual) })),
        milestonesDone: (report.done ?? []).map((d) => `m${d}`),
      });
      const drafted = addDays(ended, 2);
      let reportId = 0;
      at(bj(drafted, '10:00', minute), async () => { reportId = (await createReport(db, officer(), department, row.id, input(report.narrative))).id; });
      if (report.photo) {
        const seed = row.id * 100 + n;
        const stage = Math.min(4, Math.round((report.done?.length ? Math.max(...report.done) : n) * 4 / script.milestones.length));
        at(bj(drafted, '10:20', minute), async () => {
          const prepared = await prepareEvidence(await demoPhoto(script.hue, stage, seed));
          if (!prepared.ok) throw new Error(`a demo photo was refused: ${prepared.reason}`);
          await addEvidence(db, officer(), department, reportId, prepared.file, { caption: report.photo! });
        });
      }
      at(bj(drafted, '11:00', minute), async () => { await submitReport(db, officer(), department, reportId); });
      if (script.finalPending && n === script.reports.length - 1) continue;
      if (script.returned?.index === n) {
        const back = script.returned;
        at(bj(addDays(drafted, 2), '15:00', minute), async () => { await returnReport(db, mishu(), reportId, { comment: back.comment }, null); });
        at(bj(addDays(drafted, 3), '10:00', minute), async () => { await saveReport(db, officer(), department, reportId, input(`${report.narrative}${back.addition}`)); });
        at(bj(addDays(drafted, 3), '10:20', minute), async () => {
          const prepared = await prepareEvidence(await demoPhoto(script.hue, 1, row.id * 100 + 50 + n));
          if (!prepared.ok) throw new Error(`a demo photo was refused: ${prepared.reason}`);
          await addEvidence(db, officer(), department, reportId, prepared.file, { caption: '加装电梯土建施工（2023年6月）' });
        });
        at(bj(addDays(drafted, 3), '11:00', minute), async () => { await submitReport(db, officer(), department, reportId); });
        at(bj(addDays(drafted, 4), '15:00', minute), async () => { await approveReport(db, mishu(), reportId, null); });
      } else {
        at(bj(addDays(drafted, 4), '15:00', minute), async () => { await approveReport(db, mishu(), reportId, null); });
      }
    }
  }

  // Deputies' inspection notes (d001, d002 and jianpiao1 sit on the standing committee), and the departments' replies.
  const note = (username: string, project: string, filed: number, body: string, reply?: { by: string; at: number; text: string }, due?: { at: number; due: string }) => {
    let noteId = 0;
    const projectId = projects.get(project);
    if (projectId === undefined) throw new Error(`the demo's note needs the project ${project}`);
    at(filed, async () => { noteId = (await fileNote(db, users.as(username, clock), projectId, users.deputyOf(username), { body }))!.id; });
    if (due) at(due.at, async () => { await setNoteDue(db, mishu(), noteId, { due: due.due }); });
    if (reply) at(reply.at, async () => { await replyToNote(db, users.as(reply.by, clock), noteId, users.departmentOf(reply.by), { reply: reply.text }); });
  };
  note('d001', '学前教育扩容提质', bj('2023-05-16', '15:30'),
    '视察城东幼儿园建设现场，工程进度符合计划。建议同步做好教师招聘和保教人员培训，确保秋季开园后师资到位。',
    { by: 'jiaoyu', at: bj('2023-06-02', '10:00'), text: '已面向社会公开招聘幼儿园教师48名、保育员30名，8月完成岗前培训，秋季开园师资全部到位。' });
  note('d002', '老旧小区改造提升', bj('2023-06-20', '16:00'),
    '部分居民反映施工期间车辆停放和出行不便，希望合理安排施工时间，设置临时停车点。',
    { by: 'zhujian', at: bj('2023-07-12', '09:30'), text: '已在阳光、荣昌小区周边设置临时停车点260个，夜间22时后禁止高噪声作业，并在小区公示施工计划和投诉电话。' });
  note('jianpiao1', '妇女儿童医院和健康产业中心建设', bj('2023-09-12', '14:00'),
    '医院工期已滞后，请说明调整后的节点安排，并确保强降雨后复工的施工质量。',
    { by: 'weijian', at: bj('2023-10-08', '10:00'), text: '调整后的计划已于7月经批准公开：主体结构7月封顶，内部装修11月底完成。监理单位对雨后复工部位逐一检测，混凝土强度全部合格。' });
  note('d001', '农村公路提升', bj('2023-08-23', '10:30'),
    '溪口镇枫林桥危桥改造期间，建议设置便道，保障学生上下学安全。',
    { by: 'jiaotong', at: bj('2023-09-05', '16:00'), text: '已在枫林桥上游修建临时便道，上下学时段安排专人值守，9月开学前投入使用。' });
  // Unanswered past its due date: the overdue lists show it.
  note('d002', '妇女儿童医院和健康产业中心建设', bj('2023-11-20', '15:00'),
    '请说明竣工验收的具体时间和开诊准备情况，以及延期对年度投资计划的影响。', undefined,
    { at: bj('2023-11-22', '10:00'), due: '2023-12-20' });

  // Citizens' opinions, through the same store function as the public form (made-up documentation addresses).
  const opinion = (project: string, submitted: number, address: string, body: string, decision?: { at: number; outcome: 'accepted' | 'rejected' }, reply?: { by: string; at: number; text: string }) => {
    let opinionId = 0;
    const projectId = projects.get(project);
    if (projectId === undefined) throw new Error(`the demo's opinion needs the project ${project}`);
    at(submitted, async () => {
      const outcome = await submitOpinion(db, fixedClock(new Date(submitted)), projectId, address, { body });
      if (!outcome || !('stored' in outcome)) throw new Error('a demo opinion was refused');
      opinionId = outcome.id;
    });
    if (decision) at(decision.at, async () => { await decideOpinion(db, mishu(), opinionId, decision.outcome); });
    if (reply) at(reply.at, async () => { await replyToOpinion(db, users.as(reply.by, clock), opinionId, users.departmentOf(reply.by), { reply: reply.text }); });
  };
  opinion('学前教育扩容提质', bj('2023-07-08', '20:15'), '203.0.113.24',
    '新幼儿园开园后能否提供延时照护服务？双职工家庭下午四点接孩子比较困难。',
    { at: bj('2023-07-10', '09:00'), outcome: 'accepted' },
    { by: 'jiaoyu', at: bj('2023-07-20', '10:00'), text: '新开办的3所幼儿园秋季学期起提供延时照护至17时30分，按成本收费，困难家庭减免。' });
  opinion('15分钟品质文化生活圈', bj('2023-08-02', '21:40'), '198.51.100.7',
    '城市书房晚上开放到九点很方便，建议增加儿童绘本区和周末亲子活动。',
    { at: bj('2023-08-03', '09:30'), outcome: 'accepted' });
  opinion(RECTIFIED, bj('2023-09-14', '19:05'), '192.0.2.61',
    '楼下某某家天天乱扔垃圾，电话我已经写给物业了，请执法局直接上门罚款。',
    { at: bj('2023-09-15', '09:30'), outcome: 'rejected' });
  opinion('农村公路提升', bj('2024-01-06', '18:20'), '203.0.113.88',
    '溪口到庙下的新路修好了，但急弯处还缺少反光镜和减速带，晚上行车不安全。');

  events.sort((a, b) => a.at - b.at);
  for (const e of events) {
    clock.set(new Date(e.at));
    await e.run();
  }
  return { projects };
}

export interface RatingInput {
  /** The 2024 meeting, where the deputies rate the 2023 projects. */
  meetingId: number;
  signing: SigningConfig;
}

/**
 * The 测评 at the 2024 meeting, in encrypted mode: the standing committee's members present rate the
 * ten 2023 projects (as the rating form offers them: the previous meeting's projects). Its three
 * scrutineers hold its key ceremony (src/demo/ceremony.ts, their files published like the
 * selection's); each ballot is encrypted here for its deputy, with a nonce issued as the ballot page
 * issues one, and cast through castEncryptedBallot, which checks every proof. The vote is closed,
 * sealed (→ decrypting), decrypted by two of its trustees from their published files (→ tallied: the
 * format-2 record), certified by the same two and published (which copies the ratings to the
 * projects); then the project rated 不满意 files its rectification report, approved in March.
 * The 2024 meeting's attendance must be recorded. Returns the 测评's election id.
 */
export async function seedRating2024(db: Db, input: RatingInput): Promise<number> {
  const clock = fixedClock(DEMO_2024_AT.ratingCreated);
  const users = await loadUsers(db);
  const secretariat = users.as('mishu', clock);
  const offered = (await ratableProjects(db, input.meetingId)).filter((p) => p.preselected);
  const options = offered.map((p, i) => ({ key: optionKey(i + 1), title: p.name, candidateId: p.id }));
  const election = await createElection(db, secretariat, {
    meetingId: input.meetingId, kind: 'satisfaction', title: DEMO_RATING_TITLE, marking: 'satisfaction', seats: null,
    passBase: 'valid-ballots', electorate: 'standing-committee', options,
    scrutineers: RATING_SCRUTINEERS.map((u) => users.deputyOf(u)),
  });
  await runDemoCeremony(db, clock, election.id, {
    secretariat: 'mishu', fixed: { clock, times: { mode: DEMO_2024_AT.ratingMode, started: DEMO_2024_AT.ratingCeremony, possession: DEMO_2024_AT.ratingPossession } },
  });
  clock.set(DEMO_2024_AT.ratingOpened);
  await openElection(db, secretariat, election.id);

  const voters = await db.selectFrom('roll as r').innerJoin('attendance as a', (j) => j.onRef('a.deputy_id', '=', 'r.deputy_id').on('a.meeting_id', '=', input.meetingId))
    .select('r.deputy_id').where('r.election_id', '=', election.id).where('a.present', '=', true).orderBy('r.deputy_id').execute();
  const key = await electionKeyOf(db, election.id);
  if (!key) throw new Error('the demo\'s 测评 has no election key');
  const spec: BallotSpec = { kind: 'satisfaction', marking: 'satisfaction', seats: null, optionKeys: options.map((o) => o.key) };
  const macKey = trackerKey(input.signing);
  const publicKey = decodePoint(key.publicKey);
  const ballots = demoRatingBallots(offered.map((p) => p.name), voters.length);
  for (const [i, voter] of voters.entries()) {
    const { afterMs, marks } = ballots[i]!;
    clock.advance(afterMs);
    // As the ballot page without JavaScript does: the server encrypts with a nonce it issues to this deputy, then casts it.
    const issued = issueBallotNonce(macKey, election.id, voter.deputy_id);
    const ballot = encryptBallot(publicKey, cryptoSpecOf(spec), key.contextId, issued.nonce, marks);
    const r = await castEncryptedBallot(db, clock, {
      electionId: election.id, deputyId: voter.deputy_id, nonce: issued.nonce, nonceMac: issued.mac, ballot: JSON.stringify(ballot), macKey, spec,
    });
    if (r.status !== 'cast') throw new Error(`demo rating ballot refused: ${r.status === 'refused' ? `${r.reason} ${r.detail ?? ''}` : r.status}`);
  }
  clock.set(DEMO_2024_AT.ratingClosed);
  await closeElection(db, secretariat, election.id);
  clock.set(DEMO_2024_AT.ratingSealed);
  const sealed = await sealElection(db, secretariat, election.id);
  if (sealed.state !== 'decrypting') throw new Error(`the demo's 测评 sealed into ${sealed.state}, not decrypting`);
  const decrypted = await decryptAsDemoTrustees(db, clock, election.id, {
    trustees: RATING_SCRUTINEERS.slice(0, 2), fixed: { clock, times: DEMO_2024_AT.ratingDecrypted },
  });
  if (!decrypted.combined) throw new Error('the demo\'s 测评 was decrypted but its partials did not combine');
  const { digest } = (await recordSummary(db, election.id))!;
  clock.set(DEMO_2024_AT.ratingCertified);
  for (const username of RATING_SCRUTINEERS.slice(0, 2)) {
    await certifyElection(db, users.as(username, clock), election.id, { userId: users.idOf(username), name: users.displayName(username) }, digest);
    clock.advance(60_000);
  }
  clock.set(DEMO_2024_AT.ratingPublished);
  await publishElection(db, secretariat, election.id, input.signing);

  // The rectification report of the project rated 不满意.
  const rectified = await db.selectFrom('project_ratings as r').innerJoin('projects as p', 'p.id', 'r.project_id').innerJoin('candidates as c', 'c.id', 'p.candidate_id')
    .select(['p.id', 'c.name']).where('r.election_id', '=', election.id).where('r.rating', '=', 'unsatisfied').execute();
  if (rectified.length !== 1 || rectified[0]!.name !== RECTIFIED) throw new Error(`the demo's 测评 should rate only ${RECTIFIED} 不满意`);
  const script = PROJECT_SCRIPTS[RECTIFIED]!;
  const department = users.departmentOf(script.username);
  const last = script.reports.at(-1)!;
  const annual = (await db.selectFrom('candidates').select('total_investment_yuan').where('name', '=', RECTIFIED).executeTakeFirstOrThrow()).total_investment_yuan ?? 0;
  clock.set(DEMO_2024_AT.rectificationDrafted);
  const officer = users.as(script.username, clock);
  const report = await createReport(db, officer, department, rectified[0]!.id, {
    kind: 'rectification', period: null, narrative: RECTIFICATION, percent: null, spentFen: Math.round(annual * last.spent) * 100,
    actuals: script.targets.map((t, i) => ({ target: `t${i + 1}`, value: actualOf(t.target, last.actual) })), milestonesDone: [],
  });
  clock.advance(20 * 60_000);
  const prepared = await prepareEvidence(await demoPhoto(script.hue, 4, 999));
  if (!prepared.ok) throw new Error(`a demo photo was refused: ${prepared.reason}`);
  await addEvidence(db, officer, department, report.id, prepared.file, { caption: '加装识别标识的分类收运车辆（2024年2月）' });
  clock.advance(40 * 60_000);
  await submitReport(db, officer, department, report.id);
  clock.set(DEMO_2024_AT.rectificationApproved);
  await approveReport(db, users.as('mishu', clock), report.id, null);
  return election.id;
}
