import { sql } from 'kysely';
import type { Db, Trx } from '../platform/db/index.ts';
import type { Clock } from '../platform/time.ts';
import { beijingDate } from '../platform/time.ts';
import { milestonesDone, overdueMilestones, reportedBy, standingReports } from './progress.ts';
import { planRevisions } from '../plans/store.ts';
import { reportsOf } from '../reports/store.ts';
import { acceptedOpinions, notesOf } from '../supervision/store.ts';
import { getProject, listProjects } from './store.ts';
import type { ProjectFilter, ProjectSummary } from './model.ts';
import type {
  CandidateOutcome, FeedEvent, PlanRevision, ProjectDetail, PublicEvidence, PublicNote, PublicOpinion, PublicReport, TimelineEvent,
} from './public-model.ts';

/**
 * What the public may read about tracked projects. Each feature's own read holds its public-only
 * gate, in one place: only approved plan revisions (src/plans/store.ts `planRevisions`,
 * `approvedOnly`), only approved reports with their sections and evidence (src/reports/store.ts
 * `reportsOf`, `publicOnly`), inspection notes with their replies (src/supervision/store.ts
 * `notesOf`), only accepted citizens' opinions, never who wrote them (`acceptedOpinions`). This
 * module puts them into the public shape (./public-model.ts) for the pages, open data and feeds.
 * Drafts, submitted or returned reports and plans, and pending or rejected opinions never leave here.
 */

/**
 * Approved reports of one project, oldest first, with sections and evidence, each marked when a later
 * approved report corrects it: the reports feature's own read (src/reports/store.ts `reportsOf` with
 * `publicOnly`), in the public shape.
 */
export async function publicReports(db: Db | Trx, projectId: number): Promise<PublicReport[]> {
  return (await reportsOf(db, projectId, { publicOnly: true })).map((r) => ({
    id: r.id, seq: r.seq, kind: r.kind, period: r.period, final: r.final, correctsId: r.correctsId, correctedById: r.correctedById,
    narrative: r.narrative, percent: r.percent, spentFen: r.spentFen, actuals: r.actuals, milestonesDone: r.milestonesDone, approvedAt: r.decidedAt!,
    sections: r.sections.map((x) => ({ department: x.departmentName, body: x.body })),
    evidence: r.evidence.map((e): PublicEvidence => ({ sha256: e.sha256, mediaType: e.mediaType, caption: e.caption, width: e.width, height: e.height, byteSize: e.byteSize })),
  }));
}

/** A project's inspection notes, oldest first, with replies (src/supervision/store.ts `notesOf`). */
export async function publicNotes(db: Db | Trx, projectId: number): Promise<PublicNote[]> {
  return (await notesOf(db, projectId)).map((n) => ({
    id: n.id, deputy: n.deputyName, body: n.body, filedAt: n.filedAt, replyDue: n.replyDue, reply: n.reply, repliedAt: n.repliedAt,
  }));
}

/** A project's accepted opinions (only those), oldest first: the text and the reply, nothing about who wrote it (src/supervision/store.ts `acceptedOpinions`). */
export function publicOpinions(db: Db | Trx, projectId: number): Promise<PublicOpinion[]> {
  return acceptedOpinions(db, projectId);
}

/** The approved revisions of a project's plan, first to latest (src/plans/store.ts `planRevisions` with `approvedOnly`). */
export async function approvedRevisions(db: Db | Trx, projectId: number): Promise<PlanRevision[]> {
  return (await planRevisions(db, projectId, { approvedOnly: true })).map((r) => ({
    revision: r.revision, reason: r.reason, approvedAt: r.decidedAt!, deadline: r.content.deadline,
    annualInvestmentFen: r.content.annualInvestmentFen, totalInvestmentFen: r.content.totalInvestmentFen, schedule: r.content.schedule,
  }));
}

