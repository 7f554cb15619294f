import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalSha256, recordBody, recordDigest } from './digest.ts';

const whole = (value: unknown) => createHash('sha256').update(canonicalize(value)!, 'utf8').digest('hex');

describe('canonicalSha256: the canonical JSON hashed in pieces', () => {
  it('hashes the same bytes as canonicalize does at once, for any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue({ stringUnit: 'binary' }), (v) => { expect(canonicalSha256(v)).toBe(whole(v)); }), { numRuns: 200 });
  });

  it('leaves out members without a JSON form and writes them as null in arrays, sorts keys by UTF-16 code units, as canonicalize', () => {
    const odd = {
      b: [1, undefined, () => 1, Symbol('x'), { z: undefined, y: -0, x: 1e21, 'é': '😀', '\u{10000}': 'astral', '\uffff': 'bmp' }],
      a: undefined, c: () => 1, d: new Date('2026-01-01T00:00:00Z'), e: { toJSON: () => ({ q: [1, 2] }) }, f: Object.assign(Object.create(null), { k: 'v' }),
    };
    expect(canonicalSha256(odd)).toBe(whole(odd));
    expect(canonicalSha256([[[['deep', { a: [1, { b: 2 }] }]]]])).toBe(whole([[[['deep', { a: [1, { b: 2 }] }]]]]));
    expect(() => canonicalSha256({ a: [Number.NaN] })).toThrow();
    expect(() => canonicalSha256({ a: '\ud800' })).toThrow();
  });

  it('gives the digests of the published example records', () => {
    for (const path of ['../../../tests/fixtures/record-example.json', '../../../docs/examples/record-v2-example.json']) {
      const record = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as Record<string, unknown>;
      const body = recordBody(record);
      expect(recordDigest(body)).toBe(record.digest);
      expect(recordDigest(body)).toBe(`sha256:${whole(body)}`);
    }
  });
});
