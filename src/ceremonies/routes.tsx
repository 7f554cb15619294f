import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { TrusteePage } from '../../views/ceremonies/trustee.tsx';
import { CEREMONY_MESSAGE_KINDS, type CeremonyMessageKind } from '../domain/vocabulary.ts';
import { confirmFirst } from '../../views/components/confirm.tsx';
import { electionOr404 } from '../elections/routes.tsx';
import { electionScrutineers } from '../elections/store.ts';
import { assetUrl } from '../platform/http/assets.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { textField } from '../platform/http/forms.ts';
import { acting, type Ctx, currentUser, db, idParam, refusing, view } from '../platform/http/kit.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { Refused } from '../platform/refusal.ts';
import { CEREMONY_ERRORS } from './errors.ts';
import {
  type CeremonyRefusal, isNamedScrutineer, issuePossessionNonce, messagesForTrustee, postCeremonyMessage, provePossession, restartCeremony,
  currentCeremony, startCeremony, statusOf, trusteeOf,
} from './store.ts';


const adminPage = (id: number) => `/admin/elections/${id}`;

/**
 * Runs a trustee's step for a script: its JSON answer, or the refusal as JSON with the reason and
 * its translation: 403 when the person is no trustee of this election's ceremony, 404 for no such
 * election, 422 for everything else the rules refuse. Nothing is written when refused.
 */
async function trusteeStep(c: Ctx, run: (id: number) => Promise<unknown>) {
  const id = idParam(c);
  try {
    return c.json({ ok: true, ...(await run(id) as object) });
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    if (e.reason === 'not-found') throw new HTTPException(404);
    const reason = e.reason as Exclude<CeremonyRefusal, 'not-found'> | 'kind';
    const key: MessageKey = reason === 'kind' ? 'ceremony.error.kind' : CEREMONY_ERRORS[reason] ?? 'error.400';
    return c.json({ ok: false, error: reason, message: c.var.t(key) }, reason === 'not-trustee' ? 403 : 422);
  }
}

/**
 * Starting (or starting again) fixes who the trustees are, in which order, and (again) voids every
 * message of the failed ceremony: a confirmation page says so first, naming the trustees and k; the
 * step runs when it comes back with the same figures.
 */
async function askBeforeStarting(c: Ctx, restart: boolean): Promise<Response | undefined> {
  const e = await electionOr404(c);
  // What the rules refuse anyway (plaintext mode, not a draft, nothing failed to restart) is refused at once, unasked.
  if (e.ballot_mode !== 'encrypted' || e.state !== 'draft') return undefined;
  const failed = restart ? await currentCeremony(db(c), e.id) : undefined;
  if (restart && failed?.state !== 'failed') return undefined;
  const { t } = view(c);
  const trustees = await electionScrutineers(db(c), e.id);
  const names = trustees.map((s, i) => t('ceremony.ask.trustee', { index: i + 1, name: s.name, code: s.code })).join(t('result.listSeparator'));
  const k = e.trustee_threshold ?? 0;
  return confirmFirst(c, await c.req.parseBody(), {
    title: t(restart ? 'ceremony.ask.restart.title' : 'ceremony.ask.start.title'),
    button: t(restart ? 'ceremony.ask.restart.button' : 'ceremony.ask.start.button'),
    back: adminPage(e.id),
    consequences: [
      t('ceremony.ask.trustees', { n: trustees.length, k, names }),
      t('ceremony.ask.fixed'),
      ...(restart ? [t('ceremony.ask.restart.void')] : []),
      t('ceremony.ask.next'),
    ],
    facts: { election: e.id, trustees: trustees.map((s) => s.code).join(','), k, ...(failed ? { ceremony: failed.contextId } : {}) },
  });
}

/** A message posted as a form field holding its JSON text: the parsed value, or a refusal. */
function parsedMessage(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Refused<CeremonyRefusal>('malformed');
  }
}

/**
 * The key ceremony (docs/key-ceremony.md): the secretariat starts it (and starts it again after a
 * failure) from the vote's page; each trustee (a named scrutineer, by its own session) runs its
 * steps on its ceremony page, whose browser module reads the public messages and posts its own.
 */
export function ceremonyRoutes() {
  return new Hono<AppEnv>()
    .post('/admin/elections/:id/ceremony/start', async (c) => {
      const asked = await askBeforeStarting(c, false);
      return asked ?? refusing(c, adminPage(idParam(c)), 'ceremony-started', () => startCeremony(db(c), acting(c), idParam(c)), () => ({ ceremony: '1' }));
    })
    .post('/admin/elections/:id/ceremony/restart', async (c) => {
      const asked = await askBeforeStarting(c, true);
      return asked ?? refusing(c, adminPage(idParam(c)), 'ceremony-restarted', () => restartCeremony(db(c), acting(c), idParam(c)), () => ({ ceremony: '1' }));
    })
    .get('/scrutiny/elections/:id/ceremony', async (c) => {
      const e = await electionOr404(c);
      const user = currentUser(c);
      let shown: Parameters<typeof TrusteePage>[0]['ceremony'];
      try {
        const { ceremony, index } = await trusteeOf(db(c), acting(c), e.id);
        if (ceremony.state !== 'failed') {
          const status = await statusOf(db(c), ceremony);
          shown = {
            index, k: ceremony.k, n: ceremony.n, state: ceremony.state,
            exchangeFingerprint: status.state === 'failed' ? undefined : status.exchangeFingerprint,
            fingerprint: status.state === 'complete' ? status.fingerprint : undefined,
          };
        }
      } catch (err) {
        if (!(err instanceof Refused)) throw err;
        // Not a trustee of the latest ceremony: a named scrutineer still sees that none is running; anyone else is refused.
        if (user.deputyId === null || !await isNamedScrutineer(db(c), e.id, user.deputyId)) throw new HTTPException(403);
      }
      return c.render(<TrusteePage v={view(c)} electionId={e.id} title={e.title} ceremony={shown} scriptUrl={assetUrl('ceremony.js')} />,
        { title: `${c.var.t('ceremony.title')} · ${e.title}` });
    })
    .get('/scrutiny/elections/:id/ceremony/messages.json', (c) => trusteeStep(c, async (id) => {
      await electionOr404(c);
      const { ceremony, index } = await trusteeOf(db(c), acting(c), id);
      const status = await statusOf(db(c), ceremony);
      return { ...(await messagesForTrustee(db(c), ceremony, index)), status };
    }))
    .post('/scrutiny/elections/:id/ceremony/messages', (c) => trusteeStep(c, async (id) => {
      await electionOr404(c);
      const form = await c.req.parseBody();
      const kind = textField(form, 'kind');
      if (!(CEREMONY_MESSAGE_KINDS as readonly string[]).includes(kind)) throw new Refused('kind');
      const status = await postCeremonyMessage(db(c), acting(c), id, kind as CeremonyMessageKind, parsedMessage(textField(form, 'message')));
      return { state: status.state };
    }))
    .post('/scrutiny/elections/:id/ceremony/possession/nonce', (c) => trusteeStep(c, (id) => issuePossessionNonce(db(c), acting(c), id)))
    .post('/scrutiny/elections/:id/ceremony/possession', (c) => trusteeStep(c, async (id) => {
      const form = await c.req.parseBody();
      await provePossession(db(c), acting(c), id, textField(form, 'nonce'), parsedMessage(textField(form, 'proof')));
      return {};
    }));
}

