import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ElectionRecordV2 } from '../src/domain/record/format-v2.ts';
import { runTs } from './support/server-process.ts';

// The fingerprint of the example's TEST signing key (src/domain/record/fixture-v2.ts), as docs/record-format-v2.md prints it.
const EXAMPLE = 'docs/examples/record-v2-example.json';
const FINGERPRINT = '34a8544d1542598caaccf112af5e87d4c22bad739b0ba44885d1ee2225083f8a';

describe('npm run verify on a version-2 (encrypted) record', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-verify-v2-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies the example and says what it checked', async () => {
    const ok = await runTs('scripts/verify.ts', {}, [EXAMPLE, '--key', FINGERPRINT], 180_000);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('trustees: 监票人甲 (1), 监票人乙 (2), 监票人丙 (3); 2 of 3 needed to decrypt');
    expect(ok.stdout).toContain('electronic ballots 6: every tracker and proof checked');
    expect(ok.stdout).toContain('spoiled (checked by their voters, not counted) 1');
    expect(ok.stdout).toContain('decrypted by 监票人甲 (1), 监票人丙 (3)');
    expect(ok.stdout).toContain('paper (totals keyed by clerks): valid 1; invalid too-many-for 0, unreadable 1, other 0');
    expect(ok.stdout).toMatch(/^c01\t6\t1\t0\tyes\t1\tSELECTED\t城乡供水一体化$/m);
    expect(ok.stdout).toContain('OK: the recount matches, the digest, certifications and signature verify.');
  });

  it('fails a tampered copy with one FAIL line per problem and exit code 1', async () => {
    const record = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as ElectionRecordV2;
    record.decryption.electronic[1]!.F! += 1;
    record.decryption.electronic[1]!.N! -= 1;
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(record));
    const bad = await runTs('scripts/verify.ts', {}, [join(dir, 'tampered.json'), '--key', FINGERPRINT], 180_000);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("FAIL [totals] decryption.electronic[c02].F is 5, but the trustees' shares decrypt to 4");
    expect(bad.stderr).toContain('FAIL [result] result.options[c02].counts.F: the record says 5, the recount gives 6');
    expect(bad.stderr).toContain('FAIL [digest]');
    expect(bad.stderr).toMatch(/the record does NOT verify \(\d+ problem\(s\)\)\n$/);
  });
});
