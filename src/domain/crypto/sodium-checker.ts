/**
 * The fast BallotChecker for Node (the server and `npm run verify`): sodium-core.ts's libsodium
 * checker with node:crypto's SHA-512. Browsers use sodium-checker-browser.ts, the same code with
 * @noble/hashes' SHA-512.
 */
import { createHash } from 'node:crypto';
import type { CheckerFactory } from './checker.ts';
import { sodiumCheckerWith } from './sodium-core.ts';

let loading: Promise<CheckerFactory> | undefined;

/**
 * The libsodium checker factory, once libsodium's WebAssembly is loaded (the first call loads it; later
 * calls share it). Same interface and answers as nobleChecker.
 */
export function sodiumChecker(): Promise<CheckerFactory> {
  loading ??= sodiumCheckerWith((bytes: Uint8Array) => new Uint8Array(createHash('sha512').update(bytes).digest()));
  return loading;
}
