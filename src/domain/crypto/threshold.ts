/**
 * k-of-n threshold keys without a dealer (Pedersen's DKG with Feldman-verifiable Shamir sharing):
 * every trustee d deals a random polynomial f_d of degree k−1, publishes Feldman commitments
 * C_{d,j} = g^{a_{d,j}} with a Schnorr proof of knowing a_{d,0}, and sends f_d(i) privately to each
 * trustee i (the transport, encrypted to the recipient's browser key, is the next part's). Each
 * recipient checks every share against its dealer's commitments, so a bad share names its dealer.
 * Trustee i's key share is x_i = Σ_d f_d(i); the election key is y = Π_d C_{d,0} = g^{Σ_d a_{d,0}};
 * nobody ever holds Σ_d a_{d,0}. Any k partial decryptions a^{x_i} combine by Lagrange interpolation
 * in the exponent to a^x; k−1 reveal nothing about it.
 *
 * Trustee indices are 1 … n (the polynomial's evaluation points; 0 is the secret).
 */
import type { Ciphertext } from './elgamal.ts';
import { G, Point, defaultRng, encodePoint, mod, mulPublic, mulSecret, randomScalar, type Rng } from './group.ts';
import { proveKnowledge, verifyKnowledge, type SimpleProof } from './proofs.ts';

/** What a dealer publishes: its index, k Feldman commitments and a proof of knowing the constant term. */
export interface Dealing {
  dealer: number;
  commitments: Point[];
  proof: SimpleProof;
}

/**
 * The Schnorr label of dealer d's constant-term proof: the RFC 8785 text of ["dealing", d, [C_0 … C_{k−1}]]
 * (points in their hex encoding), so that the proof covers every commitment and no relay can swap
 * C_1 … C_{k−1} and then blame the honest dealer for the shares that no longer match.
 */
export function dealingLabel(dealer: number, commitments: readonly Point[]): string {
  return JSON.stringify(['dealing', dealer, commitments.map(encodePoint)]);
}

function checkIndex(i: number, n: number, what: string): void {
  if (!Number.isSafeInteger(i) || i < 1 || i > n) throw new RangeError(`${what} must be an index 1 … ${n}`);
}

/** f(x) for coefficients a_0 … a_{k−1}, mod ℓ (Horner). */
function evaluate(coefficients: readonly bigint[], x: number): bigint {
  let acc = 0n;
  for (let j = coefficients.length - 1; j >= 0; j--) acc = mod(acc * BigInt(x) + coefficients[j]!);
  return acc;
}

/**
 * Trustee `dealer` deals for a k-of-n ceremony: the public dealing and the private shares, shares[i − 1]
 * being f(i) for trustee i (including the dealer's own).
 */
export function deal(contextId: string, dealer: number, k: number, n: number, rng: Rng = defaultRng): { dealing: Dealing; shares: bigint[] } {
  if (!Number.isSafeInteger(k) || !Number.isSafeInteger(n) || k < 2 || n < k) throw new RangeError('need 2 ≤ k ≤ n');
  checkIndex(dealer, n, 'dealer');
  const coefficients = Array.from({ length: k }, () => randomScalar(rng));
  const commitments = coefficients.map((a) => mulSecret(G, a));
  const dealing: Dealing = {
    dealer,
    commitments,
    proof: proveKnowledge(contextId, dealingLabel(dealer, commitments), coefficients[0]!, rng),
  };
  return { dealing, shares: Array.from({ length: n }, (_, i) => evaluate(coefficients, i + 1)) };
}

/** Π_j C_j^{i^j}: g^{f(i)} as the commitments say it must be. */
function committedAt(commitments: readonly Point[], i: number): Point {
  let acc = Point.ZERO;
  let power = 1n;
  for (const c of commitments) {
    acc = acc.add(mulPublic(c, power));
    power = mod(power * BigInt(i));
  }
  return acc;
}

/** Feldman's check: g^{share} = Π_j C_j^{i^j} for recipient i. */
export function verifyShare(dealing: Dealing, recipient: number, share: bigint): boolean {
  return mulSecret(G, share).equals(committedAt(dealing.commitments, recipient));
}

/** Checks a published dealing: k commitments and a valid proof of the constant term (covering all k). True or why not. */
export function verifyDealing(contextId: string, k: number, dealing: Dealing): true | string {
  if (dealing.commitments.length !== k) return `dealer ${dealing.dealer}: ${dealing.commitments.length} commitments for k = ${k}`;
  if (!verifyKnowledge(contextId, dealingLabel(dealing.dealer, dealing.commitments), dealing.commitments[0]!, dealing.proof)) return `dealer ${dealing.dealer}: the proof of the constant term fails`;
  return true;
}

/** The outcome of a recipient's checks: its key share, or the dealer at fault and why. */
export type ShareCheck = { ok: true; secretShare: bigint } | { ok: false; dealer: number; reason: string };

