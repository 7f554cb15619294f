import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyFingerprint } from '../domain/record/digest.ts';
import { checkChain, GENESIS_HASH, hashAuditEntry, type ChainLink } from './chain.ts';
import {
  CHECKPOINT_FORMAT, CHECKPOINT_LIST_FORMAT, type Checkpoint, checkCheckpoints, checkpointContent, checkpointItems, checkpointPayload,
  signCheckpoint, storedCheckpoint,
} from './checkpoints.ts';

function makeKey(): { privateKey: KeyObject; publicKeyDer: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKeyDer: publicKey.export({ type: 'spki', format: 'der' }) };
}

/** Entries with these ids, chained with the real hash function, as appendAudit chains them. */
function chainOf(ids: readonly number[], prefix = 'e'): ChainLink[] {
  const out: ChainLink[] = [];
  let prev = GENESIS_HASH;
  for (const id of ids) {
    const fields = { prevHash: prev, at: `2024-01-15T01:00:${String(id % 60).padStart(2, '0')}.000Z`, actorUserId: 1, actorName: 'admin', action: `${prefix}.do`, subject: `s:${id}`, details: { id } };
    const hash = hashAuditEntry(fields);
    out.push({ id, ...fields, hash });
    prev = hash;
  }
  return out;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const key = makeKey();
const at = new Date('2024-01-15T01:30:00Z');

/** A checkpoint of the chain as it is up to entry `lastId`, as the server signs it. */
function checkpointAt(links: readonly ChainLink[], seq: number, lastId: number, k = key): Checkpoint {
  const i = links.findIndex((l) => l.id === lastId);
  return signCheckpoint(checkpointContent({ seq, length: i + 1, lastId, head: links[i]!.hash, at, publicKeyDer: k.publicKeyDer }), k);
}

/** Deletes entries and recomputes every later hash with the real function: the rewrite the chain alone cannot show. */
function rewriteWithout(links: readonly ChainLink[], removed: readonly number[]): ChainLink[] {
  const out: ChainLink[] = [];
  let prev = GENESIS_HASH;
  for (const l of links) {
    if (removed.includes(l.id)) continue;
    const hash = hashAuditEntry({ ...l, prevHash: prev });
    out.push({ ...l, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe('a checkpoint', () => {
  it('holds the format, its number, the chain\'s length, last id and head, the time in Beijing time and the key\'s fingerprint', () => {
    const links = chainOf(range(3));
    expect(checkpointAt(links, 1, 3)).toMatchObject({
      format: CHECKPOINT_FORMAT, seq: 1, length: 3, lastId: 3, head: links[2]!.hash, at: '2024-01-15T09:30:00+08:00',
      keyFingerprint: keyFingerprint(key.publicKeyDer), signature: { alg: 'ed25519', publicKey: key.publicKeyDer.toString('base64') },
    });
  });

  it('signs the RFC 8785 canonical JSON of everything but the signature', () => {
    const c = checkpointAt(chainOf(range(2)), 1, 2);
    const text = checkpointPayload(c).toString('utf8');
    expect(text).toBe(`{"at":"2024-01-15T09:30:00+08:00","format":"${CHECKPOINT_FORMAT}","head":"${c.head}","keyFingerprint":"${c.keyFingerprint}","lastId":2,"length":2,"seq":1}`);
    expect(storedCheckpoint({ body: text, public_key: c.signature.publicKey, signature: c.signature.value })).toEqual(c);
  });

  it('refuses to be signed by a key other than the one it names', () => {
    const content = checkpointContent({ seq: 1, length: 1, lastId: 1, head: chainOf([1])[0]!.hash, at, publicKeyDer: key.publicKeyDer });
    expect(() => signCheckpoint(content, makeKey())).toThrow(/another key/);
  });
});

describe('checkCheckpoints', () => {
  const links = chainOf(range(10));

  it('accepts checkpoints of the chain as it is, and counts the entries after the newest', () => {
    const check = checkCheckpoints(links, [checkpointAt(links, 1, 4), checkpointAt(links, 2, 8)]);
    expect(check.problems).toEqual([]);
    expect(check.checkpoints.map((c) => c.seq)).toEqual([1, 2]);
    expect(check.fingerprints).toEqual([keyFingerprint(key.publicKeyDer)]);
    expect(check.unanchored).toBe(2);
  });

  it('works with gaps in the ids (a rolled-back transaction uses up an id)', () => {
    const gappy = chainOf([1, 2, 5, 6, 9]);
    expect(checkCheckpoints(gappy, [checkpointAt(gappy, 1, 6)]).problems).toEqual([]);
    const forged = signCheckpoint(checkpointContent({ seq: 2, length: 6, lastId: 6, head: gappy[3]!.hash, at, publicKeyDer: key.publicKeyDer }), key);
    expect(checkCheckpoints(gappy, [forged]).problems).toMatchObject([{ kind: 'length-mismatch', seq: 2 }]);
  });

  it('detects two entries deleted and the chain recomputed, which the chain alone does not show', () => {
    const saved = [checkpointAt(links, 1, 2), checkpointAt(links, 2, 6), checkpointAt(links, 3, 10)];
    const rewritten = rewriteWithout(links, [4, 5]);
    expect(checkChain(rewritten)).toBeUndefined();
    const check = checkCheckpoints(rewritten, saved);
    expect(check.problems.map((p) => [p.seq, p.kind])).toEqual([[2, 'head-mismatch'], [3, 'head-mismatch']]);
    expect(check.problems[0]!.message).toContain(`entry 6 had hash ${links[5]!.hash} when signed, but has ${rewritten[3]!.hash} now`);
  });

  it('detects the newest entries removed, and an entry a checkpoint names removed', () => {
    const saved = [checkpointAt(links, 1, 6), checkpointAt(links, 2, 10)];
    expect(checkCheckpoints(links.slice(0, 8), saved).problems).toMatchObject([
      { kind: 'missing-entry', seq: 2, message: expect.stringContaining('the chain now ends at entry 8 with 8 entries: its newest entries were removed') },
    ]);
    expect(checkCheckpoints(rewriteWithout(links, [6]), saved).problems).toMatchObject([
      { kind: 'missing-entry', seq: 1, message: expect.stringContaining('entry 6 is no longer in the chain') }, { kind: 'head-mismatch', seq: 2 },
    ]);
    expect(checkCheckpoints([], saved).problems.map((p) => p.kind)).toEqual(['missing-entry', 'missing-entry']);
  });

  it('detects a chain rebuilt from scratch with the same ids', () => {
    const rebuilt = chainOf(range(10), 'forged');
    expect(checkCheckpoints(rebuilt, [checkpointAt(links, 1, 10)]).problems).toMatchObject([{ kind: 'head-mismatch', seq: 1 }]);
  });

  it('fails a tampered checkpoint on its signature', () => {
    const good = checkpointAt(links, 1, 6);
    const rewritten = rewriteWithout(links, [2, 3]);
    // The attacker moves the saved checkpoint's head to the rewritten chain's: the signature no longer verifies.
    const tampered = { ...good, head: rewritten.find((l) => l.id === 6)!.hash };
    expect(checkCheckpoints(rewritten, [tampered]).problems).toMatchObject([{ kind: 'signature', seq: 1, message: expect.stringContaining('does not verify') }]);
    expect(checkCheckpoints(links, [{ ...good, length: 5 }]).problems).toMatchObject([{ kind: 'signature' }]);
    expect(checkCheckpoints(links, [{ ...good, signature: { ...good.signature, value: Buffer.alloc(64).toString('base64') } }]).problems).toMatchObject([{ kind: 'signature' }]);
    expect(checkCheckpoints(links, [{ ...good, signature: { ...good.signature, publicKey: 'bm90IGEga2V5' } }]).problems).toMatchObject([{ kind: 'signature', message: expect.stringContaining('not a DER public key') }]);
  });

  it('refuses a checkpoint re-signed with another key when the expected key is given, and one whose fingerprint lies', () => {
    const other = makeKey();
    const c = checkpointAt(links, 1, 6, other);
    expect(checkCheckpoints(links, [c]).problems).toEqual([]);
    expect(checkCheckpoints(links, [c], { key: keyFingerprint(key.publicKeyDer) }).problems).toMatchObject([{ kind: 'key', seq: 1, message: expect.stringContaining('not the expected') }]);
    expect(checkCheckpoints(links, [checkpointAt(links, 1, 6)], { key: key.publicKeyDer.toString('base64') }).problems).toEqual([]);
    const lying = { ...c, keyFingerprint: keyFingerprint(key.publicKeyDer) };
    expect(checkCheckpoints(links, [lying]).problems).toMatchObject([{ kind: 'key' }]);
  });

  it('reports two different checkpoints with one number, and a later one covering less', () => {
    const a = checkpointAt(links, 1, 6);
    expect(checkCheckpoints(links, [a, a]).problems).toEqual([]);
    expect(checkCheckpoints(links, [a, checkpointAt(links, 1, 7)]).problems).toMatchObject([{ kind: 'conflict', seq: 1 }]);
    expect(checkCheckpoints(links, [checkpointAt(links, 2, 5), a]).problems).toMatchObject([{ kind: 'order', seq: 2 }]);
  });

  it('reports malformed items by position without failing the others', () => {
    const good = checkpointAt(links, 1, 6);
    const check = checkCheckpoints(links, [null, 'x', { ...good, format: 'other' }, { ...good, seq: 0 }, { ...good, head: 'md5:1' }, { ...good, at: 'yesterday' }, { ...good, signature: undefined }, good]);
    expect(check.problems.map((p) => [p.index, p.kind])).toEqual([[0, 'malformed'], [1, 'malformed'], [3, 'malformed'], [2, 'malformed'], [4, 'malformed'], [5, 'malformed'], [6, 'malformed']]);
    expect(check.checkpoints).toEqual([good]);
  });
});

describe('checkpointItems', () => {
  const c = checkpointAt(chainOf([1]), 1, 1);
  it('reads the published list, a bare array, or one checkpoint', () => {
    expect(checkpointItems({ format: CHECKPOINT_LIST_FORMAT, checkpoints: [c], next: '/audit/checkpoints.json?after=1' })).toEqual({ items: [c], next: '/audit/checkpoints.json?after=1' });
    expect(checkpointItems([c])).toEqual({ items: [c] });
    expect(checkpointItems(c)).toEqual({ items: [c] });
  });
  it('refuses anything else', () => {
    for (const x of [null, 1, 'x', {}, { format: CHECKPOINT_LIST_FORMAT }, { checkpoints: [c] }]) expect(checkpointItems(x)).toHaveProperty('error');
  });
});
