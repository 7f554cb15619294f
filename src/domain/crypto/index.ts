/**
 * The encrypted-ballot core (docs/encrypted-ballots.md): ristretto255 group and encodings, exponential
 * ElGamal, zero-knowledge proofs, the ballot encoding, threshold keys and the key ceremony
 * (docs/key-ceremony.md: share transport, complaints, trustee files). Pure; not yet wired into
 * casting, the record or any route.
 */
export * from './group.ts';
export * from './elgamal.ts';
export * from './proofs.ts';
export * from './ballot.ts';
export * from './threshold.ts';
export * from './fingerprint.ts';
export * from './transport.ts';
export * from './ceremony.ts';
export * from './trustee-file.ts';
