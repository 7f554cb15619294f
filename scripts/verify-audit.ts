// npm run verify:audit: checks the audit log's hash chain (every entry's hash, and each entry's link to
// the one before). Exit 0 with the number of entries and the head hash; exit 1 naming the first
// entry where the chain breaks and how (hash-mismatch: the entry was altered or forged;
// prev-mismatch: an entry before it was removed, inserted or reordered).
import { checkChain, type ChainLink } from '../src/audit/chain.ts';
import { readAuditChain } from '../src/audit/store.ts';
import { openForCli, runCli } from './cli.ts';

runCli(async () => {
  const { database } = await openForCli('verify:audit');
  const links: ChainLink[] = [];
  try {
    for await (const link of readAuditChain(database.db)) links.push(link);
  } finally {
    await database.close();
  }
  const problem = checkChain(links);
  if (problem) {
    process.stderr.write(`minsheng: the audit chain is BROKEN at entry ${problem.id} (${problem.kind}): expected ${problem.expected}, found ${problem.found}\n`);
    process.stderr.write(`${links.length} entries read; entries from ${problem.id} on cannot be trusted. Report this at once.\n`);
    process.exit(1);
  }
  process.stdout.write(`audit chain OK: ${links.length} entries, head ${links.at(-1)?.hash ?? '(empty log)'}\n`);
});
