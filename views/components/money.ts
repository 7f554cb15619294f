import { formatMoney } from '../../src/platform/i18n/index.ts';
import type { ViewContext } from '../context.ts';

/** An amount stored in 分, shown the way officials write it (3500万元; CNY 35 million). */
export function formatFen(v: ViewContext, fen: number): string {
  return formatMoney(v.lang, Math.round(fen) / 100);
}

/** A rate (0–100+, one decimal) as a percentage, or a dash when there is none. */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${rate}%`;
}
