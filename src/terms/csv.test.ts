import { describe, expect, it } from 'vitest';
import { encodeGb18030 } from '../../tests/support/gb18030.ts';
import { generatedRoster, ROSTER_HEADER } from '../../tests/support/roster.ts';
import { maskPhone, MAX_ROSTER_ROWS, parseRosterCsv } from './csv.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const withBom = (s: string) => utf8(`\ufeff${s}`);
const HEADER = ROSTER_HEADER;

describe('parseRosterCsv', () => {
  it('reads a UTF-8 file with a BOM, Chinese headers and CRLF line ends', () => {
    const r = parseRosterCsv(withBom(`${HEADER}\r\nD001,王伟,龙洲街道代表团,是,13812345678\r\nD002, 李娜 ,湖镇镇代表团,,\r\n`));
    expect(r.errors).toEqual([]);
    expect(r.encoding).toBe('utf-8');
    expect(r.rows).toEqual([
      { line: 2, code: 'D001', name: '王伟', delegation: '龙洲街道代表团', standingCommittee: true, phone: '13812345678' },
      { line: 3, code: 'D002', name: '李娜', delegation: '湖镇镇代表团', standingCommittee: false, phone: null },
    ]);
  });

  it('recognises English headers in any order and any case, and optional columns may be left out', () => {
    const r = parseRosterCsv(utf8('Name,DELEGATION,Code,Standing Committee\nZhang San,County organs,A-1,yes\nLi Si,County organs,A_2,FALSE\n'));
    expect(r.errors).toEqual([]);
    expect(r.rows.map((d) => [d.code, d.name, d.standingCommittee, d.phone])).toEqual([['A-1', 'Zhang San', true, null], ['A_2', 'Li Si', false, null]]);
  });

  it.each([['是', true], ['否', false], ['YES', true], ['no', false], ['1', true], ['0', false], ['True', true], ['false', false], ['', false]])(
    'reads standing committee %j as %s', (value, expected) => {
      const r = parseRosterCsv(utf8(`code,name,delegation,standing_committee\nD1,王伟,团,${value}\n`));
      expect(r.errors).toEqual([]);
      expect(r.rows[0]!.standingCommittee).toBe(expected);
    },
  );

  it('reads a GB18030 (GBK) file, as Chinese Excel saves it, and says so', () => {
    const bytes = encodeGb18030(`${HEADER}\r\nD001,王伟,龙洲街道代表团,是,\r\n`);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const r = parseRosterCsv(bytes);
    expect(r.errors).toEqual([]);
    expect(r.encoding).toBe('gb18030');
    expect(r.rows[0]).toMatchObject({ code: 'D001', name: '王伟', delegation: '龙洲街道代表团', standingCommittee: true });
  });

  it('refuses bytes that are neither UTF-8 nor GB18030', () => {
    const r = parseRosterCsv(new Uint8Array([...utf8('code,name,delegation\nD1,'), 0xff, 0xfe, 0x41, ...utf8(',x\n')]));
    expect(r).toEqual({ rows: [], errors: [{ line: null, key: 'roster.csv.notUtf8' }], encoding: null });
  });

  it('refuses a file that decodes as GB18030 only by accident (its header names no known column)', () => {
    const r = parseRosterCsv(new Uint8Array([...utf8('x,y\n1,'), 0xb4, 0xfa, 0x0a]));
    expect(r.errors).toEqual([{ line: null, key: 'roster.csv.notUtf8' }]);
  });

  it('names the missing required columns, on line 1', () => {
    const r = parseRosterCsv(utf8('代表编号,姓名\nD1,王伟\n'));
    expect(r.rows).toEqual([]);
    expect(r.errors).toEqual([{ line: 1, key: 'roster.csv.missingColumns', params: { columns: '代表团 / delegation' } }]);
  });

  it('names unknown columns, so a typo does not silently drop data, and still checks the rows', () => {
    const r = parseRosterCsv(utf8('代表编号,姓名,代表团,手机号码\nD1,王伟,团,138\nD1,李娜,团,\n'));
    expect(r.rows).toEqual([]);
    expect(r.errors[0]).toMatchObject({ line: 1, key: 'roster.csv.unknownColumns' });
    expect(r.errors[0]!.params!.columns).toBe('「手机号码」');
    expect(r.errors[1]).toMatchObject({ line: 3, key: 'roster.csv.duplicateCode', params: { first: 2 } });
  });

  it('refuses a column named twice', () => {
    const r = parseRosterCsv(utf8('code,name,delegation,姓名\nD1,a,b,c\n'));
    expect(r.errors).toEqual([{ line: 1, key: 'roster.csv.duplicateColumn', column: '姓名' }]);
  });

  it('reports a duplicate code on the later row, naming the first', () => {
    const r = parseRosterCsv(utf8(`${HEADER}\nD1,王伟,团,,\nD2,李娜,团,,\nD1,张三,团,,\n`));
    expect(r.rows).toEqual([]);
    expect(r.errors).toEqual([{ line: 4, key: 'roster.csv.duplicateCode', params: { first: 2 }, column: '代表编号', value: 'D1' }]);
    // Codes are matched whatever their case: d1 is D1 again.
    expect(parseRosterCsv(utf8(`${HEADER}\nD1,王伟,团,,\nd1,张三,团,,\n`)).errors).toEqual([{ line: 3, key: 'roster.csv.duplicateCode', params: { first: 2 }, column: '代表编号', value: 'd1' }]);
  });

  it('reports every invalid value with its row, column and the value (phone numbers masked)', () => {
    const long = '长'.repeat(51);
    const r = parseRosterCsv(utf8([
      HEADER,
      'D 1,王伟,团,,',
      `D2,${long},团,,`,
      'D3,李娜,团,也许,',
      'D4,张三,团,,1.38123E+10',
      'D5,,团,,',
      'D6,赵六,,,',
    ].join('\n')));
    expect(r.rows).toEqual([]);
    expect(r.errors).toEqual([
      { line: 2, key: 'validation.code', column: '代表编号', value: 'D 1' },
      { line: 3, key: 'validation.tooLong', column: '姓名', value: `${'长'.repeat(40)}…` },
      { line: 4, key: 'roster.csv.standingCommittee', column: '常委会组成人员', value: '也许' },
      { line: 5, key: 'validation.phone', column: '手机', value: '1.3****E+10' },
      { line: 6, key: 'validation.required', column: '姓名', value: '' },
      { line: 7, key: 'validation.required', column: '代表团', value: '' },
    ]);
  });

  it('numbers rows as a spreadsheet does: blank rows count, and a value spanning lines is one row', () => {
    const r = parseRosterCsv(utf8(`${HEADER}\nD1,"王\n伟",团,,\n\n,,,,\nD2,,团,,\n`));
    // A line break is no part of a name (validation.name): that value's row is line 2, and the next row 5.
    expect(r.errors).toEqual([
      { line: 2, key: 'validation.name', column: '姓名', value: '王\n伟' },
      { line: 5, key: 'validation.required', column: '姓名', value: '' },
    ]);
  });

  it('reports an unclosed quotation mark on the row where it opens, and the line where the file ends', () => {
    const r = parseRosterCsv(utf8(`${HEADER}\nD1,王伟,团,,\nD2,"李娜,团,,\nD3,张三,团,,\n`));
    expect(r.rows).toEqual([]);
    expect(r.errors).toEqual([{ line: 3, key: 'roster.csv.unclosedQuote', params: { end: 4 } }]);
  });

  it('reports a quotation mark in the wrong place', () => {
    const r = parseRosterCsv(utf8(`${HEADER}\nD1,"王"伟,团,,\n`));
    expect(r.errors).toEqual([{ line: 2, key: 'roster.csv.invalidQuote' }]);
  });

  it('reports a row with more cells than columns (an unquoted comma) without guessing at its values', () => {
    const r = parseRosterCsv(utf8('code,name,delegation\nD1,王,伟,团\nD2,李娜,团,\n'));
    expect(r.errors).toEqual([{ line: 2, key: 'roster.csv.tooManyFields', params: { count: 4, columns: 3 } }]);
  });

  it('refuses values in a column without a name, but ignores an empty one', () => {
    expect(parseRosterCsv(utf8('code,name,delegation,\nD1,王伟,团,\n')).errors).toEqual([]);
    expect(parseRosterCsv(utf8('code,name,delegation,\nD1,王伟,团,备注\n')).errors)
      .toEqual([{ line: 2, key: 'roster.csv.unnamedColumn', params: { n: 4 }, value: '备注' }]);
  });

  it.each([
    ['nothing at all', new Uint8Array()],
    ['only a BOM', withBom('')],
    ['only blank lines', utf8('\r\n\r\n  \n')],
  ])('says the file is empty when it holds %s', (_, bytes) => {
    expect(parseRosterCsv(bytes).errors).toEqual([{ line: null, key: 'roster.csv.empty' }]);
  });

  it('refuses a header without rows', () => {
    expect(parseRosterCsv(utf8(`${HEADER}\n`)).errors).toEqual([{ line: null, key: 'roster.csv.noRows' }]);
  });

  it(`refuses more than ${MAX_ROSTER_ROWS} rows`, () => {
    const r = parseRosterCsv(utf8(generatedRoster(MAX_ROSTER_ROWS + 1)));
    expect(r.errors).toEqual([{ line: null, key: 'roster.csv.tooManyRows', params: { count: MAX_ROSTER_ROWS + 1, max: MAX_ROSTER_ROWS } }]);
  });

  it(`accepts exactly ${MAX_ROSTER_ROWS} rows, quickly`, () => {
    const bytes = utf8(generatedRoster(MAX_ROSTER_ROWS));
    const started = performance.now();
    const r = parseRosterCsv(bytes);
    const ms = performance.now() - started;
    expect(r.errors).toEqual([]);
    expect(r.rows).toHaveLength(MAX_ROSTER_ROWS);
    expect(r.rows.at(-1)!.line).toBe(MAX_ROSTER_ROWS + 1);
    expect(ms).toBeLessThan(5_000);
  });
});

describe('maskPhone', () => {
  it.each([['13812345678', '138****5678'], ['138 1234 5678', '138****5678'], ['+86-13812345678', '+86****5678'], ['12345', '****']])('%s → %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });
});
