import { generateKeyPairSync } from 'node:crypto';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordDigest, signEd25519, signingPayload } from '../domain/record/digest.ts';
import { LETTERS, TRACKER_PATTERN, type Certification, type InvalidReason } from '../domain/record/format.ts';
import { verifyRecord } from '../domain/record/verify.ts';
import { beijingTime } from '../platform/time.ts';
import { buildRecordBody, checkRecordBody, type SealedElection } from './record-builder.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const trackerArb = fc.array(fc.constantFrom(...CROCKFORD), { minLength: 16, maxLength: 16 })
  .map((s) => [0, 4, 8, 12].map((i) => s.slice(i, i + 4).join('')).join('-'));

function election(over: Partial<SealedElection['election']> = {}): SealedElection['election'] {
  return {
    id: 7, title: '2024年民生实事项目票决', kind: 'selection', runoffOf: null,
    openedAt: new Date('2024-01-16T01:00:00Z'), closedAt: new Date('2024-01-16T01:30:00.750Z'),
    marking: 'for-against-abstain', seats: 2, passBase: 'all-deputies', deputiesTotal: 10,
    meeting: { id: 3, title: '第三次会议', year: 2024 }, ...over,
  };
}
const options = [{ key: 'c01', title: '甲' }, { key: 'c02', title: '乙' }, { key: 'c03', title: '丙' }];

/** A record as publication completes it: certified by two scrutineers and signed. */
function publish(body: ReturnType<typeof buildRecordBody>) {
  const digest = recordDigest(body);
  const certifications: Certification[] = ['甲', '乙'].map((name) => ({ role: 'scrutineer', name, at: '2024-01-16T10:00:00+08:00', digest }));
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const value = signEd25519(privateKey, signingPayload(certifications, digest)).toString('base64');
  return { ...body, digest, certifications, signature: { alg: 'ed25519', publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), value } };
}

describe('beijingTime', () => {
  it('writes RFC 3339 with the +08:00 offset, to the second', () => {
    expect(beijingTime(new Date('2024-01-16T01:30:00.750Z'))).toBe('2024-01-16T09:30:00+08:00');
  });

  it('moves to the next day in Beijing when it is still the evening before in UTC', () => {
    expect(beijingTime(new Date('2023-12-31T20:05:09Z'))).toBe('2024-01-01T04:05:09+08:00');
  });

  it('names the same instant', () => {
    fc.assert(fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2199-12-31'), noInvalidDate: true }), (d) => {
      const s = beijingTime(d);
      expect(s).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
      expect(new Date(s).getTime()).toBe(Math.floor(d.getTime() / 1000) * 1000);
    }));
  });
});

