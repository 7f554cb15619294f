import { seedDemo } from '../../src/demo/seed.ts';
import type { Db } from '../../src/platform/db/index.ts';
import { fixedClock } from '../../src/platform/time.ts';

/** The clock the demo snapshot is seeded at (as the test files seeding it themselves did). */
export const DEMO_SEED_CLOCK = '2024-01-10T00:00:00Z';

/**
 * The demo as the test files that are about it need it: `seedDemo(db, clock, { history: false })`,
 * that is the term's 240 deputies, both meetings and their candidates, the demo accounts and the
 * 2024 meeting's draft vote with attendance, but not the 2023 vote (so no signing key either). The
 * 2024 vote is in plaintext mode here, without a key ceremony: the tests of the plaintext pages cast
 * into it. The demo's encrypted 2024 vote and its ceremony are tested on the full demo (demo.test.ts).
 * global-setup.ts seeds it once per run through the real service functions and each file that asks
 * for it (`TestEngine.openDemo`) loads a copy, instead of every file seeding its own.
 */
export async function seedTestDemo(db: Db): Promise<void> {
  if (!await seedDemo(db, fixedClock(DEMO_SEED_CLOCK), { history: false, selection2024: 'plaintext' })) throw new Error('the test demo was already seeded');
}
