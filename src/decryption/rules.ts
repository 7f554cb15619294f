/**
 * The pure rules of the trustees' decryption (docs/decryption.md): the shape of a partial decryption
 * as a trustee's browser posts it, and the check of each share's Chaum–Pedersen proof against the
 * trustee's public share and the aggregate fixed at the seal. No I/O.
 */
import { ciphertextFromJson, type CiphertextJson } from '../domain/crypto/elgamal.ts';
import { decodePoint, encodePoint, isHex64 } from '../domain/crypto/group.ts';
import { proveDecryption, simpleProofFromJson, simpleProofToJson, verifyDecryption } from '../domain/crypto/proofs.ts';
import type { DecryptionShareV2 } from '../domain/record/format-v2.ts';
import { totalLabel } from '../domain/record/format-v2.ts';

/**
 * A partial decryption is at most this many characters of JSON: about 230 per share, so some 260
 * shares (86 options of three letters). The app's form limit (64 KiB, body-limits.ts) is reached
 * first by a URL-encoded post of more than about 170 shares.
 */
export const PARTIAL_MAX_CHARS = 60_000;

/** Why a partial decryption is refused by its form or content (each translated by the routes). */
export type PartialProblem = 'too-large' | 'malformed' | 'not-yours' | 'proof-fails';

/** A partial decryption as posted: the trustee's index and one share per [option][letter]. */
export interface PartialDecryption {
  trustee: number;
  shares: DecryptionShareV2[][];
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isProof = (x: unknown): x is { c: string; s: string } => isObject(x) && Object.keys(x).length === 2 && isHex64(x['c']) && isHex64(x['s']);

/**
 * Parses a posted partial decryption: JSON of { trustee, shares: [[{ d, proof: { c, s } }]] } with one
 * share per option and letter of the aggregate, every value 64 lower-case hex; the trustee must be
 * the one posting. Nothing else is accepted (no extra members).
 */
export function parsePartial(text: string, expected: { trustee: number; options: number; letters: number }): PartialDecryption | { problem: PartialProblem } {
  if (text.length > PARTIAL_MAX_CHARS) return { problem: 'too-large' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'malformed' };
  }
  if (!isObject(value) || Object.keys(value).sort().join() !== 'shares,trustee') return { problem: 'malformed' };
  const { trustee, shares } = value;
  if (!Number.isSafeInteger(trustee)) return { problem: 'malformed' };
  if (!Array.isArray(shares) || shares.length !== expected.options) return { problem: 'malformed' };
  for (const row of shares as unknown[]) {
    if (!Array.isArray(row) || row.length !== expected.letters) return { problem: 'malformed' };
    for (const s of row as unknown[]) {
      if (!isObject(s) || Object.keys(s).sort().join() !== 'd,proof' || !isHex64(s['d']) || !isProof(s['proof'])) return { problem: 'malformed' };
    }
  }
  if (trustee !== expected.trustee) return { problem: 'not-yours' };
  return { trustee: trustee as number, shares: shares as DecryptionShareV2[][] };
}

/**
 * Checks every share of a partial decryption against the aggregate ([option][letter]) and the
 * trustee's public share: true, or the first share whose proof fails (option index and letter).
 */
export function checkPartialProofs(
  partial: PartialDecryption, context: { publicKey: string; contextId: string; publicShare: string; letters: readonly string[] }, aggregate: readonly (readonly CiphertextJson[])[],
): true | { option: number; letter: string } {
  const ctx = { publicKey: decodePoint(context.publicKey), contextId: context.contextId };
  const share = decodePoint(context.publicShare);
  for (let o = 0; o < aggregate.length; o++) {
    for (let l = 0; l < context.letters.length; l++) {
      const letter = context.letters[l]!;
      const s = partial.shares[o]![l]!;
      let ok = false;
      try {
        ok = verifyDecryption(ctx, totalLabel(o, letter), ciphertextFromJson(aggregate[o]![l]!), share, decodePoint(s.d), simpleProofFromJson(s.proof));
      } catch {
        ok = false;
      }
      if (!ok) return { option: o, letter };
    }
  }
  return true;
}

/**
 * Trustee `index`'s partial decryption of an aggregate ([option][letter] ciphertexts) with the key
 * share it holds: for each total, D = a^share with its Chaum–Pedersen proof, label ["total", option,
 * letter] (docs/record-format-v2.md). What the trustee's browser posts (views/assets/decryption.ts),
 * and what the demo's trustees and the tests make the same way.
 */
export function partialDecryption(
  target: { publicKey: string; contextId: string; letters: readonly string[] }, index: number, share: bigint, aggregate: readonly (readonly CiphertextJson[])[],
): PartialDecryption {
  const ctx = { publicKey: decodePoint(target.publicKey), contextId: target.contextId };
  return {
    trustee: index,
    shares: aggregate.map((row, o) => row.map((ct, l) => {
      const { d, proof } = proveDecryption(ctx, totalLabel(o, target.letters[l]!), ciphertextFromJson(ct), share);
      return { d: encodePoint(d), proof: simpleProofToJson(proof) };
    })),
  };
}
