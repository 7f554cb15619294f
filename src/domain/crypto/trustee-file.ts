/**
 * The trustee file (docs/key-ceremony.md): what a trustee keeps, on their own device, between the
 * key ceremony and the decryption; never on the server. Its secret content (the key share x_i, and
 * the exchange secret e_i while the ceremony runs) is sealed with AES-256-GCM under a key derived
 * from the trustee's passphrase with PBKDF2-SHA256 (600,000 iterations, 16-byte random salt), both
 * through WebCrypto (globalThis.crypto.subtle: Node and browsers alike). The AAD is the RFC 8785
 * canonical JSON of the file without its ciphertext, so no header field can be changed unnoticed.
 */
import canonicalize from 'canonicalize';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { G, decodePoint, decodeScalar, defaultRng, encodeScalar, mulSecret, type Rng } from './group.ts';

export const TRUSTEE_FILE_FORMAT = 'minsheng-trustee-file/1';
export const PBKDF2_ITERATIONS = 600_000;
/** A passphrase has at least this many characters (Unicode code points, after NFC). */
export const PASSPHRASE_MIN_LENGTH = 12;
/** … and at least this many different ones. */
export const PASSPHRASE_MIN_DISTINCT = 5;

/** What the file keeps secret. At least one of the two is present. */
export interface TrusteeFileContent {
  /** x_i, once the ceremony is complete. */
  secretShare?: bigint;
  /** e_i, while the ceremony runs. */
  exchangeSecret?: bigint;
}

/** The public header: whose file, for which ceremony; publicShare and publicKey once known. */
export interface TrusteeFileHeader {
  contextId: string;
  electionId: string;
  index: number;
  /** Y_i (64 hex), present once the ceremony is complete. */
  publicShare?: string;
  /** The election key y (64 hex), present once the ceremony is complete. */
  publicKey?: string;
}

/** The file as JSON (every hex lower-case). */
export interface TrusteeFile extends TrusteeFileHeader {
  format: typeof TRUSTEE_FILE_FORMAT;
  kdf: { alg: 'PBKDF2-SHA256'; iterations: number; salt: string };
  cipher: { alg: 'AES-256-GCM'; iv: string };
  ciphertext: string;
}

/** Why a file cannot be opened: `format` it is not a trustee file; `passphrase` wrong passphrase (or an altered file); `inconsistent` its content contradicts its header. */
export class TrusteeFileError extends Error {
  constructor(readonly code: 'format' | 'passphrase' | 'inconsistent', message: string) {
    super(message);
    this.name = 'TrusteeFileError';
  }
}

export type PassphraseProblem = 'too-short' | 'too-few-distinct';

/** The passphrase rules, as a pure check: true, or what is wrong. */
export function checkPassphrase(passphrase: string): true | PassphraseProblem {
  const chars = [...passphrase.normalize('NFC')];
  if (chars.length < PASSPHRASE_MIN_LENGTH) return 'too-short';
  if (new Set(chars).size < PASSPHRASE_MIN_DISTINCT) return 'too-few-distinct';
  return true;
}

function buf(b: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(b);
}

async function passphraseKey(passphrase: string, salt: Uint8Array, iterations: number, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  const subtle = globalThis.crypto.subtle;
  const material = await subtle.importKey('raw', buf(utf8ToBytes(passphrase.normalize('NFC'))), 'PBKDF2', false, ['deriveKey']);
  return subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: buf(salt), iterations }, material, { name: 'AES-GCM', length: 256 }, false, [usage]);
}

/** The AAD: UTF-8 of the canonical JSON of everything in the file except `ciphertext`. */
function aad(file: Omit<TrusteeFile, 'ciphertext'>): Uint8Array<ArrayBuffer> {
  return buf(utf8ToBytes(canonicalize(file)!));
}

function headerOnly(h: TrusteeFileHeader): TrusteeFileHeader {
  const out: TrusteeFileHeader = { contextId: h.contextId, electionId: h.electionId, index: h.index };
  if (h.publicShare !== undefined) out.publicShare = h.publicShare;
  if (h.publicKey !== undefined) out.publicKey = h.publicKey;
  return out;
}

function checkHeader(h: TrusteeFileHeader): void {
  const m = /^minsheng\/election\/([^/\s]+)\/[0-9a-f]{32}$/.exec(h.contextId ?? '');
  if (!m) throw new TrusteeFileError('format', 'contextId is not a ceremony context id');
  if (m[1] !== h.electionId) throw new TrusteeFileError('format', 'electionId does not match the context id');
  if (!Number.isSafeInteger(h.index) || h.index < 1) throw new TrusteeFileError('format', 'index is a trustee index ≥ 1');
  if ((h.publicShare === undefined) !== (h.publicKey === undefined)) throw new TrusteeFileError('format', 'publicShare and publicKey come together');
  try {
    if (h.publicShare !== undefined) decodePoint(h.publicShare);
    if (h.publicKey !== undefined) decodePoint(h.publicKey);
  } catch (e) {
    throw new TrusteeFileError('format', `a public value is not a point: ${(e as Error).message}`);
  }
}

/** The content must fit the header: x_i only with Y_i, and g^(x_i) = Y_i. */
function checkContent(h: TrusteeFileHeader, c: TrusteeFileContent): void {
  if (c.secretShare === undefined && c.exchangeSecret === undefined) throw new TrusteeFileError('inconsistent', 'the file holds no secret');
  if ((c.secretShare === undefined) !== (h.publicShare === undefined)) throw new TrusteeFileError('inconsistent', 'a key share goes with its public share, and only then');
  if (c.secretShare !== undefined && !mulSecret(G, c.secretShare).equals(decodePoint(h.publicShare!))) {
    throw new TrusteeFileError('inconsistent', 'the key share does not match the public share');
  }
}

