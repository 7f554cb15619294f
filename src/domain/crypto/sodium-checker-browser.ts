/**
 * The fast BallotChecker without Node APIs: sodium-core.ts's libsodium checker with @noble/hashes'
 * SHA-512, for a browser or a static verifier page whose Content-Security-Policy allows WebAssembly
 * ('wasm-unsafe-eval'). The app's own pages allow none, so the trustee's decryption page checks
 * ballots with the reference checker in Web Workers instead (views/assets/decryption-worker.ts);
 * measured in Chromium on the 2-core development machine, 12-option ballots: about 69 ms a ballot
 * with this checker, 143 ms with noble on one thread. sodium-checker.test.ts holds it to the Node one.
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
