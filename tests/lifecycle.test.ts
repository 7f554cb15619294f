import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrutineersFor } from './support/fixtures.ts';
import { castBallot } from '../src/ballots/store.ts';
import { closeDueElections } from '../src/elections/scheduler.ts';
import { closeElection, createElection, openElection, scheduleClose } from '../src/elections/store.ts';
import { issuePaper } from '../src/paper/store.ts';
import { transition } from '../src/elections/transition.ts';
import { createMeeting, recordAttendance } from '../src/meetings/store.ts';
import { type Acting, SYSTEM_ACTOR } from '../src/platform/acting.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { fixedClock } from '../src/platform/time.ts';
import { createTerm, upsertDeputies } from '../src/terms/store.ts';
import { testEngines } from './support/databases.ts';

describe.each(testEngines())('transition() on $name', (engine) => {
  let database: DbHandle;
  const clock = fixedClock('2024-01-16T01:00:00Z');
  const system: Acting = { clock, actor: SYSTEM_ACTOR };
  const secretariat: Acting = { clock, actor: { userId: 1, name: 'mishu', roles: ['secretariat'] } };
  const scrutineer: Acting = { clock, actor: { userId: 2, name: 'jianpiao', roles: ['scrutineer', 'deputy'] } };
  let meetingId: number;
  let deputyIds: number[];

  const state = async (id: number) => (await database.db.selectFrom('elections').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
  const audit = async (id: number) => (await database.db.selectFrom('audit_log').select(['action', 'actor_name']).where('subject', '=', `election:${id}`).orderBy('id').execute());
  const newElection = async () => (await createElection(database.db, system, {
    meetingId, kind: 'selection', title: '测试票决', marking: 'approval', seats: 1, passBase: 'valid-ballots',
    options: [{ key: 'c01', title: '甲' }, { key: 'c02', title: '乙' }],
    scrutineers: await scrutineersFor(database.db, meetingId),
  })).id;

  beforeAll(async () => {
    database = await engine.open();
    const term = await createTerm(database.db, system, { name: '测试届', ordinal: 1, startsOn: '2022-01-01', endsOn: '2026-12-31' });
    await upsertDeputies(database.db, system, term.id, ['D1', 'D2', 'D3'].map((code) => ({ code, name: code, delegation: '甲代表团' })));
    deputyIds = (await database.db.selectFrom('deputies').select('id').where('term_id', '=', term.id).orderBy('code').execute()).map((d) => d.id);
    meetingId = (await createMeeting(database.db, system, { termId: term.id, title: '测试会议', sessionOrdinal: 1, year: 2024, startsOn: '2024-01-15', endsOn: '2024-01-17' }, { published: true })).id;
  });
  afterAll(() => database.close());

  it('refuses a step to a person without a role the lifecycle names for it, changing nothing', async () => {
    const id = await newElection();
    await recordAttendance(database.db, system, meetingId, deputyIds, true);
    await expect(openElection(database.db, scrutineer, id)).rejects.toMatchObject({ reason: 'not-allowed' });
    await expect(openElection(database.db, { clock, actor: { userId: 3, name: 'nobody' } }, id)).rejects.toMatchObject({ reason: 'not-allowed' });
    expect(await state(id)).toBe('draft');
    expect((await audit(id)).map((a) => a.action)).toEqual(['election.create']);
  });

  it('refuses a step from a state the table does not start it from', async () => {
    const id = await newElection();
    await expect(closeElection(database.db, secretariat, id)).rejects.toMatchObject({ reason: 'wrong-state', detail: { step: 'close', state: 'draft' } });
    await expect(database.db.transaction().execute((trx) => transition(trx, secretariat, id, 'publish'))).rejects.toMatchObject({ reason: 'wrong-state' });
    await expect(database.db.transaction().execute((trx) => transition(trx, secretariat, 999_999, 'open'))).rejects.toMatchObject({ reason: 'not-found' });
    expect(await state(id)).toBe('draft');
  });

  it('checks the quorum inside the opening transaction: refused below two thirds, with no roll written', async () => {
    const id = await newElection();
    await recordAttendance(database.db, system, meetingId, deputyIds, false);
    await recordAttendance(database.db, system, meetingId, deputyIds.slice(0, 1), true);
    await expect(openElection(database.db, secretariat, id)).rejects.toMatchObject({ reason: 'quorum', detail: { present: 1, expected: 3 } });
    expect(await state(id)).toBe('draft');
    expect(await database.db.selectFrom('roll').select('deputy_id').where('election_id', '=', id).execute()).toEqual([]);
  });

  it('makes each step once, with its chained audit entry naming who made it', async () => {
    const id = await newElection();
    await recordAttendance(database.db, system, meetingId, deputyIds.slice(0, 2), true);
    await openElection(database.db, secretariat, id);
    expect(await state(id)).toBe('open');
    await expect(openElection(database.db, secretariat, id)).rejects.toMatchObject({ reason: 'wrong-state' });
    await closeElection(database.db, secretariat, id);
    expect(await state(id)).toBe('closed');
    expect(await audit(id)).toEqual([
      { action: 'election.create', actor_name: 'system' },
      { action: 'election.open', actor_name: 'mishu' },
      { action: 'election.close', actor_name: 'mishu' },
    ]);
  });

  it('accepts no ballot after the scheduled close, even before the scheduler has closed the vote', async () => {
    const id = await newElection();
    await recordAttendance(database.db, system, meetingId, deputyIds, true);
    await openElection(database.db, secretariat, id);
    const at = new Date(clock.now().getTime() + 60_000);
    await scheduleClose(database.db, secretariat, id, at);
    clock.set(new Date(at.getTime() + 16));
    // The scheduler has not run yet: the vote is still open in the database.
    expect(await state(id)).toBe('open');
    expect(await castBallot(database.db, clock, { electionId: id, deputyId: deputyIds[0]!, marks: 'FN' })).toEqual({ status: 'refused', reason: 'not-open' });
    await expect(issuePaper(database.db, secretariat, id, ['D1'])).rejects.toMatchObject({ reason: 'wrong-state' });
    expect(await closeDueElections(database.db, clock)).toEqual([id]);
    const e = await database.db.selectFrom('elections').select(['state', 'closed_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(e).toEqual({ state: 'closed', closed_at: at });
    expect(await database.db.selectFrom('roll').select('deputy_id').where('election_id', '=', id).where('channel', 'is not', null).execute()).toEqual([]);
    clock.set('2024-01-16T01:00:00Z');
  });

  it('still accepts a ballot a moment before the scheduled close', async () => {
    const id = await newElection();
    await recordAttendance(database.db, system, meetingId, deputyIds, true);
    await openElection(database.db, secretariat, id);
    const at = new Date(clock.now().getTime() + 60_000);
    await scheduleClose(database.db, secretariat, id, at);
    clock.set(new Date(at.getTime() - 1));
    expect((await castBallot(database.db, clock, { electionId: id, deputyId: deputyIds[0]!, marks: 'FN' })).status).toBe('cast');
    clock.set('2024-01-16T01:00:00Z');
  });
});

