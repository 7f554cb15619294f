import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../src/platform/acting.ts';
import { castBallot } from '../src/ballots/store.ts';
import { fixedClock } from '../src/platform/time.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { loadSigningKey, publicSigningKey, SigningKeyUnavailable } from '../src/keys/signing.ts';
import { certifyElection, sealElection } from '../src/counting/store.ts';
import { createPostgresDb, type DbHandle } from '../src/platform/db/index.ts';
import { closeElection, createElection, openElection } from '../src/elections/store.ts';
import { publicKeyFromDer, signEd25519, verifyEd25519 } from '../src/domain/record/digest.ts';
import { testApp } from './support/app.ts';
import { postForm, sessionCookieFrom, signIn } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { buildFixture, FIXTURE_PASSWORD, scrutineersFor } from './support/fixtures.ts';

const SECRET = 'a-signing-key-secret-of-forty-characters!';
const PG = 'postgres://app@db.internal:5432/minsheng';

describe('signing key configuration', () => {
  it('refuses a short SIGNING_KEY_SECRET without ever printing it', () => {
    expect(() => loadConfig({ SIGNING_KEY_SECRET: 'hunter2-hunter2' })).toThrow(ConfigError);
    try {
      loadConfig({ SIGNING_KEY_SECRET: 'hunter2-hunter2' });
    } catch (e) {
      expect((e as Error).message).toBe('SIGNING_KEY_SECRET must be at least 32 characters (for example the output of `openssl rand -hex 32`) (got 15 characters)');
    }
  });

  it('takes SIGNING_KEY_FILE or SIGNING_KEY_SECRET, not both', () => {
    expect(() => loadConfig({ SIGNING_KEY_SECRET: SECRET, SIGNING_KEY_FILE: '/run/secrets/key.pem' })).toThrow(/alternatives: set only one/);
    expect(loadConfig({ SIGNING_KEY_FILE: '/run/secrets/key.pem' }).signingKeyFile).toBe('/run/secrets/key.pem');
    expect(loadConfig({ SIGNING_KEY_SECRET: SECRET }).signingKeySecret).toBe(SECRET);
  });
});

