import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { EVIDENCE_TYPES, type EvidenceType, isOneOf } from '../domain/vocabulary.ts';

/**
 * Evidence files (photos and PDFs) as they are checked and stored: the type is decided from the
 * content (never the name or the type the browser claims), images are decoded and encoded again
 * (turned upright by their EXIF orientation, scaled to at most 2048 px, every metadata block such as
 * EXIF and GPS dropped), PDFs are kept byte for byte (their text and metadata are published as they
 * are) but refused when they carry active or embedded content (`pdfActiveContent`). No database
 * here: the store saves what this returns.
 */

/** The largest file accepted: 10 MB. */
export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;
/** The longest side of a stored image. */
export const MAX_IMAGE_SIDE = 2048;
/** Images with more pixels than this are refused before decoding (a decompression bomb). */
const MAX_INPUT_PIXELS = 80_000_000;

/** Why a file is refused. */
export type EvidenceRefusal = 'empty' | 'too-large' | 'type' | 'unreadable' | 'active-pdf';

/** A file ready to store: its bytes after re-encoding (images) and their SHA-256. */
export interface PreparedEvidence {
  sha256: string;
  mediaType: EvidenceType;
  bytes: Uint8Array;
  width: number | null;
  height: number | null;
}

export type EvidenceResult = { ok: true; file: PreparedEvidence } | { ok: false; reason: EvidenceRefusal };

/** The hex SHA-256 of the bytes: a stored file's name. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Whether a string names a stored file (64 lowercase hex digits). */
export function isSha256(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}

/** What the content is, by its bytes (magic numbers), if it is a kind of evidence we take. */
export async function evidenceTypeOf(bytes: Uint8Array): Promise<EvidenceType | undefined> {
  const found = await fileTypeFromBuffer(bytes);
  return found && isOneOf(EVIDENCE_TYPES, found.mime) ? found.mime : undefined;
}

/** Checks a file and prepares it for storage, or says why it is refused. */
export async function prepareEvidence(bytes: Uint8Array): Promise<EvidenceResult> {
  if (bytes.byteLength === 0) return { ok: false, reason: 'empty' };
  if (bytes.byteLength > MAX_EVIDENCE_BYTES) return { ok: false, reason: 'too-large' };
  const mediaType = await evidenceTypeOf(bytes);
  if (!mediaType) return { ok: false, reason: 'type' };
  if (mediaType === 'application/pdf') {
    if (pdfActiveContent(bytes).length > 0) return { ok: false, reason: 'active-pdf' };
    return { ok: true, file: { sha256: sha256Hex(bytes), mediaType, bytes, width: null, height: null } };
  }
  try {
    const image = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: MAX_IMAGE_SIDE, height: MAX_IMAGE_SIDE, fit: 'inside', withoutEnlargement: true });
    // Without withMetadata/keepMetadata sharp writes no EXIF, XMP, IPTC or ICC block.
    const encoded = mediaType === 'image/jpeg' ? image.jpeg({ quality: 85 })
      : mediaType === 'image/png' ? image.png()
      : image.webp({ quality: 85 });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    const out = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { ok: true, file: { sha256: sha256Hex(out), mediaType, bytes: out, width: info.width, height: info.height } };
  } catch {
    // A file that starts like an image but does not decode (truncated, corrupt, too many pixels).
    return { ok: false, reason: 'unreadable' };
  }
}

// ---------------------------------------------------------------------------------------------
// PDFs: no script, no action on opening, no embedded file or media, no XFA form.

/**
 * The PDF names that make a document act or carry another file: scripts (/JavaScript, /JS), actions
 * run on opening or on events (/OpenAction, /AA), programs launched (/Launch), attached files
 * (/EmbeddedFile, /EmbeddedFiles), Flash and media (/RichMedia), XML forms with their own scripts (/XFA).
 */
export const PDF_ACTIVE_NAMES = ['JavaScript', 'JS', 'OpenAction', 'AA', 'Launch', 'EmbeddedFile', 'EmbeddedFiles', 'RichMedia', 'XFA'] as const;

// A name ends at white space or a delimiter (PDF 32000-1 §7.2.2); `#xx` in a name stands for a byte.
const ACTIVE_NAME = new RegExp(`/(${PDF_ACTIVE_NAMES.join('|')})(?=[\\s()<>\\[\\]{}/%]|$)`, 'g');
/** At most this much inflated, over all the streams of one file (a decompression bomb stops here). */
const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

function activeNamesIn(text: string, into: Set<string>): void {
  const decoded = text.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  for (const m of decoded.matchAll(ACTIVE_NAME)) into.add(m[1]!);
}

/**
 * The active or embedded content names a PDF carries, empty when none: looked for in the raw bytes
 * and inside every stream that inflates (FlateDecode: object streams hide dictionaries there), with
 * `#xx` escapes in names resolved. A stream that does not inflate is left as the raw scan saw it.
 */
export function pdfActiveContent(bytes: Uint8Array): string[] {
  const found = new Set<string>();
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  activeNamesIn(raw.toString('latin1'), found);
  let budget = MAX_INFLATED_BYTES;
  const start = /stream\r?\n/g;
  const text = raw.toString('latin1');
  for (let m = start.exec(text); m && budget > 0; m = start.exec(text)) {
    const from = m.index + m[0].length;
    const end = text.indexOf('endstream', from);
    const data = raw.subarray(from, end < 0 ? raw.length : end);
    let inflated: Buffer;
    try {
      inflated = inflateSync(data, { maxOutputLength: budget, finishFlush: 2 /* Z_SYNC_FLUSH: a stream cut short still gives what it has */ });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') budget = 0;
      continue;
    }
    budget -= inflated.length;
    activeNamesIn(inflated.toString('latin1'), found);
    if (end >= 0) start.lastIndex = end;
  }
  // Too much to inflate: refused rather than published unread.
  if (budget <= 0) found.add('too-much-to-read');
  return [...found].sort();
}

/** How a stored file is served: images shown in the page, PDFs downloaded. */
export function dispositionOf(mediaType: EvidenceType, sha256: string): string {
  if (mediaType === 'application/pdf') return `attachment; filename="evidence-${sha256.slice(0, 12)}.pdf"`;
  return 'inline';
}
