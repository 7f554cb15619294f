import { describe, expect, it } from 'vitest';
import { dealForCeremony, newContextId, startTrustee, type Point, decodePoint } from '../domain/crypto/index.ts';
import { ceremonyMessages, checkMessage, exchangeKeyPoints, thresholdProblem } from './rules.ts';

describe('thresholdProblem', () => {
  it('takes 2 ≤ k ≤ the named scrutineers and nothing else', () => {
    expect(thresholdProblem(2, 3)).toBeUndefined();
    expect(thresholdProblem(3, 3)).toBeUndefined();
    for (const [k, named] of [[1, 3], [4, 3], [2, 1], [2.5, 3], [Number.NaN, 3]] as const) expect(thresholdProblem(k, named)).toBe('threshold');
  });
});

describe('checkMessage', () => {
  const contextId = newContextId('7');
  const p = { contextId, k: 2, n: 2 };
  const one = startTrustee(p, 1);
  const two = startTrustee(p, 2);
  const rows = [{ kind: 'exchange-key' as const, body: one.message }, { kind: 'exchange-key' as const, body: two.message }];
  const published = (keys: Map<number, Point>) => ({ contextId, k: 2, n: 2, exchangeKeys: keys, envelope: () => undefined });

  it('accepts a trustee\'s own exchange key and refuses one in another\'s name, from another context, or malformed', () => {
    expect(checkMessage(published(new Map()), 'exchange-key', one.message, 1)).toEqual({ trustee: 1, recipient: null });
    expect(checkMessage(published(new Map()), 'exchange-key', one.message, 2)).toEqual({ problem: 'not-yours' });
    const other = startTrustee({ ...p, contextId: newContextId('7') }, 1);
    expect(checkMessage(published(new Map()), 'exchange-key', other.message, 1)).toEqual({ problem: 'unsigned' });
    expect(checkMessage(published(new Map()), 'exchange-key', { trustee: 1 }, 1)).toEqual({ problem: 'malformed' });
  });

  it('takes a dealing and envelopes only once every exchange key is in, signed by the dealer', async () => {
    const keys = exchangeKeyPoints(rows);
    expect(keys.get(2)!.equals(decodePoint(two.message.key))).toBe(true);
    const dealt = await dealForCeremony(p, 1, one.exchangeSecret, [one.message, two.message]);
    expect(checkMessage(published(new Map([[1, keys.get(1)!]])), 'dealing', dealt.dealing, 1)).toEqual({ problem: 'too-early' });
    expect(checkMessage(published(keys), 'dealing', dealt.dealing, 1)).toEqual({ trustee: 1, recipient: null });
    expect(checkMessage(published(keys), 'envelope', dealt.envelopes[1], 1)).toEqual({ trustee: 1, recipient: 2 });
    const changed = { ...dealt.envelopes[1]!, iv: dealt.envelopes[1]!.iv.replace(/^./, (c) => (c === '0' ? '1' : '0')) };
    expect(checkMessage(published(keys), 'envelope', changed, 1)).toEqual({ problem: 'unsigned' });
    const resigned = { ...dealt.dealing, commitments: [...dealt.dealing.commitments].reverse() };
    expect(checkMessage(published(keys), 'dealing', resigned, 1)).toEqual({ problem: 'unsigned' });
  });

  it('groups stored messages by kind for ceremonyStatus', () => {
    expect(ceremonyMessages([...rows, { kind: 'dealing', body: 'd' }, { kind: 'confirmation', body: 'c' }]))
      .toEqual({ exchangeKeys: [one.message, two.message], dealings: ['d'], envelopes: [], complaints: [], confirmations: ['c'] });
  });
});
