import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { TRACKER_PATTERN } from './format.ts';
import { contextIdFor, encryptedTracker, isContextIdOf, type ElectionRecordV2 } from './format-v2.ts';

const example = JSON.parse(readFileSync(new URL('../../../docs/examples/record-v2-example.json', import.meta.url), 'utf8')) as ElectionRecordV2;

/** The tracker as docs/record-format-v2.md states it, written independently: Node's SHA-256, base32 from a bit string. */
function trackerBySpec(contextId: string, nonce: string, ciphertexts: unknown): string {
  const h = createHash('sha256').update(Buffer.concat([
    Buffer.from('minsheng/tracker/v2'), Buffer.from([0]), Buffer.from(contextId), Buffer.from([0]), Buffer.from(nonce), Buffer.from([0]), Buffer.from(canonicalize(ciphertexts)!),
  ])).digest();
  const bits = [...h.subarray(0, 10)].map((b) => b.toString(2).padStart(8, '0')).join('');
  const symbols = Array.from({ length: 16 }, (_, j) => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[parseInt(bits.slice(5 * j, 5 * j + 5), 2)]).join('');
  return symbols.match(/.{4}/g)!.join('-');
}

describe('format 2: trackers and context ids', () => {
  it('computes every tracker of the example exactly as the specification says', () => {
    for (const b of [...example.ballots, ...example.spoiled]) {
      expect(encryptedTracker(example.crypto.contextId, b.nonce, b.ciphertexts)).toBe(b.tracker);
      expect(trackerBySpec(example.crypto.contextId, b.nonce, b.ciphertexts)).toBe(b.tracker);
      expect(b.tracker).toMatch(TRACKER_PATTERN);
    }
    expect(example.ballots[0]!.tracker).toBe('HK7Q-Z9RV-MAGM-JHFN');
  });

  it('gives another tracker for another nonce, context or ciphertext', () => {
    const b = example.ballots[0]!;
    const t = encryptedTracker(example.crypto.contextId, b.nonce, b.ciphertexts);
    expect(encryptedTracker(example.crypto.contextId, 'f'.repeat(32), b.ciphertexts)).not.toBe(t);
    expect(encryptedTracker(contextIdFor('42', '0'.repeat(32)), b.nonce, b.ciphertexts)).not.toBe(t);
    expect(encryptedTracker(example.crypto.contextId, b.nonce, example.ballots[1]!.ciphertexts)).not.toBe(t);
  });

  it('binds a context id to its election', () => {
    expect(isContextIdOf(example.crypto.contextId, '42')).toBe(true);
    expect(isContextIdOf(example.crypto.contextId, '4')).toBe(false);
    expect(isContextIdOf('minsheng/election/42/ABC', '42')).toBe(false);
    expect(() => contextIdFor('42', 'xyz')).toThrow(RangeError);
  });
});
