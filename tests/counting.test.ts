import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, type Acting } from '../src/platform/acting.ts';
import { castBallot } from '../src/ballots/store.ts';
import { fixedClock } from '../src/platform/time.ts';
import { publishedRecord, recordSummary, sealElection } from '../src/counting/store.ts';
import { createPostgresDb, type DbHandle } from '../src/platform/db/index.ts';
import { DEMO_PASSWORD } from '../src/demo/seed.ts';
import { closeElection, createElection, openElection } from '../src/elections/store.ts';
import { commitPaper, issuePaper, keyPaperBallot, recordReturned } from '../src/paper/store.ts';
import { keyFingerprint } from '../src/domain/record/digest.ts';
import type { ElectionRecord } from '../src/domain/record/format.ts';
import { expectedFingerprint, verifyRecord } from '../src/domain/record/verify.ts';
import { countFor } from '../src/domain/tally.ts';
import { testApp } from './support/app.ts';
import { postForm, sessionCookieFrom, signIn } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture, FIXTURE_PASSWORD, scrutineersFor } from './support/fixtures.ts';
import { runTs } from './support/server-process.ts';

const SECRET = 'test-signing-key-secret-0123456789abcdef';
const ELECTRONIC = ['FFFFFFFFFFAN', 'FFFFFFFFFANF', 'AFFFFFFFFFFN', 'NNNNNNNNNNNN', 'FAFAFAFAFAFA', 'FFFFFFFFFFAN'];
const PAPER = [{ marks: 'FFFFFFFFFFFA', invalid: null }, { marks: 'FNFNFNFNFNFN', invalid: null }, { marks: 'NNNNNNNNNNNN', invalid: 'unreadable' as const }];

