import { recordSummary } from '../counting/store.ts';
import { isPublished } from '../domain/lifecycle.ts';
import type { RecordSummary } from '../counting/model.ts';
import type { Db } from '../platform/db/index.ts';
import type { ApiResult, MeetingChosenList } from './model.ts';
import { apiResult, combineChosen, type PublishedVote } from './rules.ts';

/**
 * The meeting's final chosen projects: its published selections combined with their published
 * runoffs. Void and unpublished votes are not read.
 */
export async function meetingChosenProjects(db: Db, meetingId: number): Promise<MeetingChosenList[]> {
  const elections = await db.selectFrom('elections').select(['id', 'title', 'kind', 'runoff_of'])
    .where('meeting_id', '=', meetingId).where('state', '=', 'published').where('kind', 'in', ['selection', 'runoff'])
    .orderBy('id').execute();
  const votes: PublishedVote[] = [];
  for (const e of elections) {
    const record = await recordSummary(db, e.id);
    if (record) votes.push({ id: e.id, title: e.title, kind: e.kind, runoffOf: e.runoff_of, body: record.body });
  }
  return combineChosen(votes);
}

/** The API's result of a vote: null until it is published (a void vote never is). */
export async function publishedApiResult(db: Db, electionId: number): Promise<ApiResult | null> {
  const record = await recordSummary(db, electionId);
  return record?.publishedAt ? apiResult(electionId, record.body, record.digest) : null;
}

/** A published vote with its record (signed, with its publication time), or undefined: nothing of a draft, open, sealed, certified or void vote. */
export async function publishedVote(db: Db, electionId: number): Promise<{
  id: number; meetingId: number; runoffOf: number | null;
  record: RecordSummary & { publishedAt: Date; signature: NonNullable<RecordSummary['signature']> };
} | undefined> {
  const e = await db.selectFrom('elections').select(['id', 'state', 'meeting_id', 'runoff_of']).where('id', '=', electionId).executeTakeFirst();
  if (!e || !isPublished(e.state)) return undefined;
  const record = await recordSummary(db, e.id);
  if (!record?.publishedAt || !record.signature) return undefined;
  return { id: e.id, meetingId: e.meeting_id, runoffOf: e.runoff_of, record: { ...record, publishedAt: record.publishedAt, signature: record.signature } };
}

/** The published vote (id and title) whose tie a runoff resolves, or undefined. */
export async function publishedParent(db: Db, runoffOf: number | null): Promise<{ id: number; title: string } | undefined> {
  if (runoffOf === null) return undefined;
  return db.selectFrom('elections').select(['id', 'title']).where('id', '=', runoffOf).where('state', '=', 'published').executeTakeFirst();
}
