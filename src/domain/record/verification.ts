/**
 * What every record verifier reports, and the checks that the record versions share: the election's
 * structure, the roll, the comparison of a recount with the claimed result, and the seal (digest,
 * certifications, Ed25519 signature, expected key). verify.ts (format 1) and verify-v2.ts (format 2)
 * both use them, so the shared rules and their messages are written once.
 */
import {
  ELECTION_KINDS, MARKINGS, PASS_BASES, type ElectionRecord, type RecordResult,
} from './format.ts';
import { keyFingerprint, publicKeyFromDer, recordBody, recordDigest, signingPayload, verifyEd25519 } from './digest.ts';

/** Kinds of problems, so that each tampering gets its own precise message (and tests can tell). */
export type ProblemCode =
  | 'format' | 'structure' | 'roll' | 'tracker' | 'marks' | 'validity' | 'result'
  | 'digest' | 'certification' | 'signature' | 'key'
  // Format 2 (docs/record-format-v2.md).
  | 'crypto' | 'ballot' | 'duplicate' | 'spoiled' | 'paper' | 'aggregate' | 'decryption' | 'totals';

export interface Problem {
  code: ProblemCode;
  message: string;
}

export interface Verification {
  ok: boolean;
  problems: Problem[];
  warnings: string[];
  /** Recomputed from the ballots; undefined when the record is too malformed to recount. */
  recount?: RecordResult;
  digest?: string;
  fingerprint?: string;
}

export type AddProblem = (code: ProblemCode, message: string) => void;

/** The expected signing key: a hex fingerprint, a base64 DER (SPKI) key, or a PEM public key. */
export function expectedFingerprint(key: string): string {
  const k = key.trim();
  if (/^[0-9a-f]{64}$/i.test(k)) return k.toLowerCase();
  if (k.includes('-----BEGIN')) {
    // Only the PEM block: a saved copy of /.well-known/minsheng-signing-key has a fingerprint line too.
    const block = /-----BEGIN [^-]+-----([\s\S]*?)-----END [^-]+-----/.exec(k)?.[1] ?? '';
    const der = Buffer.from(block.replace(/\s+/g, ''), 'base64');
    return keyFingerprint(der);
  }
  return keyFingerprint(Buffer.from(k, 'base64'));
}

export const isInt = (x: unknown): x is number => Number.isSafeInteger(x);
export const isStr = (x: unknown): x is string => typeof x === 'string';
export const isRfc3339 = (x: unknown): boolean => isStr(x) && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(x) && !Number.isNaN(Date.parse(x));
export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

type Election = ElectionRecord['election'];

/** The structure of `election` (docs/record-format.md, rule 1), the same in every format. */
export function checkElection(e: Election, add: AddProblem): void {
  const rules = e.rules;
  if (!ELECTION_KINDS.includes(e.kind)) add('structure', `election.kind ${JSON.stringify(e.kind)} is not one of ${ELECTION_KINDS.join(', ')}`);
  if (!MARKINGS.includes(rules.marking)) add('structure', `rules.marking ${JSON.stringify(rules.marking)} is not one of ${MARKINGS.join(', ')}`);
  if (!PASS_BASES.includes(rules.passBase)) add('structure', `rules.passBase ${JSON.stringify(rules.passBase)} is not one of ${PASS_BASES.join(', ')}`);
  if (!isInt(rules.deputiesTotal) || rules.deputiesTotal < 0) add('structure', 'rules.deputiesTotal must be a non-negative integer');
  const selecting = e.kind === 'selection' || e.kind === 'runoff';
  if (selecting && (!isInt(rules.seats) || rules.seats < 1)) add('structure', `rules.seats must be an integer ≥ 1 for a ${e.kind}`);
  if (e.kind === 'satisfaction' && rules.seats !== undefined) add('structure', 'rules.seats must be absent for a satisfaction vote');
  if ((e.kind === 'satisfaction') !== (rules.marking === 'satisfaction')) add('structure', `marking ${rules.marking} does not fit an election of kind ${e.kind}`);
  if (e.kind === 'runoff' && !isStr(e.runoffOf)) add('structure', 'a runoff must name the election it resolves (runoffOf)');
  if (e.kind !== 'runoff' && e.runoffOf !== undefined) add('structure', 'runoffOf is only for runoffs');
  const optionIds = e.options.map((o) => o?.id);
  if (optionIds.some((id) => !isStr(id)) || new Set(optionIds).size !== optionIds.length) add('structure', 'election.options must have distinct string ids');
  if (e.options.some((o) => !isStr(o?.title))) add('structure', 'every election option needs a title (a string)');
  if (!isStr(e.id) || !isStr(e.title)) add('structure', 'election.id and election.title must be strings');
  if (!e.meeting || !isStr(e.meeting.id) || !isStr(e.meeting.title) || !isInt(e.meeting.year)) add('structure', 'election.meeting must be { id: string, title: string, year: integer }');
  if (!isRfc3339(e.openedAt) || !isRfc3339(e.closedAt)) add('structure', 'election.openedAt and election.closedAt must be RFC 3339 times with an offset');
}

type Roll = ElectionRecord['roll'];

/** The roll's members are non-negative integers and eligible = rules.deputiesTotal (rule 2, first part). */
export function checkRollMembers(roll: Roll, deputiesTotal: number, add: AddProblem): void {
  for (const k of ['eligible', 'present', 'electronic', 'paperIssued', 'paperReturned'] as const) {
    if (!isInt(roll[k]) || roll[k] < 0) add('roll', `roll.${k} must be a non-negative integer`);
  }
  if (roll.eligible !== deputiesTotal) add('roll', `roll.eligible (${roll.eligible}) differs from rules.deputiesTotal (${deputiesTotal})`);
}

