import type { CeremonyState } from '../../src/domain/vocabulary.ts';
import type { MessageKey } from '../../src/platform/i18n/index.ts';
import type { ViewContext } from '../context.ts';
import { Notice } from '../components/form.tsx';
import { Fingerprints } from '../components/ceremony.tsx';

/** Strings the trustee's browser module shows (it reads them from the page: no text lives in the script). */
const SCRIPT_STRINGS: MessageKey[] = [
  'ceremony.trustee.waiting', 'ceremony.trustee.working', 'ceremony.trustee.published', 'ceremony.trustee.downloaded', 'ceremony.trustee.finalDownloaded',
  'ceremony.trustee.complained', 'ceremony.trustee.relayFault', 'ceremony.trustee.proved', 'ceremony.trustee.failed',
  'ceremony.trustee.passphrase.too-short', 'ceremony.trustee.passphrase.too-few-distinct',
  'ceremony.trustee.file.format', 'ceremony.trustee.file.passphrase', 'ceremony.trustee.file.inconsistent', 'ceremony.trustee.ready',
  'ceremony.compareAloud', 'ceremony.exchangeFingerprint', 'ceremony.fingerprint', 'ceremony.compareTitle', 'ceremony.compareAloudOne',
  'ceremony.trustee.file.notFinal', 'ceremony.trustee.fileHint.ceremony', 'ceremony.trustee.fileHint.final', 'ceremony.trustee.allDone', 'ceremony.trustee.progress',
];

export interface TrusteePageProps {
  v: ViewContext;
  electionId: number;
  title: string;
  /** Undefined when no ceremony is running or complete (the page says so). */
  ceremony?: { index: number; k: number; n: number; state: CeremonyState; exchangeFingerprint?: string; fingerprint?: string };
  scriptUrl: string;
}

/**
 * A trustee's key ceremony page. Every step runs in the trustee's browser (views/assets/ceremony.ts,
 * a bundled module: no inline script); without JavaScript the page says that the steps need it.
 */
export function TrusteePage({ v, electionId, title, ceremony: c, scriptUrl }: TrusteePageProps) {
  const { t } = v;
  const base = `/scrutiny/elections/${electionId}/ceremony`;
  return (
    <section aria-labelledby="ceremony-heading">
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/scrutiny">{t('counting.listTitle')}</a></nav>
      <h1 id="ceremony-heading">{t('ceremony.trustee.heading', { title })}</h1>
      <p class="field__hint">{t('ceremony.intro')}</p>
      {!c && <Notice kind="error">{t('ceremony.trustee.notRunning')}</Notice>}
      {c && (
        <>
          <p class="big-facts">{t('ceremony.trustee.you', { index: c.index, n: c.n, k: c.k })}</p>
          <noscript><p class="notice notice--warn">{t('ceremony.trustee.noscript')}</p></noscript>
          <div id="ceremony-fingerprints">
            <Fingerprints v={v} exchangeFingerprint={c.exchangeFingerprint} fingerprint={c.fingerprint} level={2} />
          </div>
          <div id="ceremony-trustee" hidden data-election={String(electionId)} data-index={String(c.index)} data-state={c.state}
            data-messages={`${base}/messages.json`} data-post={`${base}/messages`} data-nonce={`${base}/possession/nonce`} data-possession={`${base}/possession`}>
            <div class="field">
              <label for="ceremony-passphrase">{t('ceremony.trustee.passphrase')}</label>
              <input id="ceremony-passphrase" type="password" autocomplete="new-password" class="big-input" />
              <p class="field__hint">{t('ceremony.trustee.passphraseHint')}</p>
            </div>
            <div class="field" data-needs-file>
              <label for="ceremony-file">{t('ceremony.trustee.fileLabel')}</label>
              <input id="ceremony-file" type="file" accept=".json,application/json" aria-describedby="ceremony-file-hint" />
              <p class="field__hint" id="ceremony-file-hint">{t('ceremony.trustee.fileHint.ceremony')}</p>
            </div>
            <section data-step="exchange" hidden>
              <h2>{t('ceremony.trustee.step1')}</h2>
              <button type="button" class="button button--primary button--big" data-action="exchange">{t('ceremony.trustee.step1Button')}</button>
            </section>
            <section data-step="deal" hidden>
              <h2>{t('ceremony.trustee.step2')}</h2>
              <button type="button" class="button button--primary button--big" data-action="deal">{t('ceremony.trustee.step2Button')}</button>
            </section>
            <section data-step="receive" hidden>
              <h2>{t('ceremony.trustee.step3')}</h2>
              <button type="button" class="button button--primary button--big" data-action="receive">{t('ceremony.trustee.step3Button')}</button>
            </section>
            <section data-step="possession" hidden>
              <h2>{t('ceremony.trustee.step4')}</h2>
              <button type="button" class="button button--primary button--big" data-action="possession">{t('ceremony.trustee.step4Button')}</button>
            </section>
            <p id="ceremony-status" role="status" aria-live="polite" class="big-facts"></p>
          </div>
          <ul id="ceremony-strings" hidden>
            {SCRIPT_STRINGS.map((k) => <li data-key={k}>{t(k)}</li>)}
          </ul>
          <script type="module" src={scriptUrl}></script>
        </>
      )}
    </section>
  );
}
