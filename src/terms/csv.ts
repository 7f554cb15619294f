import { CsvError, parse } from 'csv-parse/sync';
import type { MessageKey } from '../platform/i18n/index.ts';
import { deputyInput } from '../terms/rules.ts';
import { parseInput, ValidationError } from '../platform/validation.ts';
import { codeKey } from '../domain/codes.ts';

/** More rows than any county roster has (a few hundred deputies); the limit keeps a preview page bounded. */
export const MAX_ROSTER_ROWS = 20_000;

export type RosterField = 'code' | 'name' | 'delegation' | 'standingCommittee' | 'phone';

/** The columns a roster file may have, each recognised by its Chinese or English header. */
export const ROSTER_COLUMNS: readonly { field: RosterField; names: readonly [string, string]; required: boolean }[] = [
  { field: 'code', names: ['代表编号', 'code'], required: true },
  { field: 'name', names: ['姓名', 'name'], required: true },
  { field: 'delegation', names: ['代表团', 'delegation'], required: true },
  { field: 'standingCommittee', names: ['常委会组成人员', 'standing_committee'], required: false },
  { field: 'phone', names: ['手机', 'phone'], required: false },
];

/** One deputy read from the file, valid by `deputyInput`; `line` is its row in a spreadsheet. */
export interface RosterRow {
  line: number;
  code: string;
  name: string;
  delegation: string;
  standingCommittee: boolean;
  phone: string | null;
}

/** One problem found in the file. Nothing is imported while there is any. */
export interface RosterIssue {
  /** The row as a spreadsheet numbers it (the header is row 1); null for the file as a whole. */
  line: number | null;
  key: MessageKey;
  params?: Record<string, string | number>;
  /** The column as the file names it. */
  column?: string;
  /** The offending value, shortened; phone numbers masked. */
  value?: string;
}

export type RosterEncoding = 'utf-8' | 'gb18030';

export interface ParsedRoster {
  rows: RosterRow[];
  errors: RosterIssue[];
  /** How the bytes were read; null when they could not be read as text at all. */
  encoding: RosterEncoding | null;
}

const normalise = (header: string) => header.trim().toLowerCase().replace(/[\s-]+/g, '_');

const BY_HEADER = new Map(ROSTER_COLUMNS.flatMap((c) => c.names.map((n) => [normalise(n), c.field] as const)));

const YES = new Set(['是', 'yes', '1', 'true']);
const NO = new Set(['否', 'no', '0', 'false', '']);

/** 13812345678 → 138****5678: enough to recognise a number, not enough to call it. */
export function maskPhone(phone: string): string {
  const s = phone.replace(/[\s-]/g, '');
  return s.length >= 8 ? `${s.slice(0, 3)}****${s.slice(-4)}` : '****';
}

const VALUE_SHOWN = 40;
function shown(field: RosterField | undefined, raw: string): string {
  if (field === 'phone') return maskPhone(raw);
  const chars = [...raw];
  return chars.length > VALUE_SHOWN ? `${chars.slice(0, VALUE_SHOWN).join('')}…` : raw;
}

/**
 * Reads bytes as UTF-8 (a BOM is dropped), or else as GB18030, the default of Chinese Excel, but
 * only when the header then names the required columns: a file in some other encoding could also
 * happen to decode as GB18030, into nonsense.
 */
