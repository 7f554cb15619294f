import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { BallotMode, Category, CeremonyMessageKind, CeremonyState, Channel, CredentialStep, ElectionKind, ElectionState, Electorate, EvidenceType, InvalidReason, KeyedInvalidReason, Marking, OpinionState, PassBase, Rating, ReportKind, ReviewState, Role, Schedule } from './vocabulary.ts';

/**
 * The stored tables, as Kysely sees them (the migrations in migrations/ create them). Every
 * closed set of words comes from vocabulary.ts. Registered with the platform so that its `Db`
 * is typed without the platform importing the domain.
 */
declare module '../platform/registry.ts' {
  interface Registry {
    database: Database;
  }
}

/** Columns set by the database on insert and never written by the app afterwards. */
type CreatedAt = ColumnType<Date, never, never>;
/** A `date` column, read and written as 'YYYY-MM-DD' on both engines (see createDb). */
type DateOnly = string;
/** A jsonb column holding a list of strings. */
type JsonStrings = ColumnType<string[], string, string>;

export interface TermTable {
  id: Generated<number>;
  /** e.g. 龙游县第十四届人民代表大会 */
  name: string;
  /** The term's ordinal, e.g. 14 for 第十四届 */
  ordinal: number;
  starts_on: DateOnly;
  ends_on: DateOnly;
  created_at: CreatedAt;
}

export interface DepartmentTable {
  id: Generated<number>;
  name: string;
  created_at: CreatedAt;
}

export interface DeputyTable {
  id: Generated<number>;
  term_id: number;
  /** Stable code the secretariat assigns; re-imports match on it. */
  code: string;
  name: string;
  /** 代表团 */
  delegation: string;
  /** Member of the standing committee (常委会组成人员), a possible rating electorate. */
  standing_committee: Generated<boolean>;
  /** Personal data: optional, never shown publicly, never logged. */
  phone: string | null;
  created_at: CreatedAt;
}

export interface MeetingTable {
  id: Generated<number>;
  term_id: number;
  /** The official title, e.g. 龙游县第十四届人民代表大会第二次会议 */
  title: string;
  /** 第N次会议 */
  session_ordinal: number;
  year: number;
  starts_on: DateOnly;
  ends_on: DateOnly;
  /** Deputies vote on shared tablets: sign them out after casting. */
  shared_tablets: Generated<boolean>;
  /** Deputies may check themselves in. */
  self_check_in: Generated<boolean>;
  /** When the secretariat made the meeting public; null while it is being prepared. */
  published_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: CreatedAt;
}

export interface CandidateTable {
  id: Generated<number>;
  meeting_id: number;
  /** Order on the ballot, from 1. */
  ballot_order: number;
  name: string;
  category: Category;
  description: string;
  targets: JsonStrings;
  /** 总投资, in yuan. */
  total_investment_yuan: number | null;
  deadline: DateOnly;
  lead_department_id: number;
  lead_official: string;
  created_at: CreatedAt;
}

export interface CandidateCoDepartmentTable {
  candidate_id: number;
  department_id: number;
}

export interface UserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  must_change_password: Generated<boolean>;
  deputy_id: number | null;
  department_id: number | null;
  disabled_at: Date | null;
  password_changed_at: Date | null;
  created_at: CreatedAt;
}

export interface UserRoleTable {
  user_id: number;
  role: Role;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Date;
  actor_user_id: number | null;
  actor_name: string;
  action: string;
  subject: string;
  details: ColumnType<Record<string, unknown>, string, never>;
  prev_hash: string;
  hash: string;
}

export interface SessionTable {
  id: string;
  secret_hash: Uint8Array;
  user_id: number;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  absolute_expires_at: Date;
  user_agent: string;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  last_failure_at: Date;
  locked_until: Date | null;
}

export interface RosterImportTable {
  id: string;
  term_id: number;
  created_by: number;
  created_at: Generated<Date>;
  file_name: string;
  rows: ColumnType<unknown[], string, string>;
  row_count: number;
  applied_at: Date | null;
}

