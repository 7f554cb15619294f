import type { ElectionKind } from '../domain/vocabulary.ts';
import type { ApiResult, ChosenProject, MeetingChosenList, PendingSeats } from './model.ts';
import { chosenRows, type ResultBody } from './present.ts';

/** A published vote of a meeting, as the combination needs it. */
export interface PublishedVote {
  id: number;
  title: string;
  kind: ElectionKind;
  /** The vote whose tie this runoff resolves (runoffs only). */
  runoffOf: number | null;
  body: ResultBody;
}

function tieOf(vote: PublishedVote): PendingSeats | undefined {
  const tie = vote.body.result.tie;
  if (!tie) return undefined;
  const titles = new Map(vote.body.election.options.map((o) => [o.id, o.title]));
  return { electionId: vote.id, seats: tie.seats, options: tie.options.map((id) => ({ id, title: titles.get(id) ?? id })) };
}

/** Whether a runoff is the vote the open tie calls for: exactly the tied options, for the seats left. */
function decides(runoff: PublishedVote, pending: PendingSeats): boolean {
  const ids = runoff.body.election.options.map((o) => o.id).sort();
  const tied = pending.options.map((o) => o.id).sort();
  return runoff.body.election.rules.seats === pending.seats && ids.length === tied.length && ids.every((id, i) => id === tied[i]);
}

/**
 * The final chosen list of each published selection of a meeting (pure). A tie across the cut-off is
 * decided by published runoffs whose `runoffOf` names the vote that tied: the earliest such runoff
 * counts first; if it ties again, its own runoffs, or the next runoff of the same vote, decide the
 * rest. Runoffs published after a tie is resolved, runoffs of votes without a tie, runoffs that are
 * not among exactly the tied options for the seats left, and runoffs whose selection is not among
 * the published votes (void, not yet published) are left out. Satisfaction
 * votes have no chosen list.
 */
export function combineChosen(votes: readonly PublishedVote[]): MeetingChosenList[] {
  const runoffsOf = new Map<number, PublishedVote[]>();
  for (const v of votes) {
    if (v.kind !== 'runoff' || v.runoffOf === null) continue;
    const list = runoffsOf.get(v.runoffOf) ?? [];
    list.push(v);
    runoffsOf.set(v.runoffOf, list);
  }
  for (const list of runoffsOf.values()) list.sort((a, b) => a.id - b.id);

  return votes.filter((v) => v.kind === 'selection').sort((a, b) => a.id - b.id).map((selection) => {
    const chosen: ChosenProject[] = [];
    const runoffs: { id: number; title: string }[] = [];
    let shortfall = 0;
    const take = (vote: PublishedVote) => {
      for (const r of chosenRows(vote.body)) {
        chosen.push({ optionId: r.id, title: r.title, forVotes: r.forVotes, electionId: vote.id, viaRunoff: vote.kind === 'runoff' });
      }
      shortfall += vote.body.result.shortfall ?? 0;
    };
    // What stays open after a vote and the runoffs that resolve its tie.
    const resolve = (vote: PublishedVote, seen: Set<number>): PendingSeats | undefined => {
      seen.add(vote.id);
      let pending = tieOf(vote);
      for (const runoff of runoffsOf.get(vote.id) ?? []) {
        if (!pending) break;
        if (seen.has(runoff.id) || !decides(runoff, pending)) continue;
        runoffs.push({ id: runoff.id, title: runoff.title });
        take(runoff);
        pending = resolve(runoff, seen);
      }
      return pending;
    };
    take(selection);
    const pending = resolve(selection, new Set());
    return {
      selection: { id: selection.id, title: selection.title, seats: selection.body.election.rules.seats ?? 0 },
      chosen, ...(pending ? { pending } : {}), shortfall, runoffs,
    };
  });
}

/** The list (if any) that a selection or runoff is part of. */
export function listContaining(lists: readonly MeetingChosenList[], electionId: number): MeetingChosenList | undefined {
  return lists.find((l) => l.selection.id === electionId || l.runoffs.some((r) => r.id === electionId) || l.pending?.electionId === electionId);
}

/** A published record's result as the API gives it: the record's own figures, nothing recomputed. */
export function apiResult(electionId: number, body: ResultBody, digest: string): ApiResult {
  const r = body.result;
  return {
    valid: r.valid, invalid: r.invalid, quorum: r.quorum,
    roll: { eligible: body.roll.eligible, present: body.roll.present },
    options: r.options.map((o) => ({
      id: o.id, counts: o.counts,
      ...(o.rating !== undefined ? { rating: o.rating } : { passed: o.passed, rank: o.rank ?? null, selected: o.selected }),
    })),
    ...(r.tie ? { tie: r.tie } : {}),
    ...(r.shortfall !== undefined ? { shortfall: r.shortfall } : {}),
    chosen: chosenRows(body).map((o) => o.id),
    digest,
    recordUrl: `/elections/${electionId}/record.json`,
    resultUrl: `/elections/${electionId}/result`,
  };
}

