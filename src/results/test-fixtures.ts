import { RECORD_FORMAT, type ElectionKind, type Marking, type PassBase } from '../domain/record/format.ts';
import { tally } from '../domain/tally.ts';
import type { ResultBody } from './present.ts';

export interface BodyInput {
  id?: number;
  kind?: ElectionKind;
  title?: string;
  /** Option titles, in ballot order; ids are c01, c02, … unless given. */
  options: string[];
  /** Option ids, e.g. a runoff's (it keeps the ids of the vote that tied). */
  optionIds?: string[];
  /** One marks string per ballot. */
  ballots: string[];
  seats?: number;
  marking?: Marking;
  passBase?: PassBase;
  eligible?: number;
  present?: number;
  runoffOf?: number;
  invalid?: number;
}

/** A record body (without ballots) whose result comes from the real tally over the given ballots. */
export function resultBody(input: BodyInput): ResultBody {
  const kind = input.kind ?? 'selection';
  const marking = input.marking ?? (kind === 'satisfaction' ? 'satisfaction' : 'approval');
  const eligible = input.eligible ?? 20;
  const present = input.present ?? eligible;
  const optionIds = input.optionIds ?? input.options.map((_, i) => `c${String(i + 1).padStart(2, '0')}`);
  const rules = { marking, ...(kind === 'satisfaction' ? {} : { seats: input.seats ?? 1 }), passBase: input.passBase ?? 'valid-ballots', deputiesTotal: eligible };
  const ballots = [
    ...input.ballots.map((marks) => ({ marks })),
    ...Array.from({ length: input.invalid ?? 0 }, () => ({ marks: 'N'.repeat(optionIds.length), invalid: 'unreadable' as const })),
  ];
  const result = tally({ kind, rules, optionIds, present, eligible, ballots });
  return {
    format: RECORD_FORMAT,
    election: {
      id: String(input.id ?? 1), title: input.title ?? `票决 ${input.id ?? 1}`,
      meeting: { id: '3', title: '龙游县第十四届人民代表大会第三次会议', year: 2024 },
      kind, ...(input.runoffOf !== undefined ? { runoffOf: String(input.runoffOf) } : {}),
      openedAt: '2024-01-16T09:00:00+08:00', closedAt: '2024-01-16T10:30:00+08:00',
      rules, options: optionIds.map((id, i) => ({ id, title: input.options[i]! })),
    },
    roll: { eligible, present, electronic: ballots.length, paperIssued: 0, paperReturned: 0 },
    result,
  };
}

/** `n` copies of a marks string. */
export const times = (n: number, marks: string) => Array.from({ length: n }, () => marks);
