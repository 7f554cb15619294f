import { describe, expect, it } from 'vitest';
import { combineChosen, listContaining, type PublishedVote } from './rules.ts';
import { resultBody, times, type BodyInput } from './test-fixtures.ts';

function vote(input: BodyInput & { id: number }): PublishedVote {
  const kind = input.kind ?? 'selection';
  return { id: input.id, title: input.title ?? `票决 ${input.id}`, kind, runoffOf: input.runoffOf ?? null, body: resultBody({ ...input, kind }) };
}

const titles = (list: { chosen: { title: string }[] }) => list.chosen.map((c) => c.title);

// 20 ballots, 2 seats, base = valid ballots (pass with more than 10): 甲 16, 乙 12, 丙 12 → 甲 chosen, 乙/丙 tied for one seat.
const TIED_SELECTION = { id: 5, options: ['甲', '乙', '丙', '丁'], seats: 2, ballots: [...times(8, 'FFNN'), ...times(8, 'FNFN'), ...times(4, 'NFFN')] };
// 20 ballots, 3 seats: 甲 18, 乙 丙 丁 14 each → 甲 chosen, 乙/丙/丁 tied for two seats.
const THREE_WAY = { id: 5, options: ['甲', '乙', '丙', '丁'], seats: 3, ballots: [...times(6, 'FFFN'), ...times(6, 'FFNF'), ...times(6, 'FNFF'), ...times(2, 'NFFF')] };
// The runoff among 乙 丙 丁 for two seats ties again: 乙 14, 丙 13, 丁 13 → 乙 chosen, 丙/丁 tied for one seat.
const RETIED = { id: 9, kind: 'runoff' as const, runoffOf: 5, options: ['乙', '丙', '丁'], optionIds: ['c02', 'c03', 'c04'], seats: 2, ballots: [...times(7, 'FFN'), ...times(7, 'FNF'), ...times(6, 'NFF')] };

