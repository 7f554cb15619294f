// npm run admin:create [-- --username NAME --name "DISPLAY NAME"]: creates a secretariat account, the
// first one of a production installation. In a terminal, asks for what the flags do not give and
// for the password twice without echoing it; with stdin piped, reads the password from its first
// line (for automation: `printf '%s\n' "$PW" | npm run admin:create -- --username … --name …`).
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { checkNewPassword, MIN_PASSWORD_LENGTH } from '../src/auth/password-rules.ts';
import { systemClock } from '../src/platform/time.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { translator } from '../src/platform/i18n/index.ts';
import { normalizeUsername, USERNAME_PATTERN } from '../src/users/rules.ts';
import { createUser } from '../src/users/store.ts';
import { exitWith, openForCli, runCli } from './cli.ts';

const ACTOR = { userId: null, name: 'admin:create' };
const t = translator('en');

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** Reads a line from the terminal without echoing it; Ctrl+C cancels. */
function askHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  // Echo off before the prompt appears, so that nothing typed after it is ever shown.
  stdin.setRawMode(true);
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (result: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      result();
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(() => resolve(value));
        if (ch === '\u0003') return finish(() => reject(new Error('cancelled')));
        if (ch === '\u007f' || ch === '\b') value = Array.from(value).slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.setEncoding('utf8');
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** The first line of piped stdin, without its line ending; the rest is not read. */
async function firstLineOfStdin(): Promise<string> {
  process.stdin.setEncoding('utf8');
  let data = '';
  for await (const chunk of process.stdin as AsyncIterable<string>) {
    data += chunk;
    if (data.includes('\n')) break;
  }
  return data.split('\n')[0]!.replace(/\r$/, '');
}

function passwordProblem(password: string, confirm: string, username: string): string | undefined {
  const errors = checkNewPassword(password, confirm, username);
  const key = errors.password ?? errors.confirm;
  return key && t(key, { min: MIN_PASSWORD_LENGTH });
}

runCli(async () => {
  let args;
  try {
    args = parseArgs({ options: { username: { type: 'string' }, name: { type: 'string' } }, strict: true }).values;
  } catch (e) {
    exitWith(`${(e as Error).message}; usage: npm run admin:create -- --username NAME --name "DISPLAY NAME"`);
  }
  const terminal = process.stdin.isTTY === true;
  let username = args.username ?? (terminal ? await ask('Username: ') : '');
  const name = (args.name ?? (terminal ? await ask('Name (shown in the app): ') : '')).trim();
  if (!username || !name) exitWith('--username and --name are required when stdin is not a terminal');
  username = normalizeUsername(username);
  if (!USERNAME_PATTERN.test(username)) exitWith(`username "${username}": ${t('users.usernameFormat')}`);
  if (name.length > 100) exitWith('the name may have at most 100 characters');

  let password: string;
  if (terminal) {
    password = await askHidden('Password: ');
    const problem = passwordProblem(password, password, username);
    if (problem) exitWith(problem);
    const confirm = await askHidden('Password again: ');
    if (confirm !== password) exitWith(t('password.mismatch'));
  } else {
    password = await firstLineOfStdin();
    const problem = passwordProblem(password, password, username);
    if (problem) exitWith(problem);
  }

  const { config, database } = await openForCli('admin:create');
  try {
    await migrateToLatest(database.db);
    const existing = await database.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
    // Thrown rather than exitWith, so that `finally` closes the database (and frees its lock) first.
    if (existing) throw new Error(`username "${username}" is already taken; nothing was created`);
    const user = await createUser(database.db, { clock: systemClock, actor: ACTOR }, {
      username, displayName: name, password, roles: ['secretariat'], mustChangePassword: false,
    });
    console.log(`created secretariat account "${user.username}" (${user.display_name}), id ${user.id}`);
    console.log(`sign in at ${new URL('/login', config.publicUrl).href}`);
  } finally {
    await database.close();
  }
});
