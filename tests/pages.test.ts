import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../src/platform/db/index.ts';
import { testApp } from './support/app.ts';
import { testEngines } from './support/databases.ts';

describe.each(testEngines())('public pages on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let meetings: { id: string; title: string; year: number; elections: unknown[] }[];
  beforeAll(async () => {
    database = await engine.openDemo();
    t = testApp(database);
    meetings = await (await t.app.request('/api/meetings')).json();
  });
  afterAll(async () => { await database.close(); });

  const get = (path: string, headers: Record<string, string> = {}) => t.app.request(path, { headers });
  const en = { Cookie: 'lang=en' };

  describe('GET /', () => {
    it('shows the current meeting and its twelve candidates in Chinese, with the demo banner', async () => {
      const res = await get('/');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=UTF-8/i);
      const html = await res.text();
      expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(html).toContain('<html lang="zh-CN">');
      expect(html).toContain('本次会议');
      expect(html).toContain('龙游县第十四届人民代表大会第三次会议');
      expect(html.match(/class="candidate-card"/g)).toHaveLength(12);
      expect(html).toContain('城乡供水一体化提升');
      expect(html).toContain('演示数据');
    });

    it('links to the past (2023) meeting', async () => {
      const html = await (await get('/')).text();
      const past = meetings.find((m) => m.year === 2023)!;
      expect(html).toContain(`href="/meetings/${past.id}"`);
      expect(html).toContain('往届会议');
    });

    it('speaks English when the lang cookie says so', async () => {
      const html = await (await get('/', en)).text();
      expect(html).toContain('<html lang="en">');
      expect(html).toContain('Candidate projects');
      expect(html).toContain('Demo data');
      expect(html).not.toContain('候选项目<');
    });

    it('shows no demo banner when demo mode is off', async () => {
      const off = testApp(database, { DEMO: '0' });
      expect(await (await off.app.request('/')).text()).not.toContain('演示数据');
    });

    it('answers an htmx request for part of the page with the fragment only', async () => {
      const res = await get('/', { 'HX-Request': 'true' });
      const html = await res.text();
      expect(res.headers.get('vary')).toMatch(/HX-Request/i);
      expect(html).not.toContain('<!DOCTYPE html>');
      expect(html).not.toContain('<html');
      expect(html).toContain('龙游县第十四届人民代表大会第三次会议');
    });

    it('sends a strict Content-Security-Policy and the other security headers', async () => {
      const res = await get('/');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
    });

    it('lets other sites read public data anonymously, and nothing else', async () => {
      const page = await get('/');
      expect(page.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(page.headers.get('access-control-allow-origin')).toBeNull();
      for (const path of ['/api/meetings', '/.well-known/minsheng-signing-key']) {
        const res = await get(path);
        expect(res.headers.get('cross-origin-resource-policy'), path).toBe('cross-origin');
        expect(res.headers.get('access-control-allow-origin'), path).toBe('*');
        expect(res.headers.get('access-control-allow-credentials'), path).toBeNull();
        // The other protections stay.
        expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      }
    });

    it('logs one structured line per request with status and duration', async () => {
      t.logs.length = 0;
      await get('/meetings/999999');
      const lines = t.logs.filter((l) => l.msg === 'request');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 'info', method: 'GET', path: '/meetings/999999', status: 404 });
      expect(typeof lines[0]!.ms).toBe('number');
    });
  });

  describe('GET /meetings/:id', () => {
    it('shows the 2023 meeting with its twelve candidates', async () => {
      const past = meetings.find((m) => m.year === 2023)!;
      const html = await (await get(`/meetings/${past.id}`)).text();
      expect(html).toContain('<h1>龙游县第十四届人民代表大会第二次会议</h1>');
      expect(html.match(/class="candidate-card"/g)).toHaveLength(12);
      expect(html).toContain('学前教育扩容提质');
      expect(html).toContain('饮用水水源地保护');
    });

    it.each(['999999', 'abc', '0', '-1', '1.5', '99999999999'])('answers 404 for /meetings/%s, translated', async (id) => {
      const res = await get(`/meetings/${id}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('找不到您要的页面');
      const enRes = await get(`/meetings/${id}`, en);
      expect(await enRes.text()).toContain('does not exist');
    });
  });

  describe('GET /candidates/:id', () => {
    it('shows every field of a candidate', async () => {
      const home = await (await get('/')).text();
      const id = /href="\/candidates\/(\d+)"/.exec(home)![1];
      const html = await (await get(`/candidates/${id}`)).text();
      for (const s of ['城乡供水一体化提升', '责任单位', '水利局', '配合单位', '牵头领导', '副县长 徐建国', '总投资', '8800万元', '完成时间', '2024年12月31日', '目标任务', '新建改造供水管网60公里', '项目论述', '乡村振兴']) {
        expect(html).toContain(s);
      }
      const enHtml = await (await get(`/candidates/${id}`, en)).text();
      expect(enHtml).toContain('CNY 88 million');
      expect(enHtml).toContain('31 December 2024');
      expect(enHtml).toContain('Rural revitalisation');
    });

    it('escapes what it shows', async () => {
      const { addCandidate } = await import('../src/meetings/store.ts');
      const m = meetings[0]!;
      const c = await addCandidate(database.db, { clock: t.clock, actor: { userId: null, name: 'test' } }, Number(m.id), {
        name: '<script>alert(1)</script>', category: 'health', description: '"><img src=x onerror=alert(1)>',
        targets: ['<b>x</b>'], totalInvestmentYuan: null, deadline: '2024-12-31', leadDepartment: '测试局', coDepartments: [], leadOfficial: 'x',
      });
      const html = await (await get(`/candidates/${c.id}`)).text();
      expect(html).not.toContain('<script>alert(1)</script>');
      expect(html).not.toContain('<img src=x');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('未填写');
    });
  });

  describe('GET /api/meetings', () => {
    it('lists meetings newest first with string ids and their elections', async () => {
      expect(meetings.map((m) => [m.title, m.year])).toEqual([
        ['龙游县第十四届人民代表大会第三次会议', 2024],
        ['龙游县第十四届人民代表大会第二次会议', 2023],
      ]);
      for (const m of meetings) {
        expect(typeof m.id).toBe('string');
        expect(Array.isArray(m.elections)).toBe(true);
      }
    });

    it('answers unknown API paths with a JSON 404', async () => {
      const res = await get('/api/nothing');
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ status: 404, error: '找不到您要的页面。' });
    });
  });

  describe('GET /lang/:code', () => {
    it('remembers the language in a cookie and goes back', async () => {
      const res = await get('/lang/en?next=%2Fmeetings%2F1');
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/meetings/1');
      expect(res.headers.get('set-cookie')).toMatch(/^lang=en; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax/);
    });

    it.each(['https://evil.example/', '//evil.example/', '/\\evil.example', 'javascript:alert(1)'])('never redirects off the site (next=%s)', async (next) => {
      const res = await get(`/lang/zh-CN?next=${encodeURIComponent(next)}`);
      expect(res.headers.get('location')).toBe('/');
    });

    it('refuses an unknown language', async () => {
      expect((await get('/lang/fr')).status).toBe(404);
    });
  });

  describe('assets', () => {
    it('serves htmx and the stylesheet from the app with long caching when versioned', async () => {
      const html = await (await get('/')).text();
      const htmx = /src="(\/assets\/htmx\.min\.js\?v=[0-9a-f]+)"/.exec(html)![1]!;
      const res = await get(htmx);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/javascript/);
      expect(res.headers.get('cache-control')).toContain('immutable');
      expect(await res.text()).toContain('htmx');
      const css = await get('/assets/app.css');
      expect(css.headers.get('cache-control')).toBe('public, max-age=300');
      expect((await get('/assets/nothing.js')).status).toBe(404);
    });

    it('answers a conditional request with 304', async () => {
      const first = await get('/assets/app.css');
      const again = await get('/assets/app.css', { 'If-None-Match': first.headers.get('etag')! });
      expect(again.status).toBe(304);
    });
  });

  describe('errors', () => {
    it('renders an unexpected error as a translated 500 page with a reference, and logs the cause', async () => {
      // Every query fails with an error that is not about connectivity: a bug, as far as the app knows.
      const failing = { ...database, db: database.db.withPlugin({
        transformQuery: () => { throw new Error('kaboom'); },
        transformResult: async (a) => a.result,
      }) };
      const local = testApp(failing);
      const res = await local.app.request('/');
      expect(res.status).toBe(500);
      const html = await res.text();
      expect(html).toContain('系统出现内部错误');
      expect(html).not.toContain('kaboom');
      const logged = local.logs.find((l) => l.msg === 'unhandled error')!;
      expect((logged.err as { message: string }).message).toBe('kaboom');
      expect(html).toContain(String(logged.reqId));
    });

    it('renders a fragment, not a page, for an htmx request', async () => {
      const res = await get('/meetings/999999', { 'HX-Request': 'true' });
      expect(res.status).toBe(404);
      const html = await res.text();
      expect(html).not.toContain('<html');
      expect(html).toContain('找不到您要的页面');
    });
  });
});

describe.each(testEngines())('GET /healthz on $name', (engine) => {
  it('answers 200 with the engine while the database is up, 503 once it is gone', async () => {
    const database = await engine.open();
    const { app } = testApp(database);
    const ok = await app.request('/healthz');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', db: engine.name });
    await database.close();
    const down = await app.request('/healthz');
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'unavailable' });
  });

  it('answers 503 once shutdown has begun, so load balancers stop sending requests', async () => {
    const database = await engine.open();
    const { app, shutdown } = testApp(database);
    shutdown.begin();
    expect((await app.request('/healthz')).status).toBe(503);
    await database.close();
  });
});

describe('GET /healthz with PostgreSQL unreachable', () => {
  it('answers 503 without waiting for the connection timeout', async () => {
    const { createPostgresDb } = await import('../src/platform/db/index.ts');
    const database = createPostgresDb('postgres://postgres@127.0.0.1:1/nothing');
    const { app } = testApp(database);
    const started = Date.now();
    const res = await app.request('/healthz');
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await app.request('/')).status).toBe(503);
    await database.close();
  });
});