export interface ElectionTable {
  id: Generated<number>;
  meeting_id: number;
  kind: ElectionKind;
  title: string;
  marking: Marking;
  seats: number | null;
  pass_base: PassBase;
  electorate: Generated<Electorate>;
  runoff_of: number | null;
  /** The void election this one holds again. */
  rerun_of: Generated<number | null>;
  /** Why a further selection is held in a meeting that already has one (set up with it). */
  note: Generated<string | null>;
  state: Generated<ElectionState>;
  /** 应到, frozen when the election opens. */
  deputies_total: number | null;
  opened_at: Date | null;
  closed_at: Date | null;
  close_scheduled_at: Date | null;
  paper_issued: Generated<number>;
  /** Paper ballots counted back in (returned), entered by the secretariat after the close. */
  paper_returned: number | null;
  /** When the double-keyed paper ballots went into the ballot box. */
  paper_committed_at: Date | null;
  void_reason: string | null;
  /** 实到 when the election closed: set by a trigger as the state becomes 'closed'. */
  present_at_close: ColumnType<number | null, never, never>;
  /** How deputies' ballots are cast: 'plaintext', or 'encrypted' on their devices (docs/key-ceremony.md). */
  ballot_mode: Generated<BallotMode>;
  /** k, the trustees needed to decrypt, in encrypted mode. */
  trustee_threshold: Generated<number | null>;
  created_at: CreatedAt;
}

export interface ElectionOptionTable {
  election_id: number;
  position: number;
  /** The option id published in the record. */
  key: string;
  candidate_id: number | null;
  title: string;
}

export interface AttendanceTable {
  meeting_id: number;
  deputy_id: number;
  present: boolean;
  changed_at: Date;
  source: 'secretariat' | 'self';
}

/** Who voted (never what): one row per eligible deputy. */
export interface RollTable {
  election_id: number;
  deputy_id: number;
  channel: Channel | null;
  voted_at: Date | null;
  issued_at: Date | null;
}

/** What was voted (never who): no deputy, no time, no sequence. */
/**
 * A ballot in an open election's box: plaintext marks (plaintext mode, and paper ballots in either
 * mode), or in encrypted mode the server-issued nonce and the encrypted ballot's canonical JSON
 * ({ ciphertexts, proofs }, docs/encrypted-ballots.md); never both.
 */
export interface BallotTable {
  id: Generated<string>;
  election_id: number;
  tracker: string;
  marks: string | null;
  channel: Channel;
  invalid: InvalidReason | null;
  nonce: Generated<string | null>;
  ballot: Generated<string | null>;
}

/** One clerk's keying of one returned paper ballot (seq = position in the stack). */
export interface PaperEntryTable {
  election_id: number;
  clerk_user_id: number;
  seq: number;
  marks: string;
  invalid: KeyedInvalidReason | null;
  entered_at: Date;
}

/** A sealed ballot: moved out of the box at the seal, in tracker order; never changed again. */
export interface SealedBallotTable {
  election_id: number;
  tracker: string;
  /** Null for an encrypted ballot (then nonce and ballot are set). */
  marks: string | null;
  invalid: InvalidReason | null;
  nonce: Generated<string | null>;
  ballot: Generated<string | null>;
}

/** The first component `a` of every ciphertext cast or spoiled in an election: no ballot may copy another's. */
export interface CiphertextComponentTable {
  election_id: number;
  a: string;
}

/** A ballot its voter checked (Benaloh challenge) and so never cast: published with marks and randomness. */
export interface SpoiledBallotTable {
  election_id: number;
  tracker: string;
  nonce: string;
  /** Canonical JSON of { ciphertexts, proofs }. */
  ballot: string;
  marks: string;
  /** JSON [option][letter] of 64-hex scalars. */
  randomness: string;
}

