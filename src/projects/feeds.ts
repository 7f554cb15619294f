import { Feed } from 'feed';
import { RATING_LABEL, isOneOf, RATINGS } from '../domain/vocabulary.ts';
import type { Lang, Translate } from '../platform/i18n/index.ts';
import type { FeedEvent } from './public-model.ts';

/** How many entries a feed carries. */
export const FEED_ENTRIES = 50;

/**
 * The feed library marks every entry's title and summary `type="html"` (in CDATA): our titles and
 * summaries are plain text (a department's narrative, a project's name), so they are escaped as HTML
 * here, and a reader shows `<img src=x onerror=…>` as those characters, never as markup.
 */
export function htmlEscaped(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A feed event's stable id (a tag URI would need a dated authority; the page's URL plus a fragment is unique and stable). */
function entryLink(base: string, e: FeedEvent): string {
  return `${base}/projects/${e.projectId}#${e.kind}-${e.ref}`;
}

function entryTitle(t: Translate, e: FeedEvent): string {
  switch (e.kind) {
    case 'chosen': return t('feed.entry.chosen', { title: e.projectTitle });
    case 'plan': return t(e.ref > 1 ? 'feed.entry.planRevised' : 'feed.entry.plan', { title: e.projectTitle, revision: e.ref });
    case 'report': return t('feed.entry.report', { title: e.projectTitle, seq: e.ref });
    case 'rating': return t('feed.entry.rating', { title: e.projectTitle, rating: isOneOf(RATINGS, e.text) ? t(RATING_LABEL[e.text]) : '' });
    default: {
      const never: never = e.kind;
      throw new Error(`unknown feed event ${String(never)}`);
    }
  }
}

/**
 * An Atom feed of tracked projects' events (newest first, as given): new projects, approved plans
 * and reports, ratings. `base` is the site's public origin; `self` the feed's own path.
 */
export function projectsAtom(options: { base: string; self: string; page: string; title: string; lang: Lang; t: Translate; events: readonly FeedEvent[]; updated: Date }): string {
  const { base, t } = options;
  const feed = new Feed({
    id: `${base}${options.self}`,
    title: options.title,
    link: `${base}${options.page}`,
    language: options.lang,
    updated: options.updated,
    generator: 'minsheng',
    copyright: t('feed.rights'),
    feedLinks: { atom: `${base}${options.self}` },
  });
  for (const e of options.events.slice(0, FEED_ENTRIES)) {
    const link = entryLink(base, e);
    feed.addItem({
      id: link, link, title: htmlEscaped(entryTitle(t, e)), date: e.at, published: e.at,
      ...(e.text && e.kind !== 'rating' ? { description: htmlEscaped(e.text.length > 280 ? `${e.text.slice(0, 280)}…` : e.text) } : {}),
    });
  }
  return feed.atom1();
}
