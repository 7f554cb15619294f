import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The previous-hash of the first entry. */
export const GENESIS_HASH = 'sha256:' + '0'.repeat(64);

/** What an audit entry's hash covers; `at` as an RFC 3339 UTC string. */
export interface ChainedFields {
  prevHash: string;
  at: string;
  actorUserId: number | null;
  actorName: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
}

/** sha256 over the RFC 8785 canonical JSON of the entry including the previous entry's hash. */
export function hashAuditEntry(f: ChainedFields): string {
  const canonical = canonicalize({
    prevHash: f.prevHash, at: f.at, actorUserId: f.actorUserId, actorName: f.actorName,
    action: f.action, subject: f.subject, details: f.details,
  });
  if (canonical === undefined) throw new TypeError('audit entry cannot be canonicalised');
  return 'sha256:' + createHash('sha256').update(canonical, 'utf8').digest('hex');
}

export interface ChainLink extends ChainedFields {
  id: number;
  hash: string;
}

export type ChainProblem =
  | { kind: 'prev-mismatch'; id: number; expected: string; found: string }
  | { kind: 'hash-mismatch'; id: number; expected: string; found: string };

/**
 * Walks entries in id order and reports the first break: an edited entry changes its own hash,
 * a deleted or reordered one breaks the next entry's link to its predecessor.
 */
export function checkChain(entries: Iterable<ChainLink>): ChainProblem | undefined {
  let prev = GENESIS_HASH;
  for (const e of entries) {
    if (e.prevHash !== prev) return { kind: 'prev-mismatch', id: e.id, expected: prev, found: e.prevHash };
    const h = hashAuditEntry(e);
    if (h !== e.hash) return { kind: 'hash-mismatch', id: e.id, expected: h, found: e.hash };
    prev = e.hash;
  }
  return undefined;
}
