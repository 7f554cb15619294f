import type { SpoiledCheck } from './encrypted.ts';
import type { Channel, ElectionState, InvalidReason, Marking } from '../domain/vocabulary.ts';

/** What anyone may learn from a tracker (GET /verify, /api/trackers/:tracker). */
export interface TrackerLookup {
  tracker: string;
  /**
   * 'recorded': in the box or sealed; 'counted': an encrypted ballot of a published election (its
   * marks never shown: only totals are decrypted); 'spoiled': a ballot its voter checked, never
   * counted, with everything the check page needs in `check`.
   */
  status: 'recorded' | 'counted' | 'spoiled';
  /** An encrypted ballot (never with marks, unless spoiled). */
  encrypted?: boolean;
  /** A spoiled ballot's published content (src/ballots/encrypted.ts SpoiledCheck). */
  check?: SpoiledCheck;
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
