/**
 * The verifier of format 2 (docs/record-format-v2.md): the record of an encrypted election. It trusts
 * nothing in the record: it recomputes the trustees' public shares and the election key from the
 * dealings, every tracker from its nonce and ciphertexts, checks every ballot's proofs and every
 * spoiled ballot's reveal, multiplies the ballots into the aggregate, checks every decryption share's
 * proof, combines k of them by Lagrange interpolation in the exponent to check the electronic totals,
 * adds the paper totals and recounts the result with the same rules as version 1 (tally.ts).
 */
import { checkSpoiledBallot, type BallotSpec, type EncryptedBallot } from '../crypto/ballot.ts';
import { nobleChecker, type CheckerFactory } from '../crypto/checker.ts';
import { ciphertextFromJson, discreteLog, type Ciphertext, type CiphertextJson } from '../crypto/elgamal.ts';
import { decodePoint, encodePoint, gPow, type Point } from '../crypto/group.ts';
import { simpleProofFromJson, verifyDecryption, verifyKnowledge, type SimpleProof } from '../crypto/proofs.ts';
import { combineRaw, jointPublicKey, publicShare, verifyDealing, type Dealing } from '../crypto/threshold.ts';
import { resultFromCounts } from '../tally.ts';
import { INVALID_REASONS, LETTERS, TRACKER_PATTERN, type RecordResult } from './format.ts';
import {
  AUDIT_HEAD_PATTERN, GROUP_V2, NONCE_PATTERN, RECORD_FORMAT_V2, encryptedTracker, isContextIdOf, possessionLabel, totalLabel,
  type ElectionRecordV2, type RecordCryptoV2,
} from './format-v2.ts';
import {
  checkElection, checkRollBounds, checkRollMembers, checkSeal, compareResults, isInt, isObject, isStr,
  type AddProblem, type Problem, type ProblemCode, type Verification,
} from './verification.ts';

export interface VerifyV2Options {
  /** The expected signing key (fingerprint, PEM or base64 DER). */
  key?: string;
  /** How ballots are checked and summed; default the reference `nobleChecker`. */
  checker?: CheckerFactory;
}

/** The election key and public shares as the verifier recomputed them from the dealings. */
interface Keys {
  contextId: string;
  k: number;
  y: Point;
  shares: Map<number, Point>;
  names: Map<number, string>;
}

const tryDecode = <T>(f: () => T): T | undefined => {
  try {
    return f();
  } catch {
    return undefined;
  }
};