/** An encrypted election's aggregate, fixed at its seal: canonical JSON [option][letter] of ciphertexts. */
export interface EncryptedTallyTable {
  election_id: number;
  ceremony_id: number;
  aggregate: string;
  ballots: number;
  sealed_at: Date;
}

/** A trustee's partial decryption of the aggregate: canonical JSON [option][letter] of { d, proof }. */
export interface DecryptionPartialTable {
  election_id: number;
  trustee: number;
  shares: string;
  received_at: Date;
}

/** The election record (docs/record-format.md) fixed at the seal: canonical body text, digest, certifications, signature. */
export interface ElectionRecordTable {
  election_id: number;
  /** RFC 8785 canonical JSON of the record without digest, certifications and signature. */
  body: string;
  digest: string;
  certifications: ColumnType<{ role: 'scrutineer'; name: string; at: string; digest: string }[], string | undefined, string>;
  /** Users who certified; not published. */
  certified_by: ColumnType<number[], number[] | undefined, number[]>;
  signature: ColumnType<{ alg: 'ed25519'; publicKey: string; value: string } | null, string | null | undefined, string | null>;
  sealed_at: Date;
  published_at: Date | null;
}

/** The Ed25519 key that signs published records; its private half encrypted. */
/** A deputy named as a scrutineer (监票人) of an election, before it opens; only they certify it. */
export interface ElectionScrutineerTable {
  election_id: number;
  deputy_id: number;
  /** The order the secretariat named them in (1, 2, …), as pages list them. */
  position: number;
}

/** A credential step on a protected deputy, waiting for (or given) a named scrutineer's confirmation. */
export interface CredentialApprovalTable {
  id: Generated<number>;
  step: CredentialStep;
  deputy_id: number;
  user_id: number | null;
  election_ids: number[];
  requested_by: number | null;
  requested_by_name: string;
  requested_at: Date;
  decided_by: number | null;
  decided_by_name: string | null;
  decided_at: Date | null;
  decision: 'confirmed' | 'declined' | null;
  used_at: Date | null;
}

export interface SigningKeyTable {
  id: number;
  public_key_der: Uint8Array;
  private_key_encrypted: Uint8Array;
  protection: 'env' | 'data-dir' | 'demo-database';
  kdf_salt: Uint8Array;
  demo_secret: Uint8Array | null;
  created_at: Generated<Date>;
}

/** A signed checkpoint of the audit chain (src/audit/checkpoints.ts); rows are never changed. */
export interface AuditCheckpointTable {
  seq: number;
  at: Date;
  /** Entries in the chain up to and including `last_id`. */
  length: number;
  last_id: number;
  head: string;
  key_fingerprint: string;
  /** The canonical JSON that the signature covers. */
  body: string;
  /** Base64 DER (SPKI) Ed25519 public key. */
  public_key: string;
  /** Base64 Ed25519 signature of `body`. */
  signature: string;
}

/** A chosen project, made when the vote that chose it is published (src/projects/store.ts). */
export interface ProjectTable {
  id: Generated<number>;
  meeting_id: number;
  candidate_id: number;
  /** The vote that chose it: the selection or one of its runoffs. */
  election_id: number;
  option_key: string;
  /** Its place in the meeting's final chosen list, from 1. */
  rank: number;
  for_votes: number;
  lead_department_id: number;
  /** When the vote that chose it was published. */
  chosen_at: Date;
  created_at: CreatedAt;
}

/** A quantitative target of a plan: 新增学位 1,200 个. */
export interface PlanTarget { key: string; metric: string; unit: string; target: number }
/** A sub-item (子项) of a plan, weighted in the project's progress. */
export interface PlanSubItem { key: string; title: string; weight: number }
/** A milestone of a plan, weighted in its sub-item's (or the project's) progress. */
export interface PlanMilestone { key: string; title: string; due: DateOnly; weight: number; subItem: string | null }
/** A reported value of a plan's target. */
export interface ReportActual { target: string; value: number }

type Json<T> = ColumnType<T, string | undefined, string>;

