import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/platform/db/index.ts';
import { verifyPassword } from '../src/users/password.ts';
import { runTs } from './support/server-process.ts';

const SCRIPT = 'scripts/admin-create.ts';
const PASSWORD = 'a long enough password';

// Child processes (tsx start-up, a fresh PGlite) are slow on a loaded 2-core machine.
describe('npm run admin:create', { timeout: 120_000 }, () => {
  let dir: string;
  /** A fresh embedded database: nothing migrated, no accounts. */
  const env = () => ({ DATA_DIR: dir, DATABASE_URL: undefined, PUBLIC_URL: 'https://vote.example.gov.cn' });
  const run = (args: string[], input?: string) => runTs(SCRIPT, env(), args, 60_000, input);
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'minsheng-admin-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates, creates a secretariat account from flags and the first line of piped stdin, and says so', async () => {
    const r = await run(['--username', ' Chief ', '--name', '大会秘书处 张三'], `${PASSWORD}\nignored second line\n`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^created secretariat account "chief" \(大会秘书处 张三\), id \d+\nsign in at https:\/\/vote\.example\.gov\.cn\/login\n$/);

    const database = await createDb({ dataDir: dir, databaseUrl: undefined }, { holder: 'test' });
    try {
      const user = await database.db.selectFrom('users').selectAll().where('username', '=', 'chief').executeTakeFirstOrThrow();
      expect(user.must_change_password).toBe(false);
      expect(user.password_hash).toMatch(/^\$argon2id\$/);
      expect(await verifyPassword(user.password_hash, PASSWORD)).toBe(true);
      const roles = await database.db.selectFrom('user_roles').select('role').where('user_id', '=', user.id).execute();
      expect(roles.map((x) => x.role)).toEqual(['secretariat']);
      const entry = await database.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.create').executeTakeFirstOrThrow();
      expect(entry).toMatchObject({ actor_user_id: null, actor_name: 'admin:create', subject: `user:${user.id}` });
      expect(JSON.stringify(entry)).not.toContain(PASSWORD);
    } finally {
      await database.close();
    }
  });

  it('refuses a username that exists, in one line, creating nothing', async () => {
    const r = await run(['--username', 'CHIEF', '--name', '另一个'], `${PASSWORD}\n`);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('minsheng: username "chief" is already taken; nothing was created\n');
    expect(r.stdout).toBe('');
  });

  it.each([
    ['a short password', ['--username', 'short', '--name', 'x'], 'short\n', 'minsheng: The password needs at least 10 characters.\n'],
    ['the username as password', ['--username', 'samesame12', '--name', 'x'], 'samesame12\n', 'minsheng: The password cannot be the same as the username.\n'],
    ['an empty stdin', ['--username', 'nobody', '--name', 'x'], undefined, 'minsheng: The password needs at least 10 characters.\n'],
    ['a malformed username', ['--username', 'no spaces', '--name', 'x'], `${PASSWORD}\n`, /^minsheng: username "no spaces": A username may contain only/],
    ['missing flags without a terminal', [], `${PASSWORD}\n`, 'minsheng: --username and --name are required when stdin is not a terminal\n'],
    ['an unknown flag', ['--user', 'x'], `${PASSWORD}\n`, /^minsheng: Unknown option '--user'/],
  ] as [string, string[], string | undefined, string | RegExp][])('refuses %s with one line and exit code 1', async (_, args, input, message) => {
    const r = await run(args, input);
    expect(r.code).toBe(1);
    if (typeof message === 'string') expect(r.stderr).toBe(message);
    else expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('created nothing on those refusals', async () => {
    const database = await createDb({ dataDir: dir, databaseUrl: undefined }, { holder: 'test' });
    try {
      const users = await database.db.selectFrom('users').select('username').execute();
      expect(users.map((u) => u.username)).toEqual(['chief']);
    } finally {
      await database.close();
    }
  });
});
