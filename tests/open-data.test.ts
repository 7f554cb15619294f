import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_STATUSES } from '../src/domain/vocabulary.ts';
import { etagRequest } from './support/public-etag.ts';
import { expectNoSecret, PUBLIC, writeTracking } from './support/public-tracking.ts';
import { testEngines } from './support/databases.ts';
import { openTrackedDemo, type TrackedDemo } from './support/tracking.ts';

interface ApiProject {
  id: string; title: string; status: string; progress: number; deadline: string; leadDepartment: string;
  money: { spent: { fen: number; yuan: string }; annualInvestment: { fen: number; yuan: string }; annualRate: number | null };
  vote: { electionId: string; rank: number; forVotes: number; record: string };
}

describe.each(testEngines())('open data of tracked projects on $name', (engine) => {
  let demo: TrackedDemo;
  let written: Awaited<ReturnType<typeof writeTracking>>;
  beforeAll(async () => {
    demo = await openTrackedDemo(engine);
    written = await writeTracking(demo);
  });
  afterAll(async () => { await demo.database.close(); });
  const get = (path: string) => demo.t.app.request(path);

  describe('GET /api/projects', () => {
    it('lists the year’s projects with money in 分 and yuan, ISO dates and the status words', async () => {
      const res = await get('/api/projects?year=2023');
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      const rows = await res.json() as ApiProject[];
      expect(rows).toHaveLength(10);
      const first = rows.find((r) => r.id === String(written.projectId))!;
      expect(first.money.spent).toEqual({ fen: 90_000_000, yuan: '900000.00' });
      expect(first.money.annualInvestment).toEqual({ fen: 200_000_000, yuan: '2000000.00' });
      expect(first.money.annualRate).toBe(45);
      expect(first.progress).toBe(50);
      expect(first.deadline).toBe('2024-12-31');
      expect(first.vote.rank).toBe(1);
      expect(first.vote.record).toBe(`/elections/${demo.electionId}/record.json`);
      for (const r of rows) expect(PROJECT_STATUSES).toContain(r.status);
    });

    it('is an empty array for a year without projects, and 400 for a year that is not one', async () => {
      expect(await (await get('/api/projects?year=2030')).json()).toEqual([]);
      expect((await get('/api/projects?year=abc')).status).toBe(400);
    });

    it('matches the list page: same projects, same progress, same money, same status', async () => {
      const rows = await (await get('/api/projects?year=2023')).json() as ApiProject[];
      const page = await (await get('/projects?year=2023')).text();
      for (const r of rows) {
        const card = page.slice(page.indexOf(`href="/projects/${r.id}"`));
        expect(card, r.title).toContain(`value="${r.progress}"`);
        expect(card.slice(0, 2000)).toContain(`status--${r.status}`);
      }
      expect(page.match(/class="project-card"/g)).toHaveLength(rows.length);
    });
  });

  describe('GET /api/projects.csv', () => {
    it('has the same rows as the JSON, with a byte-order mark', async () => {
      const res = await get('/api/projects.csv?year=2023');
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const [header, ...rows] = parse(new TextDecoder().decode(bytes.slice(3))) as string[][];
      const json = await (await get('/api/projects?year=2023')).json() as ApiProject[];
      expect(rows.map((r) => r[0])).toEqual(json.map((p) => p.id));
      const spentAt = header!.indexOf('已完成投资（分）');
      const statusAt = header!.indexOf('状态');
      for (const [i, r] of rows.entries()) {
        expect(Number(r[spentAt])).toBe(json[i]!.money.spent.fen);
        expect(r[statusAt]).toBe(json[i]!.status);
      }
    });
  });

  describe('GET /api/projects/:id', () => {
    it('gives the plan, approved reports (the corrected one marked), notes, accepted opinions and the vote', async () => {
      const res = await get(`/api/projects/${written.projectId}`);
      expect(res.status).toBe(200);
      const d = await res.json() as { plan: { targets: { actual: number }[]; milestones: { done: boolean; overdue: boolean }[] }; reports: { correctedBy: string | null; narrative: string; evidence: { url: string }[] }[]; notes: { reply: string }[]; opinions: { body: string }[] };
      expect(d.plan.targets[0]!.actual).toBe(640);
      expect(d.plan.milestones.map((m) => [m.done, m.overdue])).toEqual([[true, false], [false, true]]);
      expect(d.reports.map((r) => r.narrative)).toEqual([PUBLIC.report, PUBLIC.correction]);
      expect(d.reports[0]!.correctedBy).toBe(String(written.reportIds[1]));
      expect(d.reports[1]!.evidence[0]!.url).toMatch(/^\/evidence\/[0-9a-f]{64}$/);
      expect(d.notes[0]!.reply).toBe(PUBLIC.reply);
      expect(d.opinions.map((o) => o.body)).toEqual([PUBLIC.opinion]);
    });

    it('never carries a report, plan or opinion that is not public', async () => {
      expectNoSecret(await (await get(`/api/projects/${written.projectId}`)).text());
      expectNoSecret(await (await get('/api/projects')).text());
      expectNoSecret(await (await get('/api/projects.csv')).text());
    });

    it('agrees with the project page on the figures', async () => {
      const d = await (await get(`/api/projects/${written.projectId}`)).json() as ApiProject;
      const page = await (await get(`/projects/${written.projectId}`)).text();
      expect(page).toContain(`value="${d.progress}"`);
      expect(page).toContain(`status--${d.status}`);
      expect(page).toContain(`获赞成 ${d.vote.forVotes} 票`);
    });

    it('is 404 for a project that does not exist', async () => {
      expect((await get('/api/projects/999999')).status).toBe(404);
    });
  });

  it('answers 304 to a repeated request with the ETag, on the JSON and the CSV', async () => {
    for (const path of ['/api/projects', '/api/projects.csv', `/api/projects/${written.projectId}`]) {
      const { first, second } = await etagRequest(demo.t.app, path);
      expect(first.headers.get('etag'), path).toBeTruthy();
      expect(second.status, path).toBe(304);
    }
  });
});
