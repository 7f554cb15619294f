import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id with the library's defaults, which match OWASP's minimum recommendation: m = 19 MiB,
 * t = 2, p = 1 (about 12 ms per hash on this class of machine). Stored in PHC string form, so the
 * parameters travel with each hash and can be raised later without a migration.
 */
const ARGON2ID = 2;
export const PASSWORD_PARAMS = Object.freeze({ algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 });


export function hashPassword(password: string): Promise<string> {
  return hash(password, PASSWORD_PARAMS);
}

export function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  return verify(storedHash, password);
}

/** How many hashes run at once: the size of libuv's thread pool, where @node-rs/argon2 works. */
export const HASH_CONCURRENCY = 4;

/**
 * Hashes many passwords (a roster's credential slips) with at most `concurrency` in flight, in
 * order. The thread pool is FIFO and shared with file reads and compression: queueing all 700 jobs
 * at once would make every other request wait behind them; bounded, others wait one hash at most.
 */
export async function hashPasswords(passwords: readonly string[], concurrency = HASH_CONCURRENCY, hash = hashPassword): Promise<string[]> {
  const hashes = new Array<string>(passwords.length);
  let next = 0;
  const worker = async () => {
    while (next < passwords.length) {
      const i = next++;
      hashes[i] = await hash(passwords[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, passwords.length) }, worker));
  return hashes;
}
