/** A seeded deterministic Rng for tests (SHA-512 in counter mode): reproducible runs, never for real keys. */
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Rng } from './group.ts';

export function seededRng(seed: string): Rng {
  let counter = 0;
  let pool = new Uint8Array(0);
  return (n) => {
    while (pool.length < n) pool = concatBytes(pool, sha512(utf8ToBytes(`${seed}/${counter++}`)));
    const out = pool.slice(0, n);
    pool = pool.slice(n);
    return out;
  };
}
