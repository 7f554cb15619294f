import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castBallot } from '../src/ballots/store.ts';
import { certifyElection, publishElection, sealElection } from '../src/counting/store.ts';
import { closeElection, createElection, openElection } from '../src/elections/store.ts';
import { SYSTEM_ACTOR, type Acting } from '../src/platform/acting.ts';
import { getProject } from '../src/projects/store.ts';
import { testEngines } from './support/databases.ts';
import { scrutineersFor } from './support/fixtures.ts';
import { cookieOf, getAs, postAs } from './support/supervision.ts';
import { openTrackedDemo, type TrackedDemo } from './support/tracking.ts';

describe.each(testEngines())('the year-end 测评 over tracked projects on $name', (engine) => {
  let demo: TrackedDemo;
  let acting: Acting;
  let meeting2024: number;
  let present: number[];
  let next = 0;

  beforeAll(async () => {
    demo = await openTrackedDemo(engine);
    acting = { clock: demo.t.clock, actor: SYSTEM_ACTOR };
    meeting2024 = (await demo.database.db.selectFrom('meetings').select('id').where('year', '=', 2024).executeTakeFirstOrThrow()).id;
    present = (await demo.database.db.selectFrom('attendance').select('deputy_id').where('meeting_id', '=', meeting2024).where('present', '=', true)
      .orderBy('deputy_id').execute()).map((r) => r.deputy_id);
  });
  afterAll(async () => { await demo.database.close(); });

  /** A 测评 of the 2024 meeting over these projects, run to publication through the stores; one marks string per ballot. */
  async function rate(title: string, projects: TrackedDemo['projects'], ballots: string[]) {
    const scrutineers = await demo.database.db.selectFrom('users').select(['id', 'display_name']).where('username', 'in', ['jianpiao1', 'jianpiao2']).execute();
    const id = (await createElection(demo.database.db, acting, {
      meetingId: meeting2024, kind: 'satisfaction', title, marking: 'satisfaction', seats: null, passBase: 'valid-ballots',
      scrutineers: await scrutineersFor(demo.database.db, meeting2024),
      options: projects.map((p, i) => ({ key: `c0${i + 1}`, title: `项目${p.rank}`, candidateId: p.candidateId })),
    })).id;
    await openElection(demo.database.db, acting, id);
    for (const marks of ballots) expect((await castBallot(demo.database.db, demo.t.clock, { electionId: id, deputyId: present[next++]!, marks })).status).toBe('cast');
    await closeElection(demo.database.db, acting, id);
    const { digest } = await sealElection(demo.database.db, acting, id);
    for (const s of scrutineers) await certifyElection(demo.database.db, acting, id, { userId: s.id, name: s.display_name }, digest);
    await publishElection(demo.database.db, acting, id, demo.t.config);
    return id;
  }

  it('names the rating form\'s title 测评名称, not 票决名称', async () => {
    const mishu = await cookieOf(demo, 'mishu');
    expect(await (await getAs(demo, `/admin/meetings/${meeting2024}`, mishu)).text()).toContain('<label for="rating-title">测评名称</label>');
    expect(await (await getAs(demo, `/admin/meetings/${meeting2024}`, `${mishu}; lang=en`)).text()).toContain('<label for="rating-title">Title of the rating</label>');
  });

  it('offers the 2024 meeting exactly the 2023 projects to rate, preselected, and none of the candidates not chosen', async () => {
    const mishu = await cookieOf(demo, 'mishu');
    const html = await (await getAs(demo, `/admin/meetings/${meeting2024}`, mishu)).text();
    const offered = [...html.matchAll(/<input type="checkbox" name="project" value="(\d+)"( checked="")?/g)];
    expect(offered.map((m) => Number(m[1])).sort((a, b) => a - b)).toEqual(demo.projects.map((p) => p.candidateId).sort((a, b) => a - b));
    expect(offered.every((m) => m[2] !== undefined)).toBe(true);

    const notChosen = await demo.database.db.selectFrom('candidates').select('id').where('meeting_id', '=', demo.meetingId)
      .where('id', 'not in', demo.projects.map((p) => p.candidateId)).executeTakeFirstOrThrow();
    const form = (ids: number[]) => new URLSearchParams([['title', '2023年民生实事项目满意度测评'], ['electorate', 'standing-committee'], ['passBase', 'valid-ballots'],
      ...ids.map((id) => ['project', String(id)])]);
    const post = (body: URLSearchParams) => demo.t.app.request(`/admin/meetings/${meeting2024}/ratings`, { method: 'POST', body,
      headers: { Cookie: mishu, 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost:3000' } });
    const before = await demo.database.db.selectFrom('elections').select('id').execute();
    expect((await post(form([demo.projects[0]!.candidateId, notChosen.id]))).status).toBe(400);
    expect(await demo.database.db.selectFrom('elections').select('id').execute()).toEqual(before);
    const created = await post(form(demo.projects.map((p) => p.candidateId)));
    expect(created.status).toBe(303);
    const id = Number(/\/admin\/elections\/(\d+)/.exec(created.headers.get('location')!)![1]);
    const options = await demo.database.db.selectFrom('election_options').select('candidate_id').where('election_id', '=', id).orderBy('key').execute();
    expect(options.map((o) => o.candidate_id)).toEqual(demo.projects.map((p) => p.candidateId));
    // Not left in the way of the next test: a draft is deleted as the secretariat would.
    expect((await postAs(demo, `/admin/elections/${id}/delete`, {}, mishu)).status).toBe(303);
    expect(await demo.database.db.selectFrom('elections').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
  });

  it('copies each project\'s rating and 满意率 at publication, shows 总体满意率, and marks an unsatisfactory project rectifying', async () => {
    const [a, b, c] = demo.projects as [TrackedDemo['projects'][number], TrackedDemo['projects'][number], TrackedDemo['projects'][number]];
    // Eight ballots: a 满意 ×7 + 基本 ×1; b 基本 ×6 + 弃权 ×2; c 不满意 ×6 + 满意 ×2.
    const ballots = ['SBU', 'SBU', 'SBU', 'SBU', 'SBU', 'SBU', 'SNS', 'BNS'];
    const id = await rate('2023年民生实事项目满意度测评（测试）', [a, b, c], ballots);
    const rows = await demo.database.db.selectFrom('project_ratings').select(['project_id', 'rating', 'satisfied', 'basically', 'unsatisfied', 'abstain'])
      .where('election_id', '=', id).orderBy('project_id').execute();
    expect(rows).toEqual([
      { project_id: a.id, rating: 'satisfied', satisfied: 7, basically: 1, unsatisfied: 0, abstain: 0 },
      { project_id: b.id, rating: 'basically', satisfied: 0, basically: 6, unsatisfied: 0, abstain: 2 },
      { project_id: c.id, rating: 'unsatisfied', satisfied: 2, basically: 0, unsatisfied: 6, abstain: 0 },
    ].sort((x, y) => x.project_id - y.project_id));

    const [pa, pb, pc] = await Promise.all([a, b, c].map((p) => getProject(demo.database.db, demo.t.clock, p.id)));
    expect(pa!.rating).toMatchObject({ electionId: id, rating: 'satisfied', satisfactionRate: 100 });
    expect(pb!.rating).toMatchObject({ rating: 'basically', satisfactionRate: 75 });
    expect(pc!.rating).toMatchObject({ rating: 'unsatisfied', satisfactionRate: 25 });
    expect(pc!.status).toBe('rectifying');
    expect(pa!.status).not.toBe('rectifying');
    // 总体满意率: (7 + 1 + 6 + 2) / 24 valid marks.
    const result = await (await getAs(demo, `/elections/${id}/result`)).text();
    expect(result).toContain('<dt>总体满意率</dt><dd>66.7%</dd>');
    expect(result).toContain('<td>不满意</td>');
  });

  it('ends the rectification when a later rating is not 不满意, and keeps it while it still is', async () => {
    const c = demo.projects[2]!;
    const d = demo.projects[3]!;
    demo.t.clock.advance(86_400_000);
    const again = await rate('整改项目再测评（测试）', [c, d], ['BU', 'BU', 'SU', 'BU', 'BU']);
    expect((await getProject(demo.database.db, demo.t.clock, c.id))!).toMatchObject({ status: expect.not.stringMatching('rectifying'), rating: { electionId: again, rating: 'basically' } });
    expect((await getProject(demo.database.db, demo.t.clock, d.id))!.status).toBe('rectifying');
    demo.t.clock.set('2024-01-15T01:00:00Z');
  });
});
