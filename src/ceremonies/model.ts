import type { CeremonyState } from '../domain/vocabulary.ts';

/** A trustee as the pages show it. */
export interface CeremonyTrusteeView {
  index: number;
  name: string;
  code: string;
}

/** What the secretariat's page shows of an election's key ceremony (docs/key-ceremony.md). */
export interface CeremonyOverview {
  state: 'none' | CeremonyState;
  /** The threshold set for the election (k). */
  k: number | null;
  /** Trustees of the ceremony, or the named scrutineers who would be when none started yet. */
  n: number;
  contextId?: string;
  trustees: CeremonyTrusteeView[];
  missing: { index: number; name: string; what: 'exchange-key' | 'dealing' | 'envelope' | 'confirmation'; recipient?: number }[];
  faults: { index: number | null; name?: string; kind: 'exchange' | 'dealing' | 'share' | 'complaint' | 'confirmation' | 'relay'; reason: string }[];
  exchangeFingerprint?: string;
  fingerprint?: string;
  /** Trustees with a valid proof of possession (complete ceremonies). */
  proved: number[];
  canStart: boolean;
  canRestart: boolean;
}
