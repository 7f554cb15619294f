import { sql } from 'kysely';
import { appendAudit } from '../audit/store.ts';
import type { CredentialStep } from '../domain/vocabulary.ts';
import type { Acting } from '../platform/acting.ts';
import type { Db, Trx } from '../platform/db/index.ts';
import { Refused } from '../platform/refusal.ts';
import type { ApprovalView } from './model.ts';
import { APPROVAL_USABLE_MS, approvalStatus, REQUEST_OPEN_MS } from './rules.ts';

/**
 * Separation of duties for credentials (docs/threat-model.md). A step that would hand the
 * secretariat a deputy's credentials (a new one-time password, a first account, an account linked
 * to or away from the deputy) while the deputy is on the roll of an open vote, or a named scrutineer
 * of a vote not yet published, is not made at once: it becomes a request that a named scrutineer
 * of one of those votes confirms (or declines) on the scrutiny page. The secretariat then makes the
 * step once within APPROVAL_USABLE_MS. Every request, decision and use is in the audit log.
 */

export type ApprovalRefusal = 'not-found' | 'not-yours' | 'decided' | 'expired';

/**
 * The votes that protect each of these deputies now, by deputy: an open vote whose roll holds them,
 * a vote not yet published (nor void) that names them as a scrutineer. Deputies no vote protects
 * are absent. One query, for one deputy or a whole roster's slips.
 */
export async function protections(trx: Db | Trx, deputyIds: readonly number[]): Promise<Map<number, number[]>> {
  const byDeputy = new Map<number, number[]>();
  if (deputyIds.length === 0) return byDeputy;
  const list = sql`${`{${deputyIds.join(',')}}`}::integer[]`;
  const { rows } = await sql<{ deputy_id: number; election_id: number }>`
    select r.deputy_id, e.id as election_id from roll r join elections e on e.id = r.election_id
    where e.state = 'open' and r.deputy_id = any(${list})
    union
    select s.deputy_id, e.id from election_scrutineers s join elections e on e.id = s.election_id
    where e.state not in ('published', 'void') and s.deputy_id = any(${list})
    order by 1, 2`.execute(trx);
  for (const r of rows) byDeputy.set(r.deputy_id, [...(byDeputy.get(r.deputy_id) ?? []), r.election_id]);
  return byDeputy;
}

/** What a credential step may do: go ahead (using a confirmation, if one was needed), or wait for the request it made. */
export type Gate = { open: true; approvalId: number | null } | { open: false; approval: { id: number; elections: number[] } };

/**
 * Whether a credential step on this deputy may be made now, inside the step's transaction. Not
 * protected: yes. Protected with a confirmed, unused, recent confirmation of the same step on the
 * same account: yes, and `approvalId` names it (the caller marks it used with `useApproval`).
 * Otherwise the request is made (or the pending one kept) and audited, and the caller makes no step.
 */
export async function credentialGate(trx: Trx, acting: Acting, step: CredentialStep, deputyId: number, userId: number | null): Promise<Gate> {
  const elections = (await protections(trx, [deputyId])).get(deputyId) ?? [];
  if (elections.length === 0) return { open: true, approvalId: null };
  const now = acting.clock.now();
  const same = trx.selectFrom('credential_approvals').select(['id', 'decision', 'decided_at', 'requested_at'])
    .where('step', '=', step).where('deputy_id', '=', deputyId).where('used_at', 'is', null)
    .where(userId === null ? sql<boolean>`user_id is null` : sql<boolean>`user_id = ${userId}`);
  const confirmed = await same.where('decision', '=', 'confirmed').where('decided_at', '>', new Date(now.getTime() - APPROVAL_USABLE_MS))
    .orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (confirmed) return { open: true, approvalId: confirmed.id };
  const pending = await same.where('decision', 'is', null).where('requested_at', '>', new Date(now.getTime() - REQUEST_OPEN_MS))
    .orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (pending) return { open: false, approval: { id: pending.id, elections } };
  const row = await trx.insertInto('credential_approvals').values({
    step, deputy_id: deputyId, user_id: userId, election_ids: sql<number[]>`${`{${elections.join(',')}}`}::integer[]`,
    requested_by: acting.actor.userId, requested_by_name: acting.actor.name, requested_at: now,
    decided_by: null, decided_by_name: null, decided_at: null, decision: null, used_at: null,
  }).returning('id').executeTakeFirstOrThrow();
  await appendAudit(trx, acting.clock, acting.actor, {
    action: 'credentials.request', subject: `approval:${row.id}`,
    details: { step, deputy: await deputyCode(trx, deputyId), userId, elections, protected: true },
  });
  return { open: false, approval: { id: row.id, elections } };
}

/** Marks a confirmation used by the step it allowed (in the step's transaction). */
export async function useApproval(trx: Trx, acting: Acting, approvalId: number | null): Promise<void> {
  if (approvalId === null) return;
  await trx.updateTable('credential_approvals').set({ used_at: acting.clock.now() }).where('id', '=', approvalId).execute();
}

