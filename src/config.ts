import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/** Log levels in increasing severity; a logger prints its level and above. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  readonly port: number;
  /** postgres://… when set; otherwise the embedded PGlite engine under dataDir. */
  readonly databaseUrl: string | undefined;
  /**
   * The role that owns the tables and runs migrations (postgres://…), when it is not the
   * application's own: then DATABASE_URL's role holds only grants (docs/operations.md).
   */
  readonly migrationDatabaseUrl: string | undefined;
  readonly engine: 'pglite' | 'postgres';
  readonly dataDir: string;
  /** The origin users reach the app at; CSRF checks and Secure cookies derive from it. */
  readonly publicUrl: URL;
  readonly logLevel: LogLevel;
  /** Seed and show demo data (with a visible banner). */
  readonly demo: boolean;
  /** Addresses of reverse proxies whose X-Forwarded-For is believed. */
  readonly trustedProxies: readonly string[];
  readonly production: boolean;
  /**
   * Secret from which the key encrypting the Ed25519 signing key is derived; the same on every
   * instance. Required to publish results on PostgreSQL unless SIGNING_KEY_FILE is given (or DEMO).
   */
  readonly signingKeySecret: string | undefined;
  /** A PEM Ed25519 private key shared by all instances, used instead of a key kept in the database. */
  readonly signingKeyFile: string | undefined;
}

/** A configuration problem, phrased as one line that names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const booleanWords: Record<string, boolean> = {
  '1': true, true: true, yes: true, on: true,
  '0': false, false: false, no: false, off: false,
};

const schema = z.object({
  PORT: z.string().regex(/^\d+$/, 'must be a whole number').transform(Number)
    .refine((n) => n >= 1 && n <= 65535, 'must be between 1 and 65535').default(3000),
  DATABASE_URL: z.string().optional().refine(
    (v) => v === undefined || /^postgres(ql)?:\/\/[^\s]+$/.test(v),
    'must be a postgres:// or postgresql:// URL',
  ),
  MIGRATION_DATABASE_URL: z.string().optional().refine(
    (v) => v === undefined || /^postgres(ql)?:\/\/[^\s]+$/.test(v),
    'must be a postgres:// or postgresql:// URL',
  ),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  PUBLIC_URL: z.string().optional().refine((v) => {
    if (v === undefined) return true;
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.pathname === '/' && !u.search;
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// origin such as https://vote.example.gov.cn (no path)'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  DEMO: z.string().optional().refine(
    (v) => v === undefined || v.toLowerCase() in booleanWords,
    'must be 1 or 0 (also true/false, yes/no, on/off)',
  ),
  TRUSTED_PROXIES: z.string().optional().refine(
    (v) => v === undefined || v.split(',').map((s) => s.trim()).filter(Boolean).every(isIpAddress),
    'must be a comma-separated list of IP addresses',
  ),
  NODE_ENV: z.string().optional(),
  SIGNING_KEY_SECRET: z.string().optional().refine(
    (v) => v === undefined || v.length >= 32,
    'must be at least 32 characters (for example the output of `openssl rand -hex 32`)',
  ),
  SIGNING_KEY_FILE: z.string().optional(),
});

/** Variables whose values must never appear in a message. */
const SECRET_VARIABLES = new Set(['SIGNING_KEY_SECRET', 'MIGRATION_DATABASE_URL']);

function isIpAddress(s: string): boolean {
  return z.ipv4().safeParse(s).success || z.ipv6().safeParse(s).success;
}

/**
 * Reads the environment once and returns a frozen Config, or throws a ConfigError whose message is
 * one line naming the first bad variable. Empty strings count as unset, as in most shells' `VAR=`.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(
    Object.keys(schema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    const got = SECRET_VARIABLES.has(name) ? `${(env[name] ?? '').length} characters` : JSON.stringify(env[name] ?? '');
    throw new ConfigError(`${name} ${issue.message} (got ${got})`);
  }
  const v = parsed.data;
  if (v.SIGNING_KEY_SECRET !== undefined && v.SIGNING_KEY_FILE !== undefined) {
    throw new ConfigError('SIGNING_KEY_FILE and SIGNING_KEY_SECRET are alternatives: set only one of them');
  }
  if (v.MIGRATION_DATABASE_URL !== undefined && v.DATABASE_URL === undefined) {
    throw new ConfigError('MIGRATION_DATABASE_URL needs DATABASE_URL: it names the owner of the PostgreSQL database the app uses');
  }
  const engine = v.DATABASE_URL ? 'postgres' : 'pglite';
  const publicUrl = new URL(v.PUBLIC_URL ?? `http://localhost:${v.PORT}`);
  const demo = v.DEMO === undefined ? engine === 'pglite' : booleanWords[v.DEMO.toLowerCase()]!;
  return Object.freeze({
    port: v.PORT,
    databaseUrl: v.DATABASE_URL,
    migrationDatabaseUrl: v.MIGRATION_DATABASE_URL,
    engine,
    dataDir: isAbsolute(v.DATA_DIR) ? v.DATA_DIR : resolve(v.DATA_DIR),
    publicUrl,
    logLevel: v.LOG_LEVEL,
    demo,
    trustedProxies: Object.freeze((v.TRUSTED_PROXIES ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
    production: v.NODE_ENV === 'production',
    signingKeySecret: v.SIGNING_KEY_SECRET,
    signingKeyFile: v.SIGNING_KEY_FILE === undefined ? undefined : isAbsolute(v.SIGNING_KEY_FILE) ? v.SIGNING_KEY_FILE : resolve(v.SIGNING_KEY_FILE),
  });
}
