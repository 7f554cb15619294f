import type { MessageKey } from '../platform/i18n/index.ts';
import type { DecryptionRefusal } from './store.ts';

/** Every refusal of a decryption step, translated. */
export const DECRYPTION_ERRORS: Record<Exclude<DecryptionRefusal, 'not-found'>, MessageKey> = {
  'wrong-state': 'decryption.error.wrong-state',
  'not-allowed': 'error.403',
  'not-trustee': 'decryption.error.not-trustee',
  duplicate: 'decryption.error.duplicate',
  'too-few-partials': 'decryption.error.too-few-partials',
  inconsistent: 'decryption.error.inconsistent',
  'not-as-sealed': 'decryption.error.not-as-sealed',
  'too-large': 'decryption.error.too-large',
  malformed: 'decryption.error.malformed',
  'not-yours': 'decryption.error.not-yours',
  'proof-fails': 'decryption.error.proof-fails',
};
