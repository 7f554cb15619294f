import { Hono } from 'hono';
import { electionOr404 } from '../elections/routes.tsx';
import { HTTPException } from 'hono/http-exception';
import { type Ask, confirmFirst } from '../../views/components/confirm.tsx';
import { ScrutinyListPage, ScrutinyPage } from '../../views/counting/scrutiny.tsx';
import type { ElectionView } from '../elections/model.ts';
import type { Translate } from '../platform/i18n/index.ts';
import { canStart, CERTIFICATIONS_REQUIRED } from '../domain/lifecycle.ts';
import { keyFingerprint } from '../domain/record/digest.ts';
import { electionLinks, electionScrutineers, turnout } from '../elections/store.ts';
import { type ApprovalRefusal, listApprovals } from '../users/approvals.ts';
import { ceremoniesOf } from '../ceremonies/store.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { textField } from '../platform/http/forms.ts';
import { acting, type Ctx, currentUser, db, flash, idParam, refusing, view } from '../platform/http/kit.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { Refused } from '../platform/refusal.ts';
import { exceedingReturned, returnedExceedsIssued } from '../paper/rules.ts';
import { publicKeyPem, publicSigningKey, SigningKeyUnavailable } from '../keys/signing.ts';
import { DECRYPTION_ERRORS } from '../decryption/errors.ts';
import { combineDecryption, decryptionProgress } from '../decryption/store.ts';
import {
  certifyElection, createRunoff, invalidSealedBallots, publishElection, publishedRecordJson, recordSummary,
  rerunElection, scrutinyList, sealElection, TITLE_MAX, VOID_REASON_MAX, voidElection, type CountingRefusal,
} from './store.ts';

const ERRORS: Record<Exclude<CountingRefusal, 'not-found'> | 'signing-key', MessageKey> = {
  'wrong-state': 'election.stateConflict',
  'not-allowed': 'error.403',
  'paper-uncommitted': 'counting.error.paper-uncommitted',
  'paper-exceeds': 'counting.error.paper-exceeds',
  inconsistent: 'counting.error.inconsistent',
  'stale-digest': 'counting.error.stale-digest',
  'already-certified': 'counting.error.already-certified',
  'same-name': 'counting.error.same-name',
  'not-named': 'counting.error.not-named',
  'too-few-certifications': 'counting.error.too-few-certifications',
  'reason-required': 'counting.error.reason-required',
  'reason-too-long': 'counting.error.reason-too-long',
  'signing-key': 'counting.error.signing-key',
  'no-tie': 'counting.error.no-tie',
  'runoff-exists': 'counting.error.runoff-exists',
  'title-invalid': 'counting.error.title-invalid',
  'rerun-exists': 'counting.error.rerun-exists',
};
const NOTICES: Record<string, MessageKey> = {
  sealed: 'counting.done.sealed', decrypting: 'counting.done.decrypting', decrypted: 'decryption.done.decrypted', certified: 'counting.done.certified', published: 'counting.done.published', voided: 'counting.done.voided',
};
const APPROVAL_NOTICES: Record<string, MessageKey> = { 'approval-confirmed': 'approval.done.confirmed', 'approval-declined': 'approval.done.declined' };
const APPROVAL_ERRORS: Record<Exclude<ApprovalRefusal, 'not-found'>, MessageKey> = {
  'not-yours': 'approval.error.not-yours', decided: 'approval.error.decided', expired: 'approval.error.expired',
};
/** Credential steps shown on the scrutiny list: those of the last days. */
const APPROVALS_SHOWN_MS = 3 * 24 * 60 * 60 * 1000;

const pageOf = (id: number) => `/admin/elections/${id}/scrutiny`;

/** Runs one counting step: back to the scrutiny page with its notice, or with the translated refusal. */
async function step(c: Ctx, done: string | ((result: unknown) => string), run: (id: number) => Promise<unknown>) {
  const id = idParam(c);
  try {
    return await refusing(c, pageOf(id), done, () => run(id));
  } catch (e) {
    if (!(e instanceof SigningKeyUnavailable)) throw e;
    c.var.deps.logger.warn('signing key unavailable', { electionId: id, problem: e.message });
    return c.redirect(`${pageOf(id)}?error=signing-key`, 303);
  }
}

