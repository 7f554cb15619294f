/**
 * UTF-8 JSON as a JavaScript string of ASCII only, for JSON.parse. V8 keeps a string with any
 * character above U+00FF at two bytes per character, so a record of tens of MB of hex with a
 * Chinese title would take twice its size in memory before it is even parsed. JSON allows other
 * than ASCII only inside strings, where `\uXXXX` means the same character: every UTF-16 code unit
 * above U+007F is written so, and JSON.parse gives the same value (or the same refusal: such a
 * character outside a string is a syntax error either way). Bytes that are not UTF-8 become
 * U+FFFD, as `readFileSync(path, 'utf8')` makes them.
 */
export function asciiJsonText(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Runs of bytes ≥ 0x80: in UTF-8 they are whole characters, since an ASCII byte is never inside one.
  const runs: { start: number; end: number; escaped: string }[] = [];
  let extra = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i]! < 0x80) continue;
    const start = i;
    while (i < buf.length && buf[i]! >= 0x80) i++;
    const text = buf.toString('utf8', start, i);
    let escaped = '';
    for (let j = 0; j < text.length; j++) escaped += `\\u${text.charCodeAt(j).toString(16).padStart(4, '0')}`;
    runs.push({ start, end: i, escaped });
    extra += escaped.length - (i - start);
  }
  if (runs.length === 0) return buf.toString('latin1');
  const out = Buffer.allocUnsafe(buf.length + extra);
  let from = 0;
  let at = 0;
  for (const r of runs) {
    at += buf.copy(out, at, from, r.start);
    at += out.write(r.escaped, at, 'latin1');
    from = r.end;
  }
  at += buf.copy(out, at, from, buf.length);
  return out.toString('latin1', 0, at);
}
