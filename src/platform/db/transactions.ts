import { sql, type Transaction } from 'kysely';

/**
 * Sets the transaction's statement and lock timeouts, so that no request waits forever (a stray
 * lock, a slow disk): the transaction fails instead, and the caller answers with a retry.
 */
export async function transactionDeadline(trx: Transaction<any>, ms: number): Promise<void> {
  await sql`select set_config('statement_timeout', ${String(ms)}, true), set_config('lock_timeout', ${String(ms)}, true)`.execute(trx);
}
