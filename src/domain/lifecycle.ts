import type { ElectionState, Role } from './vocabulary.ts';

/**
 * The lifecycle of an election, as one table: every state change there is, from which state, to
 * which, and who may make it. `transition()` (src/elections/transition.ts) is the only code that
 * changes an election's state, and it checks every change against this table; pages ask it which
 * steps to offer.
 *
 *   draft ─open→ open ─close→ closed ─seal→ tallied ─certify→ certified ─publish→ published
 *                                 │               ↑
 *                                 └─seal→ decrypting ─decrypt┘          (encrypted mode)
 *                                 closed, decrypting, tallied ─void→ void
 *
 * In encrypted mode (docs/encrypted-ballots.md) the seal fixes the box and its aggregate and leads to
 * `decrypting`, where the trustees post their partial decryptions; combining k of them builds the
 * record (decrypt). If fewer than k trustees can decrypt, the secretariat voids the vote with that
 * reason and may hold it again.
 *
 * Sealing fixes the record and its digest; certification needs CERTIFICATIONS_REQUIRED distinct
 * scrutineers (a first one leaves the election tallied, and more may confirm until publication).
 */

/**
 * How many distinct named scrutineers (监票人) must confirm a record's digest before it is certified
 * and may be published: at least two; an election names at least as many before it opens. A
 * constant, not a setting: lowering it per deployment would weaken every published result.
 */
export const CERTIFICATIONS_REQUIRED = 2;

/** The most scrutineers one election names. */
export const SCRUTINEERS_MAX = 15;

/** A step of the lifecycle, named as the secretariat's buttons name it. */
export const STEPS = ['open', 'close', 'seal', 'decrypt', 'certify', 'publish', 'void'] as const;
export type Step = (typeof STEPS)[number];

/** Who makes a step: a role, or the installation itself (the scheduled close, seeding, tools). */
export type Mover = Role | 'system';

export interface Transition {
  step: Step;
  from: ElectionState;
  to: ElectionState;
  by: readonly Mover[];
}

export const TRANSITIONS: readonly Transition[] = [
  { step: 'open', from: 'draft', to: 'open', by: ['secretariat'] },
  { step: 'close', from: 'open', to: 'closed', by: ['secretariat', 'system'] },
  { step: 'seal', from: 'closed', to: 'tallied', by: ['secretariat'] },
  // Encrypted mode: the seal fixes the box and its aggregate; k trustees then decrypt the totals.
  { step: 'seal', from: 'closed', to: 'decrypting', by: ['secretariat'] },
  // The trustee whose partial decryption completes k combines them (or the secretariat, retrying).
  { step: 'decrypt', from: 'decrypting', to: 'tallied', by: ['scrutineer', 'secretariat'] },
  // A first certification; the next distinct scrutineer's makes it certified.
  { step: 'certify', from: 'tallied', to: 'tallied', by: ['scrutineer'] },
  { step: 'certify', from: 'tallied', to: 'certified', by: ['scrutineer'] },
  // Further scrutineers may still confirm until publication.
  { step: 'certify', from: 'certified', to: 'certified', by: ['scrutineer'] },
  { step: 'publish', from: 'certified', to: 'published', by: ['secretariat'] },
  // A vote is voided after it closed (e.g. more paper ballots returned than issued), before publication.
  { step: 'void', from: 'closed', to: 'void', by: ['secretariat'] },
  // Fewer than k trustees could decrypt.
  { step: 'void', from: 'decrypting', to: 'void', by: ['secretariat'] },
  { step: 'void', from: 'tallied', to: 'void', by: ['secretariat'] },
];

/** Whether the step can start from this state (for pages: which buttons to show). */
export function canStart(step: Step, state: ElectionState): boolean {
  return TRANSITIONS.some((t) => t.step === step && t.from === state);
}

/** The states a step may lead to from a state (empty when the step cannot start there). */
export function targets(step: Step, from: ElectionState): ElectionState[] {
  return TRANSITIONS.filter((t) => t.step === step && t.from === from).map((t) => t.to);
}

/** Whether someone acting in these roles (or the installation, 'system') may make the step. */
export function mayMake(step: Step, movers: readonly string[]): boolean {
  const by = new Set(TRANSITIONS.filter((t) => t.step === step).flatMap((t) => t.by));
  return movers.some((m) => by.has(m as Mover));
}

/** Casting (and handing out paper ballots) is possible only while the election is open. */
export function acceptsBallots(state: ElectionState): boolean {
  return state === 'open';
}

/**
 * Casting (and handing out paper ballots) is possible at this moment: the election is open and the
 * time set for its automatic close, if any, has not come. The scheduler closes it a moment later
 * (and dates the close at the scheduled time), so nothing may be accepted in between.
 */
export function votingOpenAt(e: { state: ElectionState; close_scheduled_at: Date | null }, now: Date): boolean {
  return acceptsBallots(e.state) && (e.close_scheduled_at === null || now < e.close_scheduled_at);
}

/** Paper ballots are counted back and keyed in after the close and before the seal. */
export function acceptsPaperEntry(state: ElectionState): boolean {
  return state === 'closed';
}

/** A sealed record exists (it may be under review, certified or public). */
export function isSealed(state: ElectionState): boolean {
  return state === 'tallied' || state === 'certified' || state === 'published';
}

/** Nothing about the election changes any more: published, or void. */
export function isFinal(state: ElectionState): boolean {
  return state === 'published' || state === 'void';
}

/** The rules, the roll and the candidates are frozen once an election has left draft. */
export function isFrozen(state: ElectionState): boolean {
  return state !== 'draft';
}

/** The result and the record are public. */
export function isPublished(state: ElectionState): boolean {
  return state === 'published';
}

/** States in which an election appears to scrutineers (from the close on). */
export const SCRUTINY_STATES: readonly ElectionState[] = ['closed', 'decrypting', 'tallied', 'certified', 'published', 'void'];

/** The election has closed (counting, certification, publication or void follow). */
export function inScrutiny(state: ElectionState): boolean {
  return SCRUTINY_STATES.includes(state);
}
