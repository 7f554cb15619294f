// npm run verify -- <record.json | https://…/elections/ID/record.json> [--key <fingerprint | PEM file | base64 DER>]
// Recounts a published election record (docs/record-format.md, version 1; docs/record-format-v2.md, version 2:
// encrypted ballots) and checks its digest, certifications and signature without trusting the server
// that published it. Exit 0: verified; 1: it does not verify; 2: usage or I/O.
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CheckerFactory } from '../src/domain/crypto/checker.ts';
import { sodiumChecker } from '../src/domain/crypto/sodium-checker.ts';
import type { ElectionRecord } from '../src/domain/record/format.ts';
import { RECORD_FORMAT_V2, type ElectionRecordV2 } from '../src/domain/record/format-v2.ts';
import { verifyRecord } from '../src/domain/record/verify.ts';
import { AsciiJsonDecoder } from '../src/domain/record/ascii-json.ts';

/**
 * How encrypted ballots (version 2) are checked: libsodium's ristretto255 (sodium-checker.ts), which
 * answers exactly as the noble reference (src/domain/crypto/checker.ts) and is several times faster.
 */
const checker: CheckerFactory = await sodiumChecker();

function usage(message: string): never {
  process.stderr.write(`minsheng verify: ${message}\nusage: npm run verify -- <record.json | URL> [--key <fingerprint | PEM file | base64 DER key>]\n`);
  process.exit(2);
}

/**
 * Reads the record chunk by chunk into ASCII-only text (AsciiJsonDecoder) and parses it: the bytes
 * are never held whole and the text takes one byte a character, so a 3,000-ballot record is
 * verified in less than 512 MB (BENCHMARKS.md).
 */
async function load(source: string): Promise<unknown> {
  const decoder = new AsciiJsonDecoder();
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source, { signal: AbortSignal.timeout(30_000) }).catch((e: Error) => usage(`cannot fetch ${source}: ${e.message}`));
    if (!res.ok) usage(`${source} answered ${res.status}`);
    try {
      for await (const chunk of res.body ?? []) decoder.push(chunk);
    } catch (e) {
      usage(`cannot fetch ${source}: ${(e as Error).message}`);
    }
  } else {
    if (!existsSync(source)) usage(`no such file: ${source}`);
    let fd: number;
    try {
      fd = openSync(source, 'r');
    } catch (e) {
      return usage(`cannot read ${source}: ${(e as Error).message}`);
    }
    const chunk = Buffer.allocUnsafe(1 << 20);
    try {
      for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0;) decoder.push(chunk.subarray(0, n));
    } catch (e) {
      usage(`cannot read ${source}: ${(e as Error).message}`);
    } finally {
      closeSync(fd);
    }
  }
  try {
    return JSON.parse(decoder.end());
  } catch (e) {
    return usage(`${source} is not JSON: ${(e as Error).message}`);
  }
}

/** What a version-2 verification checked, beyond what version 1 prints. */
function encryptedLines(r: ElectionRecordV2): string[] {
  const c = r.crypto;
  const n = c.trustees.length;
  const decrypting = r.decryption.partials.map((p) => `${c.trustees[p.trustee - 1]?.name} (${p.trustee})`);
  const invalid = Object.entries(r.paper.invalid).map(([reason, count]) => `${reason} ${count}`).join(', ');
  return [
    `encrypted ballots (${c.group}), context ${c.contextId}`,
    `trustees: ${c.trustees.map((t) => `${t.name} (${t.index})`).join(', ')}; ${c.threshold} of ${n} needed to decrypt; dealings, public shares, election key and possession proofs checked`,
    `electronic ballots ${r.ballots.length}: every tracker and proof checked, no ballot twice; aggregate recomputed`,
    `spoiled (checked by their voters, not counted) ${r.spoiled.length}: each opened to its marks`,
    `decrypted by ${decrypting.join(', ')}: every share's proof checked, the totals combined from ${c.threshold} of them`,
    `paper (totals keyed by clerks): valid ${r.paper.valid}; invalid ${invalid}`,
    `audit chain head at the seal: ${r.audit.head} (length ${r.audit.length}; npm run verify:audit ties it to the log)`,
  ];
}

function summary(r: ElectionRecord | ElectionRecordV2, fingerprint: string | undefined): string {
  const e = r.election;
  const res = r.result;
  const v2 = r.format === RECORD_FORMAT_V2;
  const lines = [
    `${e.meeting.title} (${e.meeting.year})`,
    `${e.title}  [${e.kind}${e.runoffOf ? ` of ${e.runoffOf}` : ''}; ${e.rules.marking}${e.rules.seats ? `; ${e.rules.seats} seats` : ''}; pass base ${e.rules.passBase}]`,
    `opened ${e.openedAt}, closed ${e.closedAt}`,
    `应到 eligible ${r.roll.eligible}, 实到 present ${r.roll.present} (${res.quorum ? '符合法定人数 quorum met' : 'NO QUORUM'}); electronic ${r.roll.electronic}, paper issued ${r.roll.paperIssued}, returned ${r.roll.paperReturned}`,
    ...(v2 ? encryptedLines(r) : []),
    `ballots ${v2 ? r.ballots.length + r.roll.paperReturned : r.ballots.length}: valid ${res.valid}, invalid ${res.invalid}`,
    '',
  ];
  const letters = Object.keys(res.options[0]?.counts ?? {});
  lines.push(['option', ...letters, e.kind === 'satisfaction' ? 'rating' : 'passed  rank  selected', 'title'].join('\t'));
  e.options.forEach((o, i) => {
    const x = res.options[i]!;
    const tail = e.kind === 'satisfaction' ? String(x.rating) : `${x.passed ? 'yes' : 'no'}\t${x.rank ?? '-'}\t${x.selected ? 'SELECTED' : ''}`;
    lines.push([o.id, ...letters.map((l) => String(x.counts[l])), tail, o.title].join('\t'));
  });
  if (res.tie) lines.push('', `TIE across the cut-off: ${res.tie.options.join(', ')} for ${res.tie.seats} seat(s): a runoff decides`);
  if (res.shortfall) lines.push('', `shortfall: ${res.shortfall} seat(s) unfilled (fewer options passed than seats)`);
  lines.push('', `digest ${r.digest}`);
  for (const c of r.certifications) lines.push(`certified by ${c.name} (${c.role}) at ${c.at}`);
  if (fingerprint) lines.push(`signing key fingerprint (SHA-256 of DER): ${fingerprint}`);
  return lines.join('\n');
}

const { values, positionals } = (() => {
  try {
    return parseArgs({ options: { key: { type: 'string' } }, allowPositionals: true });
  } catch (e) {
    return usage((e as Error).message);
  }
})();
if (positionals.length !== 1) usage('give exactly one record file or URL');
let key = values.key;
if (key !== undefined && existsSync(key)) key = readFileSync(key, 'utf8');

const record = await load(positionals[0]!);
let result;
try {
  result = verifyRecord(record, { key, checker });
} catch (e) {
  // The verifier reports every problem it knows as a problem; anything else still means: not verified.
  process.stderr.write(`FAIL the record cannot be read: ${(e as Error).message}\n\nthe record does NOT verify\n`);
  process.exit(1);
}
for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
if (!result.ok) {
  for (const p of result.problems) process.stderr.write(`FAIL [${p.code}] ${p.message}\n`);
  process.stderr.write(`\nthe record does NOT verify (${result.problems.length} problem(s))\n`);
  process.exit(1);
}
process.stdout.write(summary(record as ElectionRecord | ElectionRecordV2, result.fingerprint) + '\n\nOK: the recount matches, the digest, certifications and signature verify.\n');
