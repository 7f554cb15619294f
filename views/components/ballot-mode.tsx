import type { BallotMode } from '../../src/domain/vocabulary.ts';
import { DEFAULT_THRESHOLD } from '../../src/elections/rules.ts';
import type { ViewContext } from '../context.ts';
import { Field } from './form.tsx';

/**
 * The choice of how ballots are kept (docs/using.md, "加密投票还是明文投票"): encrypted, recommended
 * and the default of a new vote, or plaintext with its limit said; and, for encrypted, the trustee
 * threshold k. Used by the form that sets up a vote and by a draft's own page.
 */
export function BallotModeFields({ v, mode, threshold, errors, idPrefix = 'bm' }: {
  v: ViewContext; mode: BallotMode; threshold: string | undefined; errors?: Record<string, string | undefined>; idPrefix?: string;
}) {
  const { t } = v;
  const modeError = errors?.['ballotMode'];
  return (
    <fieldset class="ballot-mode" aria-describedby={modeError ? `${idPrefix}-mode-error` : undefined}>
      <legend>{t('ballotMode.legend')}</legend>
      {modeError && <p id={`${idPrefix}-mode-error`} class="field__error">{modeError}</p>}
      <label class="check check--top">
        <input type="radio" name="ballotMode" value="encrypted" checked={mode === 'encrypted'} aria-describedby={`${idPrefix}-encrypted-hint`} />
        <span><strong>{t('ballotMode.encrypted')}</strong> <span class="chip">{t('ballotMode.recommended')}</span>
          <span id={`${idPrefix}-encrypted-hint`} class="field__hint">{t('ballotMode.encryptedHint')}</span></span>
      </label>
      <label class="check check--top">
        <input type="radio" name="ballotMode" value="plaintext" checked={mode === 'plaintext'} aria-describedby={`${idPrefix}-plaintext-hint`} />
        <span><strong>{t('ballotMode.plaintext')}</strong>
          <span id={`${idPrefix}-plaintext-hint`} class="field__hint">{t('ballotMode.plaintextHint')}</span></span>
      </label>
      <Field id={`${idPrefix}-threshold`} name="threshold" type="number" label={t('ballotMode.threshold')} hint={t('ballotMode.thresholdHint')}
        value={threshold ?? String(DEFAULT_THRESHOLD)} error={errors?.['threshold']} />
    </fieldset>
  );
}