/** Returned ≤ issued paper, electronic + issued ≤ present ≤ eligible (rule 2, last part). */
export function checkRollBounds(roll: Roll, add: AddProblem): void {
  if (roll.paperReturned > roll.paperIssued) add('roll', `more paper ballots returned (${roll.paperReturned}) than issued (${roll.paperIssued})`);
  if (roll.electronic + roll.paperIssued > roll.present) add('roll', `electronic (${roll.electronic}) + paperIssued (${roll.paperIssued}) exceeds present (${roll.present})`);
  if (roll.present > roll.eligible) add('roll', `present (${roll.present}) exceeds eligible (${roll.eligible})`);
}

/** Compares the claimed result with the recount member by member (`[result]` for each difference). */
export function compareResults(claimed: RecordResult, recount: RecordResult, add: AddProblem): void {
  const diff = (path: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) add('result', `${path}: the record says ${JSON.stringify(a)}, the recount gives ${JSON.stringify(b)}`);
  };
  diff('result.valid', claimed.valid, recount.valid);
  diff('result.invalid', claimed.invalid, recount.invalid);
  diff('result.quorum', claimed.quorum, recount.quorum);
  if (!Array.isArray(claimed.options) || claimed.options.length !== recount.options.length) {
    add('result', `result.options must list all ${recount.options.length} options in election order`);
  } else {
    recount.options.forEach((o, i) => {
      // A claimed entry may be anything (null, a string): compare what is there, never assume its shape.
      const c = (claimed.options[i] ?? {}) as Partial<typeof o>;
      const at = `result.options[${o.id}]`;
      diff(`${at}.id`, c.id, o.id);
      for (const [letter, n] of Object.entries(o.counts)) diff(`${at}.counts.${letter}`, c.counts?.[letter], n);
      const extra = typeof c.counts === 'object' && c.counts !== null ? Object.keys(c.counts).filter((k) => !(k in o.counts)) : [];
      if (extra.length) add('result', `${at}.counts has letters outside the marking: ${extra.join(', ')}`);
      for (const k of ['passed', 'rank', 'selected', 'rating'] as const) diff(`${at}.${k}`, c[k], o[k]);
    });
  }
  diff('result.tie', canonicalTie(claimed.tie), canonicalTie(recount.tie));
  diff('result.shortfall', claimed.shortfall, recount.shortfall);
}

const canonicalTie = (t: RecordResult['tie']) => (t ? { options: t.options, seats: t.seats } : undefined);

/** The parts of any record version that the seal covers. */
interface Sealed {
  digest: string;
  certifications: ElectionRecord['certifications'];
  signature: ElectionRecord['signature'];
}

/**
 * The digest, the certifications, the Ed25519 signature and (given `key`) the expected key, as
 * docs/record-format.md rule 6 says; the same for every version. Returns the digest computed and the
 * fingerprint of the key in the record.
 */
export function checkSeal(record: Sealed, key: string | undefined, add: AddProblem, warnings: string[], problems: readonly Problem[]): { digest: string; fingerprint?: string } {
  const r = record;
  // Digest.
  const digest = recordDigest(recordBody(r as unknown as Record<string, unknown>));
  if (r.digest !== digest) add('digest', `digest ${r.digest} does not match the record's content (${digest})`);

  // Certifications.
  const certs = Array.isArray(r.certifications) ? r.certifications : [];
  if (!Array.isArray(r.certifications)) add('certification', 'certifications must be a list');
  certs.forEach((c, i) => {
    if (c?.role !== 'scrutineer') add('certification', `certification ${i + 1}: role must be "scrutineer"`);
    if (!isStr(c?.name) || !c.name.trim()) add('certification', `certification ${i + 1}: no name`);
    if (c?.digest !== r.digest) add('certification', `certification ${i + 1} (${c?.name}) confirmed digest ${c?.digest}, not the record's ${r.digest}`);
  });
  const distinct = new Set(certs.map((c) => c?.name)).size;
  if (distinct < 2) warnings.push(`only ${distinct} distinct scrutineer(s) certified this record; at least two are required`);

  // Signature and key.
  let fingerprint: string | undefined;
  const sig = r.signature;
  if (!sig || sig.alg !== 'ed25519' || !isStr(sig.publicKey) || !isStr(sig.value)) {
    add('signature', 'signature must be { alg: "ed25519", publicKey, value }');
  } else {
    const der = Buffer.from(sig.publicKey, 'base64');
    fingerprint = keyFingerprint(der);
    let ok = false;
    try {
      ok = verifyEd25519(publicKeyFromDer(der), signingPayload(certs, r.digest), Buffer.from(sig.value, 'base64'));
    } catch {
      add('signature', 'signature.publicKey is not a DER (SPKI) Ed25519 public key');
    }
    if (!ok && !problems.some((p) => p.code === 'signature')) add('signature', 'the Ed25519 signature does not match the certifications and digest');
    if (key !== undefined && expectedFingerprint(key) !== fingerprint) {
      add('key', `signed by key ${fingerprint}, not the expected key ${expectedFingerprint(key)}`);
    }
  }
  if (key === undefined) warnings.push('no --key given: the signature proves integrity only, not who signed; compare the fingerprint with the one the congress publishes');
  return { digest, fingerprint };
}