async function deputyCode(trx: Db | Trx, deputyId: number): Promise<string> {
  return (await trx.selectFrom('deputies').select('code').where('id', '=', deputyId).executeTakeFirstOrThrow()).code;
}

/**
 * A named scrutineer confirms or declines a request. Only a deputy named as a scrutineer of one of
 * the votes that made the request necessary may decide it, never about their own credentials; a
 * request is decided once, within REQUEST_OPEN_MS of being made.
 */
export async function decideApproval(db: Db, acting: Acting, approvalId: number, decision: 'confirmed' | 'declined'): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const a = await trx.selectFrom('credential_approvals').selectAll().where('id', '=', approvalId).forUpdate().executeTakeFirst();
    if (!a) throw new Refused<ApprovalRefusal>('not-found');
    const me = acting.actor.userId === null ? undefined
      : await trx.selectFrom('users').select('deputy_id').where('id', '=', acting.actor.userId).executeTakeFirst();
    const named = me?.deputy_id != null && me.deputy_id !== a.deputy_id && await trx.selectFrom('election_scrutineers').select('election_id')
      .where('deputy_id', '=', me.deputy_id).where('election_id', 'in', a.election_ids.length ? a.election_ids : [0]).executeTakeFirst() !== undefined;
    if (!named) throw new Refused<ApprovalRefusal>('not-yours');
    const status = approvalStatus(a, acting.clock.now());
    if (status === 'expired') throw new Refused<ApprovalRefusal>('expired');
    if (status !== 'pending') throw new Refused<ApprovalRefusal>('decided');
    await trx.updateTable('credential_approvals').set({
      decision, decided_at: acting.clock.now(), decided_by: acting.actor.userId, decided_by_name: acting.actor.name,
    }).where('id', '=', approvalId).execute();
    await appendAudit(trx, acting.clock, acting.actor, {
      action: decision === 'confirmed' ? 'credentials.confirm' : 'credentials.decline', subject: `approval:${approvalId}`,
      details: { step: a.step, deputy: await deputyCode(trx, a.deputy_id), userId: a.user_id, elections: a.election_ids, protected: true },
    });
  });
}

function approvalQuery(db: Db) {
  return db.selectFrom('credential_approvals as a').innerJoin('deputies as d', 'd.id', 'a.deputy_id')
    .leftJoin('users as u', 'u.id', 'a.user_id')
    .select([
      'a.id', 'a.step', 'a.deputy_id', 'a.user_id', 'a.election_ids', 'a.requested_by_name', 'a.requested_at', 'a.decided_by_name',
      'a.decided_at', 'a.decision', 'a.used_at', 'd.code as deputy_code', 'd.name as deputy_name', 'u.username',
    ]);
}
type ApprovalRow = Awaited<ReturnType<ReturnType<typeof approvalQuery>['execute']>>[number];

function toView(r: ApprovalRow, now: Date, decidable: boolean): ApprovalView {
  return {
    id: r.id, step: r.step, deputy: { id: r.deputy_id, code: r.deputy_code, name: r.deputy_name }, username: r.username,
    elections: r.election_ids, requestedBy: r.requested_by_name, requestedAt: r.requested_at, decidedBy: r.decided_by_name,
    decidedAt: r.decided_at, usedAt: r.used_at, status: approvalStatus(r, now), decidable,
  };
}

/**
 * The credential steps on protected deputies, newest first: those of one vote (for its scrutiny
 * page), or all of the last days (for the scrutiny list). `viewer` decides which ones they may
 * confirm: a named scrutineer of a vote the request names, not the deputy concerned.
 */
export async function listApprovals(db: Db, now: Date, viewer: { userId: number }, filter: { electionId?: number; since?: Date } = {}): Promise<ApprovalView[]> {
  let q = approvalQuery(db).orderBy('a.id', 'desc').limit(200);
  if (filter.electionId !== undefined) q = q.where(sql<boolean>`${filter.electionId}::integer = any(a.election_ids)`);
  if (filter.since) q = q.where('a.requested_at', '>', filter.since);
  const rows = await q.execute();
  const me = await db.selectFrom('users').select('deputy_id').where('id', '=', viewer.userId).executeTakeFirst();
  const mine = me?.deputy_id == null ? new Set<number>()
    : new Set((await db.selectFrom('election_scrutineers').select('election_id').where('deputy_id', '=', me.deputy_id).execute()).map((r) => r.election_id));
  return rows.map((r) => toView(r, now, r.deputy_id !== me?.deputy_id && r.election_ids.some((id) => mine.has(id))));
}

/** A request's state for the account page: the newest of this step on this account (or deputy), if any. */
export async function latestApproval(db: Db, now: Date, step: CredentialStep, deputyId: number, userId: number | null): Promise<ApprovalView | undefined> {
  const row = await approvalQuery(db).where('a.step', '=', step).where('a.deputy_id', '=', deputyId)
    .where(userId === null ? sql<boolean>`a.user_id is null` : sql<boolean>`a.user_id = ${userId}`)
    .orderBy('a.id', 'desc').limit(1).executeTakeFirst();
  return row && toView(row, now, false);
}