/** Checks a format-2 record; the same report as verifyRecord for version 1. */
export function verifyRecordV2(input: unknown, options: VerifyV2Options = {}): Verification {
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const add: AddProblem = (code: ProblemCode, message: string) => { problems.push({ code, message }); };
  const fail = (): Verification => ({ ok: false, problems, warnings });
  if (!isObject(input)) return { ok: false, problems: [{ code: 'format', message: 'the record is not a JSON object' }], warnings };
  const r = input as unknown as ElectionRecordV2;

  // 1. Format and structure.
  if (r.format !== RECORD_FORMAT_V2) add('format', `format is ${JSON.stringify(r.format)}, expected "${RECORD_FORMAT_V2}"`);
  const e = r.election;
  const rules = e?.rules;
  if (!isObject(e) || !isObject(rules) || !Array.isArray(e.options) || !isObject(r.roll) || !isObject(r.crypto) || !Array.isArray(r.ballots)
    || !Array.isArray(r.spoiled) || !isObject(r.paper) || !Array.isArray(r.aggregate) || !isObject(r.decryption) || !isObject(r.result) || !isObject(r.audit)) {
    add('structure', 'missing election, election.rules, election.options, roll, crypto, ballots, spoiled, paper, aggregate, decryption, result or audit');
    return fail();
  }
  checkElection(e, add);
  // The tracker separates the context id (which holds election.id) from the nonce with 0x00.
  if (typeof e.id === 'string' && e.id.includes('\u0000')) add('structure', 'election.id must not contain the NUL character (U+0000)');
  if (!AUDIT_HEAD_PATTERN.test(String(r.audit.head)) || !isStr(r.audit.head)) add('structure', 'audit.head must be "sha256:" followed by 64 lower-case hex digits');
  if (!isInt(r.audit.length) || r.audit.length < 0) add('structure', 'audit.length must be a non-negative integer');
  if (problems.length) return fail();
  const optionIds = e.options.map((o) => o.id);
  const letters = LETTERS[rules.marking];
  const spec: BallotSpec = { marking: rules.marking, optionKeys: optionIds, ...(rules.seats !== undefined ? { seats: rules.seats } : {}) };

  // 2. Roll.
  const roll = r.roll;
  checkRollMembers(roll, rules.deputiesTotal, add);
  if (roll.electronic !== r.ballots.length) {
    add('roll', `roll.electronic is ${roll.electronic}, but the record holds ${r.ballots.length} encrypted ballots (a ballot was dropped or added)`);
  }
  checkRollBounds(roll, add);

  // 3. Crypto: parameters, dealings, public shares, public key, possession.
  const keys = checkCrypto(r.crypto, e.id, add);
  if (!keys) return fail();

  // 4. Ballots and 5. spoiled ballots: trackers, duplicates, proofs, reveals.
  const checker = (options.checker ?? nobleChecker)(encodePoint(keys.y), spec, keys.contextId);
  const trackers = new Map<string, string>();
  const nonces = new Map<string, string>();
  const components = new Map<string, string>();
  const checkIdentity = (b: Record<string, unknown>, where: string, list: string, previous: string | undefined): string | undefined => {
    if (!isStr(b.nonce) || !NONCE_PATTERN.test(b.nonce)) add('tracker', `${where}: nonce must be 32 lower-case hex digits`);
    else {
      const firstNonce = nonces.get(b.nonce);
      if (firstNonce !== undefined) add('duplicate', `${where}: nonce ${b.nonce} was issued for ${firstNonce} too (nonces are unique)`);
      else nonces.set(b.nonce, where);
    }
    if (!isStr(b.tracker) || !TRACKER_PATTERN.test(b.tracker)) {
      add('tracker', `${where}: tracker is not 16 upper-case Crockford base32 symbols as XXXX-XXXX-XXXX-XXXX`);
      return previous;
    }
    if (isStr(b.nonce) && NONCE_PATTERN.test(b.nonce)) {
      const expected = tryDecode(() => encryptedTracker(keys.contextId, b.nonce as string, b.ciphertexts));
      if (expected !== b.tracker) add('tracker', `${where}: the tracker is not the hash of the context id, the nonce and the ciphertexts (expected ${expected ?? 'none'})`);
    }
    const first = trackers.get(b.tracker);
    if (first !== undefined) add('duplicate', `${where}: tracker ${b.tracker} appears twice (first as ${first})`);
    else if (previous !== undefined && b.tracker < previous) add('tracker', `${where}: ${list} are not sorted by tracker (${b.tracker} after ${previous})`);
    trackers.set(b.tracker, where);
    // The same ciphertext twice is a copied ballot, whatever nonce and tracker it came with.
    if (Array.isArray(b.ciphertexts)) {
      const reused = new Set<string>();
      b.ciphertexts.forEach((row: unknown) => {
        if (!Array.isArray(row)) return;
        row.forEach((ct: unknown) => {
          const a = isObject(ct) && isStr(ct.a) ? ct.a : undefined;
          if (a === undefined) return;
          const seen = components.get(a);
          if (seen !== undefined && seen !== where) reused.add(seen);
          else components.set(a, where);
        });
      });
      for (const other of reused) add('duplicate', `${where} repeats ciphertexts of ${other}: a copied ballot`);
    }
    return b.tracker;
  };

  // The crypto core numbers options from 0; the messages name them by id.
  const named = (reason: string) => reason.replace(/^option (\d+)\b/, (all, i: string) => (optionIds[Number(i)] !== undefined ? `option ${optionIds[Number(i)]}` : all));
  let previous: string | undefined;
  let ballotFailures = 0;
  r.ballots.forEach((b, i) => {
    if (!isObject(b)) {
      add('ballot', `ballot ${i + 1}: not an object`);
      ballotFailures++;
      return;
    }
    const where = `ballot ${isStr(b.tracker) ? b.tracker : `${i + 1}`}`;
    previous = checkIdentity(b as unknown as Record<string, unknown>, where, 'ballots', previous);
    const ok = checker.add(b.nonce, { ciphertexts: b.ciphertexts, proofs: b.proofs });
    if (ok !== true) {
      add('ballot', `${where}: ${named(ok)}`);
      ballotFailures++;
    }
  });
  previous = undefined;
  r.spoiled.forEach((b, i) => {
    if (!isObject(b)) {
      add('spoiled', `spoiled ballot ${i + 1}: not an object`);
      return;
    }
    const where = `spoiled ballot ${isStr(b.tracker) ? b.tracker : `${i + 1}`}`;
    previous = checkIdentity(b as unknown as Record<string, unknown>, where, 'spoiled ballots', previous);
    const ok = checker.check(b.nonce, { ciphertexts: b.ciphertexts, proofs: b.proofs });
    if (ok !== true) {
      add('spoiled', `${where}: ${named(ok)}`);
      return;
    }
    if (!isStr(b.marks) || !Array.isArray(b.randomness)) {
      add('spoiled', `${where}: marks (a string) and randomness ([option][letter] scalars) are required`);
      return;
    }
    const reveal = tryDecode(() => checkSpoiledBallot(keys.y, spec, b as EncryptedBallot, b.marks, b.randomness)) ?? 'the reveal cannot be read';
    if (reveal !== true) add('spoiled', `${where}: marks ${b.marks} do not open it: ${named(reveal)}`);
  });

  // 6. Paper totals.
  const paperOk = checkPaper(r, letters, optionIds, add);

  // 7. Aggregate.
  const grid = (x: unknown): x is unknown[][] => Array.isArray(x) && x.length === optionIds.length && x.every((row) => Array.isArray(row) && row.length === letters.length);
  const claimed = grid(r.aggregate) ? tryDecode(() => r.aggregate.map((row) => row.map((ct) => ciphertextFromJson(ct)))) : undefined;
  if (!claimed) add('aggregate', `aggregate must be ${optionIds.length} options × ${letters.length} letters of ciphertexts {a, b} (64 lower-case hex each)`);
  let product: Ciphertext[][] | undefined;
  // Only when every ballot passed: a ballot that fails its proofs is already a problem, and is not in the checker's sum.
  if (ballotFailures === 0) {
    const sum: CiphertextJson[][] = checker.aggregate();
    product = sum.map((row) => row.map((ct) => ciphertextFromJson(ct)));
    if (claimed) {
      const wrong = sum.flatMap((row, o) => row.flatMap((ct, l) => {
        const c = r.aggregate[o]![l]!;
        return c.a !== ct.a || c.b !== ct.b ? [`${optionIds[o]} ${letters[l]}`] : [];
      }));
      if (wrong.length) add('aggregate', `the aggregate is not the product of the ${r.ballots.length} ballots' ciphertexts at ${wrong.join(', ')}`);
    }
  }
  // The trustees decrypted the aggregate the record shows; if it is not the product, that is the [aggregate] problem above.
  const aggregate = claimed ?? product;

  // 8. Decryption and totals.
  const electronic = checkDecryption(r, keys, aggregate, optionIds, letters, add);

  // 9. Recount.
  let recount: RecordResult | undefined;
  if (paperOk && electronic) {
    const paper = r.paper;
    const counts = optionIds.map((_, o) => Object.fromEntries(letters.map((l) => [l, electronic[o]![l]! + paper.counts[o]![l]!])));
    recount = resultFromCounts({
      kind: e.kind, rules, optionIds, present: roll.present, eligible: roll.eligible,
      valid: r.ballots.length + paper.valid, invalid: INVALID_REASONS.reduce((n, reason) => n + paper.invalid[reason], 0), counts,
    });
    compareResults(r.result, recount, add);
  }

  // 10. Digest, certifications, signature, key.
  const { digest, fingerprint } = checkSeal(r, options.key, add, warnings, problems);
  return { ok: problems.length === 0, problems, warnings, ...(recount ? { recount } : {}), digest, fingerprint };
}

