import { tally, ballotValidity, countFor } from '../tally.ts';
import {
  ELECTION_KINDS, INVALID_REASONS, LETTERS, MARKINGS, PASS_BASES, RECORD_FORMAT, TRACKER_PATTERN,
  type ElectionRecord, type RecordResult,
} from './format.ts';
import { keyFingerprint, publicKeyFromDer, recordBody, recordDigest, signingPayload, verifyEd25519 } from './digest.ts';

/** Kinds of problems, so that each tampering gets its own precise message (and tests can tell). */
export type ProblemCode =
  | 'format' | 'structure' | 'roll' | 'tracker' | 'marks' | 'validity' | 'result'
  | 'digest' | 'certification' | 'signature' | 'key';

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

const isInt = (x: unknown): x is number => Number.isSafeInteger(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isRfc3339 = (x: unknown): boolean => isStr(x) && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(x) && !Number.isNaN(Date.parse(x));

/**
 * Checks a record as docs/record-format.md says a verifier must: structure and roll consistency, trackers,
 * marks, ballot validity, a full recount compared field by field, the digest, the certifications and
 * the Ed25519 signature, and (given `key`) that the expected key signed it. Trusts nothing in it.
 */
export function verifyRecord(input: unknown, options: { key?: string } = {}): Verification {
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const add = (code: ProblemCode, message: string) => { problems.push({ code, message }); };
  const r = input as ElectionRecord;

  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, problems: [{ code: 'format', message: 'the record is not a JSON object' }], warnings };
  }
  if (r.format !== RECORD_FORMAT) add('format', `format is ${JSON.stringify(r.format)}, expected "${RECORD_FORMAT}"`);
  const e = r.election;
  const rules = e?.rules;
  if (!e || !rules || !Array.isArray(e.options) || !r.roll || !Array.isArray(r.ballots) || !r.result) {
    add('structure', 'missing election, election.rules, election.options, roll, ballots or result');
    return { ok: false, problems, warnings };
  }

  // Structure of the election.
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
  if (problems.length) return { ok: false, problems, warnings };

  // Roll consistency.
  const roll = r.roll;
  for (const k of ['eligible', 'present', 'electronic', 'paperIssued', 'paperReturned'] as const) {
    if (!isInt(roll[k]) || roll[k] < 0) add('roll', `roll.${k} must be a non-negative integer`);
  }
  if (roll.eligible !== rules.deputiesTotal) add('roll', `roll.eligible (${roll.eligible}) differs from rules.deputiesTotal (${rules.deputiesTotal})`);
  if (roll.electronic + roll.paperReturned !== r.ballots.length) {
    add('roll', `electronic (${roll.electronic}) + paperReturned (${roll.paperReturned}) = ${roll.electronic + roll.paperReturned}, but the record holds ${r.ballots.length} ballots`);
  }
  if (roll.paperReturned > roll.paperIssued) add('roll', `more paper ballots returned (${roll.paperReturned}) than issued (${roll.paperIssued})`);
  if (roll.electronic + roll.paperIssued > roll.present) add('roll', `electronic (${roll.electronic}) + paperIssued (${roll.paperIssued}) exceeds present (${roll.present})`);
  if (roll.present > roll.eligible) add('roll', `present (${roll.present}) exceeds eligible (${roll.eligible})`);

  // Ballots: trackers, marks, validity.
  const letters = new Set(LETTERS[rules.marking]);
  let previous = '';
  const seen = new Set<string>();
  r.ballots.forEach((b, i) => {
    const where = `ballot ${i + 1}${isStr(b?.tracker) ? ` (${b.tracker})` : ''}`;
    if (!isStr(b?.tracker) || !TRACKER_PATTERN.test(b.tracker)) add('tracker', `${where}: tracker is not 16 upper-case Crockford base32 symbols as XXXX-XXXX-XXXX-XXXX`);
    else {
      if (seen.has(b.tracker)) add('tracker', `${where}: tracker appears twice`);
      else if (b.tracker < previous) add('tracker', `${where}: ballots are not sorted by tracker (${b.tracker} after ${previous})`);
      seen.add(b.tracker);
      previous = b.tracker;
    }
    if (!isStr(b?.marks) || b.marks.length !== optionIds.length) add('marks', `${where}: marks must have one letter per option (${optionIds.length})`);
    else if ([...b.marks].some((ch) => !letters.has(ch))) add('marks', `${where}: marks ${b.marks} use letters outside ${[...letters].join('')}`);
    if (b?.invalid !== undefined && !INVALID_REASONS.includes(b.invalid)) add('validity', `${where}: invalid reason ${JSON.stringify(b.invalid)} is not one of ${INVALID_REASONS.join(', ')}`);
    else if (isStr(b?.marks) && b.marks.length === optionIds.length) {
      const should = ballotValidity(e.kind, rules.seats, { marks: b.marks });
      if (should && !b.invalid) add('validity', `${where}: ${countFor(b.marks)} F marks for ${rules.seats} seats, so it must be marked invalid (too-many-for)`);
      if (b.invalid === 'too-many-for' && !should) warnings.push(`${where} is marked too-many-for but has only ${countFor(b.marks)} F marks`);
    }
  });
  if (problems.some((p) => p.code === 'marks')) return { ok: false, problems, warnings };

  // Recount and compare.
  const recount = tally({
    kind: e.kind, rules, optionIds, present: roll.present, eligible: roll.eligible, ballots: r.ballots,
  });
  compareResults(r.result, recount, add);

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
    if (options.key !== undefined && expectedFingerprint(options.key) !== fingerprint) {
      add('key', `signed by key ${fingerprint}, not the expected key ${expectedFingerprint(options.key)}`);
    }
  }
  if (options.key === undefined) warnings.push('no --key given: the signature proves integrity only, not who signed; compare the fingerprint with the one the congress publishes');

  return { ok: problems.length === 0, problems, warnings, recount, digest, fingerprint };
}

function compareResults(claimed: RecordResult, recount: RecordResult, add: (code: ProblemCode, message: string) => void): void {
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
