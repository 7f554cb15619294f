/**
 * A strict check of well-formedness for the XML this module writes: one root, every tag closed in
 * order, attributes quoted, and no `&` or `<` outside markup except as entity references.
 */
export function wellFormedXml(xml: string): { root: string; elements: { name: string; attrs: Record<string, string>; text: string }[] } {
  const body = xml.replace(/^<\?xml version="1\.0" encoding="utf-8"\?>\n/, '');
  const stack: { name: string; attrs: Record<string, string>; text: string }[] = [];
  const elements: { name: string; attrs: Record<string, string>; text: string }[] = [];
  let root = '';
  const token = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < body.length) {
    token.lastIndex = pos;
    m = token.exec(body);
    if (!m) throw new Error(`not well-formed at ${pos}: ${body.slice(pos, pos + 40)}`);
    pos = token.lastIndex;
    if (m[5] !== undefined) {
      if (/&(?!(?:amp|lt|gt|quot|apos);)/.test(m[5])) throw new Error(`bare & in text: ${m[5]}`);
      if (stack.length) stack.at(-1)!.text += m[5];
      else if (m[5].trim()) throw new Error('text outside the root');
      continue;
    }
    const [, close, name, attrText, selfClose] = m;
    if (close) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(/([\w:.-]+)="([^"]*)"/g)) attrs[a[1]!] = a[2]!;
    const el = { name: name!, attrs, text: '' };
    elements.push(el);
    if (!stack.length) {
      if (root) throw new Error('two roots');
      root = name!;
    }
    if (!selfClose) stack.push(el);
  }
  if (stack.length) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  return { root, elements };
}


/** The text of an element or attribute, its entity references resolved. */
export const xmlText = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
