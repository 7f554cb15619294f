/**
 * Encodes text as GB18030/GBK the way Chinese Excel saves a CSV, for tests: Node can decode
 * GB18030 but has no encoder, so this inverts the decoder over the two-byte range (which covers
 * every common Chinese character). Throws on a character outside it.
 */
let table: Map<string, [number, number]> | undefined;

function reverseTable(): Map<string, [number, number]> {
  if (table) return table;
  table = new Map();
  const decoder = new TextDecoder('gb18030');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([lead, trail]));
      if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  return table;
}

export function encodeGb18030(text: string): Uint8Array<ArrayBuffer> {
  const map = reverseTable();
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    const pair = map.get(ch);
    if (!pair) throw new Error(`no two-byte GB18030 code for ${ch}`);
    out.push(...pair);
  }
  return new Uint8Array(out);
}
