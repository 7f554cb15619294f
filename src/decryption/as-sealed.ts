/**
 * Whether what a trustee is asked to decrypt is what the seal fixed (docs/decryption.md, "What the
 * trustee compares"): the digest of the aggregate, its short readable form people compare, and the
 * checks a trustee's browser makes before it decrypts anything. Pure, the same in Node and browsers.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { base32Groups } from '../domain/crypto/fingerprint.ts';

/** "sha256:" + hex SHA-256 of the aggregate's canonical JSON (what the seal's audit entry records). */
export function aggregateDigest(canonicalText: string): string {
  return `sha256:${bytesToHex(sha256(utf8ToBytes(canonicalText)))}`;
}

/**
 * The short readable form of an aggregate digest ("sha256:" + 64 hex): its first 140 bits as 28
 * symbols in seven groups of four, like a key fingerprint (src/domain/crypto/fingerprint.ts), e.g.
 * `7K3M-Q0ZP-W2RT-9B4X-MM4E-T0XA-1CJ8`. Undefined for anything else.
 */
export function digestWords(digest: string): string | undefined {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  return m ? base32Groups(hexToBytes(m[1]!)) : undefined;
}

/** Why a trustee's browser stops before decrypting: the server sent other ballots or another sum than the page states. */
export type AsSealedProblem = 'count' | 'digest';

/**
 * The browser's check of what the server sent for decryption against what the page states: as many
 * ballots as the roll's electronic count, and an aggregate whose digest reads as the page's digest
 * (the one announced at the seal). The browser checks afterwards that the ballots' sum is that
 * aggregate; together a server cannot have one ballot, or a few, decrypted in place of the sum.
 */
export function checkAsSealed(
  sent: { ballots: readonly unknown[]; aggregateText: string },
  page: { electronic: number; words: string },
): AsSealedProblem | null {
  if (!Number.isSafeInteger(page.electronic) || sent.ballots.length !== page.electronic) return 'count';
  if (digestWords(aggregateDigest(sent.aggregateText)) !== page.words) return 'digest';
  return null;
}
