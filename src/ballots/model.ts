import type { Channel, ElectionState, InvalidReason, Marking } from '../domain/vocabulary.ts';

/** What anyone may learn from a tracker (GET /verify, /api/trackers/:tracker). */
export interface TrackerLookup {
  tracker: string;
  status: 'recorded';
  election: { id: string; title: string; state: string };
  /** Only once the election is published (the record holds them then): how to read `marks`, … */
  marking?: Marking;
  /** … the ballot's marks, one letter per option, … */
  marks?: string;
  /** … why it was counted invalid, if it was, … */
  invalid?: InvalidReason;
  /** … and the options in ballot order. */
  options?: { id: string; title: string }[];
}

/** A vote on a deputy's list (/vote): open to vote in, or just closed, and how they voted if they did. */
export interface VoteEntry {
  id: number;
  title: string;
  state: ElectionState;
  meetingTitle: string;
  channel: Channel | null;
}
