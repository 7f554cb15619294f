// npm run verify:audit [-- --checkpoints <file | https://…/audit/checkpoints.json>] [--key <fingerprint | PEM file | base64 DER>]
//
// Checks the audit log's hash chain (every entry's hash, and each entry's link to the one before),
// then checks the chain against signed audit checkpoints (src/audit/checkpoints.ts): with
// --checkpoints, a copy kept outside the database (a file, or the URL it is published at, whose
// `next` pages are followed); without it, the checkpoints stored in the database. Each checkpoint
// must be signed (by --key, when given), and the chain must still hold the entry it names, with the
// hash it names, preceded by as many entries as it counted: so a rewrite that deleted entries and
// recomputed every later hash, which the chain alone cannot show, is caught.
//
// Exit 0: chain and checkpoints agree. Exit 1: the chain is broken (hash-mismatch: an entry was
// altered or forged; prev-mismatch: an entry before it was removed, inserted or reordered), or a
// checkpoint disagrees (named by its seq). Exit 2: usage, or the checkpoints cannot be read.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkChain, type ChainLink } from '../src/audit/chain.ts';
import { readCheckpoints } from '../src/audit/checkpoint-store.ts';
import { checkCheckpoints, checkpointItems } from '../src/audit/checkpoints.ts';
import { readAuditChain } from '../src/audit/store.ts';
import { exitWith, openForCli, runCli } from './cli.ts';

const USAGE = 'usage: npm run verify:audit [-- --checkpoints <file | URL>] [--key <fingerprint | PEM file | base64 DER key>]';
function usage(message: string): never {
  return exitWith(`${message}\n${USAGE}`, 2);
}

/** Following `next` pages at most this often: a published list has 1,000 checkpoints a page. */
const MAX_PAGES = 10_000;

/** The checkpoints in a saved file, or published at a URL (every page). */
async function loadCheckpoints(source: string): Promise<unknown[]> {
  const items: unknown[] = [];
  let url: string | undefined = /^https?:\/\//.test(source) ? source : undefined;
  if (url === undefined) {
    if (!existsSync(source)) usage(`no such file: ${source}`);
    const read = checkpointItems(parse(readFileSync(source, 'utf8'), source));
    if ('error' in read) usage(`${source}: ${read.error}`);
    return read.items;
  }
  for (let pages = 0; url !== undefined; pages++) {
    if (pages === MAX_PAGES) usage(`${source}: more than ${MAX_PAGES} pages`);
    const at: string = url;
    const res = await fetch(at, { signal: AbortSignal.timeout(30_000) }).catch((e: Error) => usage(`cannot fetch ${at}: ${e.message}`));
    if (!res.ok) usage(`${at} answered ${res.status}`);
    const read = checkpointItems(parse(await res.text(), at));
    if ('error' in read) usage(`${at}: ${read.error}`);
    items.push(...read.items);
    url = read.next === undefined ? undefined : new URL(read.next, at).href;
  }
  return items;
}

function parse(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    return usage(`${source} is not JSON: ${(e as Error).message}`);
  }
}

runCli(async () => {
  const { values } = (() => {
    try {
      return parseArgs({ options: { checkpoints: { type: 'string' }, key: { type: 'string' } }, allowPositionals: false });
    } catch (e) {
      return usage((e as Error).message);
    }
  })();
  let key = values.key;
  if (key !== undefined && existsSync(key)) key = readFileSync(key, 'utf8');
  if (key !== undefined && !key.trim()) usage('--key is empty');
  // Read before the database is opened, so that an unreadable copy refuses without holding the database.
  const outside = values.checkpoints === undefined ? undefined : await loadCheckpoints(values.checkpoints);

  const { database } = await openForCli('verify:audit');
  const links: ChainLink[] = [];
  let stored: unknown[] = [];
  try {
    for await (const link of readAuditChain(database.db)) links.push(link);
    if (outside === undefined) stored = (await readCheckpoints(database.db)).checkpoints;
  } finally {
    await database.close();
  }

  const problem = checkChain(links);
  if (problem) {
    process.stderr.write(`minsheng: the audit chain is BROKEN at entry ${problem.id} (${problem.kind}): expected ${problem.expected}, found ${problem.found}\n`);
    process.stderr.write(`${links.length} entries read; entries from ${problem.id} on cannot be trusted. Report this at once.\n`);
    process.exit(1);
  }

  const source = outside === undefined ? 'the checkpoints stored in the database' : values.checkpoints!;
  const items = outside ?? stored;
  const check = checkCheckpoints(links, items, key === undefined ? {} : { key });
  if (check.problems.length) {
    for (const p of check.problems) {
      process.stderr.write(`minsheng: the audit chain DISAGREES with ${p.seq === undefined ? `item ${p.index + 1}` : `checkpoint #${p.seq}`} of ${source} (${p.kind}): ${p.message}\n`);
    }
    process.stderr.write(`${check.problems.length} of ${items.length} checkpoint(s) disagree: the audit log was rewritten after they were signed, or they are not this installation's. Report this at once.\n`);
    process.exit(1);
  }

  const head = links.at(-1)?.hash ?? '(empty log)';
  const lines = [`audit chain OK: ${links.length} entries, head ${head}`];
  const newest = check.checkpoints.at(-1);
  if (newest) {
    lines.push(`checkpoints OK: ${check.checkpoints.length} of ${source} agree (newest #${newest.seq}, ${newest.at}: ${newest.length} entries up to entry ${newest.lastId}), signed by key ${check.fingerprints.join(', ')}`);
  } else {
    lines.push(`no checkpoints in ${source}: only the chain itself was checked`);
  }
  if (check.unanchored > 0) lines.push(`${check.unanchored} entr${check.unanchored === 1 ? 'y' : 'ies'} after the newest checkpoint: not covered by any checkpoint yet`);
  if (outside === undefined) {
    lines.push('note: whoever controls the database and the signing key can rewrite the stored checkpoints too; a copy of /audit/checkpoints.json kept outside (--checkpoints) is stronger');
  }
  if (key === undefined && newest) lines.push('note: give --key <fingerprint> to require the installation\'s announced key');
  process.stdout.write(lines.join('\n') + '\n');
});