/**
 * Recipient i checks every dealing and the share each dealer sent it; the first bad one stops the
 * ceremony and names its dealer. Otherwise i's key share x_i = Σ_d f_d(i).
 */
export function receiveShares(contextId: string, k: number, n: number, recipient: number, dealings: readonly Dealing[], shares: ReadonlyMap<number, bigint>): ShareCheck {
  checkIndex(recipient, n, 'recipient');
  const seen = new Set<number>();
  let x = 0n;
  for (const d of [...dealings].sort((p, q) => p.dealer - q.dealer)) {
    if (!Number.isSafeInteger(d.dealer) || d.dealer < 1 || d.dealer > n) return { ok: false, dealer: d.dealer, reason: `a dealer must be an index 1 … ${n}` };
    if (seen.has(d.dealer)) return { ok: false, dealer: d.dealer, reason: 'dealt twice' };
    seen.add(d.dealer);
    const dealingOk = verifyDealing(contextId, k, d);
    if (dealingOk !== true) return { ok: false, dealer: d.dealer, reason: dealingOk };
    const s = shares.get(d.dealer);
    if (s === undefined) return { ok: false, dealer: d.dealer, reason: 'no share sent' };
    if (!verifyShare(d, recipient, s)) return { ok: false, dealer: d.dealer, reason: `the share for trustee ${recipient} does not match the commitments` };
    x = mod(x + s);
  }
  for (let d = 1; d <= n; d++) if (!seen.has(d)) return { ok: false, dealer: d, reason: 'no dealing' };
  return { ok: true, secretShare: x };
}

/** Throws unless the dealers are exactly 1 … n, each once. */
function checkDealers(dealings: readonly Dealing[], n: number): void {
  const dealers = new Set(dealings.map((d) => d.dealer));
  if (n === 0 || dealings.length !== n || dealers.size !== n || ![...dealers].every((d) => Number.isSafeInteger(d) && d >= 1 && d <= n)) {
    throw new RangeError(`the dealers must be exactly 1 … ${n}, each once`);
  }
}

/**
 * The election public key y = Π_d C_{d,0}, over dealers exactly 1 … n (n: the ceremony's, by default
 * the number of dealings); never the identity (throws RangeError).
 */
export function jointPublicKey(dealings: readonly Dealing[], n = dealings.length): Point {
  checkDealers(dealings, n);
  const y = dealings.reduce((acc, d) => acc.add(d.commitments[0]!), Point.ZERO);
  if (y.equals(Point.ZERO)) throw new RangeError('the election key is the identity');
  return y;
}

/** Trustee i's public share Y_i = g^{x_i} = Π_d Π_j C_{d,j}^{i^j} over dealers exactly 1 … n, computable by anyone to check its decryptions. */
export function publicShare(dealings: readonly Dealing[], i: number, n = dealings.length): Point {
  checkDealers(dealings, n);
  checkIndex(i, dealings.length, 'a trustee');
  return dealings.reduce((acc, d) => acc.add(committedAt(d.commitments, i)), Point.ZERO);
}

/** The Lagrange coefficient λ_i = Π_{j≠i} j / (j − i) mod ℓ, interpolating at 0 over `indices`. */
export function lagrangeAtZero(i: number, indices: readonly number[]): bigint {
  let num = 1n;
  let den = 1n;
  for (const j of indices) {
    if (j === i) continue;
    num = mod(num * BigInt(j));
    den = mod(den * BigInt(j - i));
  }
  return mod(num * Point.Fn.inv(den));
}

/**
 * Combines partial decryptions D_i = a^{x_i} of one ciphertext into g^m = b / Π D_i^{λ_i}. Needs at
 * least k from distinct trustees (throws otherwise; with fewer the result would be a meaningless point).
 * Uses the first k by index, so any k honest trustees give the same g^m. Check each D_i's proof first.
 */
export function combinePartials(ct: Ciphertext, partials: readonly { index: number; d: Point }[], k: number): Point {
  const byIndex = new Map<number, Point>();
  for (const p of partials) {
    if (!Number.isSafeInteger(p.index) || p.index < 1) throw new RangeError('a trustee index is ≥ 1');
    if (byIndex.has(p.index)) throw new RangeError(`trustee ${p.index} twice`);
    byIndex.set(p.index, p.d);
  }
  if (byIndex.size < k) throw new RangeError(`${byIndex.size} partial decryptions, ${k} needed`);
  const chosen = [...byIndex.keys()].sort((a, b) => a - b).slice(0, k);
  return ct.b.subtract(combineRaw(chosen.map((i) => ({ index: i, d: byIndex.get(i)! }))));
}

/** Π D_i^{λ_i} over exactly the given partials (exported for tests showing k − 1 do not suffice). */
export function combineRaw(partials: readonly { index: number; d: Point }[]): Point {
  const indices = partials.map((p) => p.index);
  return partials.reduce((acc, p) => acc.add(mulPublic(p.d, lagrangeAtZero(p.index, indices))), Point.ZERO);
}
