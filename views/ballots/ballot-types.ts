import type { CandidateView } from '../../src/meetings/model.ts';
import type { Marking } from '../../src/domain/record/format.ts';

/** What the ballot pages show of an election and its options (views/ballots/ballot.tsx, encrypted.tsx). */
export interface BallotOption {
  key: string;
  position: number;
  title: string;
  candidate?: CandidateView;
}

export interface BallotElection {
  id: number;
  title: string;
  meetingTitle: string;
  marking: Marking;
  seats: number | null;
  /** The meeting's shared-tablets setting: the pages then leave nothing of the ballot behind them. */
  sharedTablets: boolean;
}
