import { sql } from 'kysely';
import type { Db, Trx } from '../platform/db/index.ts';
import type { ResultBody } from '../results/present.ts';
import { combineChosen, type PublishedVote } from '../results/rules.ts';
import { isOneOf, RATINGS } from '../domain/vocabulary.ts';

/**
 * Projects and ratings come from published votes, never from typing: publishing a selection (or a
 * runoff of it) makes a project for every candidate its meeting's final list now chooses, and
 * publishing a 测评 copies each rated project's outcome from the signed record. Both run inside the
 * publishing transaction and again at every start (for votes published before tracking existed);
 * both are idempotent.
 */

/** The published records' summaries (no ballots) of a meeting's votes of these kinds. */
async function publishedBodies(db: Db | Trx, where: { meetingId?: number; electionId?: number }, kinds: readonly string[]) {
  const { rows } = await sql<{ id: number; title: string; kind: PublishedVote['kind']; runoff_of: number | null; meeting_id: number; published_at: Date; summary: ResultBody }>`
    select e.id, e.title, e.kind, e.runoff_of, e.meeting_id, r.published_at, r.body::jsonb - 'ballots' as summary
    from elections e join election_records r on r.election_id = e.id
    where e.state = 'published' and r.published_at is not null and e.kind in (${sql.join(kinds)})
      and (${where.meetingId ?? null}::integer is null or e.meeting_id = ${where.meetingId ?? null})
      and (${where.electionId ?? null}::integer is null or e.id = ${where.electionId ?? null})
    order by e.id`.execute(db);
  return rows;
}

/**
 * Makes the projects of a meeting's final chosen lists that do not exist yet, ranked in list
 * order (a selection's chosen, then its runoffs'). Returns how many it made.
 */
export async function makeProjects(db: Db | Trx, meetingId: number): Promise<number> {
  const votes = await publishedBodies(db, { meetingId }, ['selection', 'runoff']);
  if (votes.length === 0) return 0;
  const lists = combineChosen(votes.map((v) => ({ id: v.id, title: v.title, kind: v.kind, runoffOf: v.runoff_of, body: v.summary })));
  const publishedAt = new Map(votes.map((v) => [v.id, v.published_at]));
  const options = await db.selectFrom('election_options as o').innerJoin('candidates as c', 'c.id', 'o.candidate_id')
    .select(['o.election_id', 'o.key', 'o.candidate_id', 'c.lead_department_id'])
    .where('o.election_id', 'in', votes.map((v) => v.id)).execute();
  const candidateOf = new Map(options.map((o) => [`${o.election_id}/${o.key}`, o]));
  let rank = 0;
  let made = 0;
  for (const list of lists) {
    for (const chosen of list.chosen) {
      rank += 1;
      const option = candidateOf.get(`${chosen.electionId}/${chosen.optionId}`);
      if (!option || option.candidate_id === null) continue;
      const inserted = await db.insertInto('projects').values({
        meeting_id: meetingId, candidate_id: option.candidate_id, election_id: chosen.electionId, option_key: chosen.optionId,
        rank, for_votes: chosen.forVotes, lead_department_id: option.lead_department_id,
        chosen_at: publishedAt.get(chosen.electionId)!,
      }).onConflict((oc) => oc.column('candidate_id').doNothing()).executeTakeFirst();
      made += Number(inserted.numInsertedOrUpdatedRows ?? 0);
    }
  }
  return made;
}

/** Copies a published 测评's outcome for each project it rated. Returns how many ratings it wrote. */
export async function recordRatings(db: Db | Trx, electionId: number): Promise<number> {
  const [vote] = await publishedBodies(db, { electionId }, ['satisfaction']);
  if (!vote) return 0;
  const options = await db.selectFrom('election_options as o').innerJoin('projects as p', 'p.candidate_id', 'o.candidate_id')
    .select(['o.key', 'p.id as project_id']).where('o.election_id', '=', electionId).execute();
  const projectOf = new Map(options.map((o) => [o.key, o.project_id]));
  let written = 0;
  for (const option of vote.summary.result.options) {
    const projectId = projectOf.get(option.id);
    if (projectId === undefined || !isOneOf(RATINGS, option.rating)) continue;
    const c = option.counts;
    const inserted = await db.insertInto('project_ratings').values({
      project_id: projectId, election_id: electionId, option_key: option.id, rating: option.rating,
      satisfied: c.S ?? 0, basically: c.B ?? 0, unsatisfied: c.U ?? 0, abstain: c.N ?? 0, published_at: vote.published_at,
    }).onConflict((oc) => oc.columns(['project_id', 'election_id']).doNothing()).executeTakeFirst();
    written += Number(inserted.numInsertedOrUpdatedRows ?? 0);
  }
  return written;
}

/** What a publication adds to tracking: projects for a selection or runoff, ratings for a 测评. */
export async function trackPublication(trx: Trx, electionId: number): Promise<void> {
  const e = await trx.selectFrom('elections').select(['kind', 'meeting_id']).where('id', '=', electionId).executeTakeFirstOrThrow();
  if (e.kind === 'satisfaction') await recordRatings(trx, electionId);
  else await makeProjects(trx, e.meeting_id);
}

/**
 * Brings tracking up to date with every published vote (at start: votes published before tracking
 * existed get their projects and ratings). Idempotent; returns what it added.
 */
export async function catchUpTracking(db: Db): Promise<{ projects: number; ratings: number }> {
  const meetings = await db.selectFrom('elections').select('meeting_id').distinct()
    .where('state', '=', 'published').where('kind', 'in', ['selection', 'runoff']).execute();
  let projects = 0;
  for (const m of meetings) projects += await makeProjects(db, m.meeting_id);
  const ratingVotes = await db.selectFrom('elections').select('id').where('state', '=', 'published').where('kind', '=', 'satisfaction').orderBy('id').execute();
  let ratings = 0;
  for (const v of ratingVotes) ratings += await recordRatings(db, v.id);
  return { projects, ratings };
}
