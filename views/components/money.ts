import { formatMoney, type Lang } from '../../src/platform/i18n/index.ts';

/** An amount stored in 分, shown the way officials write it (3.82亿元, 3500万元, 1234.56元). */
export function formatFen(lang: Lang, fen: number): string {
  return formatMoney(lang, fen / 100);
}
