import type { DbHandle } from '../../src/platform/db/index.ts';
import { seedVote2023 } from '../../src/demo/history.ts';
import { testApp } from './app.ts';
import type { TestEngine } from './databases.ts';

/** The signing secret of the tracked-demo tests' app (any test value does). */
export const TRACKING_SECRET = 'tracking-test-signing-key-secret-0123456789';

export interface TrackedDemo {
  database: DbHandle;
  t: ReturnType<typeof testApp>;
  /** The 2023 meeting, whose published vote chose the projects. */
  meetingId: number;
  /** The published 2023 selection. */
  electionId: number;
  /** The ten projects, in rank order. */
  projects: { id: number; candidateId: number; leadDepartmentId: number; rank: number }[];
}

/**
 * The demo (its accounts: mishu, jiaoyu of 教育局, d001, …) with its 2023 vote run to publication
 * through the real code, so that its ten chosen projects exist: the starting point of the tracking
 * tests. The app's clock stands at 2024-01-15 (testApp); tests move it as they need.
 */
export async function openTrackedDemo(engine: TestEngine): Promise<TrackedDemo> {
  const database = await engine.openDemo();
  const t = testApp(database, { SIGNING_KEY_SECRET: TRACKING_SECRET });
  const meeting = await database.db.selectFrom('meetings').select(['id', 'term_id']).where('year', '=', 2023).executeTakeFirstOrThrow();
  const electionId = await seedVote2023(database.db, { termId: meeting.term_id, meetingId: meeting.id, signing: t.config });
  const projects = await database.db.selectFrom('projects').select(['id', 'candidate_id as candidateId', 'lead_department_id as leadDepartmentId', 'rank'])
    .where('meeting_id', '=', meeting.id).orderBy('rank').execute();
  return { database, t, meetingId: meeting.id, electionId, projects };
}
