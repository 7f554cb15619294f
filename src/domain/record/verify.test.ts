import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tally } from '../tally.ts';
import { recordBody, recordDigest, signEd25519, signingPayload } from './digest.ts';
import type { ElectionRecord } from './format.ts';
import { verifyRecord } from './verify.ts';

import { existsSync } from 'node:fs';

// A byte-exact copy of shared/examples/record-example.json, checked against the original below
// whenever the project workspace is beside this checkout.
const EXAMPLE_PATH = new URL('../../../tests/fixtures/record-example.json', import.meta.url);
const SHARED_EXAMPLE = new URL('../../../../shared/examples/record-example.json', import.meta.url);
const example = (): ElectionRecord => JSON.parse(readFileSync(EXAMPLE_PATH, 'utf8')) as ElectionRecord;
const EXAMPLE_FINGERPRINT = '82b246773472f3781303930ca08702b6753c74784c727a730b907f64e8b3d428';
const codes = (r: ElectionRecord, key?: string) => [...new Set(verifyRecord(r, { key }).problems.map((p) => p.code))].sort();

/** Recomputes result, digest and certifications and signs with a key of one's own: a complete forgery. */
function forge(r: ElectionRecord): ElectionRecord {
  const e = r.election;
  r.result = tally({ kind: e.kind, rules: e.rules, optionIds: e.options.map((o) => o.id), present: r.roll.present, eligible: r.roll.eligible, ballots: r.ballots });
  r.digest = recordDigest(recordBody(r as unknown as Record<string, unknown>));
  r.certifications = r.certifications.map((c) => ({ ...c, digest: r.digest }));
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  r.signature = {
    alg: 'ed25519',
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    value: signEd25519(privateKey, signingPayload(r.certifications, r.digest)).toString('base64'),
  };
  return r;
}

describe('verifyRecord', () => {
  it.runIf(existsSync(SHARED_EXAMPLE))('uses an unchanged copy of the shared example record', () => {
    expect(readFileSync(EXAMPLE_PATH, 'utf8')).toBe(readFileSync(SHARED_EXAMPLE, 'utf8'));
  });

  it('accepts the example record made by another implementation, as it is', () => {
    const v = verifyRecord(example());
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.fingerprint).toBe(EXAMPLE_FINGERPRINT);
    expect(v.warnings.join()).toContain('no --key given');
  });

  it('accepts the expected key as a fingerprint, and refuses another key', () => {
    expect(verifyRecord(example(), { key: EXAMPLE_FINGERPRINT }).ok).toBe(true);
    expect(verifyRecord(example(), { key: example().signature.publicKey }).ok).toBe(true);
    const other = verifyRecord(example(), { key: 'a'.repeat(64) });
    expect(other.problems).toEqual([{ code: 'key', message: expect.stringContaining(`signed by key ${EXAMPLE_FINGERPRINT}`) }]);
  });

  it('detects a tampered ballot: the recount and the digest disagree', () => {
    const r = example();
    r.ballots[0]!.marks = 'AFFFFFNAFNNF';
    expect(codes(r)).toEqual(['digest', 'result']);
    expect(verifyRecord(r).problems.find((p) => p.code === 'result')!.message).toBe('result.options[c01].counts.F: the record says 20, the recount gives 19');
  });

  it('detects a dropped ballot', () => {
    const r = example();
    r.ballots.splice(3, 1);
    expect(codes(r)).toEqual(['digest', 'result', 'roll']);
    expect(verifyRecord(r).problems.find((p) => p.code === 'roll')!.message).toContain('but the record holds 20 ballots');
  });

  it('detects an added ballot', () => {
    const r = example();
    r.ballots.push({ tracker: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ', marks: 'FFFFFFFFFFNN' });
    expect(codes(r)).toEqual(['digest', 'result', 'roll']);
  });

  it('detects an edited count', () => {
    const r = example();
    r.result.options[6]!.counts.F = 13;
    expect(codes(r)).toEqual(['digest', 'result']);
  });

  it('detects an edited digest', () => {
    const r = example();
    r.digest = 'sha256:' + '0'.repeat(64);
    expect(codes(r)).toEqual(['certification', 'digest', 'signature']);
  });

  it('detects an edited certification', () => {
    const r = example();
    r.certifications[1]!.name = '冒名者';
    expect(codes(r)).toEqual(['signature']);
  });

  it('detects an edited signature', () => {
    const r = example();
    r.signature.value = Buffer.alloc(64, 7).toString('base64');
    expect(codes(r)).toEqual(['signature']);
  });

  it('a complete forgery verifies for integrity alone, and is refused once the expected key is given', () => {
    const r = example();
    r.ballots[0]!.marks = 'AAAAAAAAAAAA';
    forge(r);
    expect(codes(r)).toEqual([]);
    expect(codes(r, EXAMPLE_FINGERPRINT)).toEqual(['key']);
  });

  it('detects unsorted or malformed trackers and ballots that should have been invalid', () => {
    const r = example();
    [r.ballots[0], r.ballots[1]] = [r.ballots[1]!, r.ballots[0]!];
    expect(codes(r)).toContain('tracker');
    const s = example();
    delete s.ballots[8]!.invalid;
    expect(codes(s)).toContain('validity');
    const t = example();
    t.ballots[2]!.tracker = '2PJH-8T0V-5E4F-74GU';
    expect(codes(t)).toContain('tracker');
  });

  it('reports marks of the wrong length or letters, and refuses non-records', () => {
    const r = example();
    r.ballots[4]!.marks = 'FFX';
    expect(codes(r)).toContain('marks');
    expect(verifyRecord(null).ok).toBe(false);
    expect(verifyRecord({ format: 'other' }).problems[0]!.code).toBe('format');
  });
});

describe('verifyRecord on a malformed record', () => {
  it('reports a result entry that is not an object as a difference, never throwing', () => {
    const r = example();
    (r.result.options as unknown[])[0] = null;
    (r.result.options as unknown[])[1] = 'x';
    const v = verifyRecord(r);
    expect(v.ok).toBe(false);
    expect(v.problems.filter((p) => p.code === 'result').map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^result\.options\[[^\]]+\]\.id: the record says undefined/)]));
  });

  it('requires the meeting, the titles and the times that verifiers print', () => {
    for (const damage of [
      (r: ElectionRecord) => { delete (r.election as Partial<ElectionRecord['election']>).meeting; },
      (r: ElectionRecord) => { (r.election.meeting as { year: unknown }).year = '2024'; },
      (r: ElectionRecord) => { (r.election.options[0] as { title: unknown }).title = null; },
      (r: ElectionRecord) => { r.election.openedAt = 'yesterday'; },
    ]) {
      const r = example();
      damage(r);
      expect(codes(r)).toEqual(['structure']);
    }
  });
});