/** Step 3. Returns the recomputed keys, or undefined when the crypto member cannot be used at all. */
function checkCrypto(c: RecordCryptoV2, electionId: string, add: AddProblem): Keys | undefined {
  let usable = true;
  if (c.group !== GROUP_V2) add('crypto', `crypto.group is ${JSON.stringify(c.group)}, expected "${GROUP_V2}"`);
  if (!isStr(c.contextId)) {
    add('crypto', 'crypto.contextId must be a string');
    return undefined;
  }
  if (!isContextIdOf(c.contextId, electionId)) add('crypto', `crypto.contextId ${JSON.stringify(c.contextId)} is not "minsheng/election/${electionId}/" followed by 32 lower-case hex digits`);
  if (!Array.isArray(c.trustees) || c.trustees.length === 0) {
    add('crypto', 'crypto.trustees must be a non-empty list');
    return undefined;
  }
  const n = c.trustees.length;
  const k = c.threshold;
  if (!isInt(k) || k < 2 || k > n) {
    add('crypto', `crypto.threshold must be an integer k with 2 ≤ k ≤ n = ${n} (it is ${JSON.stringify(k)})`);
    return undefined;
  }
  const dealings: Dealing[] = [];
  const names = new Map<number, string>();
  c.trustees.forEach((t, i) => {
    const index = i + 1;
    if (!isObject(t) || t.index !== index) {
      add('crypto', `crypto.trustees[${i}] must be trustee ${index} (indices 1 … n in order)`);
      usable = false;
      return;
    }
    if (!isStr(t.name) || !t.name.trim()) add('crypto', `trustee ${index}: no name`);
    else if ([...names.values()].includes(t.name)) add('crypto', `trustee ${index}: the name ${t.name} is another trustee's too`);
    names.set(index, isStr(t.name) ? t.name : '?');
    const commitments = Array.isArray(t.dealing?.commitments) ? tryDecode(() => t.dealing.commitments.map(decodePoint)) : undefined;
    const proof = tryDecode(() => simpleProofFromJson(t.dealing?.proof));
    if (!commitments || commitments.length !== k || !proof) {
      add('crypto', `trustee ${index}: the dealing must be ${k} commitments (points) and a proof {c, s}`);
      usable = false;
      return;
    }
    dealings.push({ dealer: index, commitments, proof });
  });
  if (!usable) return undefined;
  const shares = new Map<number, Point>();
  const label = (i: number) => `trustee ${i} (${names.get(i)})`;
  for (const d of dealings) {
    const ok = verifyDealing(c.contextId, k, d);
    if (ok !== true) add('crypto', `${label(d.dealer)}: the dealing's proof of its constant term fails`);
  }
  c.trustees.forEach((t, i) => {
    const index = i + 1;
    const y = publicShare(dealings, index, n);
    shares.set(index, y);
    if (t.publicShare !== encodePoint(y)) add('crypto', `${label(index)}: publicShare is ${JSON.stringify(t.publicShare)}, but the dealings give ${encodePoint(y)}`);
    const nonce = t.possession?.nonce;
    const proof = tryDecode(() => simpleProofFromJson(t.possession?.proof));
    if (!isStr(nonce) || !NONCE_PATTERN.test(nonce) || !proof) add('crypto', `${label(index)}: possession must be { nonce: 32 lower-case hex, proof: {c, s} }`);
    else if (!verifyKnowledge(c.contextId, possessionLabel(index, nonce), y, proof)) add('crypto', `${label(index)}: the proof of possession of its key share fails`);
  });
  // y = Π C_{d,0}; the identity (constant terms that cancel) would publish every mark: refused.
  const y = tryDecode(() => jointPublicKey(dealings, n));
  if (!y) {
    add('crypto', 'the dealings give the identity as election key');
    return undefined;
  }
  if (c.publicKey !== encodePoint(y)) add('crypto', `crypto.publicKey is ${JSON.stringify(c.publicKey)}, but the dealings give ${encodePoint(y)}`);
  return { contextId: c.contextId, k, y, shares, names };
}

