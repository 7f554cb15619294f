import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileNote, mayFileNote, notesOf } from '../src/supervision/store.ts';
import { createTerm, upsertDeputies } from '../src/terms/store.ts';
import { testEngines } from './support/databases.ts';
import { accountIn, cookieOf, getAs, postAs, postOnceAs, projectsLedBy } from './support/supervision.ts';
import { openTrackedDemo, type TrackedDemo } from './support/tracking.ts';

describe.each(testEngines())('inspection notes (视察意见) on $name', (engine) => {
  let demo: TrackedDemo;
  let education: number;
  let health: number;
  let deputy: string;
  let secretariat: string;
  let jiaoyu: string;
  let otherTermAccount: string;
  const note = (id: number) => demo.database.db.selectFrom('inspection_notes').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const audit = (id: number) => demo.database.db.selectFrom('audit_log').select('action').where('subject', '=', `note:${id}`).orderBy('id').execute();

  beforeAll(async () => {
    demo = await openTrackedDemo(engine);
    education = (await projectsLedBy(demo, '教育局'))[0]!;
    health = (await projectsLedBy(demo, '卫生健康局'))[0]!;
    await signInAgain();
  });
  /** Fresh sessions (after the clock moved: an idle session ends). */
  async function signInAgain() {
    [deputy, secretariat, jiaoyu] = await Promise.all([cookieOf(demo, 'd001'), cookieOf(demo, 'mishu'), cookieOf(demo, 'jiaoyu')]);
  }
  afterAll(async () => { await demo.database.close(); });

  async function file(projectId: number, body = '视察发现部分幼儿园改造进度偏慢，建议加快。') {
    const res = await postAs(demo, `/projects/${projectId}/notes`, { body }, deputy);
    expect(res.status).toBe(303);
    return Number(/#note-(\d+)$/.exec(res.headers.get('location')!)![1]);
  }

  it('lets a deputy file a note on a project, due for a reply thirty days later, public with the deputy\'s name and delegation', async () => {
    const form = await getAs(demo, `/projects/${education}/notes/new`, deputy);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="body"');
    const id = await file(education);
    // The app's clock stands at 2024-01-15 (Beijing).
    expect(await note(id)).toMatchObject({ project_id: education, reply_due: '2024-02-14', reply: null });
    const [shown] = await notesOf(demo.database.db, education);
    const d001 = await demo.database.db.selectFrom('deputies').select(['name', 'delegation']).where('code', '=', 'D001').executeTakeFirstOrThrow();
    expect(shown).toMatchObject({ id, deputyName: d001.name, delegation: d001.delegation, body: '视察发现部分幼儿园改造进度偏慢，建议加快。', replyDue: '2024-02-14', reply: null });
    expect(await audit(id)).toEqual([{ action: 'note.file' }]);
  });

  it('refuses a note from a citizen or a department, and an empty one from a deputy', async () => {
    const before = await demo.database.db.selectFrom('inspection_notes').select('id').execute();
    expect((await postOnceAs(demo, `/projects/${education}/notes`, { body: '匿名' })).status).toBe(401);
    expect((await getAs(demo, `/projects/${education}/notes/new`)).status).toBe(303);
    expect((await postOnceAs(demo, `/projects/${education}/notes`, { body: '部门' }, jiaoyu)).status).toBe(403);
    const empty = await postOnceAs(demo, `/projects/${education}/notes`, { body: '   ' }, deputy);
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('field__error');
    expect((await postOnceAs(demo, '/projects/999999/notes', { body: '不存在的项目' }, deputy)).status).toBe(404);
    expect(await demo.database.db.selectFrom('inspection_notes').select('id').execute()).toEqual(before);
  });

  it('lets the secretariat set another due date while unanswered, and flags the note overdue after it', async () => {
    const id = await file(education, '食堂改造需要听取家长意见。');
    const bad = await postOnceAs(demo, `/admin/tracking/notes/${id}/due`, { due: '2024-02-30' }, secretariat);
    expect(bad.status).toBe(422);
    expect((await postOnceAs(demo, `/admin/tracking/notes/${id}/due`, { due: '2023-12-01' }, secretariat)).status).toBe(422);
    const set = await postOnceAs(demo, `/admin/tracking/notes/${id}/due`, { due: '2024-01-20' }, secretariat);
    expect(set.status).toBe(303);
    expect((await note(id)).reply_due).toBe('2024-01-20');
    expect(await audit(id)).toEqual([{ action: 'note.file' }, { action: 'note.due' }]);
    expect((await postOnceAs(demo, `/admin/tracking/notes/${id}/due`, { due: '2024-01-25' }, jiaoyu)).status).toBe(403);

    // Due on the 20th: not overdue that day, overdue on the 21st.
    demo.t.clock.set('2024-01-20T03:00:00Z');
    await signInAgain();
    expect(await (await getAs(demo, '/workspace/notes', jiaoyu)).text()).not.toContain('已逾期');
    demo.t.clock.set('2024-01-21T03:00:00Z');
    await signInAgain();
    const page = await (await getAs(demo, '/workspace/notes', jiaoyu)).text();
    expect(page).toContain('已逾期');
    const admin = await (await getAs(demo, '/admin/tracking/notes', secretariat)).text();
    expect(admin).toContain(`/admin/tracking/notes/${id}/due`);
    demo.t.clock.set('2024-01-15T01:00:00Z');
    await signInAgain();
  });

  it('lets the lead department reply once, confirmed, public with the note; another department cannot', async () => {
    const id = await file(education, '请公布各园区开工时间。');
    const other = await cookieOf(demo, await accountIn(demo, ['department'], { department: '卫生健康局' }));
    expect((await postAs(demo, `/workspace/notes/${id}/reply`, { reply: '别的部门的答复' }, other)).status).toBe(403);
    expect(await (await getAs(demo, '/workspace/notes', other)).text()).not.toContain('请公布各园区开工时间');
    expect((await postAs(demo, `/workspace/notes/${id}/reply`, { reply: '   ' }, jiaoyu)).status).toBe(422);

    const asked = await postOnceAs(demo, `/workspace/notes/${id}/reply`, { reply: '各园区开工时间已在县政府网站公布。' }, jiaoyu);
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('name="confirm"');
    expect((await note(id)).reply).toBeNull();

    const done = await postAs(demo, `/workspace/notes/${id}/reply`, { reply: '各园区开工时间已在县政府网站公布。' }, jiaoyu);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/workspace/notes?done=replied');
    const again = await postAs(demo, `/workspace/notes/${id}/reply`, { reply: '改一下答复' }, jiaoyu);
    expect(again.headers.get('location')).toBe('/workspace/notes?error=replied');
    expect((await note(id)).reply).toBe('各园区开工时间已在县政府网站公布。');
    expect((await notesOf(demo.database.db, education)).find((n) => n.id === id)).toMatchObject({ reply: '各园区开工时间已在县政府网站公布。' });
    expect(await audit(id)).toEqual([{ action: 'note.file' }, { action: 'note.reply' }]);
    // Answered: its due date no longer changes.
    expect((await postOnceAs(demo, `/admin/tracking/notes/${id}/due`, { due: '2024-03-01' }, secretariat)).headers.get('location')).toBe('/admin/tracking/notes?error=replied');
  });

  it('lists on the department\'s page only the notes on the projects it leads', async () => {
    const onHealth = await file(health, '托育机构收费标准需要公开。');
    const page = await (await getAs(demo, '/workspace/notes', jiaoyu)).text();
    expect(page).not.toContain('托育机构收费标准需要公开');
    expect(page).not.toContain(`/workspace/notes/${onHealth}/reply`);
    expect((await postAs(demo, `/workspace/notes/${onHealth}/reply`, { reply: '不是我们的项目' }, jiaoyu)).status).toBe(403);
  });

  it('lets only the deputies of the project\'s term file a note: another term\'s deputy gets no form and a 403', async () => {
    const { db } = demo.database;
    const acting = { clock: demo.t.clock, actor: { userId: null, name: 'test' } };
    const term = await createTerm(db, acting, { name: '测试县第十五届人民代表大会', ordinal: 15, startsOn: '2027-01-01', endsOn: '2031-12-31' });
    await upsertDeputies(db, acting, term.id, [{ code: 'X901', name: '李四', delegation: '测试代表团', standingCommittee: true }]);
    const otherId = (await db.selectFrom('deputies').select('id').where('code', '=', 'X901').executeTakeFirstOrThrow()).id;
    otherTermAccount = await accountIn(demo, ['deputy'], { deputyCode: 'X901' });
    const other = await cookieOf(demo, otherTermAccount);
    const d001 = (await db.selectFrom('deputies').select('id').where('code', '=', 'D001').orderBy('id').executeTakeFirstOrThrow()).id;
    expect(await mayFileNote(db, education, d001)).toBe(true);
    expect(await mayFileNote(db, education, otherId)).toBe(false);
    expect(await mayFileNote(db, 999_999, d001)).toBeUndefined();

    const before = await db.selectFrom('inspection_notes').select('id').execute();
    expect((await getAs(demo, `/projects/${education}/notes/new`, other)).status).toBe(403);
    expect((await postOnceAs(demo, `/projects/${education}/notes`, { body: '不是本届代表的视察意见。' }, other)).status).toBe(403);
    await expect(fileNote(db, acting, education, otherId, { body: '不是本届代表的视察意见。' })).rejects.toMatchObject({ reason: 'other-term' });
    expect(await db.selectFrom('inspection_notes').select('id').execute()).toEqual(before);
    // The project page offers the form to the term's deputies only.
    expect(await (await getAs(demo, `/projects/${education}`, other)).text()).not.toContain(`/projects/${education}/notes/new`);
    expect(await (await getAs(demo, `/projects/${education}`, deputy)).text()).toContain(`/projects/${education}/notes/new`);
  });

  it('shows each the way in: the secretariat\'s dashboard has the tracking console, the department\'s workspace its notes and opinions, a deputy the projects and (standing committee) the overdue list', async () => {
    const dashboard = await (await getAs(demo, '/admin', secretariat)).text();
    expect(dashboard).toContain('href="/admin/tracking"');
    const workspace = await (await getAs(demo, '/workspace', jiaoyu)).text();
    expect(workspace).toContain('href="/workspace/notes"');
    expect(workspace).toMatch(/待答复 \d+ 条/);
    const deputyHome = await (await getAs(demo, '/vote', deputy)).text();
    expect(deputyHome).toContain('href="/projects"');
    const list = await (await getAs(demo, '/projects', deputy)).text();
    expect(list).toContain('人大代表可以在本届项目的页面上提出视察意见');
    // The deputy of another term made above sits on the standing committee.
    const committee = await cookieOf(demo, otherTermAccount);
    const committeeList = await (await getAs(demo, '/projects', committee)).text();
    expect(committeeList).toContain('href="/supervision/overdue"');
    expect((await getAs(demo, '/supervision/overdue', committee)).status).toBe(200);
    expect(await (await getAs(demo, '/projects')).text()).not.toContain('href="/supervision/overdue"');
  });
});
