/**
 * The key ceremony's rules on the server side, pure: which threshold an election may have, and the
 * check each published message passes before the relay stores it (docs/key-ceremony.md, "Checks on
 * receipt"). Every check is the protocol's own function (src/domain/crypto): parse the wire form,
 * then verify its proof or signature. A message that fails is refused, so the store never holds an
 * unsigned or unproven message in a trustee's name.
 */
import {
  type CeremonyMessages, complaintFromJson, confirmationFromJson, envelopeFromJson, exchangeKeyFromJson, type Point,
  signedDealingFromJson, verifyComplaintProof, verifyEnvelopeSignature, verifyExchangeKey, verifySignedDealing,
} from '../domain/crypto/index.ts';
import type { CeremonyMessageKind } from '../domain/vocabulary.ts';

/** The fewest trustees a ceremony has, and the smallest threshold (docs/key-ceremony.md: 2 ≤ k ≤ n). */
export const MIN_TRUSTEES = 2;

/** Why a threshold is refused: below 2, or more than the scrutineers named (who become the trustees). */
export function thresholdProblem(threshold: number, named: number): 'threshold' | undefined {
  return Number.isSafeInteger(threshold) && threshold >= MIN_TRUSTEES && threshold <= named && threshold <= 99 ? undefined : 'threshold';
}

/** Why a message is refused before it is stored. */
export type MessageProblem = 'malformed' | 'not-yours' | 'too-early' | 'unsigned' | 'unknown-recipient';

/** What the store already holds that a message's check needs. */
export interface Published {
  contextId: string;
  k: number;
  n: number;
  /** The stored exchange keys' points, by trustee. */
  exchangeKeys: ReadonlyMap<number, Point>;
  /** The stored envelope (wire form) from `dealer` to `recipient`, if any. */
  envelope(dealer: number, recipient: number): unknown;
}

/** A message that passed: who sent it and, for an envelope, to whom. */
export interface Accepted {
  trustee: number;
  recipient: number | null;
}

function parsed<T>(body: unknown, parse: (j: unknown) => T): T | undefined {
  try {
    return parse(body);
  } catch {
    return undefined;
  }
}

/**
 * Checks one message that trustee `trustee` posts: its wire form parses, it is in that trustee's
 * own name, and its proof or signature verifies for this ceremony's context. Returns what to store
 * with it, or the problem.
 */
export function checkMessage(p: Published, kind: CeremonyMessageKind, body: unknown, trustee: number): Accepted | { problem: MessageProblem } {
  switch (kind) {
    case 'exchange-key': {
      const key = parsed(body, exchangeKeyFromJson);
      if (!key) return { problem: 'malformed' };
      if (key.trustee !== trustee) return { problem: 'not-yours' };
      return verifyExchangeKey(p.contextId, key) ? { trustee, recipient: null } : { problem: 'unsigned' };
    }
    case 'dealing': {
      const dealing = parsed(body, signedDealingFromJson);
      if (!dealing) return { problem: 'malformed' };
      if (dealing.dealing.dealer !== trustee) return { problem: 'not-yours' };
      if (p.exchangeKeys.size < p.n) return { problem: 'too-early' };
      return verifySignedDealing(p.contextId, p.k, dealing, p.exchangeKeys.get(trustee)!).ok ? { trustee, recipient: null } : { problem: 'unsigned' };
    }
    case 'envelope': {
      const envelope = parsed(body, envelopeFromJson);
      if (!envelope) return { problem: 'malformed' };
      if (envelope.dealer !== trustee) return { problem: 'not-yours' };
      if (envelope.recipient < 1 || envelope.recipient > p.n) return { problem: 'unknown-recipient' };
      if (p.exchangeKeys.size < p.n) return { problem: 'too-early' };
      return verifyEnvelopeSignature(p.contextId, envelope, p.exchangeKeys.get(trustee)!) ? { trustee, recipient: envelope.recipient } : { problem: 'unsigned' };
    }
    case 'complaint': {
      const complaint = parsed(body, complaintFromJson);
      if (!complaint) return { problem: 'malformed' };
      if (complaint.complainer !== trustee) return { problem: 'not-yours' };
      if (complaint.dealer < 1 || complaint.dealer > p.n) return { problem: 'unknown-recipient' };
      const raw = p.envelope(complaint.dealer, trustee);
      const envelope = raw === undefined ? undefined : parsed(raw, envelopeFromJson);
      const myKey = p.exchangeKeys.get(trustee);
      if (!envelope || !myKey) return { problem: 'too-early' };
      return verifyComplaintProof(p.contextId, complaint, envelope, myKey) ? { trustee, recipient: null } : { problem: 'unsigned' };
    }
    case 'confirmation': {
      // Its proof is checked against the trustee's public share, which only the complete set of
      // dealings gives: ceremonyStatus checks it (a confirmation that fails names its trustee).
      const confirmation = parsed(body, confirmationFromJson);
      if (!confirmation) return { problem: 'malformed' };
      if (confirmation.trustee !== trustee) return { problem: 'not-yours' };
      return { trustee, recipient: null };
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown message kind ${String(never)}`);
    }
  }
}

/** Stored messages, in the order received, as ceremonyStatus takes them. */
export function ceremonyMessages(rows: readonly { kind: CeremonyMessageKind; body: unknown }[]): CeremonyMessages {
  const of = (kind: CeremonyMessageKind) => rows.filter((r) => r.kind === kind).map((r) => r.body);
  return { exchangeKeys: of('exchange-key'), dealings: of('dealing'), envelopes: of('envelope'), complaints: of('complaint'), confirmations: of('confirmation') };
}

/** The exchange keys among stored messages, by trustee (stored keys passed their check on receipt). */
export function exchangeKeyPoints(rows: readonly { kind: CeremonyMessageKind; body: unknown }[]): Map<number, Point> {
  const keys = new Map<number, Point>();
  for (const r of rows) {
    if (r.kind !== 'exchange-key') continue;
    const key = exchangeKeyFromJson(r.body);
    keys.set(key.trustee, key.key);
  }
  return keys;
}
