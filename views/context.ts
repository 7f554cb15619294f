import type { Lang, Translate } from '../src/platform/i18n/index.ts';

/** What every view needs to speak the reader's language; passed explicitly as the `v` prop. */
export interface ViewContext {
  lang: Lang;
  t: Translate;
}
