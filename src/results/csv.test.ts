import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { translator } from '../platform/i18n/index.ts';
import { guardFormula, resultCsv } from './csv.ts';
import { resultBody, times } from './test-fixtures.ts';

const read = (csv: string) => parse(csv, { bom: true }) as string[][];

describe('guardFormula', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ['+1+1', `'+1+1`],
    ['-2', `'-2`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tTAB', `'\tTAB`],
    ['学前教育扩容提质', '学前教育扩容提质'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j → %j', (cell, expected) => {
    expect(guardFormula(cell)).toBe(expected);
  });
});

describe('resultCsv', () => {
  // 3 seats, base valid ballots (more than 5 of 10): 乙 8, =危险 7, 丙 6 pass; -负 0 does not.
  const body = resultBody({
    options: ['乙', '=危险', '丙, "引号"', '-负'], seats: 3, marking: 'for-against-abstain',
    ballots: [...times(6, 'FFFA'), ...times(1, 'FFAN'), ...times(1, 'FNNA'), ...times(2, 'NNNN')], invalid: 1,
  });

  it('starts with a byte-order mark, ends lines with CRLF and parses back to the record', () => {
    const csv = resultCsv(body, translator('zh-CN'));
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(6);
    const rows = read(csv);
    expect(rows[0]).toEqual(['序号', '项目编号', '项目', '赞成', '反对', '弃权', '通过', '名次', '入选', '备注']);
    expect(rows.slice(1)).toEqual([
      ['1', 'c01', '乙', '8', '0', '2', '是', '1', '是', ''],
      ['2', 'c02', `'=危险`, '7', '0', '3', '是', '2', '是', ''],
      ['3', 'c03', '丙, "引号"', '6', '1', '3', '是', '3', '是', ''],
      ['4', 'c04', `'-负`, '0', '7', '3', '否', '', '否', ''],
    ]);
  });

  it('translates the header and the yes/no values for an English reader, and notes a tie', () => {
    // 2 seats: 甲 8, 乙 6, 丙 6 of 10 → 甲 chosen, 乙/丙 tied for one seat.
    const tied = resultBody({ options: ['甲', '乙', '丙'], seats: 2, ballots: [...times(4, 'FFN'), ...times(4, 'FNF'), ...times(2, 'NFF')] });
    expect(tied.result.tie).toEqual({ options: ['c02', 'c03'], seats: 1 });
    const rows = read(resultCsv(tied, translator('en')));
    expect(rows[0]).toEqual(['No.', 'Option id', 'Project', 'For (ticked)', 'Not ticked', 'Passed', 'Rank', 'Selected', 'Note']);
    expect(rows.slice(1)).toEqual([
      ['1', 'c01', '甲', '8', '2', 'Yes', '1', 'Yes', ''],
      ['2', 'c02', '乙', '6', '4', 'Yes', '2', 'No', 'Tied: a runoff decides'],
      ['3', 'c03', '丙', '6', '4', 'Yes', '2', 'No', 'Tied: a runoff decides'],
    ]);
  });

  it('gives the rating and 满意率 of a satisfaction vote', () => {
    // Ninghai 2020's first row, 农民饮用水: 175 / 43 / 4 of 222 valid ballots, base 231 deputies.
    const rating = resultBody({
      kind: 'satisfaction', options: ['农民饮用水'], passBase: 'all-deputies', eligible: 231, present: 225,
      ballots: [...times(175, 'S'), ...times(43, 'B'), ...times(4, 'U')],
    });
    const rows = read(resultCsv(rating, translator('zh-CN')));
    expect(rows[0]).toEqual(['序号', '项目编号', '项目', '满意', '基本满意', '不满意', '弃权', '测评结果', '满意率']);
    expect(rows[1]).toEqual(['1', 'c01', '农民饮用水', '175', '43', '4', '0', '满意', '98.2%']);
  });
});
