import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregateBallots, type EncryptedBallot } from '../crypto/ballot.ts';
import { nobleChecker, type CheckerFactory } from '../crypto/checker.ts';
import { ciphertextToJson } from '../crypto/elgamal.ts';
import { encodeScalar } from '../crypto/group.ts';
import { tally } from '../tally.ts';
import { buildRecordV2Body, paperTotals } from './build-v2.ts';
import { keyFingerprint } from './digest.ts';
import {
  EXAMPLE_SCENARIO_V2, aggregateOf, decryptAggregate, exampleRecordV2Json, resealV2, runElectionV2, testSigningKey, type RunV2, type ScenarioV2,
} from './fixture-v2.ts';
import type { ElectionRecord } from './format.ts';
import { encryptedTracker, type ElectionRecordV2 } from './format-v2.ts';
import { verifyRecord, type Verification } from './verify.ts';
import { verifyRecordV2 } from './verify-v2.ts';

const EXAMPLE_PATH = new URL('../../../docs/examples/record-v2-example.json', import.meta.url);
const exampleText = readFileSync(EXAMPLE_PATH, 'utf8');
const example = (): ElectionRecordV2 => JSON.parse(exampleText) as ElectionRecordV2;
const KEY = testSigningKey(EXAMPLE_SCENARIO_V2.seed);
const FINGERPRINT = keyFingerprint(createPublicKey(KEY).export({ format: 'der', type: 'spki' }));

/**
 * The reference checker with its verdicts remembered per ballot (the same ballot under the same key,
 * spec and context): each distinct ballot, tampered ones included, is still checked for real once.
 * The tests below verify dozens of variants of the same record; the first test uses the plain default.
 */
const verdicts = new Map<string, true | string>();
const rememberingChecker: CheckerFactory = (key, spec, contextId) => {
  const inner = nobleChecker(key, spec, contextId);
  const accepted: EncryptedBallot[] = [];
  const check = (nonce: string, ballot: unknown) => {
    const id = JSON.stringify([key, spec, contextId, nonce, ballot]);
    let v = verdicts.get(id);
    if (v === undefined) verdicts.set(id, (v = inner.check(nonce, ballot)));
    return v;
  };
  return {
    check,
    add(nonce, ballot) {
      const ok = check(nonce, ballot);
      if (ok === true) accepted.push(structuredClone(ballot) as EncryptedBallot);
      return ok;
    },
    get count() { return accepted.length; },
    aggregate: () => aggregateBallots(spec, accepted).map((row) => row.map(ciphertextToJson)),
  };
};
const verified = new WeakMap<object, Map<string, Verification>>();
/** One verification per record object and key, however many assertions look at it. */
const verification = (r: unknown, key?: string): Verification => {
  if (typeof r !== 'object' || r === null) return verifyRecord(r, { key });
  const byKey = verified.get(r) ?? new Map<string, Verification>();
  verified.set(r, byKey);
  let v = byKey.get(key ?? '');
  if (!v) byKey.set(key ?? '', (v = verifyRecord(r, { key, checker: rememberingChecker })));
  return v;
};
const problemsOf = (r: unknown, key?: string) => verification(r, key).problems;
const codes = (r: unknown, key?: string) => [...new Set(problemsOf(r, key).map((p) => p.code))].sort();
/** Tampers with a copy of the example and seals it again with the same (test) key: only the tampering is left to find. */
const tampered = (change: (r: ElectionRecordV2) => void): ElectionRecordV2 => {
  const r = example();
  change(r);
  return resealV2(r, KEY);
};
const messages = (r: unknown, code: string) => problemsOf(r).filter((p) => p.code === code).map((p) => p.message);

/** The plaintext recount of a scenario's marks: electronic ballots and paper ballots together. */
const plaintextResult = (s: ScenarioV2) => tally({
  kind: s.election.kind, rules: s.election.rules, optionIds: s.election.options.map((o) => o.id),
  present: s.roll.present, eligible: s.roll.eligible, ballots: [...s.cast.map((marks) => ({ marks })), ...s.paper],
});

