import { parse } from 'csv-parse/sync';
import { scrutineersFor } from './support/fixtures.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, type Acting } from '../src/platform/acting.ts';
import { castBallot } from '../src/ballots/store.ts';
import { certifyElection, publishElection, sealElection, voidElection } from '../src/counting/store.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { closeElection, createElection, openElection, type NewElection } from '../src/elections/store.ts';
import { commitPaper, issuePaper, keyPaperBallot, recordReturned } from '../src/paper/store.ts';
import { keyFingerprint } from '../src/domain/record/digest.ts';
import type { ElectionRecord } from '../src/domain/record/format.ts';
import { meetingChosenProjects } from '../src/results/store.ts';
import { testApp } from './support/app.ts';
import { testEngines } from './support/databases.ts';

const SECRET = 'test-signing-key-secret-0123456789abcdef';
const MEETING = '龙游县第十四届人民代表大会第三次会议';
const EVIL = '=HYPERLINK("http://example.com","点我")';
/*
 * Five options, three seats, pass on valid ballots (more than 6 of 12), for / against / abstain:
 * option 1: 10 for, option 2: 9, option 3: 7 → chosen in that order; option 4: exactly 6, half, does
 * not pass; option 5 (a title a spreadsheet would run): none. One paper ballot has four 赞成: invalid.
 */
const ELECTRONIC = [...Array(6).fill('FFFAN'), ...Array(3).fill('FFNFA'), 'FNFFA', 'ANNFA', 'ANNFA'];
const PAPER = 'FFFFA';

