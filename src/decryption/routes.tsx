import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DecryptionPage } from '../../views/decryption/trustee.tsx';
import { isNamedScrutineer } from '../ceremonies/store.ts';
import { electionOr404 } from '../elections/routes.tsx';
import { assetUrl } from '../platform/http/assets.ts';
import type { AppEnv } from '../platform/http/env.ts';
import { textField } from '../platform/http/forms.ts';
import { acting, type Ctx, currentUser, db, idParam, view } from '../platform/http/kit.ts';
import { Refused } from '../platform/refusal.ts';
import { digestWords } from './as-sealed.ts';
import { DECRYPTION_ERRORS } from './errors.ts';
import { decryptionData, type DecryptionRefusal, submitPartial, trusteeForDecryption } from './store.ts';


/**
 * Runs a trustee's step for the page's script: its JSON answer, or the refusal as JSON with the
 * reason and its translation: 403 for someone who is no trustee of the election's ceremony, 404
 * for no such election, 422 for everything else. Nothing is written when refused.
 */
async function trusteeStep(c: Ctx, run: (id: number) => Promise<unknown>) {
  const id = idParam(c);
  await electionOr404(c);
  try {
    return c.json({ ok: true, ...(await run(id) as object) });
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    if (e.reason === 'not-found') throw new HTTPException(404);
    const reason = e.reason as Exclude<DecryptionRefusal, 'not-found'>;
    const detail = (e.detail ?? {}) as Record<string, unknown>;
    const message = c.var.t(DECRYPTION_ERRORS[reason] ?? 'error.400', { option: String(detail['option'] ?? ''), letter: String(detail['letter'] ?? '') });
    return c.json({ ok: false, error: reason, message }, reason === 'not-trustee' ? 403 : 422);
  }
}

/**
 * The trustees' decryption (docs/decryption.md), for the trustees of an encrypted election's
 * ceremony, each by their own session: the page, the public data their browser checks and decrypts,
 * and the post of their partial decryption (one form field `partial`).
 */
export function decryptionRoutes() {
  return new Hono<AppEnv>()
    .get('/scrutiny/elections/:id/decryption', async (c) => {
      const e = await electionOr404(c);
      const user = currentUser(c);
      let shown: Parameters<typeof DecryptionPage>[0]['decryption'];
      try {
        const { context, index } = await trusteeForDecryption(db(c), acting(c), e.id);
        const digest = context.sealed?.digest ?? context.aggregateDigest;
        shown = { index, k: context.k, electronic: context.electronic, digestWords: digestWords(digest) ?? digest, trustees: context.trustees.map((t) => ({ index: t.index, name: t.name, decrypted: t.decrypted })) };
      } catch (err) {
        if (!(err instanceof Refused)) throw err;
        // Not sealed yet, or not a trustee: a named scrutineer sees that decryption has not started; anyone else is refused.
        const sealed = e.state !== 'draft' && e.state !== 'open' && e.state !== 'closed';
        if (sealed || user.deputyId === null || !await isNamedScrutineer(db(c), e.id, user.deputyId)) throw new HTTPException(403);
      }
      return c.render(<DecryptionPage v={view(c)} electionId={e.id} title={e.title} state={e.state} decryption={shown} scriptUrl={assetUrl('decryption.js')} workerUrl={assetUrl('decryption-worker.js')} />,
        { title: `${c.var.t('decryption.title')} · ${e.title}` });
    })
    .get('/scrutiny/elections/:id/decryption.json', (c) => trusteeStep(c, (id) => decryptionData(db(c), acting(c), id)))
    .post('/scrutiny/elections/:id/decryption', (c) => trusteeStep(c, async (id) => {
      const form = await c.req.parseBody();
      return submitPartial(db(c), acting(c), id, textField(form, 'partial'));
    }));
}
