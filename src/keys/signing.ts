import {
  createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, scrypt as scryptCb,
  type KeyObject, type ScryptOptions,
} from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import type { Db } from '../platform/db/index.ts';
import type { SigningKeyTable } from '../domain/tables.ts';
import { keyFingerprint } from '../domain/record/digest.ts';

/**
 * The Ed25519 key that signs published election records, shared by every app instance.
 *
 * Where it lives, in order of preference:
 * - SIGNING_KEY_FILE: a PEM private key, a secret the operator distributes to every instance.
 * - otherwise the database (`signing_keys`), created on first use, its private half sealed with
 *   AES-256-GCM under a key derived with scrypt from a secret kept OUTSIDE the database:
 *   SIGNING_KEY_SECRET ('env'), or on the embedded engine a random secret generated into
 *   DATA_DIR/signing-secret (mode 0600, 'data-dir').
 * - on PostgreSQL without either, only in demo mode: a random secret stored in the key's own row
 *   ('demo-database'), which protects nothing and is for demonstrations only. Without demo mode the
 *   key cannot be made and publishing refuses, naming SIGNING_KEY_SECRET.
 */
export type SigningConfig = Pick<Config, 'signingKeySecret' | 'signingKeyFile' | 'databaseUrl' | 'dataDir' | 'demo'>;
export type KeySource = 'file' | SigningKeyTable['protection'];

export interface PublicSigningKey {
  /** DER (SPKI) public key. */
  publicKeyDer: Buffer;
  /** SHA-256 of the DER, hex: what verifiers compare (`npm run verify -- … --key`). */
  fingerprint: string;
  source: KeySource;
}

export interface SigningKey extends PublicSigningKey {
  privateKey: KeyObject;
}

/** The key cannot be made or opened; the message tells the operator what to set. */
export class SigningKeyUnavailable extends Error {
  override name = 'SigningKeyUnavailable';
}

/** The one key row; later rotation would add rows with higher ids. */
const KEY_ID = 1;
const SECRET_FILE = 'signing-secret';
const FORMAT_V1 = 1;
// scrypt with N = 2^15, r = 8 (32 MiB, ~0.1 s): SIGNING_KEY_SECRET may be a passphrase, not only random bytes.
const SCRYPT: ScryptOptions = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

function deriveKek(secret: Uint8Array, salt: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(secret, salt, 32, SCRYPT, (err, key) => (err ? reject(err) : resolve(key))));
}

/** version ‖ iv ‖ GCM tag ‖ ciphertext; the public key is authenticated with it. */
function sealPrivateKey(kek: Buffer, pkcs8: Buffer, publicKeyDer: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(publicKeyDer);
  const ciphertext = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT_V1]), iv, cipher.getAuthTag(), ciphertext]);
}

function openPrivateKey(kek: Buffer, sealed: Buffer, publicKeyDer: Buffer): Buffer {
  if (sealed[0] !== FORMAT_V1) throw new Error(`unknown sealed key format ${sealed[0]}`);
  const decipher = createDecipheriv('aes-256-gcm', kek, sealed.subarray(1, 13));
  decipher.setAAD(publicKeyDer);
  decipher.setAuthTag(sealed.subarray(13, 29));
  return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]);
}

const secretPath = (dataDir: string) => join(dataDir, SECRET_FILE);

/** DATA_DIR/signing-secret, made (0600) if asked and missing. */
export function dataDirSecret(dataDir: string, create: boolean): Buffer {
  const path = secretPath(dataDir);
  if (create) {
    try {
      writeFileSync(path, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new SigningKeyUnavailable(`cannot create the signing key secret ${path}: ${(e as Error).message}`);
      }
    }
  }
  try {
    return Buffer.from(readFileSync(path, 'utf8').trim(), 'utf8');
  } catch (e) {
    throw new SigningKeyUnavailable(`the signing key in the database is encrypted under ${path}, which cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); restore that file or set SIGNING_KEY_SECRET and create a new key`);
  }
}

/** How a new key would be protected under this configuration, or why none can be made. */
function protectionFor(config: SigningConfig): SigningKeyTable['protection'] {
  if (config.signingKeySecret !== undefined) return 'env';
  if (config.databaseUrl === undefined) return 'data-dir';
  if (config.demo) return 'demo-database';
  throw new SigningKeyUnavailable('no signing key secret: set SIGNING_KEY_SECRET (at least 32 characters, the same on every instance) or SIGNING_KEY_FILE to publish results on PostgreSQL');
}

type KeyRow = Pick<SigningKeyTable, 'public_key_der' | 'private_key_encrypted' | 'protection' | 'kdf_salt' | 'demo_secret'>;

async function readKeyRow(db: Db): Promise<KeyRow | undefined> {
  return db.selectFrom('signing_keys').select(['public_key_der', 'private_key_encrypted', 'protection', 'kdf_salt', 'demo_secret'])
    .where('id', '=', KEY_ID).executeTakeFirst();
}

/**
 * The stored key, made on first use. Two instances making it at once both insert with the same id
 * and `on conflict do nothing`; both then read the one row that won, so there is only ever one key.
 */
