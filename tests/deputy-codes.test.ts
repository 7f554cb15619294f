import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../src/platform/acting.ts';
import { fixedClock } from '../src/platform/time.ts';
import { deputyCodeClashes, upsertDeputies } from '../src/terms/store.ts';
import * as caseCheck from '../migrations/2026_11_30_180000_check_deputy_code_case.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture } from './support/fixtures.ts';

/** Deputy codes are one code whatever their case: the roster, the migration's report and its index. */
describe.each(testEngines())('deputy codes and case on $name', (engine) => {
  it('updates D001 when a roster names d001, reports clashes by case without failing, and indexes lower(code) only without them', async () => {
    const database = await engine.open();
    try {
      const clock = fixedClock('2024-01-10T00:00:00Z');
      const acting = { clock, actor: SYSTEM_ACTOR };
      await buildFixture(database, clock, { deputies: 3 });
      const termId = (await database.db.selectFrom('deputies').select('term_id').executeTakeFirstOrThrow()).term_id;
      const hasIndex = async () => (await sql<{ n: number }>`select count(*)::int as n from pg_indexes where indexname = 'deputies_term_code_lower_key'`.execute(database.db)).rows[0]!.n === 1;
      const codes = async () => (await database.db.selectFrom('deputies').select('code').where('term_id', '=', termId).orderBy('code').execute()).map((d) => d.code);
      expect(await hasIndex()).toBe(true);

      // A roster that types d001 updates D001, spelled as the roster has it.
      expect(await upsertDeputies(database.db, acting, termId, [{ code: 'd001', name: '改名', delegation: '城关镇代表团' }])).toMatchObject({ created: 0, updated: 1 });
      expect(await codes()).toEqual(['D001', 'D002', 'D003']);
      await expect(upsertDeputies(database.db, acting, termId, [{ code: 'D004', name: '甲', delegation: '甲' }, { code: 'd004', name: '乙', delegation: '乙' }]))
        .rejects.toMatchObject({ name: 'ValidationError' });

      // An older database with a clash: the migration reports it, does not fail, and leaves the index out.
      await caseCheck.down(database.db);
      await database.db.insertInto('deputies').values({ term_id: termId, code: 'd002', name: '重复', delegation: '城关镇代表团', standing_committee: false, phone: null }).execute();
      await caseCheck.up(database.db);
      expect(await hasIndex()).toBe(false);
      expect(await deputyCodeClashes(database.db)).toEqual([{ termId, codes: ['D002', 'd002'] }]);

      // Corrected: the migration (or the index by hand) then refuses any new clash.
      await database.db.deleteFrom('deputies').where('code', '=', 'd002').execute();
      await caseCheck.up(database.db);
      expect(await hasIndex()).toBe(true);
      expect(await deputyCodeClashes(database.db)).toEqual([]);
      await expect(database.db.insertInto('deputies').values({ term_id: termId, code: 'd003', name: '重复', delegation: '城关镇代表团', standing_committee: false, phone: null }).execute())
        .rejects.toThrow();
    } finally {
      await database.close();
    }
  });
});
