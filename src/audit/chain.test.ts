import { describe, expect, it } from 'vitest';
import { checkChain, GENESIS_HASH, hashAuditEntry, type ChainLink } from './chain.ts';

function chain(n: number): ChainLink[] {
  const out: ChainLink[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const fields = { prevHash: prev, at: `2024-01-15T0${i}:00:00.000Z`, actorUserId: i, actorName: `u${i}`, action: 'x.do', subject: `s:${i}`, details: { i } };
    const hash = hashAuditEntry(fields);
    out.push({ id: i, ...fields, hash });
    prev = hash;
  }
  return out;
}

describe('checkChain', () => {
  it('accepts an intact chain', () => {
    expect(checkChain(chain(5))).toBeUndefined();
  });

  it('detects an edited entry', () => {
    const c = chain(5);
    c[2] = { ...c[2]!, details: { i: 99 } };
    expect(checkChain(c)).toMatchObject({ kind: 'hash-mismatch', id: 3 });
  });

  it('detects a deleted entry', () => {
    const c = chain(5);
    c.splice(1, 1);
    expect(checkChain(c)).toMatchObject({ kind: 'prev-mismatch', id: 3 });
  });

  it('hashes independently of key order in details', () => {
    const base = { prevHash: GENESIS_HASH, at: 'a', actorUserId: null, actorName: 'system', action: 'a', subject: 's' };
    expect(hashAuditEntry({ ...base, details: { a: 1, b: 2 } })).toBe(hashAuditEntry({ ...base, details: { b: 2, a: 1 } }));
  });
});
