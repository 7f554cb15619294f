import { describe, expect, it } from 'vitest';
import { ciphertextFromJson, ciphertextToJson, encrypt, keygen } from '../domain/crypto/elgamal.ts';
import { encodePoint, G, mulSecret } from '../domain/crypto/group.ts';
import { proveDecryption, simpleProofToJson } from '../domain/crypto/proofs.ts';
import { seededRng } from '../domain/crypto/test-fixtures.ts';
import { totalLabel } from '../domain/record/format-v2.ts';
import { checkPartialProofs, parsePartial } from './rules.ts';

const rng = seededRng('decryption-rules');
const { secret, public: y } = keygen(rng);
const CONTEXT = 'minsheng/election/7/00112233445566778899aabbccddeeff';
const LETTERS = ['F', 'A', 'N'];
// An aggregate of two options: a ciphertext of a small total in each cell.
const aggregate = [0, 1].map((o) => LETTERS.map((_, l) => ciphertextToJson(encrypt(y, o + l, 5n + BigInt(o * 3 + l)))));
const context = { publicKey: encodePoint(y), contextId: CONTEXT, publicShare: encodePoint(mulSecret(G, secret)), letters: LETTERS };
const partial = (share = secret) => ({
  trustee: 1,
  shares: aggregate.map((row, o) => row.map((ct, l) => {
    const { d, proof } = proveDecryption({ publicKey: y, contextId: CONTEXT }, totalLabel(o, LETTERS[l]!), ciphertextFromJson(ct), share, rng);
    return { d: encodePoint(d), proof: simpleProofToJson(proof) };
  })),
});

describe('a posted partial decryption', () => {
  it('parses exactly { trustee, shares[option][letter]: { d, proof: { c, s } } } of the posting trustee', () => {
    const good = partial();
    expect(parsePartial(JSON.stringify(good), { trustee: 1, options: 2, letters: 3 })).toEqual(good);
    const bad = (x: unknown) => parsePartial(typeof x === 'string' ? x : JSON.stringify(x), { trustee: 1, options: 2, letters: 3 });
    expect(bad('{')).toEqual({ problem: 'malformed' });
    expect(bad({ ...good, extra: 1 })).toEqual({ problem: 'malformed' });
    expect(bad({ ...good, shares: good.shares.slice(1) })).toEqual({ problem: 'malformed' });
    expect(bad({ ...good, shares: good.shares.map((row) => row.slice(1)) })).toEqual({ problem: 'malformed' });
    expect(bad({ ...good, trustee: '1' })).toEqual({ problem: 'malformed' });
    const upper = structuredClone(good);
    upper.shares[0]![0]!.d = upper.shares[0]![0]!.d.toUpperCase();
    expect(bad(upper)).toEqual({ problem: 'malformed' });
    expect(bad({ ...good, trustee: 2 })).toEqual({ problem: 'not-yours' });
    expect(bad('x'.repeat(60_001))).toEqual({ problem: 'too-large' });
  });

  it('holds when every share proves a^x_i for the public share; names the first share that does not', () => {
    expect(checkPartialProofs(partial(), context, aggregate)).toBe(true);
    // Another share (the proofs are then about another public share).
    expect(checkPartialProofs(partial(secret + 1n), context, aggregate)).toEqual({ option: 0, letter: 'F' });
    // One changed d, with its proof left as it was.
    const changed = partial();
    changed.shares[1]![2]!.d = partial().shares[0]![0]!.d;
    expect(checkPartialProofs(changed, context, aggregate)).toEqual({ option: 1, letter: 'N' });
    // A proof for another label (option 0's letter A given as letter F).
    const swapped = partial();
    swapped.shares[0]![0] = swapped.shares[0]![1]!;
    expect(checkPartialProofs(swapped, context, aggregate)).toEqual({ option: 0, letter: 'F' });
  });
});
