import { beijingTime } from '../time.ts';
import { en } from './messages/en.ts';
import { type MessageKey, zhCN } from './messages/zh-CN.ts';

export type { MessageKey } from './messages/zh-CN.ts';
export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'zh-CN';
export const LANG_COOKIE = 'lang';

const dictionaries: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGS as readonly string[]).includes(v);
}

/** Returns `t(key, params)` for a language; `{name}` placeholders are filled from params. */
export function translator(lang: Lang): Translate {
  const dict = dictionaries[lang];
  return (key, params) => {
    const template = dict[key];
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  };
}

/** Whether a string names a message (schemas carry dictionary keys as their error messages). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(zhCN, key);
}

export function dictionary(lang: Lang): Readonly<Record<MessageKey, string>> {
  return dictionaries[lang];
}

/** 'YYYY-MM-DD' → 2023年1月10日 or 10 January 2023, without any time-zone shift. */
export function formatDate(lang: Lang, isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  if (lang === 'zh-CN') return `${y}年${m}月${d}日`;
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

/**
 * An instant as people read it, in Beijing time to the second, the one way every page shows a date
 * and time: 2026年11月30日 19:46:31, or 30 November 2026, 19:46:31. Takes a Date or an RFC 3339 time.
 */
export function formatDateTime(lang: Lang, at: Date | string): string {
  const local = beijingTime(new Date(at));
  const date = formatDate(lang, local.slice(0, 10));
  const time = local.slice(11, 19);
  return lang === 'zh-CN' ? `${date} ${time}` : `${date}, ${time}`;
}

export function formatDateRange(lang: Lang, from: string, to: string): string {
  return from === to ? formatDate(lang, from) : `${formatDate(lang, from)} – ${formatDate(lang, to)}`;
}

function trimDecimals(n: number, digits: number): string {
  return n.toFixed(digits).replace(/\.?0+$/, '');
}

/** Amounts the way officials write them: 3.82亿元, 3500万元; in English, CNY 382 million. */
export function formatMoney(lang: Lang, yuan: number): string {
  if (lang === 'zh-CN') {
    if (yuan >= 1e8) return `${trimDecimals(yuan / 1e8, 2)}亿元`;
    if (yuan >= 1e4) return `${trimDecimals(yuan / 1e4, 2)}万元`;
    return `${yuan}元`;
  }
  if (yuan >= 1e6) return `CNY ${trimDecimals(yuan / 1e6, 2)} million`;
  return `CNY ${yuan.toLocaleString('en')}`;
}

const digitsZh = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1–99 as Chinese numerals (十四, 二十一), for 第十四届 and 第二次. */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 99) return String(n);
  if (n < 10) return digitsZh[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : digitsZh[tens]}十${ones === 0 ? '' : digitsZh[ones]}`;
}
