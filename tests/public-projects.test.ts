import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etagRequest } from './support/public-etag.ts';
import { expectNoSecret, PUBLIC, writeTracking } from './support/public-tracking.ts';
import { testEngines } from './support/databases.ts';
import { openTrackedDemo, type TrackedDemo } from './support/tracking.ts';

describe.each(testEngines())('public project pages on $name', (engine) => {
  let demo: TrackedDemo;
  let written: Awaited<ReturnType<typeof writeTracking>>;
  beforeAll(async () => {
    demo = await openTrackedDemo(engine);
    written = await writeTracking(demo);
  });
  afterAll(async () => { await demo.database.close(); });
  const get = (path: string, headers: Record<string, string> = {}) => demo.t.app.request(path, { headers });
  const html = async (path: string, headers: Record<string, string> = {}) => {
    const res = await get(path, headers);
    expect(res.status, path).toBe(200);
    return res.text();
  };

  describe('GET /projects', () => {
    it('lists the latest tracked year’s ten projects with status words, progress bars and money', async () => {
      const page = await html('/projects');
      expect(page).toContain('2023 年民生实事项目');
      expect(page.match(/class="project-card"/g)).toHaveLength(10);
      expect(page).toContain('<progress max="100" value="50"');
      expect(page).toMatch(/class="status status--[a-z-]+">[^<]+</);
      expect(page).toContain('已完成投资 90万元／年度计划 200万元（45%）');
      expect(page).toContain('<svg');
      expect(page).toContain('各类别投资完成率');
      expectNoSecret(page);
    });

    it('filters by location and category with plain links, and answers htmx with the results only', async () => {
      const byLocation = await html(`/projects?year=2023&location=${encodeURIComponent('湖镇镇')}`);
      expect(byLocation.match(/class="project-card"/g)).toHaveLength(1);
      expect(byLocation).toContain(`href="/projects/${written.otherId}"`);
      const all = await html('/projects?year=2023');
      const category = /href="\/projects\?year=2023&amp;category=([a-z-]+)"/.exec(all)![1]!;
      const byCategory = await html(`/projects?year=2023&category=${category}`);
      expect(byCategory.match(/class="project-card"/g)!.length).toBeLessThan(10);
      const res = await get(`/projects?year=2023&category=${category}`, { 'HX-Request': 'true' });
      expect(res.headers.get('vary')).toMatch(/HX-Request/i);
      const fragment = await res.text();
      expect(fragment).not.toContain('<html');
      expect(fragment.startsWith('<div id="project-results">')).toBe(true);
      expect(fragment).toContain('data-hx-push-url="true"');
    });

    it('shows an empty year without failing', async () => {
      expect(await html('/projects?year=2030')).toContain('没有符合条件的项目');
    });
  });

  describe('GET /projects/:id', () => {
    it('shows the vote that chose it with links to the result and the signed record', async () => {
      const page = await html(`/projects/${written.projectId}`);
      expect(page).toMatch(/获赞成 \d+ 票，列第 1 位入选/);
      expect(page).toContain(`href="/elections/${demo.electionId}/result"`);
      expect(page).toContain(`href="/elections/${demo.electionId}/record.json"`);
    });

    it('shows the plan, targets against actuals, milestones done and overdue, and money against the plan', async () => {
      const page = await html(`/projects/${written.projectId}`);
      expect(page).toContain('新增学位');
      expect(page).toContain('640 个');
      expect(page).toContain('✓ 已完成');
      expect(page).toContain('! 已逾期');
      expect(page).toContain('张副县长');
      expect(page).toContain('完成率 45%');
      expect(page).toContain('500万元');
    });

    it('shows approved reports (the corrected one marked), sections, photos with alt text, the note and its reply, and the accepted opinion', async () => {
      const page = await html(`/projects/${written.projectId}`);
      for (const text of Object.values(PUBLIC)) expect(page).toContain(text);
      expect(page).toContain('本期报告已被第 2 期报告更正');
      expect(page).toMatch(new RegExp(`<img src="/evidence/[0-9a-f]{64}" alt="${PUBLIC.caption}" width="800" height="600"`));
      expect(page).toContain(`href="/projects/${written.projectId}/opinions/new"`);
      expect(page).toContain(`href="/projects/${written.projectId}/feed.xml"`);
    });

    it('never shows a submitted or returned report, a draft plan, or a pending or rejected opinion', async () => {
      expectNoSecret(await html(`/projects/${written.projectId}`));
      expectNoSecret(await html(`/projects/${written.projectId}`, { Cookie: 'lang=en' }));
    });

    it('is 404 for a project that does not exist', async () => {
      expect((await get('/projects/999999')).status).toBe(404);
    });

    it('answers a repeated request with 304 Not Modified', async () => {
      const { first, second } = await etagRequest(demo.t.app, `/projects/${written.projectId}`);
      expect(first.headers.get('etag')).toBeTruthy();
      expect(second.status).toBe(304);
    });
  });

  describe('existing pages', () => {
    it('says 入选 with the votes on a chosen candidate’s page and links its project', async () => {
      const page = await html(`/candidates/${demo.projects[0]!.candidateId}`);
      expect(page).toMatch(/入选：赞成 \d+ 票/);
      expect(page).toContain(`href="/projects/${demo.projects[0]!.id}"`);
    });

    it('says 未入选 with the votes on a candidate the vote did not choose', async () => {
      const chosen = new Set(demo.projects.map((p) => p.candidateId));
      const meeting = await demo.database.db.selectFrom('candidates').select('id').where('meeting_id', '=', demo.meetingId).execute();
      const other = meeting.find((c) => !chosen.has(c.id))!;
      expect(await html(`/candidates/${other.id}`)).toMatch(/未入选：赞成 \d+ 票/);
    });

    it('links the chosen list of the meeting page and the result page to the projects', async () => {
      expect(await html(`/meetings/${demo.meetingId}`)).toContain(`href="/projects/${demo.projects[0]!.id}"`);
      expect(await html(`/elections/${demo.electionId}/result`)).toContain(`href="/projects/${demo.projects[0]!.id}"`);
    });

    it('shows last year’s projects’ progress on the home page, with the candidates of this year’s meeting', async () => {
      const page = await html('/');
      expect(page).toContain('2023 年民生实事项目进展');
      expect(page.match(/class="candidate-card"/g)).toHaveLength(12);
      expect(page).toContain('href="/projects?year=2023"');
      expect(page).toContain('<progress');
    });
  });

  describe('GET /meetings/:id/progress-report', () => {
    it('prints the half-year report: summary figures, then each project', async () => {
      const page = await html(`/meetings/${demo.meetingId}/progress-report?period=half`);
      expect(page).toContain('2023 年上半年民生实事项目推进情况');
      expect(page).toContain('共 10 个项目');
      // As things stood at the end of June: the third quarter's reports are not in it yet.
      expect(page).toContain('截至 2023年6月30日');
      expect(page).not.toContain(PUBLIC.correction);
      expectNoSecret(page);
    });

    it('prints the year-end report, and refuses an unknown period', async () => {
      const page = await html(`/meetings/${demo.meetingId}/progress-report?period=year`);
      expect(page).toContain('2023 年度民生实事项目推进情况');
      expect(page).toContain(PUBLIC.correction);
      expectNoSecret(page);
      expect((await get(`/meetings/${demo.meetingId}/progress-report?period=month`)).status).toBe(404);
    });
  });
});
