import type { ElectionState } from '../../src/domain/vocabulary.ts';
import type { MessageKey } from '../../src/platform/i18n/index.ts';
import type { ViewContext } from '../context.ts';
import { AggregateDigest } from '../components/aggregate-digest.tsx';
import { Notice } from '../components/form.tsx';

/** Strings the trustee's browser module shows (it reads them from the page: no text lives in the script). */
const SCRIPT_STRINGS: MessageKey[] = [
  'decryption.script.loading', 'decryption.script.opening', 'decryption.script.checking', 'decryption.script.proving', 'decryption.script.sending',
  'decryption.script.sent', 'decryption.script.combined', 'decryption.script.failed', 'decryption.script.wrongFile', 'decryption.script.wrongShare',
  'decryption.script.badBallot', 'decryption.script.mismatch', 'decryption.script.noFile', 'decryption.script.count', 'decryption.script.digest',
  'ceremony.trustee.file.format', 'ceremony.trustee.file.passphrase', 'ceremony.trustee.file.inconsistent',
];

export interface DecryptionPageProps {
  v: ViewContext;
  electionId: number;
  title: string;
  state: ElectionState;
  /** Undefined before the seal of the vote (the page says the decryption has not started). */
  decryption?: {
    index: number;
    k: number;
    /** The roll's count of electronic votes: the browser refuses any other number of ballots. */
    electronic: number;
    /** The short readable digest of the aggregate the seal fixed (as its audit entry recorded it). */
    digestWords: string;
    trustees: { index: number; name: string; decrypted: boolean }[];
  };
  scriptUrl: string;
  /** The workers' module (views/assets/decryption-worker.ts). */
  workerUrl: string;
}

/**
 * A trustee's decryption page (docs/decryption.md): the trustee opens their file with its passphrase
 * in this page; the browser module (views/assets/decryption.ts) checks every encrypted ballot's proofs,
 * recomputes the sum, and sends only the partial decryption of the totals with its proofs. The page
 * shows how many of the k needed decryptions are in and whose. Without JavaScript it says the step needs it.
 */
export function DecryptionPage({ v, electionId, title, state, decryption: d, scriptUrl, workerUrl }: DecryptionPageProps) {
  const { t } = v;
  const base = `/scrutiny/elections/${electionId}/decryption`;
  const mine = d?.trustees.find((x) => x.index === d.index);
  const done = d?.trustees.filter((x) => x.decrypted) ?? [];
  return (
    <section aria-labelledby="decryption-heading">
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/scrutiny">{t('counting.listTitle')}</a></nav>
      <h1 id="decryption-heading">{t('decryption.heading', { title })}</h1>
      <p class="field__hint">{t('decryption.intro')}</p>
      {!d && <Notice kind="warn">{t('decryption.notSealed')}</Notice>}
      {d && (
        <>
          {/* The progress as the page was served; the script hides it once this trustee's share is in (it is then stale). */}
          <div id="decryption-progress-block">
            <p class="big-facts" id="decryption-progress">{t('decryption.progress', { done: done.length, k: d.k, n: d.trustees.length })}</p>
            <ul class="meeting-list" aria-labelledby="decryption-progress">
              {d.trustees.map((x) => (
                <li>{t('decryption.trusteeLine', { index: x.index, name: x.name })}{' '}
                  <span class={`chip${x.decrypted ? ' chip--ok' : ''}`}>{t(x.decrypted ? 'decryption.decrypted' : 'decryption.waiting')}</span></li>
              ))}
            </ul>
          </div>
          {state !== 'decrypting' && <Notice kind="ok">{t(state === 'void' ? 'decryption.void' : 'decryption.finished')}</Notice>}
          {state === 'decrypting' && mine?.decrypted && <Notice kind="ok">{t('decryption.youDecrypted')}</Notice>}
          {state === 'decrypting' && !mine?.decrypted && (
            <>
              <p class="big-facts">{t('decryption.you', { index: d.index, ballots: d.electronic })}</p>
              <AggregateDigest label={t('decryption.digest')} words={d.digestWords} say={t('decryption.digestHint')} />
              <ol>
                <li>{t('decryption.what.open')}</li>
                <li>{t('decryption.what.check')}</li>
                <li>{t('decryption.what.prove', { k: d.k })}</li>
              </ol>
              <noscript><p class="notice notice--warn">{t('decryption.noscript')}</p></noscript>
              <div id="decryption-trustee" hidden data-index={String(d.index)} data-electronic={String(d.electronic)} data-digest={d.digestWords} data-data={`${base}.json`} data-post={base} data-worker={workerUrl}>
                <div class="field" data-input>
                  <label for="decryption-file">{t('decryption.fileLabel')}</label>
                  <input id="decryption-file" type="file" accept=".json,application/json" aria-describedby="decryption-file-hint" />
                  <p class="field__hint" id="decryption-file-hint">{t('decryption.fileHint')}</p>
                </div>
                <div class="field" data-input>
                  <label for="decryption-passphrase">{t('decryption.passphrase')}</label>
                  <input id="decryption-passphrase" type="password" autocomplete="current-password" class="big-input" />
                </div>
                <button type="button" class="button button--primary button--big" data-action="decrypt">{t('decryption.button')}</button>
                <progress id="decryption-meter" max="1" value="0" hidden aria-label={t('decryption.meter')}></progress>
                <p id="decryption-status" role="status" aria-live="polite" class="big-facts"></p>
              </div>
              <ul id="decryption-strings" hidden>
                {SCRIPT_STRINGS.map((k) => <li data-key={k}>{t(k)}</li>)}
              </ul>
              <script type="module" src={scriptUrl}></script>
            </>
          )}
        </>
      )}
    </section>
  );
}
