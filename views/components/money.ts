import { formatMoney, type Lang } from '../../src/platform/i18n/index.ts';

/** An amount stored in 分, shown the way officials write it (3.82亿元, 3500万元, 1234.56元; CNY 35 million). */
export function formatFen(lang: Lang, fen: number): string {
  return formatMoney(lang, Math.round(fen) / 100);
}

/** A rate (0–100+, one decimal) as a percentage, or a dash when there is none. */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${rate}%`;
}
