import {
  LETTERS, type ElectionKind, type InvalidReason, type Marking, type OptionResult, type PassBase, type Rating, type RecordResult,
} from './record/format.ts';

export interface TallyInput {
  kind: ElectionKind;
  rules: { marking: Marking; seats?: number; passBase: PassBase; deputiesTotal: number };
  optionIds: readonly string[];
  /** 实到: deputies present when the election closed. */
  present: number;
  /** Deputies on the roll (应到) for the quorum; docs/record-format.md's roll.eligible. */
  eligible: number;
  ballots: Iterable<{ marks: string; invalid?: InvalidReason }>;
}

function assertNever(x: never, what: string): never {
  throw new Error(`unknown ${what}: ${String(x)}`);
}

/** How many "for" (F) marks a ballot carries. */
export function countFor(marks: string): number {
  let n = 0;
  for (const ch of marks) if (ch === 'F') n++;
  return n;
}

/**
 * Whether a ballot counts: one already marked invalid stays invalid; in a selection or runoff one
 * with more F than seats is invalid (too-many-for). Satisfaction ballots have no such limit.
 */
export function ballotValidity(kind: ElectionKind, seats: number | undefined, ballot: { marks: string; invalid?: InvalidReason }): InvalidReason | undefined {
  if (ballot.invalid) return ballot.invalid;
  switch (kind) {
    case 'selection':
    case 'runoff':
      return countFor(ballot.marks) > (seats ?? 0) ? 'too-many-for' : undefined;
    case 'satisfaction':
      return undefined;
    default:
      return assertNever(kind, 'election kind');
  }
}

export function passBaseValue(base: PassBase, deputiesTotal: number, present: number, valid: number): number {
  switch (base) {
    case 'all-deputies': return deputiesTotal;
    case 'present': return present;
    case 'valid-ballots': return valid;
    default: return assertNever(base, 'pass base');
  }
}

/** Zhenhai's rule: 满意 when S > half the base; else 基本满意 when S + B > half; else 不满意. */
export function rate(s: number, b: number, base: number): Rating {
  if (s * 2 > base) return 'satisfied';
  if ((s + b) * 2 > base) return 'basically';
  return 'unsatisfied';
}

/** What a result is computed from: the rules, the roll's counts and the counts per option and letter over valid ballots. */
export interface CountsInput {
  kind: ElectionKind;
  rules: { marking: Marking; seats?: number; passBase: PassBase; deputiesTotal: number };
  optionIds: readonly string[];
  present: number;
  eligible: number;
  valid: number;
  invalid: number;
  /** [option] → letter → count over valid ballots, every letter of the marking present. */
  counts: readonly Readonly<Record<string, number>>[];
}

/**
 * The result from counts, exactly as docs/record-format.md's rules say: the pass threshold on the
 * configured base, ranks, the selected options, a tie across the cut-off (reported, never broken) or
 * a shortfall; or ratings for a satisfaction vote. The one place for the rules: `tally()` counts
 * plaintext ballots and calls it; an encrypted record (format v2) calls it with decrypted totals.
 */
export function resultFromCounts(input: CountsInput): RecordResult {
  const { kind, rules, optionIds, valid, invalid } = input;
  const letters = LETTERS[rules.marking];
  if (input.counts.length !== optionIds.length) throw new RangeError(`${input.counts.length} count rows for ${optionIds.length} options`);
  // Copies in the marking's letter order, so that results compare member by member whatever the input's order.
  const counts = input.counts.map((c, i) => Object.fromEntries(letters.map((l) => {
    const n = c[l];
    if (!Number.isSafeInteger(n) || n! < 0) throw new RangeError(`option ${optionIds[i]}: count of ${l} must be a non-negative integer`);
    return [l, n!];
  })) as Record<string, number>);
  const quorum = hasQuorum(input.present, input.eligible);
  const base = passBaseValue(rules.passBase, rules.deputiesTotal, input.present, valid);

  switch (kind) {
    case 'satisfaction': {
      const options: OptionResult[] = optionIds.map((id, i) => ({ id, counts: counts[i]!, rating: rate(counts[i]!.S!, counts[i]!.B!, base) }));
      return { valid, invalid, quorum, options };
    }
    case 'selection':
    case 'runoff':
      return { valid, invalid, quorum, ...select(optionIds, counts, base, rules.seats ?? 0) };
    default:
      return assertNever(kind, 'election kind');
  }
}

/**
 * Recounts an election from its ballots: counts per option and letter over valid ballots, then the
 * result by `resultFromCounts`.
 */
export function tally(input: TallyInput): RecordResult {
  const { kind, rules, optionIds } = input;
  const letters = LETTERS[rules.marking];
  const counts = optionIds.map(() => Object.fromEntries(letters.map((l) => [l, 0])) as Record<string, number>);
  let valid = 0;
  let invalid = 0;
  for (const ballot of input.ballots) {
    if (ballotValidity(kind, rules.seats, ballot)) {
      invalid++;
      continue;
    }
    valid++;
    for (let i = 0; i < optionIds.length; i++) {
      const letter = ballot.marks[i]!;
      const c = counts[i]!;
      if (!(letter in c)) throw new RangeError(`letter ${letter} is not part of the ${rules.marking} marking`);
      c[letter]!++;
    }
  }
  return resultFromCounts({ kind, rules, optionIds, present: input.present, eligible: input.eligible, valid, invalid, counts });
}

function select(optionIds: readonly string[], counts: Record<string, number>[], base: number, seats: number): Pick<RecordResult, 'options' | 'tie' | 'shortfall'> {
  const f = counts.map((c) => c.F!);
  const passed = f.map((x) => x * 2 > base);
  const passedF = f.filter((_, i) => passed[i]);
  const rank = f.map((x, i) => (passed[i] ? 1 + passedF.filter((y) => y > x).length : null));
  const selected = passed.slice();
  let tie: RecordResult['tie'];
  let shortfall: number | undefined;
  if (passedF.length <= seats) {
    if (seats - passedF.length > 0) shortfall = seats - passedF.length;
  } else {
    const sortedF = [...passedF].sort((a, b) => b - a);
    const cut = sortedF[seats - 1]!;
    if (sortedF[seats] === cut) {
      const tied = optionIds.filter((_, i) => passed[i] && f[i] === cut);
      const above = passedF.filter((x) => x > cut).length;
      tie = { options: tied, seats: seats - above };
      for (let i = 0; i < f.length; i++) selected[i] = passed[i]! && f[i]! > cut;
    } else {
      for (let i = 0; i < f.length; i++) selected[i] = passed[i]! && f[i]! >= cut;
    }
  }
  const options: OptionResult[] = optionIds.map((id, i) => ({ id, counts: counts[i]!, passed: passed[i]!, rank: rank[i]!, selected: selected[i]! }));
  return { options, ...(tie ? { tie } : {}), ...(shortfall !== undefined ? { shortfall } : {}) };
}

/** 总体满意率: (满意 + 基本满意) / valid ballots, for display only (not part of the record). */
export function satisfactionRate(counts: Record<string, number>, valid: number): number | undefined {
  return valid > 0 ? ((counts.S ?? 0) + (counts.B ?? 0)) / valid : undefined;
}

/** A meeting is valid only if at least two thirds of all deputies are present (地方组织法 art. 14): 实到 × 3 ≥ 应到 × 2. */
export function hasQuorum(present: number, expected: number): boolean {
  return present * 3 >= expected * 2;
}
