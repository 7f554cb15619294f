import { createHmac, createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../config.ts';
import { dataDirSecret } from './signing.ts';

/**
 * Keys derived from the installation's secret, the one kept OUTSIDE the database: never stored, made
 * again by every instance from its configuration.
 *
 * `deriveKey(secret, purpose)` is HMAC-SHA256(secret, "minsheng " ‖ purpose): one key per purpose,
 * so that a key used for one thing (the opinion limits' address hashes, the ballot trackers' MACs)
 * tells nothing about another.
 */
export function deriveKey(secret: string | Uint8Array, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`minsheng ${purpose}`).digest();
}

export type InstallationConfig = Pick<Config, 'signingKeySecret' | 'signingKeyFile' | 'databaseUrl' | 'dataDir'>;

/** Per process, for an installation without a secret (below). */
const processSecret = randomBytes(32);
const secrets = new WeakMap<InstallationConfig, Uint8Array>();

/**
 * The installation's secret: SIGNING_KEY_SECRET; else the private key of SIGNING_KEY_FILE (a secret
 * every instance holds); else, on the embedded engine, the secret file under DATA_DIR that protects
 * its signing key (so that a deputy whose cast went unanswered when the process died can cast the
 * same reviewed ballot after the restart); else a random secret of this process, enough for a
 * demonstration on PostgreSQL: a restart then merely asks a deputy to review again. Several
 * instances on PostgreSQL need SIGNING_KEY_SECRET or SIGNING_KEY_FILE (they need it to publish anyway).
 */
export function installationSecret(config: InstallationConfig): Uint8Array {
  let secret = secrets.get(config);
  if (secret) return secret;
  if (config.signingKeySecret !== undefined) secret = Buffer.from(config.signingKeySecret, 'utf8');
  else if (config.signingKeyFile !== undefined) {
    try {
      secret = createPrivateKey(readFileSync(config.signingKeyFile, 'utf8')).export({ type: 'pkcs8', format: 'der' });
    } catch {
      secret = processSecret; // publishing names the unreadable file; casting need not fail for it
    }
  } else if (config.databaseUrl === undefined) {
    try {
      secret = dataDirSecret(config.dataDir, true);
    } catch {
      secret = processSecret; // an unwritable DATA_DIR (tests' apps): the process's own
    }
  } else secret = processSecret;
  secrets.set(config, secret);
  return secret;
}

/** The key that authenticates the trackers the ballot review page issues (src/ballots/tracker.ts). */
export function trackerKey(config: InstallationConfig): Buffer {
  return deriveKey(installationSecret(config), 'ballot tracker');
}
