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

  it('are 140 bits of SHA-256 over the domain, the context id and the key, as 28 Crockford symbols in groups of four', () => {
    expect(base32Groups(new Uint8Array(18))).toBe('0000-0000-0000-0000-0000-0000-0000');
    expect(base32Groups(new Uint8Array(18).fill(0xff))).toBe('ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    // 0x08 0x42 0x10 0x84 0x21 repeated: 00001 00001 …: each symbol is 5 bits, most significant first.
    const ones = new Uint8Array(20).map((_, i) => [0x08, 0x42, 0x10, 0x84, 0x21][i % 5]!);
    expect(base32Groups(ones)).toBe('1111-1111-1111-1111-1111-1111-1111');
    // Symbol 28 takes bits 135 … 139: the first 4 bits of byte 17 and nothing after it.
    const last = new Uint8Array(18);
    last[16] = 0x01; // bits 135 … 139 start with the last bit of byte 16 …
    last[17] = 0xf0; // … and end with the first four of byte 17: 1 1111.
    expect(base32Groups(last)).toBe('0000-0000-0000-0000-0000-0000-000Z');
    expect(base32Groups(new Uint8Array([...last, 0xff, 0xff]))).toBe('0000-0000-0000-0000-0000-0000-000Z');
    // A tracker's layout is the same alphabet with 16 symbols.
    expect(base32Groups(ones, 16)).toBe('1111-1111-1111-1111');
    expect(() => base32Groups(new Uint8Array(17))).toThrow('need at least 18 bytes');
    expect(() => base32Groups(ones, 26)).toThrow(RangeError);
    const hash = sha256(concatBytes(utf8ToBytes('minsheng/election-key/v1'), new Uint8Array([0]), utf8ToBytes(contextId), new Uint8Array([0]), utf8ToBytes(encodePoint(y))));
    const expected = base32Groups(hash);
    expect(electionKeyFingerprint(contextId, y)).toBe(expected);
    expect(expected).toMatch(FINGERPRINT_PATTERN);
    expect(expected.replaceAll('-', '')).toHaveLength(28);
    // 140 bits: the hash's first 17 bytes and the top 4 bits of the 18th.
    const bits = [...hash.subarray(0, 18)].map((b) => b.toString(2).padStart(8, '0')).join('').slice(0, 140);
    expect(expected.replaceAll('-', '')).toBe(bits.match(/.{5}/g)!.map((b) => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[parseInt(b, 2)]).join(''));
    expect(electionKeyFingerprint('minsheng/election/5/' + '1'.repeat(32), y)).not.toBe(expected);
    expect(electionKeyFingerprint(contextId, y.add(G))).not.toBe(expected);
  });

  it('FINGERPRINT_PATTERN takes exactly seven groups of four Crockford symbols', () => {
    expect('7K3M-Q0ZP-W2RT-9B4X-MM4E-T0XA-1CJ8').toMatch(FINGERPRINT_PATTERN);
    for (const bad of ['7K3M-Q0ZP-W2RT-9B4X', '7K3M-Q0ZP-W2RT-9B4X-MM4E-T0XA', '7K3M-Q0ZP-W2RT-9B4X-MM4E-T0XA-1CJ8-0000', '7K3M-Q0ZP-W2RT-9B4X-MM4E-T0XA-1CJU',
      '7k3m-q0zp-w2rt-9b4x-mm4e-t0xa-1cj8', '7K3MQ0ZPW2RT9B4XMM4ET0XA1CJ8', '7K3M-Q0ZP-W2RT-9B4X-MM4E-T0XA-1CJ8\n']) {
      expect(bad).not.toMatch(FINGERPRINT_PATTERN);
    }
  });

  it('of the exchange keys depend on every key and their order', () => {
    const keys = [1, 2, 3].map(() => mulSecret(G, randomScalar(rng)));
    const f = exchangeKeysFingerprint(contextId, keys);
    expect(exchangeKeysFingerprint(contextId, [keys[1]!, keys[0]!, keys[2]!])).not.toBe(f);
    expect(exchangeKeysFingerprint(contextId, [keys[0]!, keys[1]!, G])).not.toBe(f);
    expect(exchangeKeysFingerprint(contextId, keys)).toBe(f);
  });
});
