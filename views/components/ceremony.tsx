import type { CeremonyOverview } from '../../src/ceremonies/model.ts';
import type { MessageKey } from '../../src/platform/i18n/index.ts';
import { PostButton } from './form.tsx';
import type { ViewContext } from '../context.ts';

const STATE: Record<CeremonyOverview['state'], MessageKey> = {
  none: 'ceremony.state.none', running: 'ceremony.state.running', failed: 'ceremony.state.failed', complete: 'ceremony.state.complete',
};

/**
 * The fingerprints known so far, under a heading of their own, with the instruction to compare them
 * aloud outside the system (the one step the system cannot do): drawn prominently, before the
 * trustee's form and on the secretariat's panel. views/assets/ceremony.ts draws the same block.
 */
export function Fingerprints({ v, exchangeFingerprint, fingerprint, level = 3 }: { v: ViewContext; exchangeFingerprint?: string; fingerprint?: string; level?: 2 | 3 }) {
  const { t } = v;
  if (!exchangeFingerprint && !fingerprint) return <></>;
  return (
    <div class="fingerprint-check">
      {level === 2 ? <h2>{t('ceremony.compareTitle')}</h2> : <h3>{t('ceremony.compareTitle')}</h3>}
      <dl class="facts facts--wide big-facts">
        {exchangeFingerprint && <div><dt>{t('ceremony.exchangeFingerprint')}</dt><dd><code class="fingerprint" data-fingerprint="exchange">{exchangeFingerprint}</code></dd></div>}
        {fingerprint && <div><dt>{t('ceremony.fingerprint')}</dt><dd><code class="fingerprint" data-fingerprint="election">{fingerprint}</code></dd></div>}
      </dl>
      <p class="fingerprint-check__say">{t(exchangeFingerprint && fingerprint ? 'ceremony.compareAloud' : 'ceremony.compareAloudOne')}</p>
    </div>
  );
}

/**
 * The secretariat's view of an encrypted vote's key ceremony on the vote's page: its state, the
 * trustees, who still has to act, the faults with the trustee named, both fingerprints once known,
 * the proofs of possession before opening, and the start and restart buttons.
 */
export function CeremonyPanel({ v, electionId, ceremony: c }: { v: ViewContext; electionId: number; ceremony: CeremonyOverview }) {
  const { t } = v;
  const list = (xs: number[]) => (xs.length > 0 ? xs.map((i) => c.trustees.find((x) => x.index === i)?.name ?? String(i)).join('、') : t('ceremony.none'));
  return (
    <section aria-labelledby="ceremony-title" id="ceremony">
      <h2 id="ceremony-title">{t('ceremony.title')}</h2>
      <p class="field__hint">{t('ceremony.intro')}</p>
      <dl class="facts facts--wide">
        <div><dt>{t('ceremony.stateLabel')}</dt><dd><span class="chip">{t(STATE[c.state])}</span></dd></div>
        {c.k !== null && <div><dt>{t('ceremony.trustees')}</dt><dd>{t('ceremony.parameters', { k: c.k, n: c.n })}</dd></div>}
        {c.contextId && <div><dt>{t('ceremony.context')}</dt><dd><code class="digest">{c.contextId}</code></dd></div>}
      </dl>
      {c.trustees.length > 0 && (
        <ol class="trustee-list">
          {c.trustees.map((x) => <li>{t('ceremony.trusteeLine', { index: x.index, name: x.name, code: x.code })}</li>)}
        </ol>
      )}
      {c.missing.length > 0 && (
        <>
          <h3>{t('ceremony.missingTitle')}</h3>
          <ul>
            {c.missing.map((m) => <li>{t(`ceremony.missing.${m.what}`, { index: m.index, name: m.name, recipient: m.recipient ?? '' })}</li>)}
          </ul>
        </>
      )}
      {c.faults.length > 0 && (
        <>
          <h3>{t('ceremony.faultsTitle')}</h3>
          <ul class="notice notice--error">
            {c.faults.map((f) => <li>{f.index === null
              ? t('ceremony.fault.relay', { reason: f.reason })
              : t('ceremony.fault.trustee', { index: f.index, name: f.name ?? '', kind: t(`ceremony.faultKind.${f.kind}`), reason: f.reason })}</li>)}
          </ul>
        </>
      )}
      <Fingerprints v={v} exchangeFingerprint={c.exchangeFingerprint} fingerprint={c.fingerprint} />
      {c.state === 'complete' && (
        <>
          <h3>{t('ceremony.possessionTitle')}</h3>
          <p>{t('ceremony.possessionProved', { list: list(c.proved) })}</p>
          <p>{t('ceremony.possessionMissing', { list: list(c.trustees.map((x) => x.index).filter((i) => !c.proved.includes(i))) })}</p>
        </>
      )}
      <div class="review-actions">
        {c.canStart && <PostButton action={`/admin/elections/${electionId}/ceremony/start`} label={t('ceremony.start')} kind="primary" />}
        {c.canRestart && <PostButton action={`/admin/elections/${electionId}/ceremony/restart`} label={t('ceremony.restart')} kind="danger" />}
      </div>
      {c.canRestart && <p class="field__hint">{t('ceremony.restartHint')}</p>}
    </section>
  );
}
