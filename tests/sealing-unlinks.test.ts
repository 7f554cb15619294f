import { openAsBlob } from 'node:fs';
import { pageinspect } from '@electric-sql/pglite/contrib/pageinspect';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { castBallot } from '../src/ballots/store.ts';
import { sealElection } from '../src/counting/store.ts';
import { closeElection } from '../src/elections/store.ts';
import { createMemoryPglite, type DbHandle, type Db, wrapPglite } from '../src/platform/db/index.ts';
import { fixedClock } from '../src/platform/time.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture } from './support/fixtures.ts';

/**
 * Issue 13's outside probe, run against the database alone after a seal: the transaction ids
 * (`xmin`) and the physical order of the rows, then every page of every table read raw with
 * pageinspect, dead tuples included, and the data files the box and the roll lived in during the
 * vote. After the seal nothing may tie a deputy to a ballot: the box's old storage is gone, the roll
 * rows were written again by the seal, the sealed ballots lie in tracker order.
 */

/** Every relation with storage in this database (not other sessions' temporary ones), by file. */
async function dataFiles(db: Db): Promise<Map<string, string>> {
  const { rows } = await sql<{ path: string; name: string }>`
    select pg_relation_filepath(c.oid) as path, c.oid::regclass::text as name from pg_class c
    where c.relkind in ('r', 'i', 't', 'm') and c.relpersistence <> 't' and pg_relation_filepath(c.oid) is not null`.execute(db);
  return new Map(rows.map((r) => [r.path, r.name]));
}

/** Every tuple, live or dead, of every table (catalogs and TOAST included), read from its pages. */
async function everyTuple(db: Db) {
  const { rows } = await sql<{ rel: string; xmin: string | null; xmax: string | null; data: string | null }>`
    select c.oid::regclass::text as rel, t.t_xmin::text as xmin, t.t_xmax::text as xmax, encode(t.t_data, 'hex') as data
    from pg_class c
    cross join lateral generate_series(0, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int - 1) as blk
    cross join lateral heap_page_items(get_raw_page(c.oid::regclass::text, blk)) as t
    where c.relkind in ('r', 't', 'm') and c.relpersistence <> 't'`.execute(db);
  return rows;
}

const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');

/** The engines, PGlite with its pageinspect extension loaded. */
function enginesWithPageinspect() {
  return testEngines().map((engine) => ({
    name: engine.name,
    open: engine.name === 'pglite'
      ? async (): Promise<DbHandle> => wrapPglite(await createMemoryPglite(await openAsBlob(inject('pgliteDump')), { pageinspect }))
      : engine.open,
  }));
}

describe.each(enginesWithPageinspect())('after the seal, on $name', (engine) => {
  let database: DbHandle;
  beforeAll(async () => {
    database = await engine.open();
    await sql`create extension if not exists pageinspect`.execute(database.db);
  });
  afterAll(() => database.close());

  const clock = fixedClock('2024-01-16T01:00:00Z');

  it('links no deputy to a ballot: not by transaction id, not by row order, not in any page or old data file', async () => {
    const db = database.db;
    const f = await buildFixture(database, clock, { deputies: 6, candidates: 3, election: { open: true, marking: 'approval', seats: 2 } });
    const electionId = f.electionId!;
    const voters = f.deputies.slice(0, 5);
    const trackers: string[] = [];
    for (const [i, d] of voters.entries()) {
      const cast = await castBallot(db, clock, { electionId, deputyId: d.id, marks: ['FFN', 'FNF', 'NFF', 'FNN', 'NNF'][i]! });
      if (cast.status !== 'cast') throw new Error(cast.status);
      trackers.push(cast.tracker);
    }

    // During the vote the probe works, as docs/threat-model.md says: one SELECT joins each ballot to its deputy.
    const during = await sql<{ deputy_id: number; tracker: string }>`
      select r.deputy_id, b.tracker from roll r join ballots b on b.xmin = r.xmin and b.election_id = r.election_id
      where r.election_id = ${electionId}`.execute(db);
    expect(during.rows).toHaveLength(voters.length);
    const castXids = new Set((await sql<{ x: string }>`select xmin::text as x from ballots where election_id = ${electionId}`.execute(db)).rows.map((r) => r.x));
    expect(castXids.size).toBe(voters.length);
    const filesDuringVote = await dataFiles(db);

    await closeElection(db, f.acting, electionId);
    expect((await sealElection(db, f.acting, electionId)).ballots).toBe(voters.length);

    // (a) transaction ids: the sealed ballots and the roll were all written by the seal, none by a cast.
    const sealed = await sql<{ tracker: string; x: string }>`
      select tracker, xmin::text as x from sealed_ballots where election_id = ${electionId} order by ctid`.execute(db);
    const roll = await sql<{ deputy_id: number; x: string; channel: string | null }>`
      select deputy_id, xmin::text as x, channel from roll where election_id = ${electionId}`.execute(db);
    const sealXids = new Set(sealed.rows.map((r) => r.x));
    expect(sealXids.size).toBe(1);
    expect(roll.rows.filter((r) => castXids.has(r.x))).toEqual([]);
    expect(new Set(roll.rows.map((r) => r.x))).toEqual(sealXids);
    expect(roll.rows.filter((r) => r.channel === 'electronic')).toHaveLength(voters.length);
    // (b) row order: the sealed ballots lie in tracker order, whatever order they were cast in.
    expect(sealed.rows.map((r) => r.tracker)).toEqual([...trackers].sort());

    // (c) raw pages, dead tuples included: no tuple of any table was written or deleted by a cast, and
    // a cast ballot's tracker is found only in the sealed ballots and the record, as the seal wrote them.
    const tuples = await everyTuple(db);
    expect(tuples.length).toBeGreaterThan(100);
    expect(tuples.filter((t) => castXids.has(t.xmin ?? '') || castXids.has(t.xmax ?? '')).map((t) => t.rel)).toEqual([]);
    const holding = tuples.filter((t) => t.data !== null && trackers.some((tr) => t.data!.includes(hex(tr))));
    const seal = [...sealXids][0];
    expect(holding.map((t) => [t.rel, t.xmin]).sort()).toEqual([...trackers.map(() => ['sealed_ballots', seal]), ['election_records', seal]].sort());

    // The data files the box and the roll were in during the vote are emptied (unlinked at the next checkpoint).
    const now = await dataFiles(db);
    const left = [...filesDuringVote].filter(([path]) => !now.has(path));
    expect(left.map(([, name]) => name)).toEqual(expect.arrayContaining([expect.stringMatching(/^ballots/), expect.stringMatching(/^roll/)]));
    for (const [path, name] of left) {
      const { rows: [stat] } = await sql<{ size: string | null }>`select (pg_stat_file(${path}, true)).size::text as size`.execute(db);
      expect([null, '0'], `${name} at ${path}`).toContain(stat!.size);
    }
  });
});
