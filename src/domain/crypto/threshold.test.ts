import { describe, expect, it } from 'vitest';
import { discreteLog, encrypt } from './elgamal.ts';
import { G, mod, mulSecret, randomScalar } from './group.ts';
import { proveDecryption, verifyDecryption } from './proofs.ts';
import { seededRng } from './test-fixtures.ts';
import {
  combinePartials, combineRaw, deal, jointPublicKey, lagrangeAtZero, publicShare, receiveShares, type Dealing,
} from './threshold.ts';

const rng = seededRng('threshold');
const CONTEXT = 'election-7';

/** Runs an honest k-of-n ceremony; returns the dealings, everyone's private shares and key shares. */
function ceremony(k: number, n: number) {
  const dealt = Array.from({ length: n }, (_, i) => deal(CONTEXT, i + 1, k, n, rng));
  const dealings = dealt.map((d) => d.dealing);
  const keyShares = Array.from({ length: n }, (_, i) => {
    const mine = new Map(dealt.map((d) => [d.dealing.dealer, d.shares[i]!]));
    const r = receiveShares(CONTEXT, k, n, i + 1, dealings, mine);
    if (!r.ok) throw new Error(r.reason);
    return r.secretShare;
  });
  return { dealt, dealings, keyShares };
}

function subsets<T>(xs: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  if (xs.length < size) return [];
  const [head, ...rest] = xs;
  return [...subsets(rest, size - 1).map((s) => [head!, ...s]), ...subsets(rest, size)];
}

describe('threshold keys (Feldman DKG, k of n)', () => {
  const k = 3;
  const n = 5;
  const { dealt, dealings, keyShares } = ceremony(k, n);
  const y = jointPublicKey(dealings);
  const ctx = { publicKey: y, contextId: CONTEXT };

  it('gives every trustee a share whose public share anyone can compute, of a key nobody holds whole', () => {
    keyShares.forEach((x, i) => expect(mulSecret(G, x).equals(publicShare(dealings, i + 1))).toBe(true));
    // The interpolated secret (which no one computes in practice) is behind the joint key.
    const idx = [1, 2, 3];
    const x = mod(idx.reduce((acc, i) => acc + lagrangeAtZero(i, idx) * keyShares[i - 1]!, 0n));
    expect(mulSecret(G, x).equals(y)).toBe(true);
  });

  it('decrypts a homomorphic total the same way with any k trustees, each proving its partial', () => {
    const total = encrypt(y, 1234, randomScalar(rng));
    const partials = keyShares.map((x, i) => {
      const { d, proof } = proveDecryption(ctx, 'total', total, x, rng);
      expect(verifyDecryption(ctx, 'total', total, publicShare(dealings, i + 1), d, proof)).toBe(true);
      return { index: i + 1, d };
    });
    for (const group of subsets(partials, k)) expect(discreteLog(combinePartials(total, group, k), 2000)).toBe(1234);
    expect(discreteLog(combinePartials(total, partials, k), 2000)).toBe(1234);
  });

  it('cannot decrypt with k − 1 trustees', () => {
    const total = encrypt(y, 17, randomScalar(rng));
    const partials = keyShares.map((x, i) => ({ index: i + 1, d: mulSecret(total.a, x) }));
    for (const group of subsets(partials, k - 1)) {
      expect(() => combinePartials(total, group, k)).toThrow(RangeError);
      // Interpolating what k − 1 have gives a point unrelated to the message.
      expect(discreteLog(total.b.subtract(combineRaw(group)), 2000)).toBeUndefined();
    }
  });

  it('rejects a partial decryption made with the wrong share', () => {
    const total = encrypt(y, 3, randomScalar(rng));
    const { d, proof } = proveDecryption(ctx, 'total', total, keyShares[0]! + 1n, rng);
    expect(verifyDecryption(ctx, 'total', total, publicShare(dealings, 1), d, proof)).toBe(false);
  });

  it('stops on a bad share and names its dealer', () => {
    const recipient = 4;
    const mine = new Map(dealt.map((d) => [d.dealing.dealer, d.shares[recipient - 1]!]));
    mine.set(2, mod(mine.get(2)! + 1n));
    const r = receiveShares(CONTEXT, k, n, recipient, dealings, mine);
    expect(r).toMatchObject({ ok: false, dealer: 2 });
    // Another dealer's valid share for someone else is just as bad.
    const swapped = new Map(dealt.map((d) => [d.dealing.dealer, d.shares[recipient - 1]!]));
    swapped.set(5, dealt[4]!.shares[0]!);
    expect(receiveShares(CONTEXT, k, n, recipient, dealings, swapped)).toMatchObject({ ok: false, dealer: 5 });
  });

  it('stops on a bad or missing dealing and names its dealer', () => {
    const mine = new Map(dealt.map((d) => [d.dealing.dealer, d.shares[0]!]));
    const forged: Dealing = { ...dealings[2]!, commitments: [mulSecret(G, 99n), ...dealings[2]!.commitments.slice(1)] };
    expect(receiveShares(CONTEXT, k, n, 1, dealings.map((d) => (d.dealer === 3 ? forged : d)), mine)).toMatchObject({ ok: false, dealer: 3 });
    const short: Dealing = { ...dealings[1]!, commitments: dealings[1]!.commitments.slice(0, k - 1) };
    expect(receiveShares(CONTEXT, k, n, 1, dealings.map((d) => (d.dealer === 2 ? short : d)), mine)).toMatchObject({ ok: false, dealer: 2 });
    expect(receiveShares(CONTEXT, k, n, 1, dealings.filter((d) => d.dealer !== 5), mine)).toMatchObject({ ok: false, dealer: 5 });
    expect(receiveShares('election-8', k, n, 1, dealings, mine)).toMatchObject({ ok: false, dealer: 1 });
    const noShare = new Map(mine);
    noShare.delete(4);
    expect(receiveShares(CONTEXT, k, n, 1, dealings, noShare)).toMatchObject({ ok: false, dealer: 4 });
  });
});
