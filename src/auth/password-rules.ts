import type { MessageKey } from '../platform/i18n/index.ts';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

/**
 * Rules for a password a person chooses (NIST SP 800-63B: length over composition rules). Returns
 * the problems by field; empty when the password may be used.
 */
export function checkNewPassword(password: string, confirm: string, username: string): Partial<Record<'password' | 'confirm', MessageKey>> {
  const errors: Partial<Record<'password' | 'confirm', MessageKey>> = {};
  if ([...password].length < MIN_PASSWORD_LENGTH) errors.password = 'password.tooShort';
  else if (password.length > MAX_PASSWORD_LENGTH) errors.password = 'password.tooLong';
  else if (password.trim().toLowerCase() === username.toLowerCase()) errors.password = 'password.sameAsUsername';
  if (!errors.password && password !== confirm) errors.confirm = 'password.mismatch';
  return errors;
}