/** A revision of a project's implementation plan. */
export interface ProjectPlanTable {
  id: Generated<number>;
  project_id: number;
  revision: number;
  state: Generated<ReviewState>;
  /** Why the plan changed (revisions after the first). */
  reason: string | null;
  /** Money in 分 (bigint, read as a JavaScript number: far below 2^53 fen). */
  total_investment_fen: number;
  annual_investment_fen: number;
  /** Null: the plan starts when the vote that chose it was published. */
  starts_on: DateOnly | null;
  deadline: DateOnly;
  /** 乡镇/街道 */
  location: string | null;
  lead_official: string;
  schedule: Schedule;
  co_department_ids: number[];
  targets: Json<PlanTarget[]>;
  sub_items: Json<PlanSubItem[]>;
  milestones: Json<PlanMilestone[]>;
  drafted_by: number | null;
  drafted_at: Date;
  submitted_at: Date | null;
  decided_by: number | null;
  decided_by_name: string | null;
  decided_at: Date | null;
  return_comment: string | null;
}

/** A progress (or rectification) report; public and fixed once approved. */
export interface ProjectReportTable {
  id: Generated<number>;
  project_id: number;
  seq: number;
  kind: Generated<ReportKind>;
  /** The period it answers: '2024-03' or '2024-Q1'; null for an extra report. */
  period: string | null;
  final: Generated<boolean>;
  /** The approved report this one corrects. */
  corrects_id: number | null;
  plan_revision: number | null;
  state: Generated<ReviewState>;
  narrative: string;
  percent: number | null;
  spent_fen: Generated<number>;
  actuals: Json<ReportActual[]>;
  milestones_done: Json<string[]>;
  sub_item_percents: Json<Record<string, number>>;
  drafted_by: number | null;
  drafted_at: Date;
  submitted_at: Date | null;
  decided_by: number | null;
  decided_by_name: string | null;
  decided_at: Date | null;
  return_comment: string | null;
}

/** A co-department's section of the lead department's next report. */
export interface ReportSectionTable {
  id: Generated<number>;
  project_id: number;
  department_id: number;
  report_id: number | null;
  body: string;
  written_by: number | null;
  written_at: Date;
}

/** An evidence file, stored once by its SHA-256 (hex). */
export interface EvidenceFileTable {
  sha256: string;
  media_type: EvidenceType;
  bytes: Uint8Array;
  byte_size: number;
  width: number | null;
  height: number | null;
  created_at: CreatedAt;
}

export interface ReportEvidenceTable {
  report_id: number;
  position: number;
  sha256: string;
  caption: string;
}

/** A deputy's inspection note (视察意见) and the lead department's reply. */
export interface InspectionNoteTable {
  id: Generated<number>;
  project_id: number;
  deputy_id: number;
  body: string;
  filed_by: number | null;
  filed_at: Date;
  reply_due: DateOnly;
  reply: string | null;
  replied_by: number | null;
  replied_at: Date | null;
}

/** A citizen's opinion (群众意见): no account, no personal data; public once accepted. */
export interface CitizenOpinionTable {
  id: Generated<number>;
  project_id: number;
  body: string;
  submitted_at: Date;
  state: Generated<OpinionState>;
  decided_by: number | null;
  decided_at: Date | null;
  reply: string | null;
  replied_by: number | null;
  replied_at: Date | null;
}

/** A published 测评's outcome for one project, copied from its signed record at publication. */
export interface ProjectRatingTable {
  project_id: number;
  election_id: number;
  option_key: string;
  rating: Rating;
  satisfied: number;
  basically: number;
  unsatisfied: number;
  abstain: number;
  published_at: Date;
}

/** The installation's salt for hashing citizens' addresses (one row; migration 2026_11_30_230300). */
export interface OpinionSaltTable {
  id: Generated<boolean>;
  salt: Generated<string>;
}

/** Citizens' opinions stored from one address hash in one fixed window (never the address, never the opinion, never its time). */
export interface OpinionAttemptTable {
  address_hash: string;
  window_start: Date;
  count: number;
}

