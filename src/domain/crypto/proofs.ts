/**
 * Non-interactive zero-knowledge proofs (Fiat–Shamir over group.ts's hashToScalar). Every challenge
 * hashes a domain string naming the proof, the context id (the election's id), a label saying which
 * statement of the ballot or ceremony this is, the election public key where one exists, the
 * statement and the prover's commitments: a proof made for one election, position or key verifies
 * nowhere else. docs/encrypted-ballots.md states each equation.
 *
 * All proofs here are in (challenge, response) form: the verifier recomputes the commitments from
 * them and checks that the hash gives back the challenge, so a changed byte anywhere fails.
 */
import type { Ciphertext } from './elgamal.ts';
import {
  G, Point, decodeScalar, defaultRng, encodeScalar, gPow, hashToScalar, mod, mulPublic, mulSecret, randomScalar, type Rng,
} from './group.ts';

/** What every ballot proof is bound to: the election public key and the context (election) id. */
export interface ProofContext {
  publicKey: Point;
  contextId: string;
}

/** A Schnorr or Chaum–Pedersen proof: one challenge, one response. */
export interface SimpleProof {
  c: bigint;
  s: bigint;
}

/** A disjunctive proof: one challenge and one response per allowed value. */
export interface DisjunctiveProof {
  c: bigint[];
  s: bigint[];
}

/** Wire forms: scalars as 64 lower-case hex digits (group.ts). */
export interface SimpleProofJson { c: string; s: string }
export interface DisjunctiveProofJson { c: string[]; s: string[] }

export const SCHNORR_DOMAIN = 'minsheng/encrypted-ballots/v1/schnorr';
export const DISJUNCTIVE_DOMAIN = 'minsheng/encrypted-ballots/v1/disjunctive';
export const DECRYPTION_DOMAIN = 'minsheng/encrypted-ballots/v1/decryption';

// ---------------------------------------------------------------- Schnorr proof of knowledge

/**
 * Proves knowledge of x with Y = g^x (a trustee's key or polynomial constant term): w random,
 * t = g^w, c = Hash(SCHNORR_DOMAIN; contextId, label, Y, t), s = w + c·x.
 */
export function proveKnowledge(contextId: string, label: string, secret: bigint, rng: Rng = defaultRng): SimpleProof {
  const y = mulSecret(G, secret);
  const w = randomScalar(rng);
  const t = mulSecret(G, w);
  const c = hashToScalar(SCHNORR_DOMAIN, [contextId, label, y, t]);
  return { c, s: mod(w + c * secret) };
}

/** Checks a Schnorr proof for Y: t = g^s·Y^-c must hash back to c. */
export function verifyKnowledge(contextId: string, label: string, y: Point, proof: SimpleProof): boolean {
  const t = mulPublic(G, proof.s).subtract(mulPublic(y, proof.c));
  return hashToScalar(SCHNORR_DOMAIN, [contextId, label, y, t]) === proof.c;
}

// ---------------------------------------------------------------- disjunctive Chaum–Pedersen (CDS)

/**
 * Proves that c = (a, b) encrypts one of `allowed` under ctx.publicKey (y), without saying which:
 * for the true branch i (m = allowed[i], a = g^r) the prover commits A_i = g^w, B_i = y^w; every other
 * branch j is simulated from a random c_j and response s_j, its commitments being what the verifier
 * will recompute, A_j = g^{s_j}·a^{-c_j}, B_j = y^{s_j}·(b·g^{-v_j})^{-c_j}.
 * With c = Hash(DISJUNCTIVE_DOMAIN; contextId, label, y, a, b, v_0…v_k, A_0, B_0 … A_k, B_k) the true
 * branch takes c_i = c − Σ_{j≠i} c_j and s_i = w + c_i·r.
 *
 * Speed (this runs ~50 times per ballot on the deputy's device): the prover knows r and m, so it draws
 * u_j at random and sets s_j = u_j + c_j·r, which is exactly as uniform as a random s_j, and gets the
 * same commitments from fixed bases only, A_j = g^{u_j} and B_j = y^{u_j}·g^{(v_j − m)·c_j}: three
 * multiplications by g and y, whose window tables are built once (prepareKey), instead of two by the
 * ciphertext's a and b, which have none. The proof and its check are unchanged. The scalars involve r
 * and m, so all of them are multiplied in constant time.
 *
 * The prover does not check its witness (tests call it with false ones to show that such proofs
 * fail); ballot.ts checks the marks before proving.
 */
export function proveDisjunctive(
  ctx: ProofContext, label: string, ct: Ciphertext, allowed: readonly number[], branch: number, r: bigint, rng: Rng = defaultRng,
): DisjunctiveProof {
  if (!Number.isInteger(branch) || branch < 0 || branch >= allowed.length) throw new RangeError('branch out of range');
  const y = ctx.publicKey;
  const m = BigInt(allowed[branch]!);
  const cs: bigint[] = [];
  const ss: bigint[] = [];
  const commitments: Point[] = [];
  const w = randomScalar(rng);
  for (let j = 0; j < allowed.length; j++) {
    if (j === branch) {
      cs.push(0n);
      ss.push(0n);
      commitments.push(mulSecret(G, w), mulSecret(y, w));
    } else {
      const cj = randomScalar(rng);
      const uj = randomScalar(rng);
      cs.push(cj);
      ss.push(mod(uj + cj * r));
      commitments.push(mulSecret(G, uj), mulSecret(y, uj).add(mulSecret(G, mod((BigInt(allowed[j]!) - m) * cj))));
    }
  }
  const c = hashToScalar(DISJUNCTIVE_DOMAIN, [ctx.contextId, label, y, ct.a, ct.b, ...allowed.map(BigInt), ...commitments]);
  const others = cs.reduce((acc, x, j) => (j === branch ? acc : acc + x), 0n);
  cs[branch] = mod(c - others);
  ss[branch] = mod(w + cs[branch]! * r);
  return { c: cs, s: ss };
}