const base = EXAMPLE_SCENARIO_V2.election;
const RUNOFF: ScenarioV2 = {
  ...EXAMPLE_SCENARIO_V2,
  seed: 'runoff test',
  election: {
    ...base, id: '43', kind: 'runoff', runoffOf: '42', title: '再次投票',
    rules: { marking: 'approval', seats: 1, passBase: 'valid-ballots', deputiesTotal: 10 },
    options: base.options.slice(0, 3),
  },
  trustees: ['甲', '乙', '丙', '丁'],
  threshold: 3,
  decrypting: [2, 3, 4],
  cast: ['FNN', 'NFN', 'FNN', 'NNN', 'FNN'],
  spoiled: ['NNF', 'FNN'],
  paper: [{ marks: 'FFN' }, { marks: 'NFN' }],
};
const SATISFACTION: ScenarioV2 = {
  ...EXAMPLE_SCENARIO_V2,
  seed: 'satisfaction test',
  election: {
    ...base, id: '44', kind: 'satisfaction', title: '测评',
    rules: { marking: 'satisfaction', passBase: 'valid-ballots', deputiesTotal: 10 },
    options: base.options.slice(0, 3),
  },
  cast: ['SSB', 'SBU', 'BBN', 'SUS', 'SSS', 'UNB', 'SBS'],
  spoiled: [],
  paper: [{ marks: 'SSS' }, { marks: 'BNU', invalid: 'other' }],
  roll: { eligible: 10, present: 10, paperIssued: 3 },
};

// Ballot proofs cost ~100 ms each in pure JavaScript, several times that on a busy machine.
describe('verifyRecordV2: the example record', { timeout: 180_000 }, () => {
  it('verifies as committed, signed by the test key', () => {
    const v = verifyRecord(example(), { key: FINGERPRINT });
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.fingerprint).toBe(FINGERPRINT);
    expect(v.recount).toEqual(example().result);
  });

  it('is what scripts/make-record-v2-example.ts makes, byte for byte', () => {
    expect(exampleRecordV2Json()).toBe(exampleText);
  });

  it('counts the same marks exactly as a plaintext tally() of electronic and paper ballots', () => {
    expect(example().result).toEqual(plaintextResult(EXAMPLE_SCENARIO_V2));
    expect(example().result.options.filter((o) => o.selected).map((o) => o.id)).toEqual(['c01', 'c02']);
    expect(example().result).toMatchObject({ valid: 7, invalid: 1 });
  });

  it('is dispatched on format: version 1 stays as it was, an unknown version is a [format] problem', () => {
    expect(codes({ ...example(), format: 'minsheng-election-record/3' })).toContain('format');
    const v1 = JSON.parse(readFileSync(new URL('../../../tests/fixtures/record-example.json', import.meta.url), 'utf8')) as ElectionRecord;
    expect(verifyRecord(v1).ok).toBe(true);
    expect(verifyRecordV2(v1).problems[0]).toEqual({ code: 'format', message: 'format is "minsheng-election-record/1", expected "minsheng-election-record/2"' });
  });

  it('uses the ballot checker it is given for every cast and spoiled ballot', () => {
    let added = 0;
    let checked = 0;
    const counting: CheckerFactory = (key, spec, contextId) => {
      const inner = nobleChecker(key, spec, contextId);
      return {
        add: (nonce, b) => { added++; return inner.add(nonce, b); },
        check: (nonce, b) => { checked++; return inner.check(nonce, b); },
        get count() { return inner.count; },
        aggregate: () => inner.aggregate(),
      };
    };
    expect(verifyRecord(example(), { checker: counting }).ok).toBe(true);
    expect([added, checked]).toEqual([6, 1]);
  });
});

describe('verifyRecordV2 on every kind of vote', { timeout: 180_000 }, () => {
  for (const s of [RUNOFF, SATISFACTION]) {
    it(`verifies a ${s.election.kind} (${s.election.rules.marking}) whose result is the plaintext tally of the same marks`, () => {
      const { record } = runElectionV2(s);
      const v = verifyRecordV2(record);
      expect(v.problems).toEqual([]);
      expect(record.result).toEqual(plaintextResult(s));
      expect(record.decryption.partials.map((p) => p.trustee)).toEqual([...s.decrypting]);
    });
  }

  it('verifies a vote with no electronic ballot: the aggregate is the identity and the totals are 0', () => {
    const s: ScenarioV2 = { ...EXAMPLE_SCENARIO_V2, seed: 'paper only', cast: [], spoiled: [] };
    const { record } = runElectionV2(s);
    expect(record.aggregate[0]![0]).toEqual({ a: '0'.repeat(64), b: '0'.repeat(64) });
    expect(verifyRecordV2(record).problems).toEqual([]);
    expect(record.result).toEqual(plaintextResult(s));
  });
});