export interface KeyCeremonyTable {
  id: Generated<number>;
  election_id: number;
  context_id: string;
  threshold: number;
  trustees: number;
  state: Generated<CeremonyState>;
  started_at: Date;
  started_by: number | null;
  started_by_name: string;
  /** ceremonyStatus's complete output. */
  result: Json<Record<string, unknown> | null> | null;
  /** ceremonyStatus's faults. */
  failure: Json<Record<string, unknown>[] | null> | null;
  ended_at: Date | null;
}

export interface CeremonyTrusteeTable {
  ceremony_id: number;
  index: number;
  deputy_id: number;
}

export interface CeremonyMessageTable {
  id: Generated<number>;
  ceremony_id: number;
  kind: CeremonyMessageKind;
  trustee: number;
  recipient: number | null;
  body: Json<unknown>;
  received_at: Date;
}

export interface PossessionProofTable {
  ceremony_id: number;
  index: number;
  nonce: string;
  issued_at: Date;
  proof: Json<Record<string, unknown> | null> | null;
  proved_at: Date | null;
}

/** The demo only (src/demo/ceremony.ts): the trustee files of its key ceremony, published with their passphrases. */
export interface DemoTrusteeFileTable {
  id: Generated<number>;
  election_id: number;
  trustee: number;
  username: string;
  name: string;
  passphrase: string;
  file: Json<Record<string, unknown>>;
}

export interface Database {
  terms: TermTable;
  departments: DepartmentTable;
  deputies: DeputyTable;
  meetings: MeetingTable;
  candidates: CandidateTable;
  candidate_co_departments: CandidateCoDepartmentTable;
  users: UserTable;
  user_roles: UserRoleTable;
  audit_log: AuditLogTable;
  audit_checkpoints: AuditCheckpointTable;
  sessions: SessionTable;
  login_throttle: LoginThrottleTable;
  roster_imports: RosterImportTable;
  elections: ElectionTable;
  election_options: ElectionOptionTable;
  attendance: AttendanceTable;
  roll: RollTable;
  ballots: BallotTable;
  paper_entries: PaperEntryTable;
  sealed_ballots: SealedBallotTable;
  election_records: ElectionRecordTable;
  signing_keys: SigningKeyTable;
  election_scrutineers: ElectionScrutineerTable;
  credential_approvals: CredentialApprovalTable;
  projects: ProjectTable;
  project_plans: ProjectPlanTable;
  project_reports: ProjectReportTable;
  report_sections: ReportSectionTable;
  evidence_files: EvidenceFileTable;
  report_evidence: ReportEvidenceTable;
  inspection_notes: InspectionNoteTable;
  citizen_opinions: CitizenOpinionTable;
  project_ratings: ProjectRatingTable;
  opinion_salt: OpinionSaltTable;
  opinion_attempts: OpinionAttemptTable;
  key_ceremonies: KeyCeremonyTable;
  ceremony_trustees: CeremonyTrusteeTable;
  ceremony_messages: CeremonyMessageTable;
  possession_proofs: PossessionProofTable;
  ciphertext_components: CiphertextComponentTable;
  spoiled_ballots: SpoiledBallotTable;
  encrypted_tallies: EncryptedTallyTable;
  decryption_partials: DecryptionPartialTable;
  demo_trustee_files: DemoTrusteeFileTable;
}

export type Term = Selectable<TermTable>;
export type Deputy = Selectable<DeputyTable>;
export type NewDeputy = Insertable<DeputyTable>;
export type Meeting = Selectable<MeetingTable>;
export type Candidate = Selectable<CandidateTable>;
export type CandidateUpdate = Updateable<CandidateTable>;
export type Department = Selectable<DepartmentTable>;
export type User = Selectable<UserTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type Session = Selectable<SessionTable>;
export type Election = Selectable<ElectionTable>;
export type CredentialApproval = Selectable<CredentialApprovalTable>;
