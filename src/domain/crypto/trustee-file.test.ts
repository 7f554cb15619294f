import { describe, expect, it } from 'vitest';
import { encodePoint, G, mulSecret, randomScalar } from './group.ts';
import { seededRng } from './test-fixtures.ts';
import {
  checkPassphrase, openTrusteeFile, parseTrusteeFile, sealTrusteeFile, TrusteeFileError, TRUSTEE_FILE_FORMAT, type TrusteeFile,
} from './trustee-file.ts';

const rng = seededRng('trustee-file');
const contextId = 'minsheng/election/12/00112233445566778899aabbccddeeff';
const passphrase = '春眠不觉晓，处处闻啼鸟。夜来风雨声';
const x = randomScalar(rng);
const header = { contextId, electionId: '12', index: 2, publicShare: encodePoint(mulSecret(G, x)), publicKey: encodePoint(mulSecret(G, randomScalar(rng))) };

describe('passphrase rules', () => {
  it('asks for at least 12 characters, at least 5 of them different, counting characters not bytes', () => {
    expect(checkPassphrase('short')).toBe('too-short');
    expect(checkPassphrase('aaaaaaaaaaaaaaaa')).toBe('too-few-distinct');
    expect(checkPassphrase('abababababab')).toBe('too-few-distinct');
    expect(checkPassphrase('春眠不觉晓处处闻啼鸟夜')).toBe('too-short'); // 11 characters, 33 bytes
    expect(checkPassphrase('春眠不觉晓处处闻啼鸟夜来')).toBe(true);
    expect(checkPassphrase('correct horse battery')).toBe(true);
  });
});

describe('the trustee file', () => {
  it('has the documented form and opens with its passphrase only', async () => {
    const file = await sealTrusteeFile(header, { secretShare: x }, passphrase, rng);
    expect(Object.keys(file).sort()).toEqual(['cipher', 'ciphertext', 'contextId', 'electionId', 'format', 'index', 'kdf', 'publicKey', 'publicShare']);
    expect(file).toMatchObject({ format: TRUSTEE_FILE_FORMAT, ...header, kdf: { alg: 'PBKDF2-SHA256', iterations: 600000 }, cipher: { alg: 'AES-256-GCM' } });
    expect(file.kdf.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(file.cipher.iv).toMatch(/^[0-9a-f]{24}$/);
    expect(JSON.stringify(file)).not.toContain(x.toString(16));
    const opened = await openTrusteeFile(JSON.stringify(file), passphrase);
    expect(opened).toEqual({ header, content: { secretShare: x } });
    await expect(openTrusteeFile(file, `${passphrase}!`)).rejects.toMatchObject({ code: 'passphrase', message: 'wrong passphrase, or the file was altered' });
    // The passphrase is read in Unicode NFC: a decomposed é opens a file sealed with the composed one.
    const composed = await sealTrusteeFile(header, { secretShare: x }, 'café au lait, s\u00e9ance', rng);
    expect((await openTrusteeFile(composed, 'café au lait, se\u0301ance')).content.secretShare).toBe(x);
  });

  it('binds its public header: changing the index, the key or the iteration count is noticed', async () => {
    const file = await sealTrusteeFile(header, { secretShare: x }, passphrase, rng);
    const otherKey = encodePoint(mulSecret(G, randomScalar(rng)));
    await expect(openTrusteeFile({ ...file, index: 3 }, passphrase)).rejects.toMatchObject({ code: 'passphrase' });
    await expect(openTrusteeFile({ ...file, publicKey: otherKey }, passphrase)).rejects.toMatchObject({ code: 'passphrase' });
    await expect(openTrusteeFile({ ...file, kdf: { ...file.kdf, iterations: 1000 } }, passphrase)).rejects.toMatchObject({ code: 'format' });
    const flipped = file.ciphertext.slice(0, -1) + (file.ciphertext.endsWith('0') ? '1' : '0');
    await expect(openTrusteeFile({ ...file, ciphertext: flipped }, passphrase)).rejects.toMatchObject({ code: 'passphrase' });
  });

  it('keeps the exchange secret while the ceremony runs, before any key share exists', async () => {
    const e = randomScalar(rng);
    const during = await sealTrusteeFile({ contextId, electionId: '12', index: 2 }, { exchangeSecret: e }, passphrase, rng);
    expect('publicShare' in during || 'publicKey' in during).toBe(false);
    expect(await openTrusteeFile(during, passphrase)).toEqual({ header: { contextId, electionId: '12', index: 2 }, content: { exchangeSecret: e } });
  });

  it('refuses to seal inconsistent content or with a weak passphrase', async () => {
    await expect(sealTrusteeFile(header, { secretShare: x + 1n }, passphrase, rng)).rejects.toMatchObject({ code: 'inconsistent' });
    await expect(sealTrusteeFile(header, {}, passphrase, rng)).rejects.toMatchObject({ code: 'inconsistent' });
    await expect(sealTrusteeFile({ contextId, electionId: '12', index: 2 }, { secretShare: x }, passphrase, rng)).rejects.toMatchObject({ code: 'inconsistent' });
    await expect(sealTrusteeFile({ ...header, electionId: '13' }, { secretShare: x }, passphrase, rng)).rejects.toMatchObject({ code: 'format' });
    await expect(sealTrusteeFile(header, { secretShare: x }, 'password', rng)).rejects.toThrow(/too-short/);
  });

  it('says clearly when something is not a trustee file', () => {
    expect(() => parseTrusteeFile('{')).toThrow(TrusteeFileError);
    expect(() => parseTrusteeFile({ format: 'minsheng-election-record/2' })).toThrow(/not a minsheng-trustee-file\/1 file/);
    const valid: TrusteeFile = {
      format: TRUSTEE_FILE_FORMAT, ...header, kdf: { alg: 'PBKDF2-SHA256', iterations: 600000, salt: '00'.repeat(16) },
      cipher: { alg: 'AES-256-GCM', iv: '00'.repeat(12) }, ciphertext: '00'.repeat(40),
    };
    expect(parseTrusteeFile(JSON.stringify(valid))).toEqual(valid);
    expect(() => parseTrusteeFile({ ...valid, secretShare: 'oops' })).toThrow(/unknown member secretShare/);
    expect(() => parseTrusteeFile({ ...valid, publicShare: 'zz' })).toThrow(/not a point/);
    expect(() => parseTrusteeFile({ ...valid, cipher: { alg: 'AES-128-GCM', iv: valid.cipher.iv } })).toThrow(/AES-256-GCM/);
  });
});
