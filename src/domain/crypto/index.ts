/**
 * The encrypted-ballot core (docs/encrypted-ballots.md): ristretto255 group and encodings, exponential
 * ElGamal, zero-knowledge proofs, the ballot encoding and threshold keys. Pure; not yet wired into
 * casting, the record or any route.
 */
export * from './group.ts';
export * from './elgamal.ts';
export * from './proofs.ts';
export * from './ballot.ts';
export * from './threshold.ts';