/** Step 6. True when the paper totals are well formed (consistent or not), so that the recount can use them. */
function checkPaper(r: ElectionRecordV2, letters: readonly string[], optionIds: readonly string[], add: AddProblem): boolean {
  const p = r.paper;
  const count = (x: unknown) => isInt(x) && x >= 0;
  const invalidOk = isObject(p.invalid) && Object.keys(p.invalid).length === INVALID_REASONS.length && INVALID_REASONS.every((k) => count(p.invalid[k]));
  const rowOk = (row: unknown) => isObject(row) && Object.keys(row).length === letters.length && letters.every((l) => count(row[l]));
  const countsOk = Array.isArray(p.counts) && p.counts.length === optionIds.length && p.counts.every(rowOk);
  if (!count(p.valid) || !invalidOk || !countsOk) {
    add('paper', `paper must be { valid, invalid: { ${INVALID_REASONS.join(', ')} }, counts: one { ${letters.join(', ')} } per option (${optionIds.length}) }, all non-negative integers`);
    return false;
  }
  const invalid = INVALID_REASONS.reduce((n, k) => n + p.invalid[k], 0);
  if (p.valid + invalid !== r.roll.paperReturned) {
    add('paper', `paper.valid (${p.valid}) + invalid (${invalid}) = ${p.valid + invalid}, but roll.paperReturned is ${r.roll.paperReturned}`);
  }
  p.counts.forEach((row, o) => {
    const sum = letters.reduce((n, l) => n + row[l]!, 0);
    if (sum !== p.valid) add('paper', `paper.counts[${optionIds[o]}] adds up to ${sum}, not to the ${p.valid} valid paper ballots`);
  });
  const { kind, rules } = r.election;
  if ((kind === 'selection' || kind === 'runoff') && rules.seats !== undefined) {
    const f = p.counts.reduce((n, row) => n + row.F!, 0);
    if (f > p.valid * rules.seats) add('paper', `paper ballots carry ${f} F in all, more than ${p.valid} valid ballots × ${rules.seats} seats allow`);
  }
  return true;
}

