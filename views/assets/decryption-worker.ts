/**
 * A worker of the trustee's decryption page (views/assets/decryption.ts), bundled as
 * /assets/decryption-worker.js: checks the proofs of its share of the sealed encrypted ballots with
 * the reference checker (src/domain/crypto/checker.ts nobleChecker; the Content-Security-Policy
 * allows no WebAssembly, so libsodium cannot run in a page) and sums those it accepts. The page
 * starts a few of these, one per core, and adds their sums. It never sees the trustee's key share.
 */
import { nobleChecker } from '../../src/domain/crypto/checker.ts';
import type { BallotSpec } from '../../src/domain/crypto/ballot.ts';

/** What the page sends: the election's key, spec and context id, and a run of ballots starting at `offset`. */
export interface CheckRequest {
  publicKey: string;
  spec: BallotSpec;
  contextId: string;
  offset: number;
  ballots: { nonce: string; ballot: unknown }[];
}

/** What a worker answers: progress, the first ballot refused (its index in the whole list), or its sum. */
export type CheckAnswer =
  | { kind: 'progress'; checked: number }
  | { kind: 'refused'; index: number; reason: string }
  | { kind: 'sum'; aggregate: { a: string; b: string }[][]; count: number };

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<CheckRequest>) => void) | null; postMessage(m: CheckAnswer): void };

scope.onmessage = (e) => {
  const r = e.data;
  const checker = nobleChecker(r.publicKey, r.spec, r.contextId);
  for (let i = 0; i < r.ballots.length; i++) {
    const b = r.ballots[i]!;
    const ok = checker.add(b.nonce, b.ballot);
    if (ok !== true) {
      scope.postMessage({ kind: 'refused', index: r.offset + i, reason: ok });
      return;
    }
    scope.postMessage({ kind: 'progress', checked: 1 });
  }
  scope.postMessage({ kind: 'sum', aggregate: checker.aggregate(), count: checker.count });
};
