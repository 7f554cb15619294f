import type { InvalidReason, Marking } from '../domain/vocabulary.ts';

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
