/**
 * The fast BallotChecker for browsers (a trustee's decryption page, views/assets/decryption.ts):
 * sodium-core.ts's libsodium checker with @noble/hashes' SHA-512 (no Node API), so that the server,
 * `npm run verify` and a trustee's browser run the same checks. sodium-checker.test.ts holds it to
 * the reference checker too.
 */
import { sha512 } from '@noble/hashes/sha2.js';
import type { CheckerFactory } from './checker.ts';
import { sodiumCheckerWith } from './sodium-core.ts';

let loading: Promise<CheckerFactory> | undefined;

/** The libsodium checker factory for a browser, once libsodium's WebAssembly is loaded. */
export function browserSodiumChecker(): Promise<CheckerFactory> {
  loading ??= sodiumCheckerWith(sha512);
  return loading;
}