/** The commitments a branch's (c_j, s_j) imply: g^{s}·a^{-c} and y^{s}·(b·g^{-v})^{-c}. */
function simulated(y: Point, ct: Ciphertext, v: number, c: bigint, s: bigint): [Point, Point] {
  const bv = ct.b.subtract(gPow(v));
  return [mulPublic(G, s).subtract(mulPublic(ct.a, c)), mulPublic(y, s).subtract(mulPublic(bv, c))];
}

/** Checks a disjunctive proof: one (c_j, s_j) per allowed value, and Σ c_j equal to the hash. */
export function verifyDisjunctive(ctx: ProofContext, label: string, ct: Ciphertext, allowed: readonly number[], proof: DisjunctiveProof): boolean {
  if (proof.c.length !== allowed.length || proof.s.length !== allowed.length) return false;
  const commitments: Point[] = [];
  let total = 0n;
  for (let j = 0; j < allowed.length; j++) {
    commitments.push(...simulated(ctx.publicKey, ct, allowed[j]!, proof.c[j]!, proof.s[j]!));
    total += proof.c[j]!;
  }
  const c = hashToScalar(DISJUNCTIVE_DOMAIN, [ctx.contextId, label, ctx.publicKey, ct.a, ct.b, ...allowed.map(BigInt), ...commitments]);
  return mod(total) === c;
}

// ---------------------------------------------------------------- correct (partial) decryption

/**
 * Proves that D = a^{x_i} for the share x_i behind the public share Y_i = g^{x_i} (Chaum–Pedersen):
 * w random, t1 = g^w, t2 = a^w, c = Hash(DECRYPTION_DOMAIN; contextId, label, y, Y_i, a, b, D, t1, t2),
 * s = w + c·x_i. With the whole key (Y_i = y) it proves a full decryption b/g^m the same way.
 */
export function proveDecryption(ctx: ProofContext, label: string, ct: Ciphertext, share: bigint, rng: Rng = defaultRng): { d: Point; proof: SimpleProof } {
  const yi = mulSecret(G, share);
  const d = mulSecret(ct.a, share);
  const w = randomScalar(rng);
  const t1 = mulSecret(G, w);
  const t2 = mulSecret(ct.a, w);
  const c = hashToScalar(DECRYPTION_DOMAIN, [ctx.contextId, label, ctx.publicKey, yi, ct.a, ct.b, d, t1, t2]);
  return { d, proof: { c, s: mod(w + c * share) } };
}

/** Checks a decryption proof of D for the public share Y_i: t1 = g^s·Y_i^-c, t2 = a^s·D^-c. */
export function verifyDecryption(ctx: ProofContext, label: string, ct: Ciphertext, publicShare: Point, d: Point, proof: SimpleProof): boolean {
  const t1 = mulPublic(G, proof.s).subtract(mulPublic(publicShare, proof.c));
  const t2 = mulPublic(ct.a, proof.s).subtract(mulPublic(d, proof.c));
  return hashToScalar(DECRYPTION_DOMAIN, [ctx.contextId, label, ctx.publicKey, publicShare, ct.a, ct.b, d, t1, t2]) === proof.c;
}

// ---------------------------------------------------------------- wire forms

export function simpleProofToJson(p: SimpleProof): SimpleProofJson {
  return { c: encodeScalar(p.c), s: encodeScalar(p.s) };
}

/** Parses a simple proof; throws a RangeError on a bad shape or encoding. */
export function simpleProofFromJson(j: unknown): SimpleProof {
  const { c, s } = (typeof j === 'object' && j !== null ? j : {}) as Record<string, unknown>;
  if (typeof c !== 'string' || typeof s !== 'string') throw new RangeError('a proof is an object {c, s}');
  return { c: decodeScalar(c), s: decodeScalar(s) };
}

export function disjunctiveProofToJson(p: DisjunctiveProof): DisjunctiveProofJson {
  return { c: p.c.map(encodeScalar), s: p.s.map(encodeScalar) };
}

/** Parses a disjunctive proof; throws a RangeError on a bad shape or encoding. */
export function disjunctiveProofFromJson(j: unknown): DisjunctiveProof {
  return disjunctiveProofFromJsonWith(j, decodeScalar);
}

/**
 * Parses a disjunctive proof with a given scalar decoder (which throws on a bad encoding): the shape
 * checks and their messages shared by every checker (checker.ts), whatever its scalars are.
 */
export function disjunctiveProofFromJsonWith<S>(j: unknown, decode: (hex: string) => S): { c: S[]; s: S[] } {
  const { c, s } = (typeof j === 'object' && j !== null ? j : {}) as Record<string, unknown>;
  if (!Array.isArray(c) || !Array.isArray(s) || c.length !== s.length) throw new RangeError('a disjunctive proof is an object {c: [], s: []} of equal lengths');
  return { c: c.map((x) => decode(x as string)), s: s.map((x) => decode(x as string)) };
}
