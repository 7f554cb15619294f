import canonicalize from 'canonicalize';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBallotMode } from '../src/ceremonies/store.ts';
import { digestWords } from '../src/decryption/as-sealed.ts';
import type { CiphertextJson } from '../src/domain/crypto/elgamal.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import type { Trx } from '../src/platform/db/index.ts';
import { testApp } from './support/app.ts';
import { postForm, postOnce } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { castEncryptedForTest, partialForTest, runCeremonyForTest, type EncryptionTarget } from './support/encrypted-box.ts';
import { buildFixture, type Fixture } from './support/fixtures.ts';

/**
 * A server operator who can write the database (the write-once triggers switched off, as an owner or
 * superuser can) rewrites an encrypted vote in `decrypting` so that the trustees would decrypt ONE
 * ballot: the sealed ballots but one deleted, the aggregate set to that ballot's ciphertexts. The
 * trustees' data (decryption.json) and their partial decryptions are refused unless the aggregate is
 * the one the seal's audit entry recorded (digest and count) and its count the roll's electronic
 * count; restored, the decryption goes on. The pages show the seal's digest in its short form.
 */
describe.each(testEngines())('decryption only of the aggregate the seal fixed, on $name', (engine) => {
  let database: DbHandle;
  let t: ReturnType<typeof testApp>;
  let f: Fixture;
  let id: number;
  let mishu: string;
  const trustees: string[] = [];
  let ceremony: Awaited<ReturnType<typeof runCeremonyForTest>>;
  let target: EncryptionTarget;
  const ELECTRONIC = ['FFA', 'FAN', 'NFF', 'FFN', 'AAA', 'FNF', 'NNN', 'FFA'];

  const base = () => `/scrutiny/elections/${id}/decryption`;
  const data = async (i: number) => {
    const res = await t.app.request(`${base()}.json`, { headers: { Cookie: trustees[i - 1]! } });
    return { status: res.status, body: await res.json() as { ok: boolean; error?: string; message?: string; ballots?: unknown[]; aggregate?: CiphertextJson[][] } };
  };
  const partialOf = (i: number, aggregate: CiphertextJson[][]) =>
    partialForTest({ publicKey: ceremony.publicKey, contextId: ceremony.contextId, marking: 'for-against-abstain' }, i, ceremony.shares[i - 1]!, aggregate);
  /** The operator's hand: the write-once triggers off for one transaction. */
  const asOperator = (work: (trx: Trx) => Promise<void>) => database.db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await work(trx);
  });
  const tally = async () => database.db.selectFrom('encrypted_tallies').select(['aggregate', 'ballots']).where('election_id', '=', id).executeTakeFirstOrThrow();
  const partialsStored = async () => (await database.db.selectFrom('decryption_partials').select('trustee').where('election_id', '=', id).execute()).length;

  beforeAll(async () => {
    database = await engine.open();
    t = testApp(database, { SIGNING_KEY_SECRET: 'as-sealed-test-signing-secret-0123456789abcdef' });
    f = await buildFixture(database, t.clock, {
      deputies: 12, candidates: 3, election: { seats: 2, scrutineers: ['D001', 'D002', 'D003'] },
      accounts: [
        { username: 'mishu', roles: ['secretariat'] },
        { username: 'jp1', roles: ['scrutineer', 'deputy'], deputyCode: 'D001' },
        { username: 'jp2', roles: ['scrutineer', 'deputy'], deputyCode: 'D002' },
        { username: 'jp3', roles: ['scrutineer', 'deputy'], deputyCode: 'D003' },
      ],
    });
    id = f.electionId!;
    mishu = await f.account('mishu').cookie();
    for (const u of ['jp1', 'jp2', 'jp3']) trustees.push(await f.account(u).cookie());
    await setBallotMode(database.db, f.acting, id, { mode: 'encrypted', threshold: 2 });
    ceremony = await runCeremonyForTest(database.db, t.clock, id, ['jp1', 'jp2', 'jp3'].map((u) => ({ userId: f.account(u).id, name: u })));
    expect((await postForm(t.app, `/admin/elections/${id}/open`, {}, { Cookie: mishu })).status).toBe(303);
    target = { electionId: id, publicKey: ceremony.publicKey, contextId: ceremony.contextId, spec: { marking: 'for-against-abstain', optionKeys: ['c01', 'c02', 'c03'], seats: 2 } };
    for (const [i, marks] of ELECTRONIC.entries()) await castEncryptedForTest(database.db, t.clock, target, f.deputyId(`D00${i + 1}`), marks);
    expect((await postForm(t.app, `/admin/elections/${id}/close`, {}, { Cookie: mishu })).status).toBe(303);
    expect((await postForm(t.app, `/admin/elections/${id}/seal`, {}, { Cookie: mishu })).headers.get('location')).toContain('done=decrypting');
  });
  afterAll(() => database.close());

  it('shows the digest the seal recorded, short, on the trustee page and the scrutiny page', async () => {
    const seal = await database.db.selectFrom('audit_log').select('details').where('action', '=', 'election.seal').where('subject', '=', `election:${id}`).executeTakeFirstOrThrow();
    const words = digestWords((seal.details as { aggregate: string }).aggregate)!;
    expect(words).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$/);
    const trusteePage = await (await t.app.request(base(), { headers: { Cookie: trustees[0]! } })).text();
    expect(trusteePage).toContain(words);
    expect(trusteePage).toContain(`data-digest="${words}"`);
    expect(trusteePage).toContain('data-electronic="8"');
    expect(trusteePage).toContain('投票名册记录以电子方式投票 8 人');
    const scrutiny = await (await t.app.request(`/admin/elections/${id}/scrutiny`, { headers: { Cookie: mishu } })).text();
    expect(scrutiny).toContain(words);
    expect(scrutiny).toContain('/verify');
  });

  it('refuses to have one ballot decrypted in place of the sum, and goes on once restored', async () => {
    const honest = await data(1);
    expect(honest.body.ok).toBe(true);
    expect(honest.body.ballots).toHaveLength(ELECTRONIC.length);
    const original = await tally();
    const sealed = await database.db.selectFrom('sealed_ballots').selectAll().where('election_id', '=', id).where('ballot', 'is not', null).execute();
    const victim = sealed[0]!;
    const victimAggregate = (JSON.parse(victim.ballot!) as { ciphertexts: CiphertextJson[][] }).ciphertexts;

    // As in the review: every sealed ballot but one deleted, the aggregate set to it, the count left.
    await asOperator(async (trx) => {
      await trx.deleteFrom('sealed_ballots').where('election_id', '=', id).where('tracker', '!=', victim.tracker).execute();
      await trx.updateTable('encrypted_tallies').set({ aggregate: canonicalize(victimAggregate)! }).where('election_id', '=', id).execute();
    });
    for (const i of [1, 2]) {
      const refused = await data(i);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ ok: false, error: 'not-as-sealed' });
      expect(refused.body.message).toContain('封存时审计日志记录的不一致');
      expect(refused.body.ballots).toBeUndefined();
      const post = await postOnce(t.app, base(), { partial: JSON.stringify(partialOf(i, victimAggregate)) }, { Cookie: trustees[i - 1]! });
      expect(post.status).toBe(422);
      expect(await post.json()).toMatchObject({ ok: false, error: 'not-as-sealed' });
    }
    expect(await partialsStored()).toBe(0);
    // In English too.
    const en = await t.app.request(`${base()}.json`, { headers: { Cookie: `${trustees[0]!}; lang=en` } });
    expect((await en.json() as { message: string }).message).toMatch(/not the one the seal's audit entry recorded/);

    // The count alone: the aggregate restored but its count rewritten.
    await asOperator(async (trx) => {
      await trx.updateTable('encrypted_tallies').set({ aggregate: original.aggregate, ballots: 1 }).where('election_id', '=', id).execute();
    });
    expect((await data(1)).body).toMatchObject({ ok: false, error: 'not-as-sealed' });

    // The aggregate and its count restored, the sealed ballots still missing: the data is refused
    // (its ballots are not the roll's electronic count); the aggregate itself may be decrypted.
    await asOperator(async (trx) => {
      await trx.updateTable('encrypted_tallies').set({ ballots: original.ballots }).where('election_id', '=', id).execute();
    });
    expect((await data(1)).body).toMatchObject({ ok: false, error: 'not-as-sealed' });

    // The aggregate itself is as sealed, so the trustees' partial decryptions of it are taken; but
    // the combination, which needs every sealed ballot, is refused while they are missing.
    const aggregate = JSON.parse(original.aggregate) as CiphertextJson[][];
    for (const i of [1, 2]) {
      const post = await postOnce(t.app, base(), { partial: JSON.stringify(partialOf(i, aggregate)) }, { Cookie: trustees[i - 1]! });
      expect(post.status).toBe(200);
      expect(await post.json()).toMatchObject({ ok: true, combined: false });
    }
    const state = async () => (await database.db.selectFrom('elections').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
    expect(await state()).toBe('decrypting');
    const refusedCombine = await postForm(t.app, `/admin/elections/${id}/decrypt`, {}, { Cookie: mishu });
    expect(refusedCombine.headers.get('location')).toContain('error=not-as-sealed');
    expect(await state()).toBe('decrypting');

    // Everything restored: the secretariat's retry combines, and the vote is tallied.
    await asOperator(async (trx) => {
      await trx.insertInto('sealed_ballots').values(sealed.filter((s) => s.tracker !== victim.tracker)).execute();
    });
    const restored = await data(3);
    expect(restored.body.ok).toBe(true);
    expect(restored.body.ballots).toHaveLength(ELECTRONIC.length);
    const combined = await postForm(t.app, `/admin/elections/${id}/decrypt`, {}, { Cookie: mishu });
    expect(combined.status).toBe(303);
    expect(await state()).toBe('tallied');
  });
});