/** Step 8. Returns the electronic totals when they are well formed (checked or not), for the recount. */
function checkDecryption(
  r: ElectionRecordV2, keys: Keys, aggregate: Ciphertext[][] | undefined, optionIds: readonly string[], letters: readonly string[], add: AddProblem,
): Record<string, number>[] | undefined {
  const dec = r.decryption;
  const trustee = (i: number) => `trustee ${i} (${keys.names.get(i)})`;
  const verified: { index: number; d: Point[][] }[] = [];
  if (!Array.isArray(dec.partials)) add('decryption', 'decryption.partials must be a list');
  else {
    let last = 0;
    const seen = new Set<number>();
    for (const [n, p] of dec.partials.entries()) {
      const i = isObject(p) ? p.trustee : undefined;
      if (!isInt(i) || !keys.shares.has(i)) {
        add('decryption', `decryption.partials[${n}]: trustee must be an index 1 … ${keys.shares.size}`);
        continue;
      }
      // A trustee's second partial is not checked or counted: the same index twice is no second trustee.
      if (seen.has(i)) {
        add('decryption', `decryption.partials: ${trustee(i)} appears twice`);
        continue;
      }
      if (i < last) add('decryption', `decryption.partials: ${trustee(i)} is out of order (sorted by index)`);
      seen.add(i);
      last = Math.max(last, i);
      const shares = p.shares;
      if (!Array.isArray(shares) || shares.length !== optionIds.length || !shares.every((row) => Array.isArray(row) && row.length === letters.length)) {
        add('decryption', `${trustee(i)}: shares must be ${optionIds.length} options × ${letters.length} letters`);
        continue;
      }
      if (!aggregate) continue;
      let good = true;
      const ds: Point[][] = [];
      shares.forEach((row, o) => {
        const dRow: Point[] = [];
        row.forEach((share, l) => {
          const at = `${trustee(i)}: the decryption share of option ${optionIds[o]} letter ${letters[l]}`;
          const d = tryDecode(() => decodePoint(share?.d));
          const proof: SimpleProof | undefined = tryDecode(() => simpleProofFromJson(share?.proof));
          if (!d || !proof) {
            add('decryption', `${at} must be { d: point, proof: {c, s} }`);
            good = false;
            return;
          }
          dRow.push(d);
          if (!verifyDecryption({ publicKey: keys.y, contextId: keys.contextId }, totalLabel(o, letters[l]!), aggregate[o]![l]!, keys.shares.get(i)!, d, proof)) {
            add('decryption', `${at} fails its proof`);
            good = false;
          }
        });
        ds.push(dRow);
      });
      if (good) verified.push({ index: i, d: ds });
    }
  }

  const e = dec.electronic;
  const rowOk = (row: unknown) => isObject(row) && Object.keys(row).length === letters.length && letters.every((l) => isInt(row[l]) && (row[l] as number) >= 0);
  if (!Array.isArray(e) || e.length !== optionIds.length || !e.every(rowOk)) {
    add('totals', `decryption.electronic must be one { ${letters.join(', ')} } of non-negative integers per option (${optionIds.length})`);
    return undefined;
  }
  const ballots = r.ballots.length;
  e.forEach((row, o) => {
    const sum = letters.reduce((n, l) => n + row[l]!, 0);
    if (sum !== ballots) add('totals', `decryption.electronic[${optionIds[o]}] adds up to ${sum}, not to the ${ballots} ballots (one mark per option each)`);
  });
  if (!aggregate) return e;
  if (verified.length < keys.k) {
    add('decryption', `the shares of ${verified.length} trustee(s) verify, ${keys.k} are needed: the electronic totals cannot be checked`);
    return e;
  }
  // Any k verified partials give the same g^m; take the k lowest indices.
  const chosen = [...verified].sort((a, b) => a.index - b.index).slice(0, keys.k);
  optionIds.forEach((id, o) => letters.forEach((letter, l) => {
    const gm = aggregate[o]![l]!.b.subtract(combineRaw(chosen.map((p) => ({ index: p.index, d: p.d[o]![l]! }))));
    const claimed = e[o]![letter]!;
    if (!gm.equals(gPow(claimed))) {
      const m = discreteLog(gm, ballots);
      add('totals', `decryption.electronic[${id}].${letter} is ${claimed}, but the trustees' shares decrypt to ${m ?? `a value outside 0 … ${ballots}`}`);
    }
  }));
  return e;
}
