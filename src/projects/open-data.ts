import { stringify } from 'csv-stringify/sync';
import { CATEGORY_LABEL } from '../domain/vocabulary.ts';
import type { Translate } from '../platform/i18n/index.ts';
import { guardFormula } from '../results/csv.ts';
import type { ProjectSummary } from './model.ts';
import type { ProjectDetail } from './public-model.ts';

/**
 * The open data of tracked projects (pure): the same figures as the pages, money as integer 分 and
 * as a yuan string with two decimals, dates ISO, statuses as PROJECT_STATUSES' words, ids as strings
 * (as the record format and /api/meetings have them).
 */

/** 分 as yuan with two decimals: 123456 → "1234.56". */
export function yuanString(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const money = (fen: number) => ({ fen, yuan: yuanString(fen) });

/** One project as a row of /api/projects. */
export function projectJson(p: ProjectSummary) {
  return {
    id: String(p.id),
    url: `/projects/${p.id}`,
    meeting: { id: String(p.meetingId), title: p.meetingTitle, year: p.year },
    title: p.title,
    category: p.category,
    leadDepartment: p.leadDepartment.name,
    coDepartments: p.coDepartments.map((d) => d.name),
    leadOfficial: p.plan?.leadOfficial ?? null,
    location: p.location,
    deadline: p.deadline,
    status: p.status,
    progress: p.progress,
    money: {
      spent: money(p.money.spentFen),
      annualInvestment: money(p.money.annualInvestmentFen),
      totalInvestment: money(p.money.totalInvestmentFen),
      annualRate: p.money.annualRate,
      totalRate: p.money.totalRate,
    },
    vote: {
      electionId: String(p.electionId), optionId: p.optionKey, rank: p.rank, forVotes: p.forVotes, chosenAt: p.chosenAt.toISOString(),
      result: `/elections/${p.electionId}/result`, record: `/elections/${p.electionId}/record.json`,
    },
    planRevision: p.plan?.revision ?? null,
    approvedReports: p.approvedReports,
    rating: p.rating ? {
      electionId: String(p.rating.electionId), rating: p.rating.rating, satisfied: p.rating.satisfied, basically: p.rating.basically,
      unsatisfied: p.rating.unsatisfied, abstain: p.rating.abstain, satisfactionRate: p.rating.satisfactionRate, publishedAt: p.rating.publishedAt.toISOString(),
    } : null,
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** One project with its plan, approved reports, notes, accepted opinions and ratings: /api/projects/:id. */
export function projectDetailJson(d: ProjectDetail) {
  const plan = d.project.plan;
  return {
    ...projectJson(d.project),
    description: d.project.description,
    plan: plan ? {
      revision: plan.revision, reason: plan.reason, startsOn: plan.startsOn, deadline: plan.deadline, schedule: plan.schedule,
      annualInvestment: money(plan.annualInvestmentFen), totalInvestment: money(plan.totalInvestmentFen),
      targets: d.targets.map((t) => ({ key: t.key, metric: t.metric, unit: t.unit, target: t.target, actual: t.actual })),
      subItems: d.subItems.map((s) => ({ key: s.key, title: s.title, weight: s.weight })),
      milestones: d.milestones.map((m) => ({ key: m.key, title: m.title, due: m.due, weight: m.weight, subItem: m.subItem, done: m.done, overdue: m.overdue })),
      approvedAt: plan.approvedAt.toISOString(),
      revisions: d.revisions.map((r) => ({ revision: r.revision, reason: r.reason, approvedAt: r.approvedAt.toISOString() })),
    } : null,
    reports: d.reports.map((r) => ({
      id: String(r.id), seq: r.seq, kind: r.kind, period: r.period, final: r.final,
      corrects: r.correctsId === null ? null : String(r.correctsId), correctedBy: r.correctedById === null ? null : String(r.correctedById),
      narrative: r.narrative, percent: r.percent, spent: money(r.spentFen), actuals: r.actuals, milestonesDone: r.milestonesDone,
      approvedAt: r.approvedAt.toISOString(), sections: r.sections,
      evidence: r.evidence.map((e) => ({ url: `/evidence/${e.sha256}`, sha256: e.sha256, type: e.mediaType, caption: e.caption, width: e.width, height: e.height, bytes: e.byteSize })),
    })),
    notes: d.notes.map((n) => ({
      id: String(n.id), deputy: n.deputy, body: n.body, filedAt: n.filedAt.toISOString(), replyDue: n.replyDue,
      reply: n.reply, repliedAt: n.repliedAt?.toISOString() ?? null,
    })),
    opinions: d.opinions.map((o) => ({ id: String(o.id), body: o.body, submittedOn: o.submittedOn, reply: o.reply, repliedAt: o.repliedAt?.toISOString() ?? null })),
  };
}

/**
 * The projects as CSV, one row each with the figures of /api/projects, headers in the reader's
 * language; UTF-8 with a byte-order mark and CRLF, as the results CSV (Excel opens it as it is).
 */
export function projectsCsv(projects: readonly ProjectSummary[], t: Translate): string {
  const header = [
    t('project.csv.id'), t('project.csv.year'), t('project.csv.title'), t('project.csv.category'), t('project.csv.department'),
    t('project.csv.location'), t('project.csv.deadline'), t('project.csv.status'), t('project.csv.progress'),
    t('project.csv.spentFen'), t('project.csv.annualFen'), t('project.csv.totalFen'), t('project.csv.annualRate'),
    t('project.csv.rank'), t('project.csv.forVotes'), t('project.csv.satisfactionRate'), t('project.csv.url'),
  ];
  const rows = projects.map((p) => [
    p.id, p.year, guardFormula(p.title), t(CATEGORY_LABEL[p.category]), guardFormula(p.leadDepartment.name),
    guardFormula(p.location ?? ''), p.deadline, p.status, p.progress,
    p.money.spentFen, p.money.annualInvestmentFen, p.money.totalInvestmentFen, p.money.annualRate ?? '',
    p.rank, p.forVotes, p.rating?.satisfactionRate ?? '', `/projects/${p.id}`,
  ]);
  return stringify([header, ...rows], { bom: true, record_delimiter: 'windows' });
}
