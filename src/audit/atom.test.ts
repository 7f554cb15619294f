import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { wellFormedXml, xmlText } from '../../tests/support/xml.ts';
import { checkpointsAtom, checkpointTag, xmlEscape } from './atom.ts';
import { type Checkpoint, checkpointContent, signCheckpoint } from './checkpoints.ts';


function checkpoints(n: number): Checkpoint[] {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicKeyDer = publicKey.export({ type: 'spki', format: 'der' });
  return Array.from({ length: n }, (_, i) => signCheckpoint(checkpointContent({
    seq: n - i, length: (n - i) * 3, lastId: (n - i) * 3, head: 'sha256:' + String(n - i).repeat(64).slice(0, 64), at: new Date(Date.UTC(2024, 0, 15, n - i)), publicKeyDer,
  }), { privateKey, publicKeyDer }));
}

describe('xmlEscape', () => {
  it('escapes markup characters and drops what XML cannot carry', () => {
    expect(xmlEscape(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(xmlEscape('a\u0000b\u0008c\td\ne\uFFFEf\uD800g')).toBe('abc\td\nefg');
    expect(xmlEscape('审计 😀')).toBe('审计 😀');
  });
});

describe('checkpointsAtom', () => {
  const list = checkpoints(3);
  const xml = checkpointsAtom({
    origin: 'https://vote.example.gov.cn', lang: 'zh-CN', title: '审计检查点 <&> "x"', subtitle: 'sub & more', author: '某县人大',
    updated: list[0]!.at, checkpoints: list, entryTitle: (c) => `审计检查点 #${c.seq} & <${c.length}>`,
  });

  it('is well-formed Atom 1.0 with the feed\'s id, title, updated, author and links', () => {
    const { root, elements } = wellFormedXml(xml);
    expect(root).toBe('feed');
    const feed = elements[0]!;
    expect(feed.attrs).toEqual({ xmlns: 'http://www.w3.org/2005/Atom', 'xml:lang': 'zh-CN' });
    const top = (name: string) => elements.find((e) => e.name === name)!;
    expect(top('id').text).toBe('tag:vote.example.gov.cn,2026:minsheng/audit-checkpoints');
    expect(xmlText(top('title').text)).toBe('审计检查点 <&> "x"');
    expect(top('updated').text).toBe('2024-01-15T11:00:00+08:00');
    expect(elements.filter((e) => e.name === 'link').slice(0, 2).map((e) => e.attrs)).toEqual([
      { rel: 'self', type: 'application/atom+xml', href: 'https://vote.example.gov.cn/audit/checkpoints.atom' },
      { rel: 'alternate', type: 'application/json', href: 'https://vote.example.gov.cn/audit/checkpoints.json' },
    ]);
  });

  it('has one entry per checkpoint, newest first: a tag URI, the checkpoint\'s time, and the signed JSON as its content', () => {
    const entries = xml.split('<entry>').slice(1);
    expect(entries).toHaveLength(3);
    entries.forEach((entry, i) => {
      const c = list[i]!;
      expect(entry).toContain(`<id>${checkpointTag('vote.example.gov.cn', c.seq)}</id>`);
      expect(entry).toContain(`<updated>${c.at}</updated>`);
      expect(entry).toContain(`<title>审计检查点 #${c.seq} &amp; &lt;${c.length}&gt;</title>`);
      const content = /<content type="text">([^<]*)<\/content>/.exec(entry)![1]!;
      expect(JSON.parse(xmlText(content))).toEqual(c);
    });
  });

  it('is a valid feed without any checkpoint', () => {
    const empty = checkpointsAtom({ origin: 'http://localhost:3000', lang: 'en', title: 't', subtitle: 's', author: 'a', updated: '2026-01-01T00:00:00+08:00', checkpoints: [], entryTitle: () => '' });
    expect(wellFormedXml(empty).elements.filter((e) => e.name === 'entry')).toEqual([]);
    expect(empty).toContain('<id>tag:localhost,2026:minsheng/audit-checkpoints</id>');
  });
});
