import type { MessageKey } from '../platform/i18n/index.ts';

/**
 * The words of the domain, each spelled once. The tables' types (tables.ts), the record format
 * (record/format.ts), the input schemas (zod enums over these lists) and the views' options and
 * labels all derive from here, so adding a word is one change that the compiler then walks through.
 */

/**
 * The roles a person can hold; one person may hold several (scrutineers are deputies too). A clerk
 * (计票人) only keys paper ballots, and is never also the secretariat or a scrutineer.
 */
export const ROLES = ['secretariat', 'scrutineer', 'department', 'deputy', 'clerk'] as const;
export type Role = (typeof ROLES)[number];

/** What a vote decides: a selection of projects (票决), the runoff of its tie (再次投票), or a rating (测评). */
export const ELECTION_KINDS = ['selection', 'runoff', 'satisfaction'] as const;
export type ElectionKind = (typeof ELECTION_KINDS)[number];

/** How a ballot is marked: 赞成/反对/弃权 per option, ticks up to the seats, or 满意/基本满意/不满意/弃权. */
export const MARKINGS = ['for-against-abstain', 'approval', 'satisfaction'] as const;
export type Marking = (typeof MARKINGS)[number];
/** The markings a selection may use (a rating always uses `satisfaction`). */
export const SELECTION_MARKINGS = ['for-against-abstain', 'approval'] as const satisfies readonly Marking[];

/** What "more than half" is counted against: all deputies (应到), those present (实到), or valid ballots. */
export const PASS_BASES = ['all-deputies', 'present', 'valid-ballots'] as const;
export type PassBase = (typeof PASS_BASES)[number];

/** How deputies' ballots are cast: plaintext rows, or encrypted on their devices (docs/key-ceremony.md). */
export const BALLOT_MODES = ['plaintext', 'encrypted'] as const;
export type BallotMode = (typeof BALLOT_MODES)[number];

/** A key ceremony runs until it completes or fails; a failed one is started again (new context id). */
export const CEREMONY_STATES = ['running', 'failed', 'complete'] as const;
export type CeremonyState = (typeof CEREMONY_STATES)[number];

/** The messages a trustee publishes in a key ceremony (docs/key-ceremony.md, wire forms). */
export const CEREMONY_MESSAGE_KINDS = ['exchange-key', 'dealing', 'envelope', 'complaint', 'confirmation'] as const;
export type CeremonyMessageKind = (typeof CEREMONY_MESSAGE_KINDS)[number];

/** Who votes: every deputy of the term, or the standing committee (常委会组成人员), for a rating. */
export const ELECTORATES = ['all-deputies', 'standing-committee'] as const;
export type Electorate = (typeof ELECTORATES)[number];

/** The states of an election; src/domain/lifecycle.ts says how one becomes another. */
export const ELECTION_STATES = ['draft', 'open', 'closed', 'decrypting', 'tallied', 'certified', 'published', 'void'] as const;
export type ElectionState = (typeof ELECTION_STATES)[number];

/** Why a ballot was counted invalid: too many 赞成 (automatic), unreadable, or another reason the clerks note. */
export const INVALID_REASONS = ['too-many-for', 'unreadable', 'other'] as const;
export type InvalidReason = (typeof INVALID_REASONS)[number];
/** The reasons a clerk may give when keying a paper ballot (too many 赞成 is found by the count itself). */
export const KEYED_INVALID_REASONS = ['unreadable', 'other'] as const satisfies readonly InvalidReason[];
export type KeyedInvalidReason = (typeof KEYED_INVALID_REASONS)[number];

/** A rating's outcome per project. */
export const RATINGS = ['satisfied', 'basically', 'unsatisfied'] as const;
export type Rating = (typeof RATINGS)[number];

/** How a ballot reached the box. */
export const CHANNELS = ['electronic', 'paper'] as const;
export type Channel = (typeof CHANNELS)[number];

/** The letters of each marking, in the order counts are listed (F 赞成, A 反对, N 弃权; S B U N). */
const LETTER_SETS = {
  'for-against-abstain': ['F', 'A', 'N'],
  approval: ['F', 'N'],
  satisfaction: ['S', 'B', 'U', 'N'],
} as const satisfies Record<Marking, readonly string[]>;
export const LETTERS: Readonly<Record<Marking, readonly string[]>> = LETTER_SETS;

/**
 * Steps that would hand the secretariat a deputy's credentials: a new one-time password, a first
 * account, an account linked to (or away from) the deputy. While the deputy is on the roll of an
 * open vote or a named scrutineer of an unpublished one, each waits for a named scrutineer's confirmation.
 */
export const CREDENTIAL_STEPS = ['reset', 'issue', 'link'] as const;
export type CredentialStep = (typeof CREDENTIAL_STEPS)[number];

