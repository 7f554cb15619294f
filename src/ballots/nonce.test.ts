import { describe, expect, it } from 'vitest';
import { ballotNonceMac, issueBallotNonce, verifiedBallotNonce } from './nonce.ts';
import { trackerMac } from './tracker.ts';

const KEY = new Uint8Array(32).fill(7);
const OTHER_KEY = new Uint8Array(32).fill(8);

describe('ballot nonces', () => {
  it('are 128 fresh bits with a 128-bit MAC, accepted only for the deputy, election and key they were issued for', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const { nonce, mac } = issueBallotNonce(KEY, 3, 11);
      expect(nonce).toMatch(/^[0-9a-f]{32}$/);
      expect(mac).toMatch(/^[A-Za-z0-9_-]{22}$/);
      seen.add(nonce);
    }
    expect(seen.size).toBe(500);
    const { nonce, mac } = issueBallotNonce(KEY, 3, 11);
    expect(verifiedBallotNonce(KEY, 3, 11, nonce, mac)).toBe(nonce);
    expect(verifiedBallotNonce(KEY, 3, 12, nonce, mac)).toBeUndefined();
    expect(verifiedBallotNonce(KEY, 4, 11, nonce, mac)).toBeUndefined();
    expect(verifiedBallotNonce(OTHER_KEY, 3, 11, nonce, mac)).toBeUndefined();
    expect(verifiedBallotNonce(KEY, 3, 11, nonce, undefined)).toBeUndefined();
    expect(verifiedBallotNonce(KEY, 3, 11, undefined, mac)).toBeUndefined();
    expect(verifiedBallotNonce(KEY, 3, 11, nonce, `${mac}=`)).toBeUndefined();
    // Upper case is another nonce: only the canonical form is ever issued.
    expect(verifiedBallotNonce(KEY, 3, 11, nonce.toUpperCase(), ballotNonceMac(KEY, 3, 11, nonce.toUpperCase()))).toBeUndefined();
  });

  it('have a MAC of their own domain: no tracker MAC passes for a nonce MAC', () => {
    const nonce = 'ab'.repeat(16);
    expect(ballotNonceMac(KEY, 3, 11, nonce)).not.toBe(trackerMac(KEY, 3, 11, nonce));
    expect(verifiedBallotNonce(KEY, 3, 11, nonce, trackerMac(KEY, 3, 11, nonce))).toBeUndefined();
  });
});
