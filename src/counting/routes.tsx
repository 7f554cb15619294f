import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ScrutinyListPage, ScrutinyPage } from '../../views/counting/scrutiny.tsx';
import type { Acting } from '../audit/store.ts';
import { getElection, electionLinks, turnout } from '../elections/queries.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { textField } from '../platform/http/forms.ts';
import { parseId } from '../platform/http/params.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { keyFingerprint } from '../domain/record/digest.ts';
import { publicKeyPem, publicSigningKey, SigningKeyUnavailable } from './signing.ts';
import {
  certifyElection, CERTIFICATIONS_REQUIRED, CountingError, createRunoff, rerunElection, TITLE_MAX, invalidSealedBallots, publishedRecordJson, publishElection,
  recordSummary, sealElection, VOID_REASON_MAX, voidElection, type CountingRefusal,
} from './store.ts';

const view = (c: Context<AppEnv>) => ({ lang: c.var.lang, t: c.var.t });
const acting = (c: Context<AppEnv>): Acting => ({ clock: c.var.deps.clock, actor: { userId: c.var.user!.id, name: c.var.user!.username } });

const ERRORS: Record<CountingRefusal | 'signing-key', MessageKey> = {
  'not-found': 'error.404',
  'wrong-state': 'election.stateConflict',
  'paper-uncommitted': 'counting.error.paper-uncommitted',
  'paper-exceeds': 'counting.error.paper-exceeds',
  inconsistent: 'counting.error.inconsistent',
  'stale-digest': 'counting.error.stale-digest',
  'already-certified': 'counting.error.already-certified',
  'same-name': 'counting.error.same-name',
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
  sealed: 'counting.done.sealed', certified: 'counting.done.certified', published: 'counting.done.published', voided: 'counting.done.voided',
};

async function electionOr404(c: Context<AppEnv>) {
  const id = parseId(c.req.param('id'));
  const e = id === undefined ? undefined : await getElection(c.var.deps.database.db, id);
  if (!e) throw new HTTPException(404);
  return e;
}

const pageOf = (id: number) => `/admin/elections/${id}/scrutiny`;

/** Runs one counting step; a refusal goes back to the scrutiny page with its translated reason. */
async function step(c: Context<AppEnv>, id: number, done: string, run: () => Promise<unknown>) {
  try {
    await run();
    return c.redirect(`${pageOf(id)}?done=${done}`, 303);
  } catch (e) {
    if (e instanceof SigningKeyUnavailable) {
      c.var.deps.logger.warn('signing key unavailable', { electionId: id, problem: e.message });
      return c.redirect(`${pageOf(id)}?error=signing-key`, 303);
    }
    if (!(e instanceof CountingError)) throw e;
    if (e.reason === 'not-found') throw new HTTPException(404);
    if (e.reason === 'inconsistent') c.var.deps.logger.error('seal refused: inconsistent ballot box', { electionId: id, ...e.detail });
    return c.redirect(`${pageOf(id)}?error=${e.reason}`, 303);
  }
}

/** Creates a vote from another (a runoff, a re-run): on to the new vote's page, or back with the refusal. */
async function createFrom(c: Context<AppEnv>, fromId: number, done: string, create: () => Promise<{ id: number }>) {
  try {
    const created = await create();
    return c.redirect(`/admin/elections/${created.id}?done=${done}`, 303);
  } catch (err) {
    if (!(err instanceof CountingError)) throw err;
    return c.redirect(`${pageOf(fromId)}?error=${err.reason}`, 303);
  }
}

/**
 * Counting and proof: seal (closed → tallied), scrutineers' certification, signed publication, void;
 * the public record and the public signing key.
 */
