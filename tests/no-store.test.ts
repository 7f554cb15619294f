import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrutineersFor } from './support/fixtures.ts';
import { POLICY } from '../src/auth/policy.ts';
import { createElection, openElection } from '../src/elections/store.ts';
import { addCandidate, createMeeting, recordAttendance } from '../src/meetings/store.ts';
import { SYSTEM_ACTOR } from '../src/platform/acting.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { createTerm, upsertDeputies } from '../src/terms/store.ts';
import { testApp } from './support/app.ts';
import { makeUser } from './support/auth.ts';
import { testEngines } from './support/databases.ts';

/** Streams never end; their headers are checked by the e2e and fault tests. */
const STREAMS = /\/stream$/;

describe.each(testEngines())('Cache-Control: no-store, from the access policy, on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let cookie: string;
  let scrutineerCookie: string;

  beforeAll(async () => {
    database = await engine.open();
    t = testApp(database);
    const system = { clock: t.clock, actor: SYSTEM_ACTOR };
    const term = await createTerm(database.db, system, { name: '测试届', ordinal: 1, startsOn: '2022-01-01', endsOn: '2026-12-31' });
    await upsertDeputies(database.db, system, term.id, [{ code: 'D1', name: '甲', delegation: '甲团' }, { code: 'D2', name: '乙', delegation: '甲团' }]);
    const meeting = await createMeeting(database.db, system, { termId: term.id, title: '测试会议', sessionOrdinal: 1, year: 2024, startsOn: '2024-01-15', endsOn: '2024-01-17' }, { published: true });
    const candidate = { category: 'health' as const, description: '说明', targets: ['目标'], totalInvestmentYuan: null, deadline: '2024-12-31', leadDepartment: '卫生健康局', leadOfficial: '某某' };
    const a = await addCandidate(database.db, system, meeting.id, { ...candidate, name: '项目甲' });
    const b = await addCandidate(database.db, system, meeting.id, { ...candidate, name: '项目乙' });
    const e = await createElection(database.db, system, {
      meetingId: meeting.id, kind: 'selection', title: '测试票决', marking: 'approval', seats: 1, passBase: 'valid-ballots',
      options: [{ key: 'c01', title: '项目甲', candidateId: a.id }, { key: 'c02', title: '项目乙', candidateId: b.id }],
      scrutineers: await scrutineersFor(database.db, meeting.id),
    });
    const deputies = (await database.db.selectFrom('deputies').select('id').execute()).map((d) => d.id);
    await recordAttendance(database.db, system, meeting.id, deputies, true);
    await openElection(database.db, system, e.id);
    // Every role one account may hold together (a scrutineer is never also the secretariat: that
    // account is the other cookie), so that every signed-in page answers for real, not with a refusal.
    cookie = await (await makeUser(database, t.clock, ['secretariat', 'department', 'deputy'])).cookie();
    scrutineerCookie = await (await makeUser(database, t.clock, ['scrutineer'])).cookie();
  });
  afterAll(() => database.close());

  it('is set on every page of a route that needs sign-in, though no route sets it by hand', async () => {
    const routes = Object.entries(POLICY).filter(([key, access]) => key.startsWith('GET ') && access !== 'anyone' && !STREAMS.test(key));
    expect(routes.length).toBeGreaterThan(20);
    const seen: string[] = [];
    for (const [key] of routes) {
      const path = key.slice(4).replace(/:id/g, '1');
      const allowed = POLICY[key];
      const asScrutineer = Array.isArray(allowed) && allowed.includes('scrutineer') && !allowed.includes('secretariat');
      const res = await t.app.request(path, { headers: { Cookie: asScrutineer ? scrutineerCookie : cookie } });
      seen.push(`${key} ${res.status} ${res.headers.get('Cache-Control')}`);
    }
    expect(seen.filter((s) => !s.endsWith(' no-store'))).toEqual([]);
    // The pages really rendered for the signed-in person (not a redirect to sign in).
    expect(seen.filter((s) => / 200 /.test(s)).length).toBeGreaterThan(15);
  });

  it('is set on a public page rendered for a signed-in person, and left to the route for the public', async () => {
    const signedIn = await t.app.request('/meetings/1', { headers: { Cookie: cookie } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('Cache-Control')).toBe('no-store');
    const anonymous = await t.app.request('/meetings/1');
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('Cache-Control')).toBeNull();
  });

  it('keeps the public caching of what is the same for everyone (an asset), also for a signed-in person', async () => {
    const res = await t.app.request('/assets/app.css', { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=300');
  });
});
