import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etagRequest } from './support/public-etag.ts';
import { expectNoSecret, writeTracking } from './support/public-tracking.ts';
import { testEngines } from './support/databases.ts';
import { openTrackedDemo, type TrackedDemo } from './support/tracking.ts';
import { wellFormedXml, xmlText } from './support/xml.ts';

/** The feed library writes text as CDATA sections: read as the escaped text they stand for, then checked strictly. */
const uncdata = (xml: string) => xml.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));

const entries = (xml: string) => {
  expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
  const { root, elements } = wellFormedXml(uncdata(xml));
  expect(root).toBe('feed');
  const titles: string[] = [];
  const updated: string[] = [];
  let inEntry = false;
  for (const e of elements) {
    if (e.name === 'entry') inEntry = true;
    if (inEntry && e.name === 'title') titles.push(xmlText(e.text));
    if (inEntry && e.name === 'updated') updated.push(e.text);
  }
  return { titles, updated, count: elements.filter((e) => e.name === 'entry').length };
};

describe.each(testEngines())('Atom feeds of tracked projects on $name', (engine) => {
  let demo: TrackedDemo;
  let written: Awaited<ReturnType<typeof writeTracking>>;
  beforeAll(async () => {
    demo = await openTrackedDemo(engine);
    written = await writeTracking(demo);
  });
  afterAll(async () => { await demo.database.close(); });
  const get = (path: string) => demo.t.app.request(path);

  describe('GET /feed.xml', () => {
    it('is well-formed Atom with new projects, approved plans and reports, newest first', async () => {
      const res = await get('/feed.xml');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
      const xml = await res.text();
      const { titles, updated, count } = entries(xml);
      expect(count).toBe(10 + 2 + 2);
      expect(titles.filter((t) => t.startsWith('票决入选'))).toHaveLength(10);
      expect(titles.filter((t) => t.startsWith('实施方案获批'))).toHaveLength(2);
      expect(titles.filter((t) => t.startsWith('进展报告第'))).toHaveLength(2);
      expect([...updated].sort().reverse()).toEqual(updated);
      expectNoSecret(xml);
    });

    it('answers 304 to a repeated request with the ETag', async () => {
      const { second } = await etagRequest(demo.t.app, '/feed.xml');
      expect(second.status).toBe(304);
    });

    it('is linked from every page', async () => {
      expect(await (await get('/')).text()).toContain('<link rel="alternate" type="application/atom+xml" href="/feed.xml"');
    });
  });

  describe('GET /projects/:id/feed.xml', () => {
    it('carries only that project’s entries, and never an unapproved report or plan', async () => {
      const xml = await (await get(`/projects/${written.projectId}/feed.xml`)).text();
      const { titles } = entries(xml);
      expect(titles).toHaveLength(1 + 1 + 2);
      expect(titles.every((t) => t.endsWith(titles.at(-1)!.split('：').at(-1)!))).toBe(true);
      expectNoSecret(xml);
    });

    it('carries a report\'s narrative as text, never as markup (a narrative with <img onerror> shows as those characters)', async () => {
      const narrative = '进展顺利<img src=x onerror=alert(1)> & <script>alert(2)</script>';
      await demo.database.db.insertInto('project_reports').values({
        project_id: written.otherId, seq: 1, state: 'approved', narrative, percent: 10, spent_fen: 1_000, period: '2023-Q3',
        actuals: '[]', milestones_done: '[]', drafted_at: new Date('2023-10-01T02:00:00Z'), decided_at: new Date('2023-10-05T02:00:00Z'),
      } as never).execute();
      const xml = await (await get(`/projects/${written.otherId}/feed.xml`)).text();
      const { elements } = wellFormedXml(uncdata(xml));
      const summaries = elements.filter((e) => e.name === 'summary');
      expect(summaries).toHaveLength(1);
      const [summary] = summaries;
      // As the reader gets it: an HTML fragment (the library's type) with no element in it, whose text is the narrative.
      expect(summary!.attrs.type).toBe('html');
      const html = xmlText(summary!.text);
      expect(html).not.toMatch(/<[a-z/]/i);
      expect(xmlText(html.replace(/&#39;/g, "'"))).toBe(narrative);
      for (const e of elements.filter((x) => x.name === 'title')) expect(xmlText(e.text)).not.toMatch(/<[a-z/]/i);
    });

    it('is linked from the project page, and 404 for a project that does not exist', async () => {
      expect(await (await get(`/projects/${written.projectId}`)).text())
        .toContain(`<link rel="alternate" type="application/atom+xml" href="/projects/${written.projectId}/feed.xml"`);
      expect((await get('/projects/999999/feed.xml')).status).toBe(404);
    });
  });
});
