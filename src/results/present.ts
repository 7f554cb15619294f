import type { ElectionKind, OptionResult, RecordBody } from '../domain/record/format.ts';
import { passBaseValue, satisfactionRate } from '../domain/tally.ts';

/** A published record without its ballots: everything a results page, the CSV or the 公告 shows. */
export type ResultBody = Omit<RecordBody, 'ballots'>;

/** One option's result joined with its title and ballot position (1-based), as pages list it. */
export interface ResultRow extends OptionResult {
  position: number;
  title: string;
  /** 赞成 (F); 0 for a satisfaction vote. */
  forVotes: number;
  /** 满意率 = (满意 + 基本满意) / valid ballots: satisfaction votes only, undefined without valid ballots. */
  satisfaction?: number;
}

export const isSelecting = (kind: ElectionKind) => kind === 'selection' || kind === 'runoff';

/** The record's result options in ballot order, with titles and the derived figures. */
export function resultRows(body: ResultBody): ResultRow[] {
  const satisfaction = body.election.kind === 'satisfaction';
  return body.result.options.map((o, i) => {
    const rate = satisfaction ? satisfactionRate(o.counts, body.result.valid) : undefined;
    return {
      ...o,
      position: i + 1,
      title: body.election.options[i]?.title ?? o.id,
      forVotes: o.counts.F ?? 0,
      ...(rate !== undefined ? { satisfaction: rate } : {}),
    };
  });
}

const byRankThenPosition = (a: ResultRow, b: ResultRow) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.position - b.position;
const byForThenPosition = (a: ResultRow, b: ResultRow) => b.forVotes - a.forVotes || a.position - b.position;

/** The selected options (入选项目) in rank order; equal ranks (possible above the cut-off) in ballot order. */
export function chosenRows(body: ResultBody): ResultRow[] {
  return resultRows(body).filter((r) => r.selected).sort(byRankThenPosition);
}

/** Options tied across the cut-off (a runoff decides), in ballot order. */
export function tiedRows(body: ResultBody): ResultRow[] {
  const tied = new Set(body.result.tie?.options ?? []);
  return resultRows(body).filter((r) => tied.has(r.id));
}

/** Options neither selected nor tied, most 赞成 first: the 公告's "not chosen". */
export function notChosenRows(body: ResultBody): ResultRow[] {
  const tied = new Set(body.result.tie?.options ?? []);
  return resultRows(body).filter((r) => !r.selected && !tied.has(r.id)).sort(byForThenPosition);
}

/**
 * The base of the rules and its half: a selection or runoff option passes with F × 2 > base (so with
 * at least `minimum` 赞成); a satisfaction vote rates 满意 with S × 2 > base, 基本满意 with
 * (S + B) × 2 > base.
 */
export function passLine(body: ResultBody): { base: number; half: number; minimum: number } {
  const base = passBaseValue(body.election.rules.passBase, body.election.rules.deputiesTotal, body.roll.present, body.result.valid);
  return { base, half: base / 2, minimum: Math.floor(base / 2) + 1 };
}

/**
 * 总体满意率 over all projects of a satisfaction vote: (满意 + 基本满意) summed over the projects,
 * divided by valid ballots × projects (docs/using.md). Undefined without valid ballots or projects.
 */
export function overallSatisfaction(body: ResultBody): number | undefined {
  const n = body.result.options.length;
  if (body.election.kind !== 'satisfaction' || n === 0 || body.result.valid === 0) return undefined;
  const favourable = body.result.options.reduce((sum, o) => sum + (o.counts.S ?? 0) + (o.counts.B ?? 0), 0);
  return favourable / (body.result.valid * n);
}

/** A rate as a percentage with one decimal, as Chinese reports write it: 97.6%. */
export function percent(rate: number | undefined): string {
  return rate === undefined ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