function decode(bytes: Uint8Array): { text: string; encoding: RosterEncoding } | undefined {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // not UTF-8: try GB18030 below
  }
  let text: string;
  try {
    text = new TextDecoder('gb18030', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  try {
    const [header] = parse(text, { to: 1, relax_column_count: true });
    const fields = new Set((header ?? []).map((h) => BY_HEADER.get(normalise(h))));
    if (ROSTER_COLUMNS.every((c) => !c.required || fields.has(c.field))) return { text, encoding: 'gb18030' };
  } catch {
    // a header that is not even CSV: not GB18030 either
  }
  return undefined;
}

function csvProblem(e: CsvError, text: string): RosterIssue {
  // `records` counts the records completed before the broken one, header included.
  const line = (typeof e.records === 'number' ? e.records : 0) + 1;
  switch (e.code) {
    case 'CSV_QUOTE_NOT_CLOSED': {
      // csv-parse's own line count goes astray inside a quoted value with CRLF line ends.
      const end = text.replace(/[\r\n]+$/, '').split(/\r\n|\r|\n/).length;
      return { line, key: 'roster.csv.unclosedQuote', params: { end } };
    }
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'INVALID_OPENING_QUOTE':
      return { line, key: 'roster.csv.invalidQuote' };
    default:
      return { line, key: 'roster.csv.malformed' };
  }
}

interface Header {
  /** Column index of each recognised field. */
  index: Partial<Record<RosterField, number>>;
  /** Each column's header as written, for messages. */
  names: string[];
  /** Columns without a header; they must stay empty. */
  unnamed: number[];
  errors: RosterIssue[];
  /** Errors that make reading the rows pointless. */
  fatal: boolean;
}

function readHeader(cells: string[]): Header {
  const names = cells.map((c) => c.trim());
  const index: Header['index'] = {};
  const unknown: string[] = [];
  const unnamed: number[] = [];
  const errors: RosterIssue[] = [];
  let fatal = false;
  names.forEach((name, i) => {
    if (name === '') return void unnamed.push(i);
    const field = BY_HEADER.get(normalise(name));
    if (!field) return void unknown.push(name);
    if (index[field] !== undefined) {
      errors.push({ line: 1, key: 'roster.csv.duplicateColumn', column: name });
      fatal = true;
      return;
    }
    index[field] = i;
  });
  const missing = ROSTER_COLUMNS.filter((c) => c.required && index[c.field] === undefined);
  if (missing.length > 0) {
    errors.push({ line: 1, key: 'roster.csv.missingColumns', params: { columns: missing.map((c) => c.names.join(' / ')).join('、') } });
    fatal = true;
  }
  if (unknown.length > 0) {
    errors.push({
      line: 1, key: 'roster.csv.unknownColumns',
      params: { columns: unknown.map((u) => `「${shown(undefined, u)}」`).join('、'), known: ROSTER_COLUMNS.map((c) => c.names.join(' / ')).join('、') },
    });
  }
  return { index, names, unnamed, errors, fatal };
}

const isBlank = (record: string[]) => record.every((cell) => cell.trim() === '');

/**
 * Parses and checks a roster file completely: either every row is valid and `errors` is empty, or
 * `errors` lists every problem found (file-level ones first, then by row). Pure: bytes in, no I/O.
 * Row numbers are those a spreadsheet shows, so blank rows count and the header is row 1.
 */
export function parseRosterCsv(bytes: Uint8Array): ParsedRoster {
  if (bytes.length === 0) return { rows: [], errors: [{ line: null, key: 'roster.csv.empty' }], encoding: null };
  const decoded = decode(bytes);
  if (!decoded) return { rows: [], errors: [{ line: null, key: 'roster.csv.notUtf8' }], encoding: null };
  const { text, encoding } = decoded;
  const fail = (...errors: RosterIssue[]): ParsedRoster => ({ rows: [], errors, encoding });
  if (text.trim() === '') return fail({ line: null, key: 'roster.csv.empty' });

  let records: string[][];
  try {
    // Blank lines are kept (and skipped below) so that record i is spreadsheet row i + 1.
    records = parse(text, { skip_empty_lines: false, relax_column_count: true });
  } catch (e) {
    if (e instanceof CsvError) return fail(csvProblem(e, text));
    throw e;
  }
  const headerAt = records.findIndex((r) => !isBlank(r));
  if (headerAt < 0) return fail({ line: null, key: 'roster.csv.empty' });
  const header = readHeader(records[headerAt]!);
  if (headerAt > 0) header.errors.forEach((e) => { e.line = headerAt + 1; });
  if (header.fatal) return fail(...header.errors);

  const data = records.slice(headerAt + 1).map((record, i) => ({ record, line: headerAt + i + 2 })).filter((r) => !isBlank(r.record));
  if (data.length === 0) return fail(...header.errors, { line: null, key: 'roster.csv.noRows' });
  if (data.length > MAX_ROSTER_ROWS) return fail(...header.errors, { line: null, key: 'roster.csv.tooManyRows', params: { count: data.length, max: MAX_ROSTER_ROWS } });

  const errors = [...header.errors];
  const rows: RosterRow[] = [];
  const firstLineOfCode = new Map<string, number>();
  const columnOf = (field: RosterField) => header.names[header.index[field]!]!;
  const reportedUnnamed = new Set<number>();

  for (const { record, line } of data) {
    if (record.length > header.names.length && !isBlank(record.slice(header.names.length))) {
      // Usually an unquoted comma inside a value: the cells after it have shifted, so checking them would mislead.
      errors.push({ line, key: 'roster.csv.tooManyFields', params: { count: record.length, columns: header.names.length } });
      continue;
    }
    for (const i of header.unnamed) {
      if ((record[i] ?? '').trim() !== '' && !reportedUnnamed.has(i)) {
        reportedUnnamed.add(i);
        errors.push({ line, key: 'roster.csv.unnamedColumn', params: { n: i + 1 }, value: shown(undefined, record[i]!) });
      }
    }
    const cell = (field: RosterField) => {
      const i = header.index[field];
      return i === undefined ? '' : (record[i] ?? '');
    };
    const rowErrors: RosterIssue[] = [];
    // A NUL is text no database column can hold: named here, the cell's other checks skipped.
    const withNul = new Set(ROSTER_COLUMNS.map((c) => c.field).filter((f) => cell(f).includes('\u0000')));
    for (const field of withNul) rowErrors.push({ line, key: 'roster.csv.nulByte', column: columnOf(field) });
    const committee = cell('standingCommittee').trim().toLowerCase();
    if (!withNul.has('standingCommittee') && !YES.has(committee) && !NO.has(committee)) {
      rowErrors.push({ line, key: 'roster.csv.standingCommittee', column: columnOf('standingCommittee'), value: shown('standingCommittee', cell('standingCommittee')) });
    }
    const phone = cell('phone').trim();
    let deputy: ReturnType<typeof deputyInput.parse> | undefined;
    try {
      deputy = parseInput(deputyInput, {
        code: cell('code'), name: cell('name'), delegation: cell('delegation'),
        standingCommittee: YES.has(committee), phone: phone === '' ? null : phone,
      });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      for (const issue of e.issues) {
        const field = issue.field as RosterField;
        if (withNul.has(field)) continue;
        rowErrors.push({ line, key: issue.key, column: columnOf(field), value: shown(field, cell(field)) });
      }
    }
    const code = cell('code').trim();
    if (code !== '') {
      // Codes are matched whatever their case, so D001 and d001 are the same code twice.
      const first = firstLineOfCode.get(codeKey(code));
      if (first === undefined) firstLineOfCode.set(codeKey(code), line);
      else rowErrors.push({ line, key: 'roster.csv.duplicateCode', params: { first }, column: columnOf('code'), value: shown('code', code) });
    }
    // In the order of the file's columns, as the person reads the row.
    const position = (e: RosterIssue) => header.names.indexOf(e.column ?? '');
    if (rowErrors.length > 0) errors.push(...rowErrors.sort((a, b) => position(a) - position(b)));
    else if (deputy) rows.push({ line, ...deputy });
  }
  return errors.length > 0 ? fail(...errors) : { rows, errors: [], encoding };
}
