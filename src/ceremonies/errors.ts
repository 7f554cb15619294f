import type { MessageKey } from '../platform/i18n/index.ts';
import type { CeremonyRefusal } from './store.ts';

/** Every refusal of a ceremony step, translated (the reason is also given to scripts as `error`). */
export const CEREMONY_ERRORS: Record<Exclude<CeremonyRefusal, 'not-found'>, MessageKey> = {
  'not-draft': 'ceremony.error.not-draft', 'not-encrypted': 'ceremony.error.not-encrypted', 'too-few-trustees': 'ceremony.error.too-few-trustees',
  threshold: 'ceremony.error.threshold', 'already-started': 'ceremony.error.already-started', 'not-failed': 'ceremony.error.not-failed',
  'not-trustee': 'ceremony.error.not-trustee', 'not-running': 'ceremony.error.not-running', duplicate: 'ceremony.error.duplicate',
  malformed: 'ceremony.error.malformed', 'not-yours': 'ceremony.error.not-yours', 'too-early': 'ceremony.error.too-early',
  unsigned: 'ceremony.error.unsigned', 'unknown-recipient': 'ceremony.error.unknown-recipient', 'not-complete': 'ceremony.error.not-complete',
  'nonce-unknown': 'ceremony.error.nonce-unknown', 'nonce-used': 'ceremony.error.nonce-used', 'proof-fails': 'ceremony.error.proof-fails',
};