describe.each(testEngines())('the signing key on $name', (engine) => {
  let database: DbHandle;
  let dir: string;
  beforeAll(async () => {
    database = await engine.open();
    dir = mkdtempSync(join(tmpdir(), 'minsheng-key-'));
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => { await sql`truncate signing_keys`.execute(database.db); });

  const rows = async () => database.db.selectFrom('signing_keys').select(['id', 'protection']).execute();
  const signs = async (config: ReturnType<typeof loadConfig>) => {
    const key = await loadSigningKey(database.db, config);
    const payload = Buffer.from('payload');
    return verifyEd25519(publicKeyFromDer(key.publicKeyDer), payload, signEd25519(key.privateKey, payload));
  };

  it('on the embedded engine without a secret, keeps the key\'s secret in DATA_DIR/signing-secret (0600)', async () => {
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    const pub = await publicSigningKey(database.db, config);
    expect(pub.source).toBe('data-dir');
    expect(statSync(join(dataDir, 'signing-secret')).mode & 0o777).toBe(0o600);
    expect(await rows()).toEqual([{ id: 1, protection: 'data-dir' }]);
    const key = await loadSigningKey(database.db, config);
    expect(key.fingerprint).toBe(pub.fingerprint);
    expect(await signs(config)).toBe(true);
    rmSync(join(dataDir, 'signing-secret'));
    await expect(loadSigningKey(database.db, config)).rejects.toThrow(/signing-secret, which cannot be read/);
  });

  it('with SIGNING_KEY_SECRET, opens the key only with that secret', async () => {
    const config = loadConfig({ DATABASE_URL: PG, SIGNING_KEY_SECRET: SECRET });
    expect(await signs(config)).toBe(true);
    expect(await rows()).toEqual([{ id: 1, protection: 'env' }]);
    const stored = await database.db.selectFrom('signing_keys').select('private_key_encrypted').executeTakeFirstOrThrow();
    expect(Buffer.from(stored.private_key_encrypted).includes(Buffer.from(SECRET))).toBe(false);
    await expect(loadSigningKey(database.db, loadConfig({ DATABASE_URL: PG, SIGNING_KEY_SECRET: SECRET.replace('a', 'b') }))).rejects.toThrow(/SIGNING_KEY_SECRET differs/);
    await expect(loadSigningKey(database.db, loadConfig({ DATABASE_URL: PG }))).rejects.toThrow(/SIGNING_KEY_SECRET, which is not set/);
  });

  it('on PostgreSQL without a secret, refuses to make a key unless in demo mode, and never uses a demo key outside it', async () => {
    const production = loadConfig({ DATABASE_URL: PG, DEMO: '0' });
    await expect(publicSigningKey(database.db, production)).rejects.toThrow(SigningKeyUnavailable);
    await expect(loadSigningKey(database.db, production)).rejects.toThrow(/set SIGNING_KEY_SECRET/);
    expect(await rows()).toEqual([]);
    const demo = loadConfig({ DATABASE_URL: PG, DEMO: '1' });
    expect(await signs(demo)).toBe(true);
    expect(await rows()).toEqual([{ id: 1, protection: 'demo-database' }]);
    await expect(loadSigningKey(database.db, production)).rejects.toThrow(/made in demo mode/);
  });

  it('uses SIGNING_KEY_FILE when given, and refuses a key that is not Ed25519', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const file = join(dir, 'key.pem');
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const config = loadConfig({ DATABASE_URL: PG, SIGNING_KEY_FILE: file });
    const pub = await publicSigningKey(database.db, config);
    expect(pub.source).toBe('file');
    expect(pub.publicKeyDer.equals(publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    expect(await signs(config)).toBe(true);
    expect(await rows()).toEqual([]);
    const x25519 = join(dir, 'x25519.pem');
    writeFileSync(x25519, generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expect(loadSigningKey(database.db, loadConfig({ SIGNING_KEY_FILE: x25519 }))).rejects.toThrow(/an Ed25519 key is needed/);
    await expect(loadSigningKey(database.db, loadConfig({ SIGNING_KEY_FILE: join(dir, 'missing.pem') }))).rejects.toThrow(/not a readable PEM private key/);
  });

  it('makes exactly one key when many requests ask for it at once', async () => {
    const config = loadConfig({ DATABASE_URL: PG, SIGNING_KEY_SECRET: SECRET });
    const other = engine.name === 'postgres' ? createPostgresDb((database as DbHandle & { url: string }).url) : database;
    try {
      const keys = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? loadSigningKey(other.db, config) : publicSigningKey(database.db, config))));
      expect(new Set(keys.map((k) => k.fingerprint)).size).toBe(1);
      expect(await rows()).toEqual([{ id: 1, protection: 'env' }]);
    } finally {
      if (other !== database) await other.close();
    }
  });

  it('refuses publication over HTTP with a clear message when no key can be made', async () => {
    const fixture = await buildFixture(database, fixedClock('2024-01-10T00:00:00Z'), {
      deputies: 3,
      accounts: [
        { username: 'mishu', roles: ['secretariat'] },
        { username: 'jianpiao1', roles: ['scrutineer', 'deputy'], deputyCode: 'D001' },
        { username: 'jianpiao2', roles: ['scrutineer', 'deputy'], deputyCode: 'D002' },
      ],
    });
    const t = testApp(database, { DATABASE_URL: PG, DEMO: '0' });
    const acting = { clock: t.clock, actor: SYSTEM_ACTOR };
    const { meetingId } = fixture;
    const e = await createElection(database.db, acting, {
      meetingId, kind: 'selection', title: '无密钥', marking: 'approval', seats: 1, passBase: 'valid-ballots', options: [{ key: 'c01', title: '甲' }, { key: 'c02', title: '乙' }],
      scrutineers: await scrutineersFor(database.db, meetingId),
    });
    await openElection(database.db, acting, e.id);
    await castBallot(database.db, t.clock, { electionId: e.id, deputyId: fixture.deputyId('D001'), marks: 'NF' });
    await closeElection(database.db, acting, e.id);
    const { digest } = await sealElection(database.db, acting, e.id);
    for (const s of await database.db.selectFrom('users').select(['id', 'display_name']).where('username', 'in', ['jianpiao1', 'jianpiao2']).execute()) {
      await certifyElection(database.db, acting, e.id, { userId: s.id, name: s.display_name }, digest);
    }
    const mishu = sessionCookieFrom(await signIn(t.app, 'mishu', FIXTURE_PASSWORD))!;
    const res = await postForm(t.app, `/admin/elections/${e.id}/publish`, {}, { Cookie: mishu });
    expect(res.headers.get('location')).toBe(`/admin/elections/${e.id}/scrutiny?error=signing-key`);
    expect(await (await t.app.request(res.headers.get('location')!, { headers: { Cookie: mishu } })).text()).toContain('请系统管理员检查 SIGNING_KEY_SECRET 的设置');
    expect(t.logs.some((l) => l.msg === 'signing key unavailable' && String(l.problem).includes('set SIGNING_KEY_SECRET'))).toBe(true);
    expect((await database.db.selectFrom('elections').select('state').where('id', '=', e.id).executeTakeFirstOrThrow()).state).toBe('certified');
    const wellKnown = await t.app.request('/.well-known/minsheng-signing-key');
    expect(wellKnown.status).toBe(503);
    expect(existsSync(join(dir, 'signing-secret'))).toBe(false);
  });
});
