import type { RecordResult } from '../domain/record/format.ts';

export interface PlannedOption {
  key: string;
  title: string;
  candidateId: number | null;
}

export type RunoffPlan =
  | { ok: true; seats: number; options: PlannedOption[] }
  | { ok: false; reason: 'no-tie' | 'unknown-option' };

/**
 * What a runoff (再次投票) must be, read from a sealed count: only the options tied across the
 * cut-off, in their original ballot order and under their original ids (so the meeting's final list
 * can join the two counts), for the seats the tie left open. The software never breaks a tie itself;
 * without one there is nothing to re-run.
 */
export function planRunoff(result: Pick<RecordResult, 'tie'>, options: readonly PlannedOption[]): RunoffPlan {
  const tie = result.tie;
  if (!tie || tie.seats < 1 || tie.options.length <= tie.seats) return { ok: false, reason: 'no-tie' };
  const tied = new Set(tie.options);
  const planned = options.filter((o) => tied.has(o.key));
  if (planned.length !== tied.size) return { ok: false, reason: 'unknown-option' };
  return { ok: true, seats: tie.seats, options: planned };
}
