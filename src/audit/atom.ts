import canonicalize from 'canonicalize';
import type { Checkpoint } from './checkpoints.ts';

/**
 * The audit checkpoints as an Atom 1.0 feed (RFC 4287), so that anyone can follow them with a feed
 * reader or archive them: each entry is one checkpoint, its content the signed JSON itself.
 * Written by hand: the feed is small and fixed, and everything that varies is escaped here.
 */

/** Escapes text for XML element content and double-quoted attributes; drops characters XML 1.0 cannot carry. */
export function xmlEscape(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A tag URI (RFC 4151) under the installation's host name: stable as long as PUBLIC_URL is. */
export function checkpointTag(host: string, seq?: number): string {
  return `tag:${host},2026:minsheng/audit-checkpoints${seq === undefined ? '' : `/${seq}`}`;
}

export interface AtomFeed {
  /** The installation's public origin, e.g. https://vote.example.gov.cn */
  origin: string;
  title: string;
  subtitle: string;
  author: string;
  /** RFC 3339: the newest checkpoint's time, or any fixed time when there is none. */
  updated: string;
  /** Newest first. */
  checkpoints: readonly Checkpoint[];
  entryTitle(c: Checkpoint): string;
  lang: string;
}

export function checkpointsAtom(feed: AtomFeed): string {
  // A tag URI's authority is a host name, without a port.
  const host = new URL(feed.origin).hostname;
  const e = xmlEscape;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${e(feed.lang)}">`,
    `  <id>${e(checkpointTag(host))}</id>`,
    `  <title>${e(feed.title)}</title>`,
    `  <subtitle>${e(feed.subtitle)}</subtitle>`,
    `  <updated>${e(feed.updated)}</updated>`,
    `  <author><name>${e(feed.author)}</name></author>`,
    `  <link rel="self" type="application/atom+xml" href="${e(`${feed.origin}/audit/checkpoints.atom`)}"/>`,
    `  <link rel="alternate" type="application/json" href="${e(`${feed.origin}/audit/checkpoints.json`)}"/>`,
  ];
  for (const c of feed.checkpoints) {
    lines.push(
      '  <entry>',
      `    <id>${e(checkpointTag(host, c.seq))}</id>`,
      `    <title>${e(feed.entryTitle(c))}</title>`,
      `    <updated>${e(c.at)}</updated>`,
      `    <link rel="alternate" type="application/json" href="${e(`${feed.origin}/audit/checkpoints.json?after=${c.seq - 1}&limit=1`)}"/>`,
      `    <content type="text">${e(canonicalize(c)!)}</content>`,
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
