import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { EVIDENCE_TYPES, type EvidenceType, isOneOf } from '../domain/vocabulary.ts';

/**
 * Evidence files (photos and PDFs) as they are checked and stored: the type is decided from the
 * content (never the name or the type the browser claims), images are decoded and encoded again
 * (turned upright by their EXIF orientation, scaled to at most 2048 px, every metadata block such as
 * EXIF and GPS dropped), PDFs are kept byte for byte. No database here: the store saves what this
 * returns.
 */

/** The largest file accepted: 10 MB. */
export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;
/** The longest side of a stored image. */
export const MAX_IMAGE_SIDE = 2048;
/** Images with more pixels than this are refused before decoding (a decompression bomb). */
const MAX_INPUT_PIXELS = 80_000_000;

/** Why a file is refused. */
export type EvidenceRefusal = 'empty' | 'too-large' | 'type' | 'unreadable';

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

/** How a stored file is served: images shown in the page, PDFs downloaded. */
export function dispositionOf(mediaType: EvidenceType, sha256: string): string {
  if (mediaType === 'application/pdf') return `attachment; filename="evidence-${sha256.slice(0, 12)}.pdf"`;
  return 'inline';
}
