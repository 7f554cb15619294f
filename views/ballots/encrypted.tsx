import { LETTERS } from '../../src/domain/record/format.ts';
import type { SpoiledCheck } from '../../src/ballots/encrypted.ts';
import type { ViewContext } from '../context.ts';
import { letterLabel } from '../components/labels.ts';
import { Notice } from '../components/form.tsx';
import type { BallotElection, BallotOption } from './ballot-types.ts';

/**
 * What a ballot page of an encrypted election carries for views/assets/ballot-page.ts, as data
 * attributes (the CSP allows no inline script): the election key and its fingerprint, the context
 * id, the spec, and the nonce the server issued for this page view with its MAC.
 */
export interface EncryptedBallotData {
  publicKey: string;
  fingerprint: string;
  contextId: string;
  /** The crypto core's spec (src/ballots/encrypted.ts cryptoSpecOf). */
  spec: { marking: string; optionKeys: readonly string[]; seats?: number };
  nonce: string;
  nonceMac: string;
  scriptUrl: string;
}

function shared(e: BallotElection, returnTo: string) {
  return e.sharedTablets ? { 'data-shared-tablet': '', 'data-return-to': returnTo } : {};
}

/** The marks as a table, option by option (review steps). */
function MarksTable({ v, e, options, marks, caption }: { v: ViewContext; e: BallotElection; options: BallotOption[]; marks?: string; caption: string }) {
  const { t } = v;
  return (
    <div class="table-wrap">
      <table class="table review-table">
        <caption class="visually-hidden">{caption}</caption>
        <thead><tr><th scope="col">{t('ballot.number')}</th><th scope="col">{t('ballot.option')}</th><th scope="col">{t('ballot.yourMark')}</th></tr></thead>
        <tbody>
          {options.map((o, i) => (
            <tr data-review-row={o.key}><td>{o.position}</td><th scope="row">{o.title}</th>
              <td><strong data-mark-of={o.key}>{marks ? letterLabel(v, e.marking, marks[i]!) : ''}</strong></td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Fingerprint({ v, fingerprint }: { v: ViewContext; fingerprint: string }) {
  return (
    <dl class="facts facts--wide">
      <div><dt>{v.t('ballot.enc.fingerprint')}</dt><dd><code class="fingerprint" data-election-fingerprint>{fingerprint}</code></dd></div>
    </dl>
  );
}

/** Above the ballot of an encrypted election: what happens to the choices, and the weaker path without JavaScript. */
export function EncryptedIntro({ v }: { v: ViewContext }) {
  return (
    <>
      <p class="notice notice--ok">{v.t('ballot.enc.intro')}</p>
      <noscript><p class="notice notice--warn">{v.t('ballot.enc.noscript')}</p></noscript>
    </>
  );
}

/**
 * The in-page review of views/assets/ballot-page.ts, hidden until the module has encrypted the
 * ballot: the choices, the tracker (before casting), the fingerprint the trustees confirmed, and
 * three actions: cast (nonce, nonceMac, ballot: never the marks), check the encryption (the
 * Benaloh challenge, confirmed on the next page), change.
 */
export function EncryptedReview({ v, election: e, options, data }: { v: ViewContext; election: BallotElection; options: BallotOption[]; data: EncryptedBallotData }) {
  const { t } = v;
  const letters = LETTERS[e.marking];
  const labels = Object.fromEntries(letters.map((l) => [l, letterLabel(v, e.marking, l)]));
  return (
    <>
      <p id="encrypted-status" class="notice" role="status" aria-live="polite" hidden></p>
      <section id="encrypted-review" class="encrypted-review" hidden aria-labelledby="encrypted-review-title" tabindex={-1}
        data-labels={JSON.stringify(labels)} data-say-encrypting={t('ballot.enc.encrypting')} data-say-failed={t('ballot.enc.failed')}>
        <h2 id="encrypted-review-title">{t('ballot.enc.reviewTitle')}</h2>
        <p>{t('ballot.enc.reviewIntro')}</p>
        <MarksTable v={v} e={e} options={options} caption={e.title} />
        <p>{t('ballot.enc.tracker')}</p>
        <p class="tracker" data-review-tracker></p>
        <Fingerprint v={v} fingerprint={data.fingerprint} />
        <div class="review-actions">
          <form method="post" action={`/elections/${e.id}/ballot`} data-cast-form>
            <input type="hidden" name="nonce" value={data.nonce} />
            <input type="hidden" name="nonceMac" value={data.nonceMac} />
            <input type="hidden" name="ballot" value="" />
            <button type="submit" class="button button--primary button--big">{t('ballot.enc.cast')}</button>
          </form>
          <button type="button" class="button button--secondary button--big" data-change>{t('ballot.enc.change')}</button>
        </div>
        <p class="muted">{t('ballot.enc.checkHelp')}</p>
        {/* The check asks in the page first: nothing is sent until the deputy confirms (then confirm=1). */}
        <button type="button" class="button button--secondary" data-spoil-ask aria-controls="spoil-confirm" aria-expanded="false">{t('ballot.enc.check')}</button>
        <form method="post" action={`/elections/${e.id}/ballot/spoil`} data-spoil-form id="spoil-confirm" class="confirm" hidden aria-labelledby="spoil-confirm-title" tabindex={-1}>
          <h3 id="spoil-confirm-title">{t('ballot.spoil.ask.title')}</h3>
          <ul class="confirm__list">
            <li>{t('ballot.spoil.ask.published')}</li>
            <li>{t('ballot.spoil.ask.again')}</li>
          </ul>
          <input type="hidden" name="confirm" value="1" />
          <input type="hidden" name="nonce" value={data.nonce} />
          <input type="hidden" name="nonceMac" value={data.nonceMac} />
          <input type="hidden" name="ballot" value="" />
          <input type="hidden" name="marks" value="" />
          <input type="hidden" name="randomness" value="" />
          <div class="review-actions">
            <button type="submit" class="button button--danger button--big">{t('ballot.spoil.ask.button')}</button>
            <button type="button" class="button button--secondary button--big" data-spoil-cancel>{t('confirm.back')}</button>
          </div>
        </form>
      </section>
      <script type="module" src={data.scriptUrl}></script>
    </>
  );
}

/**
 * The review without JavaScript: the server encrypted the choices itself (the randomness
 * discarded) and says so; cast posts nonce, nonceMac and ballot only.
 */
export function ServerEncryptedReviewPage({ v, election: e, options, marks, nonce, nonceMac, ballot, tracker, fingerprint }: {
  v: ViewContext; election: BallotElection; options: BallotOption[]; marks: string; nonce: string; nonceMac: string; ballot: string; tracker: string; fingerprint: string;
}) {
  const { t } = v;
  const hidden = options.map((o, i) => (e.marking === 'approval' && marks[i] === 'N' ? null : <input type="hidden" name={`choice.${o.key}`} value={marks[i]} />));
  return (
    <div id="ballot-area" class="ballot-area" {...shared(e, `/elections/${e.id}/ballot`)}>
      <p class="eyebrow">{e.meetingTitle}</p>
      <h1>{t('ballot.enc.reviewTitle')}</h1>
      <Notice kind="warn">
        <p>{t('ballot.enc.serverWeaker')}</p>
        <p><a href={`/elections/${e.id}/ballot`}>{t('ballot.enc.enableJs')}</a></p>
      </Notice>
      <p>{t('ballot.enc.serverReviewIntro')}</p>
      <MarksTable v={v} e={e} options={options} marks={marks} caption={e.title} />
      <p>{t('ballot.enc.tracker')}</p>
      <p class="tracker" data-review-tracker>{tracker}</p>
      <Fingerprint v={v} fingerprint={fingerprint} />
      <div class="review-actions">
        <form method="post" action={`/elections/${e.id}/ballot`}>
          <input type="hidden" name="nonce" value={nonce} />
          <input type="hidden" name="nonceMac" value={nonceMac} />
          <input type="hidden" name="ballot" value={ballot} />
          <button type="submit" class="button button--primary button--big">{t('ballot.enc.cast')}</button>
        </form>
        <form method="post" action={`/elections/${e.id}/ballot/review?edit=1`}>
          {hidden}
          <button type="submit" class="button button--secondary button--big">{t('ballot.enc.change')}</button>
        </form>
      </div>
    </div>
  );
}

/** After a check (spoil): the tracker of the checked ballot, how to check it, and voting now. */
export function SpoiledPage({ v, election: e, tracker }: { v: ViewContext; election: BallotElection; tracker: string }) {
  const { t } = v;
  return (
    <div id="ballot-area" class="ballot-area" {...shared(e, `/elections/${e.id}/ballot`)}>
      <p class="eyebrow">{e.meetingTitle}</p>
      <h1>{t('ballot.spoil.title')}</h1>
      <Notice kind="warn"><strong>{t('ballot.spoil.done')}</strong></Notice>
      <p>{t('ballot.spoil.tracker')}</p>
      <p class="tracker" data-spoiled-tracker>{tracker}</p>
      <p>{t('ballot.spoil.how')}</p>
      <p><a class="button button--secondary" href={`/check?tracker=${encodeURIComponent(tracker)}`}>{t('ballot.spoil.checkLink')}</a></p>
      <p><a class="button button--primary button--big" href={`/elections/${e.id}/ballot`}>{t('ballot.spoil.voteAgain')}</a></p>
    </div>
  );
}

/**
 * The static check page (GET /check): a spoiled ballot fetched by tracker or pasted as JSON,
 * checked in the browser by views/assets/check-ballot.ts. Works saved to disk and opened offline
 * (the pasted JSON then).
 */
export function CheckPage({ v, tracker, scriptUrl, labels }: { v: ViewContext; tracker: string; scriptUrl: string; labels: Record<string, Record<string, string>> }) {
  const { t } = v;
  const say = ['ok', 'badJson', 'notSpoiled', 'notFound', 'failOpen', 'failProof', 'failTracker', 'marks', 'working', 'fingerprint'] as const;
  return (
    <section class="narrow" aria-labelledby="check-title" id="check-ballot" data-labels={JSON.stringify(labels)}>
      <h1 id="check-title">{t('check.title')}</h1>
      <p>{t('check.intro')}</p>
      <noscript><p class="notice notice--warn">{t('check.noscript')}</p></noscript>
      <ul hidden id="check-strings">{say.map((k) => <li data-key={k}>{t(`check.${k}`)}</li>)}</ul>
      <form class="stack" data-check-tracker method="get" action="/check">
        <div class="field">
          <label for="check-tracker-input">{t('check.byTracker')}</label>
          <input id="check-tracker-input" name="tracker" value={tracker} maxlength={40} autocomplete="off" />
        </div>
        <button type="submit" class="button button--primary">{t('check.fetch')}</button>
      </form>
      <form class="stack" data-check-json>
        <div class="field">
          <label for="check-json-input">{t('check.json')}</label>
          <textarea id="check-json-input" rows={6} spellcheck={false}></textarea>
        </div>
        <button type="submit" class="button button--secondary">{t('check.run')}</button>
      </form>
      <div id="check-result" role="status" aria-live="polite"></div>
      <p class="muted">{t('check.offline')}</p>
      <script type="module" src={scriptUrl}></script>
    </section>
  );
}

export type { SpoiledCheck };