/** Project categories (the migration's check constraint holds the same list). */
export const CATEGORIES = [
  'rural-revitalisation', 'social-security', 'employment', 'science-education', 'culture-sports',
  'health', 'municipal-construction', 'urban-management', 'environment', 'housing',
  'social-governance', 'public-safety', 'public-transport',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Where a plan revision or a report stands: drafted by the department, submitted, returned with a comment, or approved (then public and fixed). */
export const REVIEW_STATES = ['draft', 'submitted', 'returned', 'approved'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

/** How often the lead department reports on a project (the plan's reporting schedule). */
export const SCHEDULES = ['monthly', 'quarterly'] as const;
export type Schedule = (typeof SCHEDULES)[number];

/** A progress report, or the rectification report an unsatisfactory rating calls for. */
export const REPORT_KINDS = ['progress', 'rectification'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** A citizen's opinion waits for the secretariat, then is accepted (public) or rejected (never shown). */
export const OPINION_STATES = ['pending', 'accepted', 'rejected'] as const;
export type OpinionState = (typeof OPINION_STATES)[number];

/** A project's status, always derived (src/projects/progress.ts), never typed. */
export const PROJECT_STATUSES = ['not-started', 'on-track', 'behind', 'completed', 'rectifying'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** What evidence may be: decided from the content, never the name. */
export const EVIDENCE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

/** Whether a string is one of a vocabulary's words (for input read from forms and queries). */
export function isOneOf<const T extends readonly string[]>(words: T, value: unknown): value is T[number] {
  return typeof value === 'string' && (words as readonly string[]).includes(value);
}

// The dictionary key of each word's label, so that no caller builds a key from a string.
export const ROLE_LABEL: Readonly<Record<Role, MessageKey>> = {
  secretariat: 'role.secretariat', scrutineer: 'role.scrutineer', department: 'role.department', deputy: 'role.deputy', clerk: 'role.clerk',
};
export const CREDENTIAL_STEP_LABEL: Readonly<Record<CredentialStep, MessageKey>> = {
  reset: 'approval.step.reset', issue: 'approval.step.issue', link: 'approval.step.link',
};
export const KIND_LABEL: Readonly<Record<ElectionKind, MessageKey>> = {
  selection: 'result.kind.selection', runoff: 'result.kind.runoff', satisfaction: 'result.kind.satisfaction',
};
export const MARKING_LABEL: Readonly<Record<Marking, MessageKey>> = {
  'for-against-abstain': 'election.marking.for-against-abstain', approval: 'election.marking.approval', satisfaction: 'election.marking.satisfaction',
};
export const PASS_BASE_LABEL: Readonly<Record<PassBase, MessageKey>> = {
  'all-deputies': 'election.passBase.all-deputies', present: 'election.passBase.present', 'valid-ballots': 'election.passBase.valid-ballots',
};
export const ELECTORATE_LABEL: Readonly<Record<Electorate, MessageKey>> = {
  'all-deputies': 'rating.electorate.all-deputies', 'standing-committee': 'rating.electorate.standing-committee',
};
export const STATE_LABEL: Readonly<Record<ElectionState, MessageKey>> = {
  draft: 'election.state.draft', open: 'election.state.open', closed: 'election.state.closed', decrypting: 'election.state.decrypting', tallied: 'election.state.tallied',
  certified: 'election.state.certified', published: 'election.state.published', void: 'election.state.void',
};
export const INVALID_REASON_LABEL: Readonly<Record<InvalidReason, MessageKey>> = {
  'too-many-for': 'counting.reason.too-many-for', unreadable: 'counting.reason.unreadable', other: 'counting.reason.other',
};
export const RATING_LABEL: Readonly<Record<Rating, MessageKey>> = {
  satisfied: 'counting.rating.satisfied', basically: 'counting.rating.basically', unsatisfied: 'counting.rating.unsatisfied',
};
export const CATEGORY_LABEL: Readonly<Record<Category, MessageKey>> = {
  'rural-revitalisation': 'category.rural-revitalisation', 'social-security': 'category.social-security', employment: 'category.employment',
  'science-education': 'category.science-education', 'culture-sports': 'category.culture-sports', health: 'category.health',
  'municipal-construction': 'category.municipal-construction', 'urban-management': 'category.urban-management',
  environment: 'category.environment', housing: 'category.housing', 'social-governance': 'category.social-governance',
  'public-safety': 'category.public-safety', 'public-transport': 'category.public-transport',
};
/** The label of a mark letter under a marking: 赞成, 反对, 弃权, ticked, 满意, … */
export const LETTER_LABEL: { readonly [M in Marking]: Readonly<Record<(typeof LETTER_SETS)[M][number], MessageKey>> } = {
  'for-against-abstain': { F: 'ballot.letter.for-against-abstain.F', A: 'ballot.letter.for-against-abstain.A', N: 'ballot.letter.for-against-abstain.N' },
  approval: { F: 'ballot.letter.approval.F', N: 'ballot.letter.approval.N' },
  satisfaction: { S: 'ballot.letter.satisfaction.S', B: 'ballot.letter.satisfaction.B', U: 'ballot.letter.satisfaction.U', N: 'ballot.letter.satisfaction.N' },
};

/** The label key of a letter under a marking, or undefined for a letter the marking does not have. */
export function letterLabel(marking: Marking, letter: string): MessageKey | undefined {
  return (LETTER_LABEL[marking] as Readonly<Record<string, MessageKey>>)[letter];
}
