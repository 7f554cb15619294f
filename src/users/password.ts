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