describe('combineChosen', () => {
  it('lists a selection without a tie as its chosen options in rank order', () => {
    // 乙 15 > 丙 13 > 甲 11 pass (more than 10 of 20); 丁 0 does not; 3 seats.
    const [list] = combineChosen([vote({ id: 1, options: ['甲', '乙', '丙', '丁'], seats: 3, ballots: [...times(11, 'FFFN'), ...times(4, 'NFNN'), ...times(2, 'NNFN'), ...times(3, 'NNNN')] })]);
    expect(list).toEqual({
      selection: { id: 1, title: '票决 1', seats: 3 },
      chosen: [
        { optionId: 'c02', title: '乙', forVotes: 15, electionId: 1, viaRunoff: false },
        { optionId: 'c03', title: '丙', forVotes: 13, electionId: 1, viaRunoff: false },
        { optionId: 'c01', title: '甲', forVotes: 11, electionId: 1, viaRunoff: false },
      ],
      shortfall: 0, runoffs: [],
    });
  });

  it('says which seats a tie leaves pending, and among whom, until a runoff is published', () => {
    const selection = vote(TIED_SELECTION);
    expect(selection.body.result.tie).toEqual({ options: ['c02', 'c03'], seats: 1 });
    const [list] = combineChosen([selection]);
    expect(titles(list!)).toEqual(['甲']);
    expect(list!.pending).toEqual({ electionId: 5, seats: 1, options: [{ id: 'c02', title: '乙' }, { id: 'c03', title: '丙' }] });
  });

  it('adds what the published runoff chose after the selection\'s own chosen', () => {
    const runoff = vote({ id: 9, kind: 'runoff', runoffOf: 5, title: '再次投票', options: ['乙', '丙'], optionIds: ['c02', 'c03'], seats: 1, ballots: [...times(13, 'NF'), ...times(7, 'FN')] });
    const [list] = combineChosen([runoff, vote(TIED_SELECTION)]);
    expect(list!.chosen).toEqual([
      { optionId: 'c01', title: '甲', forVotes: 16, electionId: 5, viaRunoff: false },
      { optionId: 'c03', title: '丙', forVotes: 13, electionId: 9, viaRunoff: true },
    ]);
    expect(list!.pending).toBeUndefined();
    expect(list!.runoffs).toEqual([{ id: 9, title: '再次投票' }]);
    expect(listContaining([list!], 9)).toBe(list);
    expect(listContaining([list!], 5)).toBe(list);
    expect(listContaining([list!], 7)).toBeUndefined();
  });

  it('keeps the seats pending when the runoff ties again, naming the runoff that tied', () => {
    const [list] = combineChosen([vote(THREE_WAY), vote(RETIED)]);
    expect(vote(THREE_WAY).body.result.tie).toEqual({ options: ['c02', 'c03', 'c04'], seats: 2 });
    expect(titles(list!)).toEqual(['甲', '乙']);
    expect(list!.pending).toEqual({ electionId: 9, seats: 1, options: [{ id: 'c03', title: '丙' }, { id: 'c04', title: '丁' }] });
    expect(listContaining([list!], 9)).toBe(list);
  });

  it.each([
    ['a runoff of the runoff', 9],
    ['a second runoff of the selection', 5],
  ])('resolves a runoff that tied again by %s', (_, parent) => {
    const second = vote({ id: 12, kind: 'runoff', runoffOf: parent, options: ['丙', '丁'], optionIds: ['c03', 'c04'], seats: 1, ballots: [...times(14, 'FN'), ...times(6, 'NF')] });
    const [list] = combineChosen([vote(THREE_WAY), vote(RETIED), second]);
    expect(titles(list!)).toEqual(['甲', '乙', '丙']);
    expect(list!.chosen.map((c) => [c.electionId, c.forVotes, c.viaRunoff])).toEqual([[5, 18, false], [9, 14, true], [12, 14, true]]);
    expect(list!.pending).toBeUndefined();
    expect(list!.runoffs.map((r) => r.id)).toEqual([9, 12]);
  });

  it('ignores a runoff published after the tie was resolved, and runoffs of votes without a tie or not published', () => {
    const decisive = vote({ id: 9, kind: 'runoff', runoffOf: 5, options: ['乙', '丙'], optionIds: ['c02', 'c03'], seats: 1, ballots: [...times(13, 'NF'), ...times(7, 'FN')] });
    const late = vote({ id: 10, kind: 'runoff', runoffOf: 5, options: ['乙', '丙'], optionIds: ['c02', 'c03'], seats: 1, ballots: times(20, 'FN') });
    const clear = vote({ id: 20, options: ['戊', '己'], seats: 1, ballots: times(20, 'FN') });
    const stray = vote({ id: 21, kind: 'runoff', runoffOf: 20, options: ['己'], seats: 1, ballots: times(20, 'F') });
    const orphan = vote({ id: 22, kind: 'runoff', runoffOf: 4, options: ['庚'], seats: 1, ballots: times(20, 'F') });
    const rating = vote({ id: 23, kind: 'satisfaction', options: ['辛'], ballots: times(20, 'S') });
    const lists = combineChosen([decisive, late, clear, stray, orphan, rating, vote(TIED_SELECTION)]);
    expect(lists.map((l) => l.selection.id)).toEqual([5, 20]);
    expect(titles(lists[0]!)).toEqual(['甲', '丙']);
    expect(lists[0]!.runoffs.map((r) => r.id)).toEqual([9]);
    expect(titles(lists[1]!)).toEqual(['戊']);
    expect(lists[1]!.runoffs).toEqual([]);
  });

  it('ignores a runoff that does not decide the open tie: other options, or other seats', () => {
    const others = vote({ id: 9, kind: 'runoff', runoffOf: 5, options: ['甲', '乙'], optionIds: ['c01', 'c02'], seats: 1, ballots: times(20, 'NF') });
    const moreSeats = vote({ id: 10, kind: 'runoff', runoffOf: 5, options: ['乙', '丙'], optionIds: ['c02', 'c03'], seats: 2, ballots: times(20, 'FF') });
    const [list] = combineChosen([vote(TIED_SELECTION), others, moreSeats]);
    expect(titles(list!)).toEqual(['甲']);
    expect(list!.runoffs).toEqual([]);
    expect(list!.pending).toEqual({ electionId: 5, seats: 1, options: [{ id: 'c02', title: '乙' }, { id: 'c03', title: '丙' }] });
  });

  it('adds up the seats left empty by the selection and its runoff', () => {
    // In the runoff for two seats only 乙 passes (11 of 20): one seat stays empty.
    const runoff = vote({ id: 9, kind: 'runoff', runoffOf: 5, options: ['乙', '丙', '丁'], optionIds: ['c02', 'c03', 'c04'], seats: 2, ballots: [...times(11, 'FNN'), ...times(9, 'NFF')] });
    expect(runoff.body.result.shortfall).toBe(1);
    const [list] = combineChosen([vote(THREE_WAY), runoff]);
    expect(titles(list!)).toEqual(['甲', '乙']);
    expect(list!.shortfall).toBe(1);
    expect(list!.pending).toBeUndefined();
    // A selection's own shortfall counts too: 2 seats, only 甲 passes.
    const [short] = combineChosen([vote({ id: 30, options: ['甲', '乙'], seats: 2, ballots: [...times(12, 'FN'), ...times(8, 'NF')] })]);
    expect(short!.shortfall).toBe(1);
    expect(titles(short!)).toEqual(['甲']);
  });

  it('gives nothing for a meeting without published selections', () => {
    expect(combineChosen([])).toEqual([]);
    expect(combineChosen([vote({ id: 1, kind: 'satisfaction', options: ['甲'], ballots: ['S'] })])).toEqual([]);
  });
});