/** Everything public about one project, or undefined. */
export async function projectDetail(db: Db | Trx, clock: Clock, id: number): Promise<ProjectDetail | undefined> {
  const project = await getProject(db, clock, id);
  if (!project) return undefined;
  const [reports, notes, opinions, revisions, election] = await Promise.all([
    publicReports(db, id), publicNotes(db, id), publicOpinions(db, id), approvedRevisions(db, id),
    db.selectFrom('elections').select(['title']).where('id', '=', project.electionId).executeTakeFirstOrThrow(),
  ]);
  const today = beijingDate(clock.now());
  const plan = project.plan;
  const standing = standingReports(reports);
  const done = plan ? milestonesDone(plan, standing) : new Set<string>();
  const overdue = new Set(plan ? overdueMilestones(plan, done, today).map((m) => m.key) : []);
  const latestActual = (target: string) => {
    for (const r of [...standing].reverse()) {
      const a = r.actuals.find((x) => x.target === target);
      if (a) return a.value;
    }
    return null;
  };
  const timeline: TimelineEvent[] = [
    { at: project.chosenAt, kind: 'chosen' as const },
    ...revisions.map((r): TimelineEvent => ({ at: r.approvedAt, kind: 'plan', ref: r.revision })),
    ...reports.map((r): TimelineEvent => ({ at: r.approvedAt, kind: 'report', ref: r.seq })),
    ...notes.flatMap((n): TimelineEvent[] => [
      { at: n.filedAt, kind: 'note', ref: n.id }, ...(n.repliedAt ? [{ at: n.repliedAt, kind: 'reply' as const, ref: n.id }] : []),
    ]),
    ...opinions.map((o): TimelineEvent => ({ at: new Date(`${o.submittedOn}T00:00:00+08:00`), day: o.submittedOn, kind: 'opinion', ref: o.id })),
    ...(project.rating ? [{ at: project.rating.publishedAt, kind: 'rating' as const, ref: project.rating.electionId }] : []),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  return {
    project, reports, notes, opinions, revisions, timeline,
    targets: (plan?.targets ?? []).map((t) => ({ ...t, actual: latestActual(t.key) })),
    milestones: (plan?.milestones ?? []).map((m) => ({ ...m, done: done.has(m.key), overdue: overdue.has(m.key) })),
    subItems: plan?.subItems ?? [],
    vote: { electionId: project.electionId, title: election.title, rank: project.rank, forVotes: project.forVotes },
  };
}

/** The projects of a filter, as the list page and the open data show them. */
export function publicProjects(db: Db | Trx, clock: Clock, filter: ProjectFilter): Promise<ProjectSummary[]> {
  return listProjects(db, clock, filter);
}

/** The distinct locations of a year's approved plans, for the list's filter. */
export function locationsOf(projects: readonly ProjectSummary[]): string[] {
  return [...new Set(projects.map((p) => p.location).filter((l): l is string => l !== null))].sort();
}

/**
 * What happened to tracked projects (one, or all), newest first: chosen, plan revisions approved,
 * reports approved, ratings published. At most `limit` events.
 */
export async function feedEvents(db: Db | Trx, options: { projectId?: number; limit: number }): Promise<FeedEvent[]> {
  const one = options.projectId ?? null;
  const { rows } = await sql<{ project_id: number; title: string; kind: FeedEvent['kind']; at: Date; ref: number; text: string | null }>`
    select * from (
      select p.id as project_id, c.name as title, 'chosen' as kind, p.chosen_at as at, p.rank as ref, null::text as text
        from projects p join candidates c on c.id = p.candidate_id
      union all
      select p.id, c.name, 'plan', pl.decided_at, pl.revision, pl.reason
        from project_plans pl join projects p on p.id = pl.project_id join candidates c on c.id = p.candidate_id
        where pl.state = 'approved'
      union all
      select p.id, c.name, 'report', r.decided_at, r.seq, r.narrative
        from project_reports r join projects p on p.id = r.project_id join candidates c on c.id = p.candidate_id
        where r.state = 'approved'
      union all
      select p.id, c.name, 'rating', pr.published_at, pr.election_id, pr.rating
        from project_ratings pr join projects p on p.id = pr.project_id join candidates c on c.id = p.candidate_id
    ) e
    where (${one}::integer is null or e.project_id = ${one}::integer)
    order by e.at desc, e.project_id desc, e.kind, e.ref desc
    limit ${options.limit}`.execute(db);
  return rows.map((r) => ({ projectId: r.project_id, projectTitle: r.title, kind: r.kind, at: new Date(r.at), ref: Number(r.ref), text: r.text }));
}

/** When anything public about a project last changed: plan, reports, notes, replies, accepted opinions, ratings (for ETags). */
export async function lastPublicChange(db: Db | Trx, projectId?: number): Promise<string> {
  const one = projectId ?? null;
  const { rows } = await sql<{ stamp: string | null; n: string | number }>`
    select max(x.at)::text as stamp, count(*) as n from (
      select chosen_at as at, id as project_id from projects
      union all select decided_at, project_id from project_plans where state = 'approved'
      union all select decided_at, project_id from project_reports where state = 'approved'
      union all select filed_at, project_id from inspection_notes
      union all select replied_at, project_id from inspection_notes where replied_at is not null
      union all select coalesce(replied_at, decided_at, submitted_at), project_id from citizen_opinions where state = 'accepted'
      union all select published_at, project_id from project_ratings
    ) x where (${one}::integer is null or x.project_id = ${one}::integer)`.execute(db);
  return `${rows[0]?.stamp ?? ''}/${rows[0]?.n ?? 0}`;
}

/**
 * How the published selection (or runoff) that listed a candidate went for it: chosen with its
 * project, or not, with its 赞成 in that vote. Undefined until such a vote is published.
 */
export async function candidateOutcome(db: Db | Trx, candidateId: number): Promise<CandidateOutcome | undefined> {
  const project = await db.selectFrom('projects').select(['id', 'election_id', 'for_votes']).where('candidate_id', '=', candidateId).executeTakeFirst();
  if (project) return { electionId: project.election_id, chosen: true, forVotes: project.for_votes, projectId: project.id };
  const { rows } = await sql<{ id: number; key: string; options: { id: string; counts: Record<string, number> }[] }>`
    select e.id, o.key, r.body::jsonb -> 'result' -> 'options' as options
    from election_options o join elections e on e.id = o.election_id join election_records r on r.election_id = e.id
    where o.candidate_id = ${candidateId} and e.state = 'published' and r.published_at is not null and e.kind in ('selection', 'runoff')
    order by e.id desc limit 1`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  const options = typeof row.options === 'string' ? JSON.parse(row.options) as typeof row.options : row.options;
  const option = options.find((o) => o.id === row.key);
  return { electionId: row.id, chosen: false, forVotes: option?.counts.F ?? 0, projectId: null };
}

/** The projects a meeting's chosen lists made, by `${electionId}/${optionKey}`, so the lists can link them. */
export async function projectLinks(db: Db | Trx, meetingId: number): Promise<Record<string, number>> {
  const rows = await db.selectFrom('projects').select(['id', 'election_id', 'option_key']).where('meeting_id', '=', meetingId).execute();
  return Object.fromEntries(rows.map((r) => [`${r.election_id}/${r.option_key}`, r.id]));
}

/** The narrative of each project's latest standing approved report: the key results a printed report quotes. */
export async function latestNarratives(db: Db | Trx, projectIds: readonly number[], asOf?: Date): Promise<Record<number, string>> {
  if (projectIds.length === 0) return {};
  const asOfDay = asOf === undefined ? undefined : beijingDate(asOf);
  const rows = (await db.selectFrom('project_reports').select(['id', 'project_id', 'seq', 'corrects_id', 'narrative', 'period', 'decided_at'])
    .where('project_id', 'in', projectIds).where('state', '=', 'approved')
    .orderBy('project_id').orderBy('seq').execute())
    .filter((r) => asOfDay === undefined || reportedBy({ period: r.period, decidedOn: beijingDate(r.decided_at!) }, asOfDay));
  const out: Record<number, string> = {};
  for (const id of projectIds) {
    const standing = standingReports(rows.filter((r) => r.project_id === id).map((r) => ({ ...r, correctsId: r.corrects_id })));
    const last = standing.at(-1);
    if (last) out[id] = last.narrative;
  }
  return out;
}

/**
 * The projects the home page follows: those of the latest tracked year before `year` (last year's,
 * while this year's vote is prepared, held and published), or none.
 */
export async function lastYearsProjects(db: Db | Trx, clock: Clock, year: number): Promise<{ year: number; projects: ProjectSummary[] } | undefined> {
  const row = await db.selectFrom('projects as p').innerJoin('meetings as m', 'm.id', 'p.meeting_id').select('m.year')
    .where('m.year', '<', year).orderBy('m.year', 'desc').limit(1).executeTakeFirst();
  if (!row) return undefined;
  return { year: row.year, projects: await listProjects(db, clock, { year: row.year }) };
}