describe.each(testEngines())('counting and publication on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let electionId: number;
  let mishu: string;
  let jianpiao1: string;
  let jianpiao2: string;
  let tracker: string;
  let boxBefore: string[];
  let digest: string;
  const deputies = new Map<string, number>();
  let dir: string;

  beforeAll(async () => {
    database = await engine.openDemo();
    t = testApp(database, { SIGNING_KEY_SECRET: SECRET });
    electionId = (await database.db.selectFrom('elections').select('id').where('title', '=', '2024年民生实事项目票决').executeTakeFirstOrThrow()).id;
    mishu = sessionCookieFrom(await signIn(t.app, 'mishu', DEMO_PASSWORD))!;
    jianpiao1 = sessionCookieFrom(await signIn(t.app, 'jianpiao1', DEMO_PASSWORD))!;
    jianpiao2 = sessionCookieFrom(await signIn(t.app, 'jianpiao2', DEMO_PASSWORD))!;
    for (const d of await database.db.selectFrom('deputies').select(['id', 'code']).execute()) deputies.set(d.code, d.id);
    dir = mkdtempSync(join(tmpdir(), 'minsheng-counting-'));
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, cookie?: string) => t.app.request(path, { headers: cookie ? { Cookie: cookie } : {} });
  const post = (cookie: string, path: string, form: Record<string, string> = {}) => postForm(t.app, `/admin/elections/${electionId}${path}`, form, { Cookie: cookie });
  const location = (res: Response) => res.headers.get('location');
  const state = async (id = electionId) => (await database.db.selectFrom('elections').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
  const userId = async (username: string) => (await database.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  const multiset = (rows: { marks: string; invalid: string | null }[]) => rows.map((b) => `${b.marks}|${b.invalid ?? ''}`).sort();
  const tracked = async () => (await get(`/api/trackers/${tracker}`)).json() as Promise<Record<string, unknown>>;

  it('takes electronic and paper ballots, and refuses to seal while paper ballots are not committed', async () => {
    expect(location(await post(mishu, '/open'))).toBe(`/admin/elections/${electionId}?done=opened`);
    for (const [i, marks] of ELECTRONIC.entries()) {
      const r = await castBallot(database.db, t.clock, { electionId, deputyId: deputies.get(`D00${i + 1}`)!, marks });
      expect(r.status).toBe('cast');
      if (i === 0 && r.status === 'cast') tracker = r.tracker;
    }
    const acting: Acting = { clock: t.clock, actor: SYSTEM_ACTOR };
    await issuePaper(database.db, acting, electionId, ['D007', 'D008', 'D009']);
    expect(location(await post(mishu, '/seal'))).toBe(`/admin/elections/${electionId}/scrutiny?error=wrong-state`);
    expect(location(await post(mishu, '/close'))).toBe(`/admin/elections/${electionId}?done=closed`);
    await recordReturned(database.db, acting, electionId, PAPER.length);

    const refused = await post(mishu, '/seal');
    expect(location(refused)).toBe(`/admin/elections/${electionId}/scrutiny?error=paper-uncommitted`);
    expect(await (await get(location(refused)!, mishu)).text()).toContain('纸质选票尚未全部录入并放入票箱，不能封存。');
    expect(await state()).toBe('closed');

    const clerks = [await userId('jipiao1'), await userId('jipiao2')];
    for (const clerk of clerks) {
      for (const [i, b] of PAPER.entries()) {
        await keyPaperBallot(database.db, { clock: t.clock, actor: { userId: clerk, name: 'clerk', roles: ['clerk'] } }, electionId, { seq: i + 1, ...b });
      }
    }
    expect(await commitPaper(database.db, acting, electionId)).toBe(PAPER.length);
    boxBefore = multiset(await database.db.selectFrom('ballots').select(['marks', 'invalid']).$narrowType<{ marks: string }>().where('election_id', '=', electionId).execute());
    expect(boxBefore).toHaveLength(ELECTRONIC.length + PAPER.length);
  });

  it('says only "recorded" for a tracker before publication, and shows no result before the seal', async () => {
    expect(await tracked()).toEqual({ tracker, status: 'recorded', election: { id: String(electionId), title: '2024年民生实事项目票决', state: 'closed' } });
    const page = await (await get(`/admin/elections/${electionId}/scrutiny`, jianpiao1)).text();
    expect(page).not.toContain('计票结果');
    expect(page).not.toContain(`action="/admin/elections/${electionId}/seal"`);
    expect(await (await get(`/admin/elections/${electionId}/scrutiny`, mishu)).text()).toContain(`action="/admin/elections/${electionId}/seal"`);
    expect((await get(`/elections/${electionId}/record.json`)).status).toBe(404);
  });

  it('seals: the box is emptied into sealed_ballots with the same ballots, and the record and digest are fixed', async () => {
    expect(location(await post(mishu, '/seal'))).toBe(`/admin/elections/${electionId}/scrutiny?done=sealed`);
    expect(await state()).toBe('tallied');
    expect(await database.db.selectFrom('ballots').select('id').where('election_id', '=', electionId).execute()).toEqual([]);
    const sealed = await database.db.selectFrom('sealed_ballots').select(['tracker', 'marks', 'invalid']).$narrowType<{ marks: string }>().where('election_id', '=', electionId).execute();
    expect(multiset(sealed)).toEqual(boxBefore);
    expect(sealed.find((b) => b.marks === 'FFFFFFFFFFFA')?.invalid).toBe('too-many-for');

    const summary = (await recordSummary(database.db, electionId))!;
    digest = summary.digest;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // 228 of 240 checked in (demo); everyone who voted or took paper is among them.
    expect(summary.body.roll).toEqual({ eligible: 240, present: 228, electronic: 6, paperIssued: 3, paperReturned: 3 });
    expect(summary.body.result).toMatchObject({ valid: 7, invalid: 2, quorum: true });
    expect(summary.body.election.openedAt).toMatch(/\+08:00$/);
    expect(summary.ballotCount).toBe(9);
    expect(summary.certifications).toEqual([]);
    const audit = await database.db.selectFrom('audit_log').select(['action', 'details']).where('subject', '=', `election:${electionId}`).where('action', '=', 'election.seal').executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ digest, ballots: 9 });
    // A second seal is refused; nothing moves twice.
    expect(location(await post(mishu, '/seal'))).toBe(`/admin/elections/${electionId}/scrutiny?error=wrong-state`);
  });

  it('refuses to change or remove a sealed ballot, even with the sealing flag set', async () => {
    await expect(sql`update sealed_ballots set marks = 'NNNNNNNNNNNN' where election_id = ${electionId}`.execute(database.db)).rejects.toThrow(/write-once/);
    await expect(database.db.transaction().execute(async (trx) => {
      await sql`select set_config('minsheng.sealing', 'on', true)`.execute(trx);
      await sql`delete from sealed_ballots where election_id = ${electionId}`.execute(trx);
    })).rejects.toThrow(/write-once/);
    await expect(sql`update election_records set digest = ${'sha256:' + '0'.repeat(64)} where election_id = ${electionId}`.execute(database.db)).rejects.toThrow(/never change/);
    expect(await database.db.selectFrom('sealed_ballots').select('tracker').where('election_id', '=', electionId).execute()).toHaveLength(9);
  });

  it('still says only "recorded" for the tracker while the sealed result awaits certification', async () => {
    expect(await tracked()).toEqual({ tracker, status: 'recorded', election: { id: String(electionId), title: '2024年民生实事项目票决', state: 'tallied' } });
    expect((await get(`/elections/${electionId}/record.json`)).status).toBe(404);
  });

  it('shows scrutineers the counts, turnout, the invalid ballots with their reasons, the digest and a form to confirm it', async () => {
    const page = await (await get(`/admin/elections/${electionId}/scrutiny`, jianpiao1)).text();
    expect(page).toContain('计票结果');
    expect(page).toContain(digest);
    expect(page).toContain('“赞成”超过应选数');
    expect(page).toContain('无法辨认');
    expect(page).toContain(`action="/admin/elections/${electionId}/certify"`);
    expect(page).toContain(`name="digest" value="${digest}"`);
    expect(page).not.toContain(`action="/admin/elections/${electionId}/publish"`);
    const list = await (await get('/scrutiny', jianpiao1)).text();
    expect(list).toContain(`href="/admin/elections/${electionId}/scrutiny"`);
    expect(list).toContain('待您确认');
  });

  it('refuses a certification of a stale or different digest', async () => {
    const res = await post(jianpiao1, '/certify', { digest: 'sha256:' + 'a'.repeat(64) });
    expect(location(res)).toBe(`/admin/elections/${electionId}/scrutiny?error=stale-digest`);
    expect(await (await get(location(res)!, jianpiao1)).text()).toContain('您核对的摘要与当前记录不一致');
    expect((await recordSummary(database.db, electionId))!.certifications).toEqual([]);
  });

  it('stays tallied with one scrutineer, refuses the same scrutineer twice and publication, and is certified by a second', async () => {
    expect(location(await post(jianpiao1, '/certify', { digest }))).toBe(`/admin/elections/${electionId}/scrutiny?done=certified`);
    expect(await state()).toBe('tallied');
    expect(location(await post(jianpiao1, '/certify', { digest }))).toBe(`/admin/elections/${electionId}/scrutiny?error=already-certified`);
    expect(location(await post(mishu, '/publish'))).toBe(`/admin/elections/${electionId}/scrutiny?error=wrong-state`);
    expect(await (await get(`/admin/elections/${electionId}/scrutiny`, jianpiao1)).text()).toContain('您已确认此记录。');

    expect(location(await post(jianpiao2, '/certify', { digest }))).toBe(`/admin/elections/${electionId}/scrutiny?done=certified`);
    expect(await state()).toBe('certified');
    const summary = (await recordSummary(database.db, electionId))!;
    expect(summary.certifications.map((c) => [c.role, c.name, c.digest])).toEqual([
      ['scrutineer', '监票人甲（演示）', digest], ['scrutineer', '监票人乙（演示）', digest],
    ]);
    expect(summary.certifications[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    const actions = await database.db.selectFrom('audit_log').select('action').where('subject', '=', `election:${electionId}`).where('action', '=', 'election.certify').execute();
    expect(actions).toHaveLength(2);
  });

  it('publishes a signed record that verifies, at a URL that serves the same bytes every time', async () => {
    expect(location(await post(mishu, '/publish'))).toBe(`/admin/elections/${electionId}/scrutiny?done=published`);
    expect(await state()).toBe('published');
    const res = await get(`/elections/${electionId}/record.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await res.text();
    const again = await (await get(`/elections/${electionId}/record.json`)).text();
    expect(again).toBe(text);
    const record = JSON.parse(text) as ElectionRecord;
    expect(record.digest).toBe(digest);
    expect(record.certifications).toHaveLength(2);
    const v = verifyRecord(record);
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.recount).toEqual(record.result);
    expect(await publishedRecord(database.db, electionId)).toEqual(record);
    writeFileSync(join(dir, 'record.json'), text);
  });

  it('serves the public key at /.well-known with the fingerprint of the key that signed the record', async () => {
    const res = await get('/.well-known/minsheng-signing-key');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const record = JSON.parse(await (await get(`/elections/${electionId}/record.json`)).text()) as ElectionRecord;
    const fingerprint = keyFingerprint(Buffer.from(record.signature.publicKey, 'base64'));
    expect(text).toContain('-----BEGIN PUBLIC KEY-----');
    expect(text).toContain(fingerprint);
    expect(expectedFingerprint(text)).toBe(fingerprint);
    expect(verifyRecord(record, { key: text }).problems).toEqual([]);
    writeFileSync(join(dir, 'key.txt'), text);
  });

  it('passes `npm run verify` with the published key, which fails a tampered copy', async () => {
    const ok = await runTs('scripts/verify.ts', {}, [join(dir, 'record.json'), '--key', join(dir, 'key.txt')]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('OK: the recount matches');
    const record = JSON.parse(await (await get(`/elections/${electionId}/record.json`)).text()) as ElectionRecord;
    const i = record.ballots.findIndex((b) => !b.invalid && b.marks.includes('F'));
    record.ballots[i]!.marks = record.ballots[i]!.marks.replace('F', 'A');
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(record));
    const bad = await runTs('scripts/verify.ts', {}, [join(dir, 'tampered.json'), '--key', join(dir, 'key.txt')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('FAIL [result]');
    expect(bad.stderr).toContain('FAIL [digest]');
  });

  it('never changes a published record', async () => {
    const before = await (await get(`/elections/${electionId}/record.json`)).text();
    await expect(sql`update election_records set certifications = '[]'::jsonb where election_id = ${electionId}`.execute(database.db)).rejects.toThrow(/never changes/);
    await expect(sql`delete from election_records where election_id = ${electionId}`.execute(database.db)).rejects.toThrow(/never deleted/);
    expect(location(await post(jianpiao1, '/certify', { digest }))).toBe(`/admin/elections/${electionId}/scrutiny?error=wrong-state`);
    expect(location(await post(mishu, '/publish'))).toBe(`/admin/elections/${electionId}/scrutiny?error=wrong-state`);
    expect(location(await post(mishu, '/void', { reason: '试图作废' }))).toBe(`/admin/elections/${electionId}/scrutiny?error=wrong-state`);
    expect(await (await get(`/elections/${electionId}/record.json`)).text()).toBe(before);
  });

  it('shows the ballot\'s marks for its tracker once published, on the page and in the API', async () => {
    const body = await tracked();
    expect(body).toMatchObject({ tracker, status: 'recorded', election: { id: String(electionId), state: 'published' }, marking: 'for-against-abstain', marks: ELECTRONIC[0] });
    expect(body.invalid).toBeUndefined();
    expect((body.options as unknown[])).toHaveLength(12);
    const page = await (await get(`/verify?tracker=${tracker.toLowerCase()}`)).text();
    expect(page).toContain('这张选票的内容');
    expect(page).toContain('<td>赞成</td>');
    expect(page).toContain(`href="/elections/${electionId}/record.json"`);
    const invalid = (await database.db.selectFrom('sealed_ballots').select('tracker').where('election_id', '=', electionId).where('invalid', '=', 'too-many-for').executeTakeFirstOrThrow()).tracker;
    expect(await (await get(`/api/trackers/${invalid}`)).json()).toMatchObject({ invalid: 'too-many-for', marks: 'FFFFFFFFFFFA' });
    expect(await (await get(`/verify?tracker=${invalid}`)).text()).toContain('这张选票被计为无效票：“赞成”超过应选数');
  });

  it('records 实到 as it was at the close, also for a scheduled close, whatever attendance says later', async () => {
    const { closeDueElections } = await import('../src/elections/scheduler.ts');
    const { recordAttendance } = await import('../src/meetings/store.ts');
    const meetingId = (await database.db.selectFrom('meetings').select('id').where('year', '=', 2024).executeTakeFirstOrThrow()).id;
    const acting = { clock: t.clock, actor: SYSTEM_ACTOR };
    const e = await createElection(database.db, acting, {
      meetingId, kind: 'selection', title: '定时结束', marking: 'approval', seats: 1, passBase: 'present', options: [{ key: 'c01', title: '甲' }, { key: 'c02', title: '乙' }],
      scrutineers: await scrutineersFor(database.db, meetingId),
    });
    await openElection(database.db, acting, e.id);
    await castBallot(database.db, t.clock, { electionId: e.id, deputyId: deputies.get('D001')!, marks: 'FN' });
    await database.db.updateTable('elections').set({ close_scheduled_at: new Date(t.clock.now().getTime() - 1000) }).where('id', '=', e.id).execute();
    expect(await closeDueElections(database.db, t.clock)).toContain(e.id);
    const two = [deputies.get('D050')!, deputies.get('D051')!];
    // Two deputies leave after the close (before the meeting's next vote): the app records it …
    await expect(recordAttendance(database.db, acting, meetingId, two, false)).resolves.toBe(2);
    // … and neither that nor attendance changed behind the app's back moves the closed vote's record.
    const setPresent = (present: boolean) => database.db.updateTable('attendance').set({ present }).where('meeting_id', '=', meetingId).where('deputy_id', 'in', two).execute();
    await sealElection(database.db, acting, e.id);
    expect((await recordSummary(database.db, e.id))!.body.roll).toEqual({ eligible: 240, present: 228, electronic: 1, paperIssued: 0, paperReturned: 0 });
    await setPresent(true);
  });

  it('keeps the multiset of (marks, invalid) of whatever was cast when sealing, and the record verifies', async () => {
    const meetingId = (await database.db.selectFrom('meetings').select('id').where('year', '=', 2024).executeTakeFirstOrThrow()).id;
    const acting = { clock: t.clock, actor: SYSTEM_ACTOR };
    const clerks = [await userId('jipiao1'), await userId('jipiao2')];
    const marks = fc.array(fc.constantFrom('F', 'N'), { minLength: 3, maxLength: 3 }).map((m) => m.join(''));
    const box = fc.record({
      electronic: fc.array(marks.filter((m) => countFor(m) <= 2), { maxLength: 6 }),
      paper: fc.array(fc.record({ marks, unreadable: fc.boolean() }), { maxLength: 3 }),
    });
    await fc.assert(fc.asyncProperty(box, async ({ electronic, paper }) => {
      const e = await createElection(database.db, acting, {
        meetingId, kind: 'selection', title: '性质', marking: 'approval', seats: 2, passBase: 'valid-ballots',
        options: [{ key: 'c01', title: '甲' }, { key: 'c02', title: '乙' }, { key: 'c03', title: '丙' }],
        scrutineers: await scrutineersFor(database.db, meetingId),
      });
      await openElection(database.db, acting, e.id);
      for (const [i, m] of electronic.entries()) {
        expect((await castBallot(database.db, t.clock, { electionId: e.id, deputyId: deputies.get(`D10${i + 1}`)!, marks: m })).status).toBe('cast');
      }
      if (paper.length) await issuePaper(database.db, acting, e.id, paper.map((_, i) => `D11${i + 1}`));
      await closeElection(database.db, acting, e.id);
      if (paper.length) {
        await recordReturned(database.db, acting, e.id, paper.length);
        for (const clerk of clerks) {
          for (const [i, b] of paper.entries()) {
            await keyPaperBallot(database.db, { clock: t.clock, actor: { userId: clerk, name: 'clerk', roles: ['clerk'] } }, e.id, { seq: i + 1, marks: b.marks, invalid: b.unreadable ? 'unreadable' : null });
          }
        }
        await commitPaper(database.db, acting, e.id);
      }
      const cast = multiset(await database.db.selectFrom('ballots').select(['marks', 'invalid']).$narrowType<{ marks: string }>().where('election_id', '=', e.id).execute());
      await sealElection(database.db, acting, e.id);
      expect(await database.db.selectFrom('ballots').select('id').where('election_id', '=', e.id).execute()).toEqual([]);
      expect(multiset(await database.db.selectFrom('sealed_ballots').select(['marks', 'invalid']).$narrowType<{ marks: string }>().where('election_id', '=', e.id).execute())).toEqual(cast);
      const expected = [...electronic.map((m) => `${m}|`), ...paper.map((b) => `${b.marks}|${b.unreadable ? 'unreadable' : countFor(b.marks) > 2 ? 'too-many-for' : ''}`)].sort();
      expect(cast).toEqual(expected);
      const summary = (await recordSummary(database.db, e.id))!;
      expect(summary.ballotCount).toBe(electronic.length + paper.length);
      expect(summary.body.roll).toMatchObject({ electronic: electronic.length, paperIssued: paper.length, paperReturned: paper.length });
    }), { numRuns: 6 });
  });

  describe('voiding', () => {
    async function closedElection(): Promise<number> {
      const meetingId = (await database.db.selectFrom('meetings').select('id').where('year', '=', 2024).executeTakeFirstOrThrow()).id;
      const acting = { clock: t.clock, actor: SYSTEM_ACTOR };
      const e = await createElection(database.db, acting, {
        meetingId, kind: 'selection', title: '补充票决', marking: 'approval', seats: 1, passBase: 'valid-ballots',
        options: [{ key: 'c01', title: '甲' }, { key: 'c02', title: '乙' }],
        scrutineers: await scrutineersFor(database.db, meetingId),
      });
      await openElection(database.db, acting, e.id);
      expect((await castBallot(database.db, t.clock, { electionId: e.id, deputyId: deputies.get('D001')!, marks: 'FN' })).status).toBe('cast');
      await closeElection(database.db, acting, e.id);
      return e.id;
    }
    const postTo = (cookie: string, id: number, path: string, form: Record<string, string> = {}) => postForm(t.app, `/admin/elections/${id}${path}`, form, { Cookie: cookie });

    it('needs a reason, then voids a closed vote and audits it', async () => {
      const id = await closedElection();
      expect(location(await postTo(mishu, id, '/void', { reason: '  ' }))).toBe(`/admin/elections/${id}/scrutiny?error=reason-required`);
      expect(location(await postTo(mishu, id, '/void', { reason: '会场秩序混乱，重新表决' }))).toBe(`/admin/elections/${id}/scrutiny?done=voided`);
      const e = await database.db.selectFrom('elections').select(['state', 'void_reason']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(e).toEqual({ state: 'void', void_reason: '会场秩序混乱，重新表决' });
      const audit = await database.db.selectFrom('audit_log').select(['action', 'details']).where('subject', '=', `election:${id}`).where('action', '=', 'election.void').executeTakeFirstOrThrow();
      expect(audit.details).toEqual({ reason: '会场秩序混乱，重新表决', from: 'closed' });
      expect(location(await postTo(mishu, id, '/seal'))).toBe(`/admin/elections/${id}/scrutiny?error=wrong-state`);
      expect(await (await get(`/admin/elections/${id}/scrutiny`, mishu)).text()).toContain('本次票决已宣布无效。原因：会场秩序混乱，重新表决');
    });

    it('voids a tallied vote, keeping its sealed ballots and record unpublished', async () => {
      const id = await closedElection();
      expect(location(await postTo(mishu, id, '/seal'))).toBe(`/admin/elections/${id}/scrutiny?done=sealed`);
      expect(location(await postTo(mishu, id, '/void', { reason: '计票规则设置错误' }))).toBe(`/admin/elections/${id}/scrutiny?done=voided`);
      expect(await state(id)).toBe('void');
      expect(await database.db.selectFrom('sealed_ballots').select('marks').where('election_id', '=', id).execute()).toEqual([{ marks: 'FN' }]);
      expect((await get(`/elections/${id}/record.json`)).status).toBe(404);
      expect(location(await postTo(jianpiao1, id, '/certify', { digest: (await recordSummary(database.db, id))!.digest }))).toBe(`/admin/elections/${id}/scrutiny?error=wrong-state`);
    });
  });
});

describe.each(testEngines().filter((e) => e.name === 'postgres'))('the signing key under concurrent publication on $name', (engine) => {
  it('is made once when two instances publish their first results at the same moment', async () => {
    const database = await engine.open() as DbHandle & { url: string };
    const second = createPostgresDb(database.url);
    try {
      const fixture = await buildFixture(database, fixedClock('2024-01-10T00:00:00Z'), {
        deputies: 3,
        accounts: [
          { username: 'mishu', roles: ['secretariat'] },
          { username: 'jianpiao1', roles: ['scrutineer', 'deputy'], deputyCode: 'D001' },
          { username: 'jianpiao2', roles: ['scrutineer', 'deputy'], deputyCode: 'D002' },
        ],
      });
      const a = testApp(database, { SIGNING_KEY_SECRET: SECRET });
      const b = testApp(second, { SIGNING_KEY_SECRET: SECRET });
      const { meetingId } = fixture;
      const d001 = fixture.deputyId('D001');
      const acting = { clock: a.clock, actor: SYSTEM_ACTOR };
      const { certifyElection, sealElection } = await import('../src/counting/store.ts');
      const scrutineers = await database.db.selectFrom('users').select(['id', 'display_name']).where('username', 'in', ['jianpiao1', 'jianpiao2']).execute();
      const ids: number[] = [];
      for (const title of ['一', '二']) {
        const e = await createElection(database.db, acting, {
          meetingId, kind: 'selection', title, marking: 'approval', seats: 1, passBase: 'valid-ballots', options: [{ key: 'c01', title: '甲' }, { key: 'c02', title: '乙' }],
          scrutineers: await scrutineersFor(database.db, meetingId),
        });
        await openElection(database.db, acting, e.id);
        await castBallot(database.db, a.clock, { electionId: e.id, deputyId: d001, marks: 'FN' });
        await closeElection(database.db, acting, e.id);
        const { digest } = await sealElection(database.db, acting, e.id);
        for (const s of scrutineers) await certifyElection(database.db, acting, e.id, { userId: s.id, name: s.display_name }, digest);
        ids.push(e.id);
      }
      const mishuA = sessionCookieFrom(await signIn(a.app, 'mishu', FIXTURE_PASSWORD))!;
      const mishuB = sessionCookieFrom(await signIn(b.app, 'mishu', FIXTURE_PASSWORD))!;
      const results = await Promise.all([
        postForm(a.app, `/admin/elections/${ids[0]}/publish`, {}, { Cookie: mishuA }),
        postForm(b.app, `/admin/elections/${ids[1]}/publish`, {}, { Cookie: mishuB }),
        a.app.request('/.well-known/minsheng-signing-key'),
        b.app.request('/.well-known/minsheng-signing-key'),
      ]);
      expect(results.slice(0, 2).map((r) => r.headers.get('location'))).toEqual(ids.map((id) => `/admin/elections/${id}/scrutiny?done=published`));
      expect(await database.db.selectFrom('signing_keys').select('id').execute()).toEqual([{ id: 1 }]);
      const records = await Promise.all(ids.map(async (id) => JSON.parse(await (await a.app.request(`/elections/${id}/record.json`)).text()) as ElectionRecord));
      expect(records[0]!.signature.publicKey).toBe(records[1]!.signature.publicKey);
      for (const r of records) expect(verifyRecord(r).problems).toEqual([]);
      const keys = await Promise.all(results.slice(2).map((r) => r.text()));
      expect(keys[0]).toBe(keys[1]);
    } finally {
      await second.close();
      await database.close();
    }
  });
});
