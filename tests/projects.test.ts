import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUpTracking } from '../src/projects/making.ts';
import { meetingChosenProjects } from '../src/results/store.ts';
import { getProject, listProjects } from '../src/projects/store.ts';
import { testEngines } from './support/databases.ts';
import { openTrackedDemo, type TrackedDemo } from './support/tracking.ts';

describe.each(testEngines())('projects from a published vote on $name', (engine) => {
  let demo: TrackedDemo;
  beforeAll(async () => { demo = await openTrackedDemo(engine); });
  afterAll(async () => { await demo.database.close(); });

  it('makes one project per chosen candidate, in the final order, linked to the vote that chose it', async () => {
    const [list] = await meetingChosenProjects(demo.database.db, demo.meetingId);
    expect(demo.projects).toHaveLength(list!.chosen.length);
    expect(demo.projects.map((p) => p.rank)).toEqual(list!.chosen.map((_, i) => i + 1));
    const options = await demo.database.db.selectFrom('election_options').select(['key', 'candidate_id']).where('election_id', '=', demo.electionId).execute();
    const candidateOf = new Map(options.map((o) => [o.key, o.candidate_id]));
    expect(demo.projects.map((p) => p.candidateId)).toEqual(list!.chosen.map((c) => candidateOf.get(c.optionId)));
    const projects = await listProjects(demo.database.db, demo.t.clock, { meetingId: demo.meetingId });
    expect(projects.map((p) => p.forVotes)).toEqual(list!.chosen.map((c) => c.forVotes));
    expect(projects.every((p) => p.electionId === demo.electionId && p.year === 2023)).toBe(true);
  });

  it('gives the lead department of the candidate, and nothing done before a plan or a report', async () => {
    const p = (await getProject(demo.database.db, demo.t.clock, demo.projects[0]!.id))!;
    const candidate = await demo.database.db.selectFrom('candidates').select(['lead_department_id', 'deadline', 'total_investment_yuan']).where('id', '=', p.candidateId).executeTakeFirstOrThrow();
    expect(p.leadDepartment.id).toBe(candidate.lead_department_id);
    expect(p).toMatchObject({ plan: null, progress: 0, status: 'not-started', rating: null, approvedReports: 0, deadline: candidate.deadline });
    // Before a plan, the candidate's 总投资 stands, and there is no annual plan to measure against.
    expect(p.money).toMatchObject({ spentFen: 0, annualInvestmentFen: 0, annualRate: null, totalInvestmentFen: candidate.total_investment_yuan! * 100, totalRate: 0 });
  });

  it('catches up once at start, for votes published before tracking: again, it adds nothing', async () => {
    await demo.database.db.deleteFrom('projects').where('meeting_id', '=', demo.meetingId).where('rank', '>', 7).execute();
    expect(await catchUpTracking(demo.database.db)).toEqual({ projects: 3, ratings: 0 });
    expect(await catchUpTracking(demo.database.db)).toEqual({ projects: 0, ratings: 0 });
    expect(await demo.database.db.selectFrom('projects').select('rank').where('meeting_id', '=', demo.meetingId).orderBy('rank').execute())
      .toEqual(demo.projects.map((p) => ({ rank: p.rank })));
  });
});
