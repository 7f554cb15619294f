/**
 * UTF-8 JSON as a JavaScript string of ASCII only, for JSON.parse, made chunk by chunk. V8 keeps a
 * string with any character above U+00FF at two bytes per character, so a record of tens of MB of
 * hex with a Chinese title would take twice its size in memory before it is even parsed, and
 * decoding it whole keeps the bytes and the text alive together. JSON allows other than ASCII only
 * inside strings, where `\uXXXX` means the same character: every UTF-16 code unit above U+007F is
 * written so, and JSON.parse gives the same value (or the same refusal: such a character outside a
 * string is a syntax error either way). Bytes that are not UTF-8 become U+FFFD, as
 * `readFileSync(path, 'utf8')` makes them.
 */
export class AsciiJsonDecoder {
  private readonly pieces: string[] = [];
  /** A run of bytes ≥ 0x80 at the end of the last chunk, which the next chunk may continue. */
  private carry: Buffer = Buffer.alloc(0);

  /** Takes the next chunk of the UTF-8 text (it may end inside a character). */
  push(chunk: Uint8Array): void {
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.carry.length) buf = Buffer.concat([this.carry, buf]);
    // Bytes ≥ 0x80 at the end may be a character cut in two: keep them for the next chunk.
    let end = buf.length;
    while (end > 0 && buf[end - 1]! >= 0x80) end--;
    this.carry = Buffer.from(buf.subarray(end));
    this.convert(buf, end);
  }

  /** The whole text, once every chunk was pushed. */
  end(): string {
    if (this.carry.length) this.convert(this.carry, this.carry.length);
    this.carry = Buffer.alloc(0);
    const text = this.pieces.join('');
    this.pieces.length = 0;
    return text;
  }

  /** Runs of bytes ≥ 0x80 are whole characters (an ASCII byte is never inside one): each is escaped. */
  private convert(buf: Buffer, end: number): void {
    let from = 0;
    for (let i = 0; i < end; i++) {
      if (buf[i]! < 0x80) continue;
      if (i > from) this.pieces.push(buf.toString('latin1', from, i));
      const start = i;
      while (i < end && buf[i]! >= 0x80) i++;
      const text = buf.toString('utf8', start, i);
      let escaped = '';
      for (let j = 0; j < text.length; j++) escaped += `\\u${text.charCodeAt(j).toString(16).padStart(4, '0')}`;
      this.pieces.push(escaped);
      from = i;
    }
    if (end > from) this.pieces.push(buf.toString('latin1', from, end));
  }
}

/** The ASCII-only text of UTF-8 JSON bytes (see AsciiJsonDecoder). */
export function asciiJsonText(bytes: Uint8Array): string {
  const d = new AsciiJsonDecoder();
  d.push(bytes);
  return d.end();
}