describe('buildRecordBody', () => {
  const roll = { eligible: 10, present: 9, electronic: 3, paperIssued: 2, paperReturned: 2 };
  const ballots = [
    { tracker: 'ZZZZ-0000-0000-0001', marks: 'FFA', invalid: null },
    { tracker: '0000-0000-0000-0002', marks: 'FFF', invalid: 'too-many-for' as const },
    { tracker: 'A000-0000-0000-0003', marks: 'NNN', invalid: 'unreadable' as const },
    { tracker: '9000-0000-0000-0004', marks: 'FAN', invalid: null },
    { tracker: 'B000-0000-0000-0005', marks: 'AFF', invalid: null },
  ];

  it('lays the record out as docs/record-format.md says: ids as strings, Beijing times, sorted ballots, invalid only when set', () => {
    const body = buildRecordBody({ election: election(), options, roll, ballots });
    expect(body.format).toBe('minsheng-election-record/1');
    expect(body.election).toEqual({
      id: '7', title: '2024年民生实事项目票决', meeting: { id: '3', title: '第三次会议', year: 2024 }, kind: 'selection',
      openedAt: '2024-01-16T09:00:00+08:00', closedAt: '2024-01-16T09:30:00+08:00',
      rules: { marking: 'for-against-abstain', seats: 2, passBase: 'all-deputies', deputiesTotal: 10 },
      options: [{ id: 'c01', title: '甲' }, { id: 'c02', title: '乙' }, { id: 'c03', title: '丙' }],
    });
    expect('runoffOf' in body.election).toBe(false);
    expect(body.roll).toEqual(roll);
    expect(body.ballots.map((b) => b.tracker)).toEqual(['0000-0000-0000-0002', '9000-0000-0000-0004', 'A000-0000-0000-0003', 'B000-0000-0000-0005', 'ZZZZ-0000-0000-0001']);
    expect(body.ballots[1]).toEqual({ tracker: '9000-0000-0000-0004', marks: 'FAN' });
    expect(body.ballots[0]).toEqual({ tracker: '0000-0000-0000-0002', marks: 'FFF', invalid: 'too-many-for' });
    expect(body.result).toMatchObject({ valid: 3, invalid: 2, quorum: true });
    expect(body.result.options.map((o) => o.counts.F)).toEqual([2, 2, 1]);
  });

  it('marks a ballot with more F than seats invalid even if it was stored without a reason', () => {
    const body = buildRecordBody({ election: election(), options, roll: { ...roll, electronic: 0, paperReturned: 1 }, ballots: [{ tracker: '0000-0000-0000-0001', marks: 'FFF', invalid: null }] });
    expect(body.ballots).toEqual([{ tracker: '0000-0000-0000-0001', marks: 'FFF', invalid: 'too-many-for' }]);
  });

  it('names the election a runoff resolves, and leaves seats out of a satisfaction vote', () => {
    const runoff = buildRecordBody({ election: election({ kind: 'runoff', runoffOf: 5 }), options, roll, ballots });
    expect(runoff.election.runoffOf).toBe('5');
    const rating = buildRecordBody({
      election: election({ kind: 'satisfaction', marking: 'satisfaction', seats: null }), options, roll,
      ballots: [{ tracker: '0000-0000-0000-0001', marks: 'SBU', invalid: null }],
    });
    expect(rating.election.rules).toEqual({ marking: 'satisfaction', passBase: 'all-deputies', deputiesTotal: 10 });
    expect(rating.result.options.map((o) => o.rating)).toEqual(['unsatisfied', 'unsatisfied', 'unsatisfied']);
  });

  it('gives a body that the independent verifier accepts once certified and signed', () => {
    const body = buildRecordBody({ election: election(), options, roll, ballots });
    expect(checkRecordBody(body)).toEqual([]);
    const v = verifyRecord(JSON.parse(JSON.stringify(publish(body))));
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
  });

  it('is caught by the self-check when the roll cannot be right (more voted than present)', () => {
    const body = buildRecordBody({ election: election(), options, roll: { ...roll, present: 4 }, ballots });
    expect(checkRecordBody(body).map((p) => p.code)).toContain('roll');
  });

  it('for any ballot box: keeps every ballot, sorts by tracker, verifies, and does not depend on the order ballots are read', () => {
    const box = fc.record({
      seats: fc.integer({ min: 1, max: 4 }),
      n: fc.integer({ min: 2, max: 6 }),
    }).chain(({ seats, n }) => fc.record({
      seats: fc.constant(seats),
      n: fc.constant(n),
      ballots: fc.uniqueArray(fc.record({
        tracker: trackerArb,
        marks: fc.array(fc.constantFrom(...LETTERS['for-against-abstain']), { minLength: n, maxLength: n }).map((m) => m.join('')),
        paper: fc.boolean(),
        unreadable: fc.boolean(),
      }), { selector: (b) => b.tracker, maxLength: 40 }),
    }));
    fc.assert(fc.property(box, fc.integer(), ({ seats, n, ballots }, seed) => {
      const stored = ballots.map((b) => ({
        tracker: b.tracker, marks: b.marks,
        invalid: (b.paper && b.unreadable ? 'unreadable' : null) as InvalidReason | null,
      }));
      const paper = ballots.filter((b) => b.paper).length;
      const opts = Array.from({ length: n }, (_, i) => ({ key: `c${i + 1}`, title: `项目${i + 1}` }));
      const input = (list: typeof stored): SealedElection => ({
        election: election({ seats, deputiesTotal: 60 }), options: opts,
        roll: { eligible: 60, present: 50, electronic: ballots.length - paper, paperIssued: paper, paperReturned: paper }, ballots: list,
      });
      const body = buildRecordBody(input(stored));
      const shuffled = [...stored].sort(() => (seed % 3) - 1);
      expect(canonicalize(buildRecordBody(input(shuffled)))).toBe(canonicalize(body));
      expect(body.ballots.map((b) => `${b.tracker}${b.marks}`).sort()).toEqual(stored.map((b) => `${b.tracker}${b.marks}`).sort());
      expect(body.ballots.every((b, i) => i === 0 || body.ballots[i - 1]!.tracker < b.tracker)).toBe(true);
      expect(body.ballots.every((b) => TRACKER_PATTERN.test(b.tracker))).toBe(true);
      expect(checkRecordBody(body)).toEqual([]);
    }), { numRuns: 60 });
  });
});
