// node --import tsx scripts/make-record-v2-example.ts [--check]
// Writes docs/examples/record-v2-example.json, the worked example of docs/record-format-v2.md, from a
// public seed (src/domain/record/fixture-v2.ts): the same bytes every time. Its signing key is a TEST
// key derived from that seed. With --check, compares instead of writing (exit 1 when they differ).
import { readFileSync, writeFileSync } from 'node:fs';
import { exampleRecordV2Json } from '../src/domain/record/fixture-v2.ts';

const path = new URL('../docs/examples/record-v2-example.json', import.meta.url);
const json = exampleRecordV2Json();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch { /* missing: differs */ }
  if (current !== json) {
    process.stderr.write('docs/examples/record-v2-example.json differs from what scripts/make-record-v2-example.ts makes\n');
    process.exit(1);
  }
  process.stdout.write('docs/examples/record-v2-example.json is up to date\n');
} else {
  writeFileSync(path, json);
  process.stdout.write(`wrote docs/examples/record-v2-example.json (${json.length} characters)\n`);
}