/** Creates a vote from another (a runoff, a re-run): on to the new vote's page, or back with the refusal. */
async function createFrom(c: Ctx, done: string, create: (fromId: number) => Promise<{ id: number }>) {
  const fromId = idParam(c);
  let created: { id: number } | undefined;
  const back = await refusing(c, pageOf(fromId), done, async () => { created = await create(fromId); });
  return created ? c.redirect(`/admin/elections/${created.id}?done=${done}`, 303) : back;
}

/**
 * Asks before an irreversible counting step (the confirmation page, 200), unless the posted form
 * confirms the facts as they are now: then undefined, and the step runs.
 */
async function ask(c: Ctx, build: (e: ElectionView, t: Translate) => Promise<Omit<Ask, 'back'>> | Omit<Ask, 'back'>) {
  const e = await electionOr404(c);
  const form = await c.req.parseBody();
  return confirmFirst(c, form, { ...(await build(e, view(c).t)), back: pageOf(e.id) });
}

/**
 * Counting and proof: seal (closed → tallied), scrutineers' certification, signed publication, void,
 * runoffs and re-runs; the public record and the public signing key.
 */
export function countingRoutes() {
  return new Hono<AppEnv>()
    .get('/scrutiny', async (c) => {
      const user = currentUser(c);
      const now = c.var.deps.clock.now();
      const [list, approvals, ceremonies] = await Promise.all([
        scrutinyList(db(c), user.id), listApprovals(db(c), now, { userId: user.id }, { since: new Date(now.getTime() - APPROVALS_SHOWN_MS) }),
        ceremoniesOf(db(c), user.id),
      ]);
      const elections = list.map((r) => ({
        id: r.id, title: r.title, state: r.state, meetingTitle: r.meetingTitle,
        awaitingMe: r.namedMe && canStart('certify', r.state) && !r.certifiedBy.includes(user.id),
      }));
      const error = c.req.query('error') as keyof typeof APPROVAL_ERRORS | undefined;
      return c.render(<ScrutinyListPage v={view(c)} elections={elections} approvals={approvals} ceremonies={ceremonies} notice={flash(c, APPROVAL_NOTICES)}
        error={error && Object.hasOwn(APPROVAL_ERRORS, error) ? c.var.t(APPROVAL_ERRORS[error]) : undefined} />, { title: c.var.t('counting.listTitle') });
    })
    .get('/admin/elections/:id/scrutiny', async (c) => {
      const e = await electionOr404(c);
      const user = currentUser(c);
      const [record, invalid, t, links, scrutineers, approvals, decryption] = await Promise.all([
        recordSummary(db(c), e.id),
        // In encrypted mode paper ballots are published only as totals: none is listed one by one.
        e.ballot_mode === 'encrypted' ? [] : invalidSealedBallots(db(c), e.id),
        canStart('seal', e.state) ? turnout(db(c), e.id) : undefined,
        electionLinks(db(c), e),
        electionScrutineers(db(c), e.id),
        listApprovals(db(c), c.var.deps.clock.now(), { userId: user.id }, { electionId: e.id }),
        e.state === 'decrypting' ? decryptionProgress(db(c), e.id) : undefined,
      ]);
      const errorParam = c.req.query('error') as keyof typeof ERRORS | undefined;
      const decryptionError = c.req.query('error') as keyof typeof DECRYPTION_ERRORS | undefined;
      const errorKey = errorParam && Object.hasOwn(ERRORS, errorParam) ? ERRORS[errorParam]
        : decryptionError && Object.hasOwn(DECRYPTION_ERRORS, decryptionError) ? DECRYPTION_ERRORS[decryptionError] : undefined;
      const decrypted = decryption?.trustees.filter((x) => x.decrypted).length ?? 0;
      // More paper ballots came back than were issued (asked on the paper page, or recorded before
      // such a count was refused): the void form offers the legal reason, in the reader's language.
      const stored = e.paper_returned !== null && returnedExceedsIssued(e.paper_returned, e.paper_issued) ? e.paper_returned : undefined;
      const returned = (c.req.query('void') === 'paper-exceeds' ? exceedingReturned(c.req.query('returned'), e.paper_issued) : undefined) ?? stored;
      const voidReason = returned === undefined || !canStart('void', e.state) ? undefined : c.var.t('counting.voidReason.paperExceeds', { returned, issued: e.paper_issued });
      const fingerprint = record?.signature ? keyFingerprint(Buffer.from(record.signature.publicKey, 'base64')) : undefined;
      return c.render(<ScrutinyPage v={view(c)} election={e} turnout={t} record={record} invalidBallots={invalid} links={links} titleMax={TITLE_MAX}
        roles={{ secretariat: user.roles.includes('secretariat'), scrutineer: user.roles.includes('scrutineer') }}
        scrutineers={scrutineers} namedMe={scrutineers.some((s) => s.account?.id === user.id)} approvals={approvals}
        certifiedByMe={record?.certifiedBy.includes(user.id) ?? false} required={CERTIFICATIONS_REQUIRED} voidReasonMax={VOID_REASON_MAX}
        fingerprint={fingerprint} notice={flash(c, NOTICES)}
        error={errorKey ? c.var.t(errorKey, { required: CERTIFICATIONS_REQUIRED, max: VOID_REASON_MAX, titleMax: TITLE_MAX }) : undefined}
        voidOpen={errorParam === 'reason-required' || errorParam === 'reason-too-long' || voidReason !== undefined}
        voidReason={voidReason ?? (decryption ? c.var.t('decryption.voidReason', { k: decryption.k, done: decrypted }) : undefined)}
        decryption={decryption && { ...decryption, decrypted, trusteeMe: scrutineers.some((s) => s.account?.id === user.id) }} />, { title: `${c.var.t('counting.title')} · ${e.title}` });
    })
    .post('/admin/elections/:id/seal', async (c) => (await ask(c, async (e, t) => {
      const now = await turnout(db(c), e.id);
      return {
        title: t('ask.seal.title'), button: t('ask.seal.button'),
        consequences: [
          e.ballot_mode === 'encrypted' ? t('decryption.sealEncrypted', { k: e.trustee_threshold ?? 0 }) : t('ask.seal.final'),
          t('ask.seal.counts', { electronic: now.electronic, paper: now.paperReturned }),
        ],
        facts: { state: e.state, electronic: now.electronic, paper: now.paperReturned },
      };
    })) ?? step(c, (r) => ((r as { state?: string }).state === 'decrypting' ? 'decrypting' : 'sealed'), async (id) => {
      try {
        return await sealElection(db(c), acting(c), id);
      } catch (e) {
        if (e instanceof Refused && e.reason === 'inconsistent') c.var.deps.logger.error('seal refused: inconsistent ballot box', { electionId: id, ...e.detail });
        throw e;
      }
    }))
    // The secretariat retries combining k partial decryptions (the trustee's request that completed k failed to).
    .post('/admin/elections/:id/decrypt', async (c) => (await ask(c, async (e, t) => {
      const progress = await decryptionProgress(db(c), e.id);
      const count = progress?.trustees.filter((x) => x.decrypted).length ?? 0;
      return { title: t('ask.decrypt.title'), button: t('ask.decrypt.button'), consequences: [t('ask.decrypt.what', { count })], facts: { state: e.state, partials: count } };
    })) ?? step(c, 'decrypted', (id) => combineDecryption(db(c), acting(c), id)))
    .post('/admin/elections/:id/certify', async (c) => {
      const digest = textField(await c.req.parseBody(), 'digest');
      const user = currentUser(c);
      return (await ask(c, (e, t) => ({
        title: t('ask.certify.title'), button: t('ask.certify.button'),
        consequences: [t('ask.certify.digest', { digest }), t('ask.certify.final')],
        facts: { state: e.state, digest }, carry: { digest },
      }))) ?? step(c, 'certified', (id) => certifyElection(db(c), acting(c), id, { userId: user.id, name: user.displayName }, digest));
    })
    .post('/admin/elections/:id/publish', async (c) => (await ask(c, async (e, t) => {
      const record = await recordSummary(db(c), e.id);
      const certifications = record?.certifications.length ?? 0;
      return {
        title: t('ask.publish.title'), button: t('ask.publish.button'),
        consequences: [t('ask.publish.final'), t('ask.publish.counts', { count: certifications, digest: record?.digest ?? '—' })],
        facts: { state: e.state, digest: record?.digest ?? '', certifications },
      };
    })) ?? step(c, 'published', (id) => publishElection(db(c), acting(c), id, c.var.deps.config)))
    .post('/admin/elections/:id/runoff', async (c) => {
      const title = textField(await c.req.parseBody(), 'title');
      // A title the rules refuse is refused at once; a good one is confirmed first.
      const valid = title.trim() !== '' && [...title.trim()].length <= TITLE_MAX;
      return (valid ? await ask(c, (e, t) => ({
        title: t('ask.runoff.title'), button: t('ask.runoff.button'), consequences: [t('ask.runoff.what', { title: title.trim() })],
        facts: { state: e.state }, carry: { title },
      })) : undefined) ?? createFrom(c, 'runoff', (id) => createRunoff(db(c), acting(c), id, title));
    })
    .post('/admin/elections/:id/rerun', async (c) => (await ask(c, (e, t) => ({
      title: t('ask.rerun.title'), button: t('ask.rerun.button'), consequences: [t('ask.rerun.what')], facts: { state: e.state },
    }))) ?? createFrom(c, 'rerun', (id) => rerunElection(db(c), acting(c), id)))
    .post('/admin/elections/:id/void', async (c) => {
      const reason = textField(await c.req.parseBody(), 'reason');
      // A missing or overlong reason is refused at once (the form says why); a good one is confirmed first.
      const valid = reason.trim() !== '' && [...reason.trim()].length <= VOID_REASON_MAX;
      return (valid ? await ask(c, (e, t) => ({
        title: t('ask.void.title'), button: t('ask.void.button'),
        consequences: [t('ask.void.final'), t('ask.void.reason', { reason: reason.trim() })],
        facts: { state: e.state }, carry: { reason },
      })) : undefined) ?? step(c, 'voided', (id) => voidElection(db(c), acting(c), id, reason));
    })
    .get('/elections/:id/record.json', async (c) => {
      const id = idParam(c);
      const text = await publishedRecordJson(db(c), id);
      if (text === undefined) throw new HTTPException(404);
      // A published record never changes; a day's caching is safe and spares the server.
      c.header('Cache-Control', 'public, max-age=86400');
      c.header('Content-Disposition', `inline; filename="election-${id}-record.json"`);
      return c.body(text, 200, { 'Content-Type': 'application/json; charset=UTF-8' });
    })
    .get('/.well-known/minsheng-signing-key', async (c) => {
      let key;
      try {
        key = await publicSigningKey(db(c), c.var.deps.config);
      } catch (e) {
        if (!(e instanceof SigningKeyUnavailable)) throw e;
        c.var.deps.logger.warn('signing key unavailable', { problem: e.message });
        c.header('Cache-Control', 'no-store');
        return c.text(c.var.t('counting.keyUnavailable') + '\n', 503);
      }
      c.header('Cache-Control', 'public, max-age=3600');
      // The PEM block first, so that `openssl pkey -pubin` and `npm run verify -- … --key` read this file as it is.
      return c.text(`${publicKeyPem(key.publicKeyDer)}SHA-256 fingerprint (of the DER public key): ${key.fingerprint}\n`);
    });
}
