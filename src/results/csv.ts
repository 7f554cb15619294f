import { stringify } from 'csv-stringify/sync';
import { letterLabel, RATING_LABEL } from '../domain/vocabulary.ts';
import type { Translate } from '../platform/i18n/index.ts';
import { LETTERS } from '../domain/record/format.ts';
import { isSelecting, percent, resultRows, type ResultBody } from './present.ts';

/**
 * A cell a spreadsheet would read as a formula (=, +, -, @, or a leading tab or carriage return,
 * OWASP "CSV injection") gets a leading apostrophe, which Excel and LibreOffice show as text.
 * Titles come from the secretariat and options' ids from the record; neither should run.
 */
export function guardFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/**
 * A published result as CSV: one row per option in ballot order with its counts per letter and
 * passed / rank / selected (or the rating and 满意率), headers in the reader's language. UTF-8 with a
 * byte-order mark and CRLF line ends, so that Excel (as used in Chinese offices) opens it as it is.
 */
export function resultCsv(body: ResultBody, t: Translate): string {
  const marking = body.election.rules.marking;
  const letters = LETTERS[marking];
  const selecting = isSelecting(body.election.kind);
  const tied = new Set(body.result.tie?.options ?? []);
  const yesNo = (b: boolean | undefined) => t(b ? 'counting.yes' : 'counting.no');
  const header = [
    t('ballot.number'), t('result.csv.optionId'), t('ballot.option'),
    ...letters.map((l) => t(letterLabel(marking, l)!)),
    ...(selecting ? [t('counting.passed'), t('counting.rank'), t('counting.selected'), t('result.csv.note')] : [t('counting.rating'), t('result.satisfactionRate')]),
  ];
  const rows = resultRows(body).map((r) => [
    r.position, guardFormula(r.id), guardFormula(r.title),
    ...letters.map((l) => r.counts[l] ?? 0),
    ...(selecting
      ? [yesNo(r.passed), r.rank ?? '', yesNo(r.selected), tied.has(r.id) ? t('result.csv.tied') : '']
      : [r.rating ? t(RATING_LABEL[r.rating]) : '', percent(r.satisfaction)]),
  ]);
  return stringify([header, ...rows], { bom: true, record_delimiter: 'windows' });
}
