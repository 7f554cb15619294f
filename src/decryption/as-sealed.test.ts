import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FINGERPRINT_PATTERN } from '../domain/crypto/fingerprint.ts';
import { aggregateDigest, checkAsSealed, digestWords } from './as-sealed.ts';

const aggregate = [[{ a: '01'.repeat(32), b: '02'.repeat(32) }], [{ a: '03'.repeat(32), b: '04'.repeat(32) }]];
const text = canonicalize(aggregate)!;
const words = digestWords(aggregateDigest(text))!;

describe('the aggregate as the seal fixed it', () => {
  it('digests as Node does, and reads as seven groups of four', () => {
    expect(aggregateDigest(text)).toBe(`sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`);
    expect(words).toMatch(FINGERPRINT_PATTERN);
    expect(digestWords(aggregateDigest(`${text} `))).not.toBe(words);
    expect(digestWords('sha256:xyz')).toBeUndefined();
    expect(digestWords(`md5:${'0'.repeat(64)}`)).toBeUndefined();
  });

  it("the browser's check: the roll's count of ballots and the page's digest", () => {
    const ballots = [{}, {}, {}];
    expect(checkAsSealed({ ballots, aggregateText: text }, { electronic: 3, words })).toBeNull();
    // One ballot sent where the roll has three (the server would have it decrypted alone).
    expect(checkAsSealed({ ballots: [{}], aggregateText: text }, { electronic: 3, words })).toBe('count');
    expect(checkAsSealed({ ballots, aggregateText: text }, { electronic: Number.NaN, words })).toBe('count');
    // Another aggregate than the one whose digest the page shows.
    const other = canonicalize([[{ a: '05'.repeat(32), b: '02'.repeat(32) }], [{ a: '03'.repeat(32), b: '04'.repeat(32) }]])!;
    expect(checkAsSealed({ ballots, aggregateText: other }, { electronic: 3, words })).toBe('digest');
    expect(checkAsSealed({ ballots, aggregateText: text }, { electronic: 3, words: '' })).toBe('digest');
  });
});