/**
 * Seals the trustee's secrets under a passphrase (which must pass checkPassphrase). Async: PBKDF2 with
 * 600,000 iterations takes a noticeable fraction of a second, by design.
 */
export async function sealTrusteeFile(header: TrusteeFileHeader, content: TrusteeFileContent, passphrase: string, rng: Rng = defaultRng): Promise<TrusteeFile> {
  const h = headerOnly(header);
  checkHeader(h);
  checkContent(h, content);
  const ok = checkPassphrase(passphrase);
  if (ok !== true) throw new RangeError(`passphrase: ${ok}`);
  const salt = rng(16).slice(0, 16);
  const iv = rng(12).slice(0, 12);
  const body: Omit<TrusteeFile, 'ciphertext'> = {
    format: TRUSTEE_FILE_FORMAT, ...h,
    kdf: { alg: 'PBKDF2-SHA256', iterations: PBKDF2_ITERATIONS, salt: bytesToHex(salt) },
    cipher: { alg: 'AES-256-GCM', iv: bytesToHex(iv) },
  };
  const secret: Record<string, string> = {};
  if (content.secretShare !== undefined) secret.secretShare = encodeScalar(content.secretShare);
  if (content.exchangeSecret !== undefined) secret.exchangeSecret = encodeScalar(content.exchangeSecret);
  const key = await passphraseKey(passphrase, salt, PBKDF2_ITERATIONS, 'encrypt');
  const ct = await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv: buf(iv), additionalData: aad(body) }, key, buf(utf8ToBytes(JSON.stringify(secret))));
  return { ...body, ciphertext: bytesToHex(new Uint8Array(ct)) };
}

const HEX = /^(?:[0-9a-f]{2})*$/;

/** Parses a trustee file's JSON (text or parsed); throws a TrusteeFileError('format') unless it is one. */
export function parseTrusteeFile(input: unknown): TrusteeFile {
  let j: unknown = input;
  if (typeof input === 'string') {
    try {
      j = JSON.parse(input);
    } catch {
      throw new TrusteeFileError('format', 'not JSON');
    }
  }
  const o = (typeof j === 'object' && j !== null && !Array.isArray(j) ? j : {}) as Record<string, unknown>;
  if (o.format !== TRUSTEE_FILE_FORMAT) throw new TrusteeFileError('format', `not a ${TRUSTEE_FILE_FORMAT} file`);
  const allowed = new Set(['format', 'contextId', 'electionId', 'index', 'publicShare', 'publicKey', 'kdf', 'cipher', 'ciphertext']);
  for (const key of Object.keys(o)) if (!allowed.has(key)) throw new TrusteeFileError('format', `unknown member ${key}`);
  const kdf = (o.kdf ?? {}) as Record<string, unknown>;
  const cipher = (o.cipher ?? {}) as Record<string, unknown>;
  if (kdf.alg !== 'PBKDF2-SHA256' || kdf.iterations !== PBKDF2_ITERATIONS || typeof kdf.salt !== 'string' || !/^[0-9a-f]{32}$/.test(kdf.salt)) {
    throw new TrusteeFileError('format', `kdf must be PBKDF2-SHA256 with ${PBKDF2_ITERATIONS} iterations and a 16-byte salt`);
  }
  if (Object.keys(kdf).length !== 3 || Object.keys(cipher).length !== 2) throw new TrusteeFileError('format', 'unknown kdf or cipher member');
  if (cipher.alg !== 'AES-256-GCM' || typeof cipher.iv !== 'string' || !/^[0-9a-f]{24}$/.test(cipher.iv)) throw new TrusteeFileError('format', 'cipher must be AES-256-GCM with a 12-byte iv');
  if (typeof o.ciphertext !== 'string' || !HEX.test(o.ciphertext) || o.ciphertext.length < 34) throw new TrusteeFileError('format', 'ciphertext is lower-case hex');
  if (typeof o.contextId !== 'string' || typeof o.electionId !== 'string') throw new TrusteeFileError('format', 'contextId and electionId are strings');
  for (const f of ['publicShare', 'publicKey'] as const) if (o[f] !== undefined && typeof o[f] !== 'string') throw new TrusteeFileError('format', `${f} is a point`);
  const file = o as unknown as TrusteeFile;
  checkHeader(file);
  return file;
}

/**
 * Opens a trustee file with its passphrase: the header and the secrets. A wrong passphrase (or any
 * changed byte) gives TrusteeFileError('passphrase'); content that contradicts the header,
 * TrusteeFileError('inconsistent').
 */
export async function openTrusteeFile(input: unknown, passphrase: string): Promise<{ header: TrusteeFileHeader; content: TrusteeFileContent }> {
  const file = parseTrusteeFile(input);
  const { ciphertext, ...body } = file;
  const key = await passphraseKey(passphrase, hexToBytes(file.kdf.salt), file.kdf.iterations, 'decrypt');
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(await globalThis.crypto.subtle.decrypt({ name: 'AES-GCM', iv: buf(hexToBytes(file.cipher.iv)), additionalData: aad(body) }, key, buf(hexToBytes(ciphertext))));
  } catch {
    throw new TrusteeFileError('passphrase', 'wrong passphrase, or the file was altered');
  }
  const header = headerOnly(file);
  let content: TrusteeFileContent;
  try {
    const secret = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain)) as Record<string, unknown>;
    content = {};
    if (secret.secretShare !== undefined) content.secretShare = decodeScalar(secret.secretShare as string);
    if (secret.exchangeSecret !== undefined) content.exchangeSecret = decodeScalar(secret.exchangeSecret as string);
  } catch {
    throw new TrusteeFileError('inconsistent', 'the sealed content is not a trustee file\'s');
  }
  checkContent(header, content);
  return { header, content };
}