async function ensureKeyRow(db: Db, config: SigningConfig): Promise<KeyRow> {
  const existing = await readKeyRow(db);
  if (existing) return existing;
  const protection = protectionFor(config);
  const demoSecret = protection === 'demo-database' ? randomBytes(32) : null;
  const secret = protection === 'env' ? Buffer.from(config.signingKeySecret!, 'utf8')
    : protection === 'data-dir' ? dataDirSecret(config.dataDir, true) : demoSecret!;
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicKeyDer = publicKey.export({ type: 'spki', format: 'der' });
  const salt = randomBytes(16);
  const sealed = sealPrivateKey(await deriveKek(secret, salt), privateKey.export({ type: 'pkcs8', format: 'der' }), publicKeyDer);
  await db.insertInto('signing_keys').values({
    id: KEY_ID, public_key_der: publicKeyDer, private_key_encrypted: sealed, protection, kdf_salt: salt, demo_secret: demoSecret,
  }).onConflict((oc) => oc.column('id').doNothing()).execute();
  return (await readKeyRow(db))!;
}

function fromFile(path: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new SigningKeyUnavailable(`SIGNING_KEY_FILE ${path} is not a readable PEM private key: ${(e as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyUnavailable(`SIGNING_KEY_FILE ${path} holds a ${privateKey.asymmetricKeyType} key; an Ed25519 key is needed (openssl genpkey -algorithm ed25519)`);
  }
  const publicKeyDer = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return { publicKeyDer, fingerprint: keyFingerprint(publicKeyDer), source: 'file', privateKey };
}

const publicOf = (row: KeyRow): PublicSigningKey => {
  const publicKeyDer = Buffer.from(row.public_key_der);
  return { publicKeyDer, fingerprint: keyFingerprint(publicKeyDer), source: row.protection };
};

/** The public signing key (made on first use, so that it can be published before any result). */
export async function publicSigningKey(db: Db, config: SigningConfig): Promise<PublicSigningKey> {
  if (config.signingKeyFile !== undefined) {
    const { privateKey: _p, ...pub } = fromFile(config.signingKeyFile);
    return pub;
  }
  return publicOf(await ensureKeyRow(db, config));
}

/** The signing key with its private half, opened for one signature; made on first use. */
export async function loadSigningKey(db: Db, config: SigningConfig): Promise<SigningKey> {
  if (config.signingKeyFile !== undefined) return fromFile(config.signingKeyFile);
  const row = await ensureKeyRow(db, config);
  let secret: Buffer;
  switch (row.protection) {
    case 'env':
      if (config.signingKeySecret === undefined) throw new SigningKeyUnavailable('the signing key in the database is encrypted under SIGNING_KEY_SECRET, which is not set');
      secret = Buffer.from(config.signingKeySecret, 'utf8');
      break;
    case 'data-dir':
      secret = dataDirSecret(config.dataDir, false);
      break;
    case 'demo-database':
      if (!config.demo) {
        throw new SigningKeyUnavailable('the signing key in the database was made in demo mode (its secret is stored beside it) and must not sign real results; set SIGNING_KEY_SECRET and remove the demo key (README: signing key)');
      }
      secret = Buffer.from(row.demo_secret!);
      break;
    default:
      throw new SigningKeyUnavailable(`unknown key protection ${String(row.protection)}`);
  }
  let pkcs8: Buffer;
  try {
    pkcs8 = openPrivateKey(await deriveKek(secret, row.kdf_salt), Buffer.from(row.private_key_encrypted), Buffer.from(row.public_key_der));
  } catch {
    throw new SigningKeyUnavailable(`the signing key in the database cannot be decrypted: ${row.protection === 'env' ? 'SIGNING_KEY_SECRET differs from the one it was made with' : `${secretPath(config.dataDir)} is not the secret it was made with`}`);
  }
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  return { ...publicOf(row), privateKey };
}

/** The public key as PEM (SPKI), as /.well-known/minsheng-signing-key serves it. */
export function publicKeyPem(publicKeyDer: Uint8Array): string {
  return createPublicKey({ key: Buffer.from(publicKeyDer), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * The signing key, opened once and kept while it stays the same: audit checkpoints are signed at
 * every election transition and hourly, and deriving the key-encryption key (scrypt, ~0.1 s) each
 * time would hold the audit chain's lock for that long. The stored row is read on every call (one
 * small query), so a key removed or replaced by an administrator is noticed at once.
 */
export function signingKeyCache(config: SigningConfig): (db: Db) => Promise<SigningKey> {
  let cached: { stamp: string; key: SigningKey } | undefined;
  const stampOf = (row: KeyRow | undefined) => (row
    ? Buffer.concat([Buffer.from(row.public_key_der), Buffer.from(row.private_key_encrypted), Buffer.from(row.kdf_salt)]).toString('base64')
    : '');
  return async (db) => {
    if (config.signingKeyFile !== undefined) return fromFile(config.signingKeyFile);
    const row = await readKeyRow(db);
    if (cached && row && cached.stamp === stampOf(row)) return cached.key;
    const key = await loadSigningKey(db, config);
    cached = { stamp: stampOf(await readKeyRow(db)), key };
    return key;
  };
}