describe('verifyRecordV2 finds each tampering with its own code', { timeout: 180_000 }, () => {
  let run: RunV2;
  beforeAll(() => { run = runElectionV2(EXAMPLE_SCENARIO_V2); }, 180_000);

  it('a bad ballot proof: [ballot], naming the tracker and the proof', () => {
    let tracker = '';
    const r = tampered((x) => {
      tracker = x.ballots[2]!.tracker;
      x.ballots[2]!.proofs.letters[1]![2]!.s[0] = encodeScalar(12345n);
    });
    expect(codes(r)).toEqual(['ballot']);
    expect(messages(r, 'ballot')).toEqual([`ballot ${tracker}: option c02 letter N: the 0-or-1 proof fails`]);
    const seats = tampered((x) => { x.ballots[0]!.proofs.seats!.c[1] = encodeScalar(7n); });
    expect(messages(seats, 'ballot')).toEqual([`ballot ${seats.ballots[0]!.tracker}: the seats proof fails`]);
  });

  it('a dropped ballot: [roll] (electronic vs ballots), and the aggregate and totals no longer fit', () => {
    const r = tampered((x) => { x.ballots.splice(3, 1); });
    expect(codes(r)).toEqual(['aggregate', 'result', 'roll', 'totals']);
    expect(messages(r, 'roll')).toEqual(['roll.electronic is 6, but the record holds 5 encrypted ballots (a ballot was dropped or added)']);
    expect(messages(r, 'aggregate')[0]).toMatch(/^the aggregate is not the product of the 5 ballots' ciphertexts at c01 F, /);
  });

  it("a duplicated ballot (the same ciphertexts under a new nonce and tracker) is [duplicate], even with everything else made consistent", () => {
    const r = example();
    const copy = { ...structuredClone(r.ballots[0]!), nonce: '0'.repeat(32) };
    copy.tracker = encryptedTracker(r.crypto.contextId, copy.nonce, copy.ciphertexts);
    r.ballots.push(copy);
    r.ballots.sort((a, b) => (a.tracker < b.tracker ? -1 : 1));
    r.roll.electronic++;
    // The operator re-runs the decryption with the trustees (here: their key shares) and recomputes everything.
    r.aggregate = aggregateOf(r.election, r.ballots.map((ballot) => ({ ballot })));
    r.decryption.partials = EXAMPLE_SCENARIO_V2.decrypting.map((i) => ({
      trustee: i, shares: decryptAggregate(r.aggregate, r.election, r.crypto.publicKey, r.crypto.contextId, i, run.keyShares[i - 1]!),
    }));
    const marks = EXAMPLE_SCENARIO_V2.cast[run.cast.findIndex((c) => c.ballot.ciphertexts[0]![0]!.a === copy.ciphertexts[0]![0]!.a)]!;
    [...marks].forEach((letter, o) => { r.decryption.electronic[o]![letter]!++; });
    r.result = plaintextResult({ ...EXAMPLE_SCENARIO_V2, cast: [...EXAMPLE_SCENARIO_V2.cast, marks] });
    const sealed = resealV2(r, KEY);
    // Its proofs are bound to the old nonce, so it fails them too; the duplicate rule names the copy.
    expect(codes(sealed)).toEqual(['ballot', 'duplicate']);
    expect(messages(sealed, 'ballot')).toEqual([`ballot ${copy.tracker}: option c01 letter F: the 0-or-1 proof fails`]);
    expect(messages(sealed, 'duplicate')).toEqual([expect.stringMatching(new RegExp(`^ballot (${copy.tracker} repeats ciphertexts of ballot ${example().ballots[0]!.tracker}|${example().ballots[0]!.tracker} repeats ciphertexts of ballot ${copy.tracker}): a copied ballot$`))]);
  });

  it('a wrong decryption share: [decryption], naming trustee, option and letter', () => {
    const r = tampered((x) => { x.decryption.partials[0]!.shares[1]![0]!.d = x.decryption.partials[1]!.shares[1]![0]!.d; });
    expect(codes(r)).toEqual(['decryption']);
    expect(messages(r, 'decryption')).toEqual([
      'trustee 1 (监票人甲): the decryption share of option c02 letter F fails its proof',
      'the shares of 1 trustee(s) verify, 2 are needed: the electronic totals cannot be checked',
    ]);
  });

  it('a trustee\'s partial twice, or partials out of order: [decryption] only; the totals still check against distinct trustees', () => {
    const twice = tampered((x) => { x.decryption.partials = [x.decryption.partials[0]!, x.decryption.partials[0]!, x.decryption.partials[1]!]; });
    expect(codes(twice)).toEqual(['decryption']);
    expect(messages(twice, 'decryption')).toEqual(['decryption.partials: trustee 1 (监票人甲) appears twice']);
    // The same trustee twice is not two trustees: with no other partial, k = 2 is not reached.
    const alone = tampered((x) => { x.decryption.partials = [x.decryption.partials[0]!, x.decryption.partials[0]!]; });
    expect(messages(alone, 'decryption')).toEqual([
      'decryption.partials: trustee 1 (监票人甲) appears twice',
      'the shares of 1 trustee(s) verify, 2 are needed: the electronic totals cannot be checked',
    ]);
    const swapped = tampered((x) => { x.decryption.partials.reverse(); });
    expect(codes(swapped)).toEqual(['decryption']);
    expect(messages(swapped, 'decryption')).toEqual(['decryption.partials: trustee 1 (监票人甲) is out of order (sorted by index)']);
  });

  it('a changed electronic total: [totals] (and the result no longer matches)', () => {
    const r = tampered((x) => { x.decryption.electronic[0]!.F!--; x.decryption.electronic[0]!.N!++; });
    expect(codes(r)).toEqual(['result', 'totals']);
    expect(messages(r, 'totals')).toEqual([
      `decryption.electronic[c01].F is ${example().decryption.electronic[0]!.F! - 1}, but the trustees' shares decrypt to ${example().decryption.electronic[0]!.F}`,
      `decryption.electronic[c01].N is ${example().decryption.electronic[0]!.N! + 1}, but the trustees' shares decrypt to ${example().decryption.electronic[0]!.N}`,
    ]);
  });

  it('a changed paper count: [paper] (and the result)', () => {
    const r = tampered((x) => { x.paper.counts[2]!.F!++; });
    expect(codes(r)).toEqual(['paper', 'result']);
    expect(messages(r, 'paper')).toEqual([
      'paper.counts[c03] adds up to 2, not to the 1 valid paper ballots',
      'paper ballots carry 3 F in all, more than 1 valid ballots × 2 seats allow',
    ]);
    const roll = tampered((x) => { x.paper.invalid.other++; });
    expect(messages(roll, 'paper')).toEqual(['paper.valid (1) + invalid (2) = 3, but roll.paperReturned is 2']);
  });

  it('a changed aggregate: [aggregate] (the shares then fit no longer either)', () => {
    const r = tampered((x) => { [x.aggregate[0]![0], x.aggregate[1]![0]] = [x.aggregate[1]![0]!, x.aggregate[0]![0]!]; });
    expect(codes(r)).toContain('aggregate');
    expect(messages(r, 'aggregate')).toEqual(["the aggregate is not the product of the 6 ballots' ciphertexts at c01 F, c02 F"]);
  });

  it('a bad spoiled reveal: [spoiled]', () => {
    const r = tampered((x) => { x.spoiled[0]!.marks = 'FANF'; });
    expect(codes(r)).toEqual(['spoiled']);
    expect(messages(r, 'spoiled')).toEqual([`spoiled ballot ${r.spoiled[0]!.tracker}: marks FANF do not open it: option c01 letter F: the ciphertext does not encrypt the claimed mark`]);
    const randomness = tampered((x) => { x.spoiled[0]!.randomness[3]![1] = encodeScalar(1n); });
    expect(messages(randomness, 'spoiled')).toEqual([`spoiled ballot ${r.spoiled[0]!.tracker}: marks AFNF do not open it: option c04 letter A: the ciphertext does not encrypt the claimed mark`]);
  });

  it('a wrong public key or public share: [crypto]', () => {
    const key = tampered((x) => { x.crypto.publicKey = x.crypto.trustees[0]!.publicShare; });
    expect(codes(key)).toEqual(['crypto']);
    expect(messages(key, 'crypto')[0]).toMatch(/^crypto\.publicKey is "[0-9a-f]{64}", but the dealings give [0-9a-f]{64}$/);
    const share = tampered((x) => { x.crypto.trustees[1]!.publicShare = x.crypto.trustees[2]!.publicShare; });
    expect(codes(share)).toEqual(['crypto']);
    expect(messages(share, 'crypto')[0]).toMatch(/^trustee 2 \(监票人乙\): publicShare is "[0-9a-f]{64}", but the dealings give [0-9a-f]{64}$/);
  });

  it('a bad dealing proof: [crypto]', () => {
    const r = tampered((x) => { x.crypto.trustees[2]!.dealing.proof.s = encodeScalar(99n); });
    expect(codes(r)).toEqual(['crypto']);
    expect(messages(r, 'crypto')).toEqual(["trustee 3 (监票人丙): the dealing's proof of its constant term fails"]);
  });

  it('a bad possession proof: [crypto]', () => {
    const r = tampered((x) => { x.crypto.trustees[0]!.possession.nonce = 'f'.repeat(32); });
    expect(codes(r)).toEqual(['crypto']);
    expect(messages(r, 'crypto')).toEqual(['trustee 1 (监票人甲): the proof of possession of its key share fails']);
  });

  it('a context id of another election, a threshold below 2: [crypto]', () => {
    const r = tampered((x) => { x.crypto.contextId = x.crypto.contextId.replace('/42/', '/41/'); });
    expect(messages(r, 'crypto')[0]).toBe(`crypto.contextId ${JSON.stringify(r.crypto.contextId)} is not "minsheng/election/42/" followed by 32 lower-case hex digits`);
    expect(codes(tampered((x) => { x.crypto.threshold = 1; }))).toEqual(['crypto']);
  });

  it('an election id with NUL (the tracker separator), or two ballots under one nonce: [structure], [duplicate]', () => {
    const nul = tampered((x) => { x.election.id = '4\u00002'; });
    expect(messages(nul, 'structure')).toContain('election.id must not contain the NUL character (U+0000)');
    const same = tampered((x) => { x.spoiled[0]!.nonce = x.ballots[0]!.nonce; });
    expect(messages(same, 'duplicate')).toEqual([expect.stringContaining(`nonce ${same.ballots[0]!.nonce} was issued for ballot ${same.ballots[0]!.tracker} too`)]);
  });

  it('a changed or unsorted tracker: [tracker]', () => {
    const r = tampered((x) => { x.ballots[1]!.nonce = 'a'.repeat(32); });
    // The proofs are bound to the nonce too: the ballot no longer verifies under the new one.
    expect(codes(r)).toEqual(['ballot', 'tracker']);
    expect(messages(r, 'tracker')[0]).toContain(`ballot ${r.ballots[1]!.tracker}: the tracker is not the hash of the context id, the nonce and the ciphertexts`);
    const unsorted = tampered((x) => { [x.ballots[0], x.ballots[1]] = [x.ballots[1]!, x.ballots[0]!]; });
    expect(messages(unsorted, 'tracker')).toEqual([`ballot ${unsorted.ballots[1]!.tracker}: ballots are not sorted by tracker (${unsorted.ballots[1]!.tracker} after ${unsorted.ballots[0]!.tracker})`]);
  });

  it('the digest, certifications, signature and key exactly as in version 1', () => {
    const digest = example();
    digest.digest = 'sha256:' + '0'.repeat(64);
    expect(codes(digest)).toEqual(['certification', 'digest', 'signature']);
    const sig = example();
    sig.signature.value = Buffer.alloc(64, 7).toString('base64');
    expect(codes(sig)).toEqual(['signature']);
    const body = example();
    body.audit.length++;
    expect(codes(body)).toEqual(['digest']);
    expect(codes(example(), 'a'.repeat(64))).toEqual(['key']);
    // Re-sealed with another key, a consistent record verifies for integrity alone, never for the expected key.
    expect(codes(tampered(() => {}), FINGERPRINT)).toEqual([]);
    const other = resealV2(example(), testSigningKey('another'));
    expect(codes(other)).toEqual([]);
    expect(codes(other, FINGERPRINT)).toEqual(['key']);
  });

  it('a malformed record is reported, never thrown', () => {
    for (const damage of [
      (x: Record<string, unknown>) => { delete x.crypto; },
      (x: Record<string, unknown>) => { x.aggregate = 'x'; },
      (x: Record<string, unknown>) => { (x.crypto as Record<string, unknown>).trustees = [null]; },
      (x: Record<string, unknown>) => { (x.ballots as unknown[])[0] = { tracker: 5 }; },
      (x: Record<string, unknown>) => { (x.spoiled as unknown[])[0] = 'x'; },
      (x: Record<string, unknown>) => { x.paper = { valid: -1 }; },
      (x: Record<string, unknown>) => { (x.decryption as Record<string, unknown>).partials = [{ trustee: 9 }]; },
      (x: Record<string, unknown>) => { (x.decryption as Record<string, unknown>).electronic = null; },
      (x: Record<string, unknown>) => { x.audit = { head: 'md5:1', length: 1 }; },
    ]) {
      const r = example() as unknown as Record<string, unknown>;
      damage(r);
      const v = verifyRecord(r);
      expect(v.ok).toBe(false);
      expect(v.problems.length).toBeGreaterThan(0);
    }
  });
});

describe('buildRecordV2Body refuses what it cannot build', { timeout: 180_000 }, () => {
  let run: RunV2;
  beforeAll(() => { run = runElectionV2(EXAMPLE_SCENARIO_V2); }, 180_000);
  const input = () => {
    const r = run.record;
    return {
      election: r.election, roll: r.roll,
      crypto: { contextId: r.crypto.contextId, threshold: 2, trustees: r.crypto.trustees.map((t) => ({ name: t.name, dealing: t.dealing, possession: t.possession })) },
      ballots: run.cast, spoiled: [], paper: r.paper, partials: r.decryption.partials, audit: r.audit,
    };
  };

  it('rebuilds the same body from the same parts, in any order', () => {
    const { digest: _d, certifications: _c, signature: _s, ...body } = run.record;
    const shuffled = { ...input(), ballots: [...run.cast].reverse(), spoiled: [] };
    expect(buildRecordV2Body(shuffled)).toEqual({ ...body, spoiled: [] });
  });

  it('refuses a ballot twice, a roll that disagrees, too few partials, a wrong share, paper that does not add up', () => {
    expect(() => buildRecordV2Body({ ...input(), ballots: [...run.cast, { ...run.cast[0]!, nonce: '1'.repeat(32) }] })).toThrow(/repeats a ciphertext of another ballot/);
    expect(() => buildRecordV2Body({ ...input(), ballots: run.cast.slice(1) })).toThrow('roll.electronic is 6, but 5 encrypted ballots were given');
    expect(() => buildRecordV2Body({ ...input(), partials: run.record.decryption.partials.slice(0, 1) })).toThrow('1 partial decryption(s), 2 needed');
    const wrong = structuredClone(run.record.decryption.partials);
    wrong[1]!.shares[0]![2]!.d = wrong[0]!.shares[0]![2]!.d;
    expect(() => buildRecordV2Body({ ...input(), partials: wrong })).toThrow("trustee 3's decryption share of option c01 letter N fails its proof");
    expect(() => buildRecordV2Body({ ...input(), paper: { ...run.record.paper, valid: 2 } })).toThrow('paper: 2 valid + 1 invalid, but 2 returned');
    expect(() => buildRecordV2Body({ ...input(), crypto: { ...input().crypto, threshold: 1 } })).toThrow('threshold 1 for 3 trustees');
  });

  it('makes paper totals from keyed paper ballots, too many 赞成 counted invalid', () => {
    expect(paperTotals('selection', { marking: 'for-against-abstain', seats: 1 }, 2, [{ marks: 'FF' }, { marks: 'FA' }, { marks: 'NN', invalid: 'other' }])).toEqual({
      valid: 1, invalid: { 'too-many-for': 1, unreadable: 0, other: 1 }, counts: [{ F: 1, A: 0, N: 0 }, { F: 0, A: 1, N: 0 }],
    });
  });
});
