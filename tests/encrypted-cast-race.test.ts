import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePoint, encryptBallotWithRandomness, type BallotSpec } from '../src/domain/crypto/index.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import { testApp } from './support/app.ts';
import { postOnce } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { openEncrypted } from './support/encrypted-election.ts';
import { buildFixture, type Fixture } from './support/fixtures.ts';

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const attr = (html: string, name: string) => unescape(new RegExp(`${name}="([^"]*)"`).exec(html)![1]!);

/**
 * One deputy posts the cast and the check (spoil) of one ballot page, hence one nonce, at the same
 * moment (two tablets, or a script): exactly one is taken, never both. Both taken would put one
 * nonce in the box and among the spoiled ballots, and the record builder would refuse it, leaving
 * the vote in `decrypting` for good. The deputy's roll row, locked in both transactions, orders them.
 */
describe.each(testEngines())('a cast and a check of one nonce at once, on $name', (engine) => {
  const ROUNDS = engine.name === 'postgres' ? 20 : 4;
  const users = Array.from({ length: ROUNDS }, (_, i) => `d${i + 4}`);
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let f: Fixture;
  let electionId: number;

  beforeAll(async () => {
    database = await engine.open();
    t = testApp(database, { SIGNING_KEY_SECRET: 'cast-race-test-signing-secret-0123456789abcdef' });
    f = await buildFixture(database, t.clock, {
      deputies: ROUNDS + 3, candidates: 3, present: ROUNDS + 3, election: { seats: 2, scrutineers: ['D001', 'D002', 'D003'] },
      accounts: [
        { username: 'jp1', roles: ['scrutineer', 'deputy'], deputyCode: 'D001' },
        { username: 'jp2', roles: ['scrutineer', 'deputy'], deputyCode: 'D002' },
        { username: 'jp3', roles: ['scrutineer', 'deputy'], deputyCode: 'D003' },
        ...users.map((u, i) => ({ username: u, roles: ['deputy' as const], deputyCode: `D${String(i + 4).padStart(3, '0')}` })),
      ],
    });
    electionId = f.electionId!;
    await openEncrypted(database.db, f.acting, electionId, ['jp1', 'jp2', 'jp3'].map((u) => f.account(u)));
  }, 120_000);
  afterAll(() => database.close());

  it(`takes exactly one of the two, ${ROUNDS} times over`, { timeout: 120_000 }, async () => {
    const outcomes: string[] = [];
    for (const u of users) {
      const [c1, c2] = [await f.account(u).cookie(), await f.account(u).cookie()];
      const html = await (await t.app.request(`/elections/${electionId}/ballot`, { headers: { Cookie: c1 } })).text();
      const d = { publicKey: attr(html, 'data-public-key'), contextId: attr(html, 'data-context-id'), spec: JSON.parse(attr(html, 'data-spec')) as BallotSpec, nonce: attr(html, 'data-nonce'), nonceMac: attr(html, 'name="nonceMac" value') };
      const encrypt = (marks: string) => encryptBallotWithRandomness(decodePoint(d.publicKey), d.spec, d.contextId, d.nonce, marks);
      const cast = encrypt('FFA');
      const check = encrypt('NFF');
      const [r1, r2] = await Promise.all([
        postOnce(t.app, `/elections/${electionId}/ballot`, { nonce: d.nonce, nonceMac: d.nonceMac, ballot: JSON.stringify(cast.ballot) }, { Cookie: c1 }),
        postOnce(t.app, `/elections/${electionId}/ballot/spoil`, {
          nonce: d.nonce, nonceMac: d.nonceMac, ballot: JSON.stringify(check.ballot), marks: 'NFF', randomness: JSON.stringify(check.randomness), confirm: '1',
        }, { Cookie: c2 }),
      ]);
      outcomes.push(`${r1.status}/${r2.status}`);
      expect([r1.status, r2.status].filter((s) => s === 200), `${u}: cast ${r1.status}, check ${r2.status}`).toHaveLength(1);
      // The other is refused, with a message, not an error.
      expect([r1.status, r2.status].every((s) => s === 200 || s === 409 || s === 422)).toBe(true);
    }
    const cast = await database.db.selectFrom('ballots').select('nonce').where('election_id', '=', electionId).execute();
    const spoiled = await database.db.selectFrom('spoiled_ballots').select('nonce').where('election_id', '=', electionId).execute();
    expect(cast.length + spoiled.length).toBe(ROUNDS);
    expect(cast.filter((b) => spoiled.some((s) => s.nonce === b.nonce))).toEqual([]);
    console.log(`${engine.name}: cast/check statuses ${outcomes.join(' ')}`);
  });
});
