/** Form field names of a ballot: one `choice.<option key>` per option, plus these. */
export const CHOICE_PREFIX = 'choice.';
const CONTROL_FIELDS = new Set(['tracker', 'trackerMac', 'edit']);

export interface ParsedBallotForm {
  choices: Record<string, string>;
  tracker: string | undefined;
  /** The MAC the review page issued with the tracker (src/ballots/tracker.ts). */
  trackerMac: string | undefined;
  /** Fields that are neither choices nor known controls: a tampered or stale form. */
  unexpected: string[];
}

/** Reads a posted ballot form. Repeated fields (two values for one option) count as unexpected. */
export function parseBallotForm(form: Record<string, unknown>): ParsedBallotForm {
  const choices: Record<string, string> = {};
  const unexpected: string[] = [];
  for (const [name, value] of Object.entries(form)) {
    if (name.startsWith(CHOICE_PREFIX) && typeof value === 'string') choices[name.slice(CHOICE_PREFIX.length)] = value;
    else if (!CONTROL_FIELDS.has(name) || typeof value !== 'string') unexpected.push(name);
  }
  const tracker = typeof form.tracker === 'string' && form.tracker ? form.tracker : undefined;
  const trackerMac = typeof form.trackerMac === 'string' && form.trackerMac ? form.trackerMac : undefined;
  return { choices, tracker, trackerMac, unexpected };
}
