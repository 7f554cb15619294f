import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkChain } from '../src/audit/chain.ts';
import { readAuditChain } from '../src/audit/store.ts';
import { DEMO_RATING_TITLE, demoPhoto, demoRatingBallots } from '../src/demo/tracking.ts';
import { demoTrusteePassphrase } from '../src/demo/ceremony.ts';
import { encodePoint, G, mulSecret, openTrusteeFile } from '../src/domain/crypto/index.ts';
import { sodiumChecker } from '../src/domain/crypto/sodium-checker.ts';
import type { ElectionRecordV2 } from '../src/domain/record/format-v2.ts';
import { expectedFingerprint } from '../src/domain/record/verify.ts';
import { verifyRecordV2 } from '../src/domain/record/verify-v2.ts';
import { tally } from '../src/domain/tally.ts';
import { PROJECT_SCRIPTS } from '../src/demo/tracking-script.ts';
import { seedDemo } from '../src/demo/seed.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { fixedClock } from '../src/platform/time.ts';
import { listProjects } from '../src/projects/store.ts';
import { overdueNow } from '../src/supervision/store.ts';
import { testApp } from './support/app.ts';
import { testEngines } from './support/databases.ts';

const SECRET = 'demo-tracking-test-signing-key-secret-0123456789';

// Seeding the demo with its history (the 2023 vote, its year of tracking and the 测评) takes a few
// seconds: once per engine.
describe.each(testEngines())('the demo\'s year of tracking on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  beforeAll(async () => {
    database = await engine.open();
    t = testApp(database, { SIGNING_KEY_SECRET: SECRET });
    expect(await seedDemo(database.db, fixedClock('2024-01-10T00:00:00Z'), { signing: t.config })).toBe(true);
    // Pages read the year as of June 2024: everything seeded is in the past.
    t.clock.set('2024-06-01T02:00:00Z');
  }, 120_000);
  afterAll(async () => { await database.close(); });

  const projects = () => listProjects(database.db, t.clock, { year: 2023 });

  it('tracks the ten 2023 projects, each with an approved plan and approved reports, in every status but not started', async () => {
    const list = await projects();
    expect(list).toHaveLength(10);
    expect(list.map((p) => p.title).sort()).toEqual(Object.keys(PROJECT_SCRIPTS).sort());
    const status = Object.fromEntries(list.map((p) => [p.title, p.status]));
    expect(status).toMatchObject({
      学前教育扩容提质: 'completed', 山塘水库系统治理: 'completed', 妇女儿童医院和健康产业中心建设: 'behind', 老旧小区改造提升: 'behind',
      生活垃圾分类收运: 'rectifying', 饮用水水源地保护: 'on-track',
    });
    expect(new Set(list.map((p) => p.status))).toEqual(new Set(['completed', 'behind', 'rectifying', 'on-track']));
    for (const p of list) {
      expect(p.approvedReports, p.title).toBeGreaterThanOrEqual(3);
      expect(p.money.spentFen, p.title).toBeGreaterThan(0);
    }
    // Most have a town or sub-district.
    expect(list.filter((p) => p.location !== null).length).toBeGreaterThanOrEqual(7);
  });

  it('has a plan returned once, a later revision with its reason, a returned report approved later, and a final report waiting', async () => {
    const plans = await database.db.selectFrom('project_plans').select(['revision', 'state', 'reason', 'return_comment']).execute();
    expect(plans.filter((p) => p.return_comment !== null)).toHaveLength(1);
    const revised = plans.filter((p) => p.revision > 1);
    expect(revised).toHaveLength(1);
    expect(revised[0]).toMatchObject({ state: 'approved', reason: expect.stringContaining('强降雨') });
    const reports = await database.db.selectFrom('project_reports').select(['state', 'return_comment', 'kind', 'final']).execute();
    const audit = [];
    for await (const e of readAuditChain(database.db)) audit.push(e);
    expect(audit.filter((e) => e.action === 'report.return')).toHaveLength(1);
    expect(audit.filter((e) => e.action === 'plan.return')).toHaveLength(1);
    expect(reports.filter((r) => r.state === 'submitted')).toEqual([{ state: 'submitted', return_comment: null, kind: 'progress', final: true }]);
    expect(reports.filter((r) => r.kind === 'rectification')).toEqual([{ state: 'approved', return_comment: null, kind: 'rectification', final: false }]);
    expect(reports.filter((r) => r.state !== 'approved' && r.state !== 'submitted')).toEqual([]);
  });

  it('reports the year as it stood at the end of June in the half-year report, and at the year end in the year-end one', async () => {
    const { id: meetingId } = await database.db.selectFrom('meetings').select('id').where('year', '=', 2023).executeTakeFirstOrThrow();
    const june = await listProjects(database.db, t.clock, { meetingId, asOf: new Date('2023-06-30T23:59:59.999+08:00') });
    const now = await listProjects(database.db, t.clock, { meetingId });
    expect(june).toHaveLength(10);
    // By the end of June nothing was finished and nothing rated; the money and progress were lower than now.
    expect(june.filter((p) => p.status === 'completed')).toEqual([]);
    expect(june.every((p) => p.rating === null)).toBe(true);
    for (const [i, p] of june.entries()) {
      expect(p.progress).toBeLessThanOrEqual(now[i]!.progress);
      expect(p.money.spentFen).toBeLessThanOrEqual(now[i]!.money.spentFen);
    }
    expect(june.reduce((s, p) => s + p.money.spentFen, 0)).toBeLessThan(now.reduce((s, p) => s + p.money.spentFen, 0));
    const half = await (await t.app.request(`/meetings/${meetingId}/progress-report?period=half`)).text();
    expect(half).toContain('截至 2023年6月30日');
    const year = await (await t.app.request(`/meetings/${meetingId}/progress-report?period=year`)).text();
    expect(year).toContain('截至 2023年12月31日');
  });

  it('has notes with replies and one overdue, and two accepted opinions public (one replied), one pending, and one rejected then purged', async () => {
    const notes = await database.db.selectFrom('inspection_notes').select(['reply', 'reply_due']).execute();
    expect(notes.length).toBeGreaterThanOrEqual(4);
    expect(notes.filter((n) => n.reply === null)).toEqual([{ reply: null, reply_due: '2023-12-20' }]);
    const overdue = await overdueNow(database.db, t.clock);
    expect(overdue.filter((o) => o.kind === 'note')).toHaveLength(1);
    const opinions = await database.db.selectFrom('citizen_opinions').select(['state', 'reply', 'project_id']).orderBy('id').execute();
    // The rejected one is gone: a rejected opinion's text is deleted 30 days after the decision, and a later submission in the demo's year did it.
    expect(opinions.map((o) => o.state).sort()).toEqual(['accepted', 'accepted', 'pending']);
    const decisions = await database.db.selectFrom('audit_log').select('action').where('action', 'like', 'opinion.%').execute();
    expect(decisions.filter((d) => d.action === 'opinion.reject')).toHaveLength(1);
    expect(opinions.filter((o) => o.state === 'accepted' && o.reply !== null)).toHaveLength(1);
    for (const o of opinions.filter((x) => x.state === 'accepted')) {
      const api = await (await t.app.request(`/api/projects/${o.project_id}`)).json() as { opinions: unknown[] };
      expect(api.opinions).toHaveLength(1);
    }
  });

  it('rated the ten at the 2024 meeting: most 满意 or 基本满意, one 不满意, and the 2024 selection is still a draft', async () => {
    const elections = await database.db.selectFrom('elections as e').innerJoin('meetings as m', 'm.id', 'e.meeting_id')
      .select(['e.title', 'e.kind', 'e.state', 'm.year']).orderBy('e.id').execute();
    expect(elections).toEqual([
      { title: '2023年民生实事项目票决', kind: 'selection', state: 'published', year: 2023 },
      { title: '2024年民生实事项目票决', kind: 'selection', state: 'draft', year: 2024 },
      { title: DEMO_RATING_TITLE, kind: 'satisfaction', state: 'published', year: 2024 },
    ]);
    const ratings = (await projects()).map((p) => p.rating?.rating);
    expect(ratings).toHaveLength(10);
    expect(ratings.filter((r) => r === 'unsatisfied')).toHaveLength(1);
    expect(ratings.every((r) => r === 'satisfied' || r === 'basically' || r === 'unsatisfied')).toBe(true);
    expect(ratings.filter((r) => r === 'satisfied').length).toBeGreaterThanOrEqual(5);
  });

  // Issue 13: "the 2024 测评 published in encrypted mode and verified in CI".
  it('published the 测评 as an encrypted vote: its record.json is format 2, verifies with the signing key, and counts the seeded marks', { timeout: 120_000 }, async () => {
    const e = await database.db.selectFrom('elections').select(['id', 'ballot_mode', 'trustee_threshold']).where('title', '=', DEMO_RATING_TITLE).executeTakeFirstOrThrow();
    expect({ mode: e.ballot_mode, k: e.trustee_threshold }).toEqual({ mode: 'encrypted', k: 2 });
    const res = await t.app.request(`/elections/${e.id}/record.json`);
    expect(res.status).toBe(200);
    const record = JSON.parse(await res.text()) as ElectionRecordV2;
    expect(record.format).toBe('minsheng-election-record/2');
    // As npm run verify does: every tracker and proof, the trustees' dealings and possession, the
    // partial decryptions, the recount, the digest, the certifications and the signature, with the
    // installation's key as /.well-known publishes it.
    const key = expectedFingerprint(await (await t.app.request('/.well-known/minsheng-signing-key')).text());
    const verified = verifyRecordV2(record, { checker: await sodiumChecker(), key });
    expect(verified.problems).toEqual([]);
    expect(verified.ok).toBe(true);
    expect(verifyRecordV2(record, { checker: await sodiumChecker(), key: 'f'.repeat(64) }).ok).toBe(false);
    // 28 encrypted ballots (the standing committee's members present), none spoiled, none on paper;
    // k = 2 of three trustees, the first two decrypted; certified by the same two.
    expect(record.ballots).toHaveLength(28);
    expect(record.roll).toMatchObject({ present: 28, electronic: 28, paperIssued: 0 });
    expect(record.spoiled).toEqual([]);
    const scrutineers = await database.db.selectFrom('deputies').select('name').where('code', 'in', ['D011', 'D012', 'D013']).orderBy('code').execute();
    expect({ k: record.crypto.threshold, trustees: record.crypto.trustees.map((x) => x.name) }).toEqual({ k: 2, trustees: scrutineers.map((d) => d.name) });
    expect(record.decryption.partials.map((p) => p.trustee)).toEqual([1, 2]);
    expect(record.certifications.map((c) => [c.name, c.at])).toEqual([['监票人甲（演示）', '2024-01-16T10:00:00+08:00'], ['监票人乙（演示）', '2024-01-16T10:01:00+08:00']]);
    // The server never held the marks: the sealed box holds ciphertexts only.
    const sealed = await database.db.selectFrom('sealed_ballots').select(['marks', 'ballot']).where('election_id', '=', e.id).execute();
    expect(sealed).toHaveLength(28);
    expect(sealed.every((b) => b.marks === null && b.ballot !== null)).toBe(true);
    // The result is the count of the marks the seeded generator gives, counted here in plaintext.
    const ballots = demoRatingBallots(record.election.options.map((o) => o.title), 28);
    const counts = record.election.options.map((_, i) => {
      const c: Record<string, number> = { S: 0, B: 0, U: 0, N: 0 };
      for (const b of ballots) c[b.marks[i]!]! += 1;
      return c;
    });
    expect(record.result.options.map((o) => o.counts)).toEqual(counts);
    expect(record.result).toEqual(tally({
      kind: 'satisfaction', rules: record.election.rules, optionIds: record.election.options.map((o) => o.id),
      present: record.roll.present, eligible: record.roll.eligible, ballots: ballots.map((b) => ({ marks: b.marks })),
    }));
    // The ratings the projects show are the record's.
    const rated = new Map((await projects()).map((p) => [p.title, p.rating?.rating]));
    for (const [i, o] of record.election.options.entries()) expect(rated.get(o.title), o.title).toBe(record.result.options[i]!.rating);
  });

  it('publishes the 测评\'s trustee files beside the selection\'s: the two that decrypted it hold the shares its record names', async () => {
    const e = await database.db.selectFrom('elections').select('id').where('title', '=', DEMO_RATING_TITLE).executeTakeFirstOrThrow();
    const record = JSON.parse(await (await t.app.request(`/elections/${e.id}/record.json`)).text()) as ElectionRecordV2;
    const page = await (await t.app.request('/demo/trustee-files')).text();
    expect(page).toContain(`<h2>${DEMO_RATING_TITLE}</h2>`);
    expect(page).toContain('<h2>2024年民生实事项目票决</h2>');
    const rows = await database.db.selectFrom('demo_trustee_files').select(['id', 'trustee', 'username', 'passphrase']).where('election_id', '=', e.id).orderBy('trustee').execute();
    expect(rows.map((r) => [r.trustee, r.username, r.passphrase])).toEqual([1, 2, 3].map((i) => [i, `jianpiao${i}`, demoTrusteePassphrase(i)]));
    for (const r of rows) {
      expect(page).toContain(`href="/demo/trustee-files/${r.id}"`);
      const { header, content } = await openTrusteeFile(await (await t.app.request(`/demo/trustee-files/${r.id}`)).text(), r.passphrase);
      expect(header).toMatchObject({ contextId: record.crypto.contextId, electionId: String(e.id), index: r.trustee, publicKey: record.crypto.publicKey });
      expect(encodePoint(mulSecret(G, content.secretShare!))).toBe(record.crypto.trustees[r.trustee - 1]!.publicShare);
    }
  });

  it('stores evidence photos without EXIF, served publicly', async () => {
    const files = await database.db.selectFrom('evidence_files').select(['sha256', 'media_type', 'bytes', 'width', 'height']).execute();
    expect(files.length).toBeGreaterThanOrEqual(35);
    for (const f of files.slice(0, 5)) {
      expect(f.media_type).toBe('image/jpeg');
      const meta = await sharp(f.bytes).metadata();
      expect(meta.exif).toBeUndefined();
      expect([meta.width, meta.height]).toEqual([f.width, f.height]);
    }
    const res = await t.app.request(`/evidence/${files[0]!.sha256}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
  });

  it('renders the public list of 2023 projects and a project page', async () => {
    const list = await t.app.request('/projects?year=2023');
    expect(list.status).toBe(200);
    const html = await list.text();
    for (const title of Object.keys(PROJECT_SCRIPTS)) expect(html).toContain(title.replace(/“/g, '“'));
    const hospital = (await projects()).find((p) => p.title === '妇女儿童医院和健康产业中心建设')!;
    const page = await t.app.request(`/projects/${hospital.id}`);
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain('强降雨');
    expect(body).toContain('/evidence/');
    expect(body).toContain('请说明竣工验收的具体时间');
  });

  it('keeps the audit chain intact and in time order', async () => {
    const entries = [];
    for await (const e of readAuditChain(database.db)) entries.push(e);
    expect(checkChain(entries)).toBeUndefined();
    const times = entries.map((e) => e.at);
    expect(times).toEqual([...times].sort());
    expect(times.at(-1)).toBe('2024-03-08T07:00:00.000Z');
  });
});

describe('the demo\'s drawn photos', () => {
  it('are JPEGs, the same for the same arguments and different for another stage', async () => {
    const a = await demoPhoto(200, 2, 7);
    expect(Buffer.from(a.subarray(0, 3)).toString('hex')).toBe('ffd8ff');
    expect(Buffer.from(await demoPhoto(200, 2, 7)).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(await demoPhoto(200, 3, 7)).equals(Buffer.from(a))).toBe(false);
  });
});
