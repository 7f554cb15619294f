/**
 * Money as officials type it and as the tables store it: amounts are whole 分 (bigint columns, read
 * as numbers far below 2^53), typed as decimal text in 万元 or 元. The one place that turns typed
 * text into 分 and 分 back into text a form shows again, exactly: digits are read as integers
 * (BigInt), never through floating point, so 0.29 元 is 29 分 and 1.005 万元 is 1,005,000 分.
 * Pages show amounts with `formatFen` (views/components/money.ts).
 */

/** The units money is typed in. */
export const MONEY_UNITS = ['wan', 'yuan'] as const;
export type MoneyUnit = (typeof MONEY_UNITS)[number];

const FEN_PER: Record<MoneyUnit, bigint> = { wan: 1_000_000n, yuan: 100n };
/** Decimals a unit takes: down to one 分. */
const DECIMALS: Record<MoneyUnit, number> = { wan: 6, yuan: 2 };

/** The largest amount anyone may state: 100 亿元, far beyond any county's livelihood project (and far below 2^53). */
export const MAX_FEN = 1_000_000_000_000;
/** The same cap in whole 元: a candidate's 总投资 (typed in 元) may be no more, so the plan it pre-fills can be saved. */
export const MAX_YUAN = MAX_FEN / 100;

/**
 * Decimal text in the unit as 分: "3820.5" 万元, "1,234.56" 元; full-width digits, points and
 * commas ("１２３，４５６．７") are read as their ASCII forms, spaces and thousands separators
 * dropped. Undefined for anything else: empty, a sign, an exponent, more decimals than a 分 allows,
 * more than MAX_FEN.
 */
export function moneyToFen(text: string, unit: MoneyUnit): number | undefined {
  const s = text.normalize('NFKC').replace(/[,，、\s]/g, '');
  const m = /^(\d{1,15})(?:\.(\d+))?$/.exec(s);
  if (!m) return undefined;
  const frac = m[2] ?? '';
  if (frac.length > DECIMALS[unit]) return undefined;
  const fen = BigInt(m[1]!) * FEN_PER[unit] + BigInt(frac.padEnd(DECIMALS[unit], '0') || '0');
  return fen > BigInt(MAX_FEN) ? undefined : Number(fen);
}

/** 分 as decimal text in the unit, as a form shows it again (no thousands separators, no trailing zeros): the inverse of moneyToFen. */
export function fenToText(fen: number, unit: MoneyUnit): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`not an amount in 分: ${fen}`);
  const per = FEN_PER[unit];
  const f = BigInt(fen);
  const rest = (f % per).toString().padStart(DECIMALS[unit], '0').replace(/0+$/, '');
  return rest === '' ? `${f / per}` : `${f / per}.${rest}`;
}