export function countingRoutes() {
  return new Hono<AppEnv>()
    .get('/scrutiny', async (c) => {
      c.header('Cache-Control', 'no-store');
      const { db } = c.var.deps.database;
      const userId = c.var.user!.id;
      const rows = await db.selectFrom('elections as e').innerJoin('meetings as m', 'm.id', 'e.meeting_id')
        .leftJoin('election_records as r', 'r.election_id', 'e.id')
        .select(['e.id', 'e.title', 'e.state', 'm.title as meetingTitle', 'r.certified_by'])
        .where('e.state', 'in', ['closed', 'tallied', 'certified', 'published', 'void'])
        .orderBy('e.id', 'desc').limit(200).execute();
      const scrutineer = c.var.user!.roles.includes('scrutineer');
      const elections = rows.map((r) => ({
        id: r.id, title: r.title, state: r.state, meetingTitle: r.meetingTitle,
        awaitingMe: scrutineer && (r.state === 'tallied' || r.state === 'certified') && !(r.certified_by ?? []).includes(userId),
      }));
      return c.render(<ScrutinyListPage v={view(c)} elections={elections} />, { title: c.var.t('counting.listTitle') });
    })
    .get('/admin/elections/:id/scrutiny', async (c) => {
      c.header('Cache-Control', 'no-store');
      const e = await electionOr404(c);
      const { db } = c.var.deps.database;
      const [record, invalid, t, links] = await Promise.all([
        recordSummary(db, e.id),
        invalidSealedBallots(db, e.id),
        e.state === 'closed' ? turnout(db, e.id) : undefined,
        electionLinks(db, e),
      ]);
      const user = c.var.user!;
      const errorParam = c.req.query('error') as keyof typeof ERRORS | undefined;
      const errorKey = errorParam ? ERRORS[errorParam] : undefined;
      const notice = NOTICES[c.req.query('done') ?? ''];
      const fingerprint = record?.signature ? keyFingerprint(Buffer.from(record.signature.publicKey, 'base64')) : undefined;
      return c.render(<ScrutinyPage v={view(c)} election={e} turnout={t} record={record} invalidBallots={invalid} links={links} titleMax={TITLE_MAX}
        roles={{ secretariat: user.roles.includes('secretariat'), scrutineer: user.roles.includes('scrutineer') }}
        certifiedByMe={record?.certifiedBy.includes(user.id) ?? false} required={CERTIFICATIONS_REQUIRED} voidReasonMax={VOID_REASON_MAX}
        fingerprint={fingerprint} notice={notice ? c.var.t(notice) : undefined}
        error={errorKey ? c.var.t(errorKey, { required: CERTIFICATIONS_REQUIRED, max: VOID_REASON_MAX, titleMax: TITLE_MAX }) : undefined}
        voidOpen={errorParam === 'reason-required' || errorParam === 'reason-too-long'} />, { title: `${c.var.t('counting.title')} · ${e.title}` });
    })
    .post('/admin/elections/:id/seal', async (c) => {
      const e = await electionOr404(c);
      return step(c, e.id, 'sealed', () => sealElection(c.var.deps.database.db, acting(c), e.id));
    })
    .post('/admin/elections/:id/certify', async (c) => {
      const e = await electionOr404(c);
      const digest = textField(await c.req.parseBody(), 'digest');
      const user = c.var.user!;
      return step(c, e.id, 'certified', () => certifyElection(c.var.deps.database.db, acting(c), e.id, { userId: user.id, name: user.displayName }, digest));
    })
    .post('/admin/elections/:id/publish', async (c) => {
      const e = await electionOr404(c);
      return step(c, e.id, 'published', () => publishElection(c.var.deps.database.db, acting(c), e.id, c.var.deps.config));
    })
    .post('/admin/elections/:id/runoff', async (c) => {
      const e = await electionOr404(c);
      const title = textField(await c.req.parseBody(), 'title');
      return createFrom(c, e.id, 'runoff', () => createRunoff(c.var.deps.database.db, acting(c), e.id, title));
    })
    .post('/admin/elections/:id/rerun', async (c) => {
      const e = await electionOr404(c);
      return createFrom(c, e.id, 'rerun', () => rerunElection(c.var.deps.database.db, acting(c), e.id));
    })
    .post('/admin/elections/:id/void', async (c) => {
      const e = await electionOr404(c);
      const reason = textField(await c.req.parseBody(), 'reason');
      return step(c, e.id, 'voided', () => voidElection(c.var.deps.database.db, acting(c), e.id, reason));
    })
    .get('/elections/:id/record.json', async (c) => {
      const id = parseId(c.req.param('id'));
      const text = id === undefined ? undefined : await publishedRecordJson(c.var.deps.database.db, id);
      if (text === undefined) throw new HTTPException(404);
      // A published record never changes; a day's caching is safe and spares the server.
      c.header('Cache-Control', 'public, max-age=86400');
      c.header('Content-Disposition', `inline; filename="election-${id}-record.json"`);
      return c.body(text, 200, { 'Content-Type': 'application/json; charset=UTF-8' });
    })
    .get('/.well-known/minsheng-signing-key', async (c) => {
      let key;
      try {
        key = await publicSigningKey(c.var.deps.database.db, c.var.deps.config);
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