describe.each(testEngines())('published results on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let acting: Acting;
  let meetingId: number;
  let candidates: { id: number; name: string }[];
  let deputies: number[];
  let scrutineers: { id: number; display_name: string }[];
  let clerks: { id: number; display_name: string }[];
  let mainId: number;
  let nextDeputy = 0;

  beforeAll(async () => {
    database = await engine.openDemo();
    t = testApp(database, { SIGNING_KEY_SECRET: SECRET });
    acting = { clock: t.clock, actor: SYSTEM_ACTOR };
    meetingId = (await database.db.selectFrom('meetings').select('id').where('year', '=', 2024).executeTakeFirstOrThrow()).id;
    candidates = await database.db.selectFrom('candidates').select(['id', 'name']).where('meeting_id', '=', meetingId).orderBy('ballot_order').execute();
    deputies = (await database.db.selectFrom('attendance').select('deputy_id').where('meeting_id', '=', meetingId).where('present', '=', true)
      .orderBy('deputy_id').execute()).map((r) => r.deputy_id);
    scrutineers = await database.db.selectFrom('users').select(['id', 'display_name']).where('username', 'in', ['jianpiao1', 'jianpiao2']).orderBy('username').execute();
    clerks = await database.db.selectFrom('users').select(['id', 'display_name']).where('username', 'in', ['jipiao1', 'jipiao2']).orderBy('username').execute();
  });
  afterAll(async () => { await database.close(); });

  const get = (path: string, headers: Record<string, string> = {}) => t.app.request(path, { headers });
  const en = { Cookie: 'lang=en' };
  const api = async (id: number) => (await get(`/api/elections/${id}`)).json() as Promise<Record<string, unknown>>;
  const publicPaths = (id: number) => [`/elections/${id}/result`, `/elections/${id}/result.csv`, `/elections/${id}/announcement`];
  async function expectNothingPublic(id: number) {
    for (const path of publicPaths(id)) expect((await get(path)).status, path).toBe(404);
    expect((await api(id)).result).toBeNull();
  }

  async function create(input: Partial<NewElection> & Pick<NewElection, 'title' | 'options'>) {
    return (await createElection(database.db, acting, {
      meetingId, kind: 'selection', marking: 'approval', seats: 1, passBase: 'valid-ballots', scrutineers: await scrutineersFor(database.db, meetingId), ...input,
    })).id;
  }
  /** Opens and casts one electronic ballot per marks string, each by a deputy not used before. */
  async function openAndCast(id: number, ballots: string[]) {
    await openElection(database.db, acting, id);
    for (const marks of ballots) {
      expect((await castBallot(database.db, t.clock, { electionId: id, deputyId: deputies[nextDeputy++ % deputies.length]!, marks })).status).toBe('cast');
    }
  }
  async function sealCertifyPublish(id: number) {
    const { digest } = await sealElection(database.db, acting, id);
    for (const s of scrutineers) await certifyElection(database.db, acting, id, { userId: s.id, name: s.display_name }, digest);
    await publishElection(database.db, acting, id, t.config);
  }
  async function publishVote(input: Parameters<typeof create>[0], ballots: string[]) {
    const id = await create(input);
    await openAndCast(id, ballots);
    await closeElection(database.db, acting, id);
    await sealCertifyPublish(id);
    return id;
  }
  const record = async (id: number) => JSON.parse(await (await get(`/elections/${id}/record.json`)).text()) as ElectionRecord;

  describe('a selection, from casting to publication', () => {
    it('shows nothing public, and no result in the API, while the vote is open, closed, sealed and certified', async () => {
      mainId = await create({
        title: '2024年民生实事项目票决（测试）', marking: 'for-against-abstain', seats: 3,
        options: [...candidates.slice(0, 4).map((c, i) => ({ key: `c0${i + 1}`, title: c.name, candidateId: c.id })), { key: 'c05', title: EVIL }],
      });
      await expectNothingPublic(mainId);
      await openAndCast(mainId, ELECTRONIC);
      await expectNothingPublic(mainId);
      const paperDeputy = (await database.db.selectFrom('deputies').select('code').where('id', '=', deputies[deputies.length - 1]!).executeTakeFirstOrThrow()).code;
      await issuePaper(database.db, acting, mainId, [paperDeputy]);
      await closeElection(database.db, acting, mainId);
      await recordReturned(database.db, acting, mainId, 1);
      for (const k of clerks) await keyPaperBallot(database.db, { clock: t.clock, actor: { userId: k.id, name: k.display_name, roles: ['clerk'] } }, mainId, { seq: 1, marks: PAPER, invalid: null });
      await commitPaper(database.db, acting, mainId);
      await expectNothingPublic(mainId);
      const { digest } = await sealElection(database.db, acting, mainId);
      await expectNothingPublic(mainId);
      for (const s of scrutineers) await certifyElection(database.db, acting, mainId, { userId: s.id, name: s.display_name }, digest);
      expect((await database.db.selectFrom('elections').select('state').where('id', '=', mainId).executeTakeFirstOrThrow()).state).toBe('certified');
      await expectNothingPublic(mainId);
      const before = await api(mainId);
      await publishElection(database.db, acting, mainId, t.config);
      // The fields that were there before publication stay as they were.
      const after = await api(mainId);
      expect({ ...after, state: before.state, result: null }).toEqual(before);
    });

    it('gives the record\'s result in the API once published', async () => {
      const r = await record(mainId);
      expect(r.result).toMatchObject({ valid: 12, invalid: 1, quorum: true });
      expect(r.result.options.map((o) => o.counts.F)).toEqual([10, 9, 7, 6, 0]);
      const body = await api(mainId);
      expect(body.state).toBe('published');
      expect(body.result).toEqual({
        valid: 12, invalid: 1, quorum: true, roll: { eligible: 240, present: 228 },
        options: r.result.options.map((o) => ({ id: o.id, counts: o.counts, passed: o.passed, rank: o.rank, selected: o.selected })),
        chosen: ['c01', 'c02', 'c03'], digest: r.digest,
        recordUrl: `/elections/${mainId}/record.json`, resultUrl: `/elections/${mainId}/result`,
      });
    });

    it('publishes a result page with the roll, the count, a chart, the chosen in order and the means to verify it', async () => {
      const res = await get(`/elections/${mainId}/result`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('private, max-age=60');
      expect(res.headers.get('vary')).toMatch(/Cookie/);
      const html = await res.text();
      const r = await record(mainId);
      const fingerprint = keyFingerprint(Buffer.from(r.signature.publicKey, 'base64'));
      expect(html).toContain('<h1 id="result-title">2024年民生实事项目票决（测试）</h1>');
      expect(html).toContain(`href="/meetings/${meetingId}">${MEETING}</a>`);
      for (const [label, value] of [['应到', 240], ['实到', 228], ['法定人数', '符合法定人数'], ['有效票', 12], ['无效票', 1]]) {
        expect(html).toContain(`<dt>${label}</dt><dd>${value}</dd>`);
      }
      // The chosen, in rank order, with their 赞成.
      // Each chosen project's title links to its project page (tracking) once the publication made it.
      const chosen = [...html.matchAll(/<li><(?:span|a) class="chosen-list__title"(?: href="\/projects\/\d+")?>([^<]+)<\/(?:span|a)> <span class="chosen-list__votes">赞成 (\d+) 票<\/span><\/li>/g)].map((m) => [m[1], Number(m[2])]);
      expect(chosen).toEqual([[candidates[0]!.name, 10], [candidates[1]!.name, 9], [candidates[2]!.name, 7]]);
      expect(html).toContain('应选 3 项，入选 3 项（按得票多少排列）。');
      // The chart: one image with a title and a description, a bar per option, the pass line at 6.
      expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="result-chart-title"[^>]*aria-describedby="result-chart-desc"/);
      expect(html).toContain('<title id="result-chart-title">各项目赞成票</title>');
      expect(html).toContain('通过线为 12 的半数（6）');
      expect(html).toContain('通过线：超过 6');
      expect(html.match(/<rect class="chart__bar"/g)).toHaveLength(5);
      expect(html).toContain('入选 · 第 1 名');
      expect(html).toContain('未过半数');
      expect(html).not.toMatch(/\sstyle=/);
      // The table: counts per letter.
      expect(html).toContain(`<th scope="row">${candidates[3]!.name}</th><td class="num">6</td><td class="num">6</td><td class="num">0</td><td>否</td>`);
      expect(html).toContain('=HYPERLINK(&quot;http://example.com&quot;,&quot;点我&quot;)');
      // Proof.
      expect(html).toContain(r.digest);
      expect(html).toContain(fingerprint);
      for (const s of scrutineers) expect(html).toContain(`${s.display_name}，`);
      expect(html).toContain(`npm run verify -- http://localhost:3000/elections/${mainId}/record.json --key ${fingerprint}`);
      for (const href of [`/elections/${mainId}/record.json`, `/elections/${mainId}/result.csv`, `/elections/${mainId}/announcement`, '/verify']) {
        expect(html).toContain(`href="${href}"`);
      }
      expect(html).not.toContain('最终入选名单');
    });

    it('speaks English with the English cookie', async () => {
      const html = await (await get(`/elections/${mainId}/result`, en)).text();
      expect(html).toContain('<html lang="en">');
      expect(html).toContain('Selected projects');
      expect(html).toContain('3 selected for 3 seats, in order of votes.');
      expect(html).toContain('<title id="result-chart-title">Votes for each project</title>');
      expect(html).toContain('10 for');
      expect(html).toContain('How to verify independently');
    });

    it('downloads the result as CSV that parses back to the record, with the formula guarded', async () => {
      const res = await get(`/elections/${mainId}/result.csv`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=UTF-8');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="election-${mainId}-result.csv"`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parse(new TextDecoder().decode(bytes), { bom: true }) as string[][];
      expect(rows[0]).toEqual(['序号', '项目编号', '项目', '赞成', '反对', '弃权', '通过', '名次', '入选', '备注']);
      const r = await record(mainId);
      expect(rows).toHaveLength(1 + r.result.options.length);
      for (const [i, o] of r.result.options.entries()) {
        const row = rows[i + 1]!;
        expect(row.slice(0, 2)).toEqual([String(i + 1), o.id]);
        expect(row.slice(3, 6).map(Number)).toEqual([o.counts.F, o.counts.A, o.counts.N]);
        expect(row.slice(6, 9)).toEqual([o.passed ? '是' : '否', o.rank === null ? '' : String(o.rank), o.selected ? '是' : '否']);
      }
      expect(rows.slice(1, 5).map((row) => row[2])).toEqual(candidates.slice(0, 4).map((c) => c.name));
      expect(rows[5]![2]).toBe(`'${EVIL}`);

      // Open data: other sites may fetch the CSV and the record (anonymously), not the pages.
      for (const path of [`/elections/${mainId}/result.csv`, `/elections/${mainId}/record.json`, `/api/elections/${mainId}`]) {
        const open = await get(path);
        expect(open.headers.get('access-control-allow-origin'), path).toBe('*');
        expect(open.headers.get('cross-origin-resource-policy'), path).toBe('cross-origin');
      }
      for (const path of [`/elections/${mainId}/result`, `/elections/${mainId}/announcement`]) {
        const page = await get(path);
        expect(page.headers.get('access-control-allow-origin'), path).toBeNull();
        expect(page.headers.get('cross-origin-resource-policy'), path).toBe('same-origin');
      }

      const english = parse((await (await get(`/elections/${mainId}/result.csv`, en)).text()), { bom: true }) as string[][];
      expect(english[0]).toEqual(['No.', 'Option id', 'Project', 'For', 'Against', 'Abstain', 'Passed', 'Rank', 'Selected', 'Note']);
      expect(english[1]!.slice(6, 9)).toEqual(['Yes', '1', 'Yes']);
    });

    it('prints a 公告 in the presidium\'s form, in rank order, then the rest', async () => {
      const res = await get(`/elections/${mainId}/announcement`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(`<title>${MEETING}公告 · `);
      expect(html).toContain(`<span class="announcement__issuer">${MEETING}</span> <span class="announcement__word">公告</span>`);
      // Voted on 15 January 2024 (the test clock) in Beijing time; published the same day.
      expect(html).toContain(`${MEETING}于2024年1月15日以无记名投票方式，对2024年民生实事候选项目进行了票决。应到代表240名，实到228名，符合法定人数。票决结果如下：`);
      expect(html).toContain('入选项目3个，按得票多少排列如下：');
      const items = [...html.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]);
      expect(items).toEqual([
        `${candidates[0]!.name}（赞成10票）`, `${candidates[1]!.name}（赞成9票）`, `${candidates[2]!.name}（赞成7票）`,
        `${candidates[3]!.name}（赞成6票，未过半数）`, `=HYPERLINK(&quot;http://example.com&quot;,&quot;点我&quot;)（赞成0票，未过半数）`,
      ]);
      expect(html).toContain('未入选项目2个：');
      expect(html).toContain('特此公告。');
      expect(html).toContain(`<span>${MEETING}主席团</span><span>2024年1月15日</span>`);
      expect(html).toContain('data-print');
      expect(html).not.toContain('第 1 号');

      const english = await (await get(`/elections/${mainId}/announcement`, en)).text();
      expect(english).toContain(`On 15 January 2024, the ${MEETING} voted by secret ballot on the candidate livelihood projects for 2024. Deputies on the roll: 240; present: 228; the quorum was met. The result is as follows:`);
      expect(english).toContain(`${candidates[0]!.name} (10 for)`);
      expect(english).toContain('Hereby announced.');
      expect(english).toContain(`The Presidium of the ${MEETING}`);
    });
  });

  describe('a tie, its runoff, and the meeting\'s final list', () => {
    let selectionId: number;
    let runoffId: number;
    // 13 ballots for 2 of 4 seats, pass on valid ballots (more than 6.5): 甲 10, 乙 8, 丙 8 → 甲 chosen, 乙/丙 tied for the last seat.
    const TIED = [...Array(5).fill('FFNN'), ...Array(5).fill('FNFN'), ...Array(3).fill('NFFN')];

    it('tells who is tied for how many seats, on the result page and as pending on the meeting page', async () => {
      selectionId = await publishVote({ title: '同票测试', seats: 2, options: ['甲', '乙', '丙', '丁'].map((title, i) => ({ key: `c0${i + 1}`, title })) }, TIED);
      const html = await (await get(`/elections/${selectionId}/result`)).text();
      expect(html).toContain('乙、丙 得票相同，2 个项目争 1 个名额。同票不由系统决定，须再次投票。');
      // The tie notice says it; the meeting's final list is the meeting page's business until a runoff counts.
      expect(html).not.toContain('最终入选名单');
      const meeting = await (await get(`/meetings/${meetingId}`)).text();
      expect(meeting).toContain('尚有 1 个名额待再次投票决定，候选项目：乙、丙。');
      expect(meeting).toContain(`<a href="/elections/${selectionId}/result">同票测试</a>`);
      const api = await (await get(`/api/elections/${selectionId}`)).json() as { result: { tie: unknown; chosen: string[] } };
      expect(api.result.tie).toEqual({ options: ['c02', 'c03'], seats: 1 });
      expect(api.result.chosen).toEqual(['c01']);
      const announcement = await (await get(`/elections/${selectionId}/announcement`)).text();
      expect(announcement).toContain('以下2个项目得票相同，争1个名额，将再次投票决定：');
    });

    it('completes the final list with what the published runoff chose', async () => {
      runoffId = await create({ kind: 'runoff', runoffOf: selectionId, title: '同票测试（再次投票）', options: [{ key: 'c02', title: '乙' }, { key: 'c03', title: '丙' }] });
      await openAndCast(runoffId, ['NF', 'NF', 'NF', 'NF', 'FN', 'FN', 'NN']);
      await closeElection(database.db, acting, runoffId);
      await expectNothingPublic(runoffId);
      // Until the runoff is published the meeting still waits for it.
      expect((await meetingChosenProjects(database.db, meetingId)).find((l) => l.selection.id === selectionId)!.pending).toBeDefined();
      await sealCertifyPublish(runoffId);

      const lists = await meetingChosenProjects(database.db, meetingId);
      const list = lists.find((l) => l.selection.id === selectionId)!;
      expect(list.chosen.map((c) => [c.title, c.forVotes, c.electionId])).toEqual([['甲', 10, selectionId], ['丙', 4, runoffId]]);
      expect(list.pending).toBeUndefined();

      const meeting = await (await get(`/meetings/${meetingId}`)).text();
      expect(meeting).not.toContain('待再次投票决定');
      expect(meeting).toMatch(/<span class="chosen-list__title">丙<\/span> <span class="chosen-list__votes">赞成 4 票<\/span> <a class="chip" href="\/elections\/\d+\/result">再次投票<\/a>/);
      const runoffPage = await (await get(`/elections/${runoffId}/result`)).text();
      expect(runoffPage).toContain('再次投票结果');
      expect(runoffPage).toContain(`<a href="/elections/${selectionId}/result">同票测试</a>`);
      expect(runoffPage).toContain('最终入选名单：同票测试');
      const selectionPage = await (await get(`/elections/${selectionId}/result`)).text();
      expect(selectionPage).toContain('应选 2 项，已确定 2 项（含再次投票的结果）。');
      const announcement = await (await get(`/elections/${runoffId}/announcement`)).text();
      expect(announcement).toContain('对得票相同的2个候选项目进行了再次投票（同票测试（再次投票））');
    });

    it('lists every vote of the meeting but drafts with its state, linking only the published ones', async () => {
      const html = await (await get(`/meetings/${meetingId}`)).text();
      expect(html).toContain('本次会议的票决');
      // The draft is the secretariat's work in progress: not public.
      expect(html).not.toContain('<span class="vote-list__title">2024年民生实事项目票决</span>');
      for (const id of [mainId, selectionId, runoffId]) expect(html).toContain(`href="/elections/${id}/result"`);
      // The main selection's chosen list, in rank order.
      expect(html).toContain('最终入选名单：2024年民生实事项目票决（测试）');
      const english = await (await get(`/meetings/${meetingId}`, en)).text();
      expect(english).toContain('Votes of this meeting');
      expect(english).toContain('Final list: 同票测试');
    });
  });

  describe('a satisfaction rating', () => {
    it('shows the ratings, 满意率 and 总体满意率, with a stacked chart', async () => {
      // 10 ballots, base valid ballots: 甲 8 满意 1 基本 1 不满意 → 满意, 90.0%; 乙 3 / 5 / 0 / 2 弃权 → 基本满意, 80.0%.
      const ballots = ['SS', 'SS', 'SS', 'SB', 'SB', 'SB', 'SB', 'SB', 'BN', 'UN'];
      const id = await publishVote({ kind: 'satisfaction', marking: 'satisfaction', seats: null, title: '2023年民生实事项目满意度测评（测试）', options: [{ key: 'p1', title: '甲' }, { key: 'p2', title: '乙' }] }, ballots);
      const html = await (await get(`/elections/${id}/result`)).text();
      expect(html).toContain('<dt>总体满意率</dt><dd>85.0%</dd>');
      expect(html).toContain('<td>满意</td><td class="num">90.0%</td>');
      expect(html).toContain('<td>基本满意</td><td class="num">80.0%</td>');
      expect(html).toContain('<title id="result-chart-title">各项目测评票数</title>');
      expect(html).not.toContain('入选项目');
      const rows = parse(await (await get(`/elections/${id}/result.csv`)).text(), { bom: true }) as string[][];
      expect(rows.slice(1)).toEqual([['1', 'p1', '甲', '8', '1', '1', '0', '满意', '90.0%'], ['2', 'p2', '乙', '3', '5', '0', '2', '基本满意', '80.0%']]);
      const announcement = await (await get(`/elections/${id}/announcement`)).text();
      expect(announcement).toContain('甲：满意（满意8票，基本满意1票，不满意1票，弃权0票；满意率90.0%）');
      expect(announcement).toContain('总体满意率为85.0%。');
      expect((await api(id)).result).toMatchObject({ chosen: [], options: [{ id: 'p1', rating: 'satisfied' }, { id: 'p2', rating: 'basically' }] });
    });
  });

  describe('a void vote', () => {
    it('has no public result, and counts toward no chosen list', async () => {
      const id = await create({ title: '作废测试', options: [{ key: 'c01', title: '甲' }, { key: 'c02', title: '乙' }] });
      await openAndCast(id, ['FN', 'FN', 'FN']);
      await closeElection(database.db, acting, id);
      await sealElection(database.db, acting, id);
      await voidElection(database.db, acting, id, '计票规则设置错误');
      await expectNothingPublic(id);
      expect((await meetingChosenProjects(database.db, meetingId)).map((l) => l.selection.id)).not.toContain(id);
      expect(await (await get(`/meetings/${meetingId}`)).text()).toMatch(/<span class="vote-list__title">作废测试<\/span> <span class="chip">已作废<\/span>/);
    });

    it('answers 404 for ids that are not votes', async () => {
      for (const id of ['999999', 'abc', '0']) {
        for (const path of [`/elections/${id}/result`, `/elections/${id}/result.csv`, `/elections/${id}/announcement`]) expect((await get(path)).status).toBe(404);
      }
    });
  });

});
