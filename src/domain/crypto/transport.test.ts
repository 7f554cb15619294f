import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { base32Groups, electionKeyFingerprint, exchangeKeysFingerprint, FINGERPRINT_PATTERN } from './fingerprint.ts';
import { G, Point, encodePoint, mulSecret, randomScalar } from './group.ts';
import { seededRng } from './test-fixtures.ts';
import {
  envelopeFromJson, envelopeToJson, exchangeKeyFromJson, exchangeKeyToJson, makeExchangeKey, openShare, openWithDh, sealShare,
  verifyEnvelopeSignature, verifyExchangeKey,
} from './transport.ts';

const rng = seededRng('transport');
const contextId = 'minsheng/election/5/ffeeddccbbaa99887766554433221100';

describe('exchange keys', () => {
  it('prove knowledge of the secret for their trustee and ceremony only', () => {
    const { secret, published } = makeExchangeKey(contextId, 2, rng);
    expect(published.key.equals(mulSecret(G, secret))).toBe(true);
    const wire = exchangeKeyFromJson(JSON.parse(JSON.stringify(exchangeKeyToJson(published))));
    expect(verifyExchangeKey(contextId, wire)).toBe(true);
    expect(verifyExchangeKey(contextId, { ...wire, trustee: 3 })).toBe(false);
    expect(verifyExchangeKey('minsheng/election/5/' + '0'.repeat(32), wire)).toBe(false);
    expect(() => exchangeKeyFromJson({ ...exchangeKeyToJson(published), key: encodePoint(Point.ZERO) })).toThrow(/identity/);
  });
});

describe('share envelopes', () => {
  const dealer = makeExchangeKey(contextId, 1, rng);
  const recipient = makeExchangeKey(contextId, 3, rng);
  const share = randomScalar(rng);

  it('open for the recipient only, and carry the dealer\'s signature', async () => {
    const e = envelopeFromJson(JSON.parse(JSON.stringify(envelopeToJson(await sealShare(contextId, 1, dealer.secret, 3, recipient.published.key, share, rng)))));
    expect(envelopeToJson(e)).toMatchObject({ dealer: 1, recipient: 3 });
    expect(envelopeToJson(e).ciphertext).toMatch(/^[0-9a-f]{96}$/);
    expect(await openShare(contextId, e, recipient.secret)).toEqual({ ok: true, share });
    expect(await openShare(contextId, e, dealer.secret)).toEqual({ ok: false, why: 'decrypt' });
    expect(verifyEnvelopeSignature(contextId, e, dealer.published.key)).toBe(true);
    expect(verifyEnvelopeSignature(contextId, e, recipient.published.key)).toBe(false);
  });

  it('bind the context, the dealer and the recipient (AAD and key derivation)', async () => {
    const e = await sealShare(contextId, 1, dealer.secret, 3, recipient.published.key, share, rng);
    const dh = mulSecret(e.ephemeral, recipient.secret);
    expect(await openWithDh(contextId, e, recipient.published.key, dh)).toEqual({ ok: true, share });
    expect(await openWithDh(contextId, { ...e, recipient: 2 }, recipient.published.key, dh)).toEqual({ ok: false, why: 'decrypt' });
    expect(await openWithDh(contextId, { ...e, dealer: 2 }, recipient.published.key, dh)).toEqual({ ok: false, why: 'decrypt' });
    expect(await openWithDh('minsheng/election/6/ffeeddccbbaa99887766554433221100', e, recipient.published.key, dh)).toEqual({ ok: false, why: 'decrypt' });
    expect(verifyEnvelopeSignature(contextId, { ...e, recipient: 2 }, dealer.published.key)).toBe(false);
  });

  it('refuse malformed wire forms', async () => {
    const j = envelopeToJson(await sealShare(contextId, 1, dealer.secret, 3, recipient.published.key, share, rng));
    expect(() => envelopeFromJson({ ...j, iv: j.iv.toUpperCase() })).toThrow(RangeError);
    expect(() => envelopeFromJson({ ...j, ciphertext: j.ciphertext.slice(2) })).toThrow(RangeError);
    expect(() => envelopeFromJson({ ...j, dealer: 0 })).toThrow(RangeError);
    expect(() => envelopeFromJson({ ...j, ephemeral: '00'.repeat(32) })).toThrow(/identity/);
  });
});

describe('fingerprints', () => {
  const y = mulSecret(G, randomScalar(rng));

  it('are 80 bits of SHA-256 over the domain, the context id and the key, as 16 Crockford symbols', () => {
    expect(base32Groups(new Uint8Array(10))).toBe('0000-0000-0000-0000');
    expect(base32Groups(new Uint8Array(10).fill(0xff))).toBe('ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    // 0x08 0x42 … : 00001 00001 00001 0…: each symbol is 5 bits, most significant first.
    expect(base32Groups(new Uint8Array([0x08, 0x42, 0x10, 0x84, 0x21, 0x08, 0x42, 0x10, 0x84, 0x21]))).toBe('1111-1111-1111-1111');
    const expected = base32Groups(sha256(concatBytes(utf8ToBytes('minsheng/election-key/v1'), new Uint8Array([0]), utf8ToBytes(contextId), new Uint8Array([0]), utf8ToBytes(encodePoint(y)))));
    expect(electionKeyFingerprint(contextId, y)).toBe(expected);
    expect(expected).toMatch(FINGERPRINT_PATTERN);
    expect(electionKeyFingerprint('minsheng/election/5/' + '1'.repeat(32), y)).not.toBe(expected);
    expect(electionKeyFingerprint(contextId, y.add(G))).not.toBe(expected);
  });

  it('of the exchange keys depend on every key and their order', () => {
    const keys = [1, 2, 3].map(() => mulSecret(G, randomScalar(rng)));
    const f = exchangeKeysFingerprint(contextId, keys);
    expect(exchangeKeysFingerprint(contextId, [keys[1]!, keys[0]!, keys[2]!])).not.toBe(f);
    expect(exchangeKeysFingerprint(contextId, [keys[0]!, keys[1]!, G])).not.toBe(f);
    expect(exchangeKeysFingerprint(contextId, keys)).toBe(f);
  });
});
