import { formatMoney } from '../../src/platform/i18n/index.ts';
import { letterLabel } from '../components/labels.ts';
import type { CandidateView } from '../../src/meetings/model.ts';
import { LETTERS, type Marking } from '../../src/domain/record/format.ts';
import type { ViewContext } from '../context.ts';
import { Notice } from '../components/form.tsx';
import { EncryptedIntro, EncryptedReview, type EncryptedBallotData } from './encrypted.tsx';

export type { BallotElection, BallotOption } from './ballot-types.ts';
import type { BallotElection, BallotOption } from './ballot-types.ts';

/** Seconds a receipt stays on a shared tablet before the sign-in page comes back by itself. */
export const SHARED_RECEIPT_SECONDS = 60;
/** The neutral page a shared tablet returns to after a cast. */
export const SHARED_RETURN_TO = '/login';

/**
 * On a shared tablet, marks the ballot area for app.js: it empties the area when the page is left
 * and, should the browser bring the page back from its back/forward cache, goes to `returnTo`
 * instead of showing it again.
 */
function sharedAttributes(e: BallotElection, returnTo: string) {
  return e.sharedTablets ? { 'data-shared-tablet': '', 'data-return-to': returnTo } : {};
}

function Instructions({ v, e }: { v: ViewContext; e: BallotElection }) {
  switch (e.marking) {
    case 'for-against-abstain': return <p class="ballot-help">{v.t('ballot.help.faa', { seats: e.seats ?? 0 })}</p>;
    case 'approval': return <p class="ballot-help">{v.t('ballot.help.approval', { seats: e.seats ?? 0 })}</p>;
    case 'satisfaction': return <p class="ballot-help">{v.t('ballot.help.satisfaction')}</p>;
  }
}

function Details({ v, c }: { v: ViewContext; c: CandidateView }) {
  return (
    <details class="ballot-details">
      <summary>{v.t('ballot.details')}</summary>
      <dl class="facts">
        <div><dt>{v.t('candidate.leadDepartment')}</dt><dd>{c.leadDepartment}</dd></div>
        <div><dt>{v.t('candidate.investment')}</dt><dd>{c.totalInvestmentYuan === null ? v.t('candidate.notGiven') : formatMoney(v.lang, c.totalInvestmentYuan)}</dd></div>
        <div><dt>{v.t('candidate.targets')}</dt><dd>{c.targets.join(v.t('list.clauseSeparator'))}</dd></div>
      </dl>
      <p>{c.description}</p>
    </details>
  );
}

export interface BallotPageProps {
  v: ViewContext;
  election: BallotElection;
  options: BallotOption[];
  /** Choices to show selected again (after "change" on the review step, or after an error). */
  choices?: Record<string, string>;
  /** Problems other than unmarked items, as sentences (too many 赞成, a tampered form). */
  errors?: string[];
  /** Keys of the options left without a mark: each is marked in place and linked from the summary. */
  missing?: string[];
  /** An encrypted election's key, spec and this view's nonce: the browser encrypts (views/assets/ballot-page.ts). */
  encrypted?: EncryptedBallotData;
}

/**
 * The ballot: one group of marks per option, a counter of 赞成 against the seats (app.js keeps it
 * live; the server checks again), then a review step. A plain form; htmx swaps the steps in place.
 *
 * Problems are shown as an error summary at the top (focused, role=alert, linking each unmarked
 * item) and at each unmarked item, in words. The server renders them after refusing a ballot;
 * app.js shows the same before submitting, from the same elements (each item's message and summary
 * entry is always rendered, hidden while the item is fine).
 */
export function BallotPage({ v, election: e, options, choices = {}, errors = [], missing = [], encrypted }: BallotPageProps) {
  const { t } = v;
  const letters = LETTERS[e.marking];
  const forCount = Object.values(choices).filter((x) => x === 'F').length;
  const unmarked = new Set(missing);
  const anyProblem = errors.length > 0 || unmarked.size > 0;
  const needsMark = e.marking !== 'approval';
  return (
    <div id="ballot-area" class="ballot-area" {...sharedAttributes(e, `/elections/${e.id}/ballot`)}>
      <p class="eyebrow">{e.meetingTitle}</p>
      <h1>{e.title}</h1>
      <div class="error-summary" id="ballot-errors" role="alert" tabindex={-1} aria-labelledby="ballot-errors-title"
        data-error-summary hidden={!anyProblem} autofocus={anyProblem}>
        <h2 id="ballot-errors-title" class="error-summary__title">{t('ballot.errors.title')}</h2>
        <ul class="error-summary__list">
          {errors.map((x) => <li data-server-error>{x}</li>)}
          {needsMark && options.map((o) => (
            <li data-missing-link={o.key} hidden={!unmarked.has(o.key)}>
              <a href={`#choice-${o.key}-${letters[0]}`}>{t('ballot.missing.link', { position: o.position, option: o.title })}</a>
            </li>
          ))}
        </ul>
      </div>
      {encrypted && <EncryptedIntro v={v} />}
      <Instructions v={v} e={e} />
      <form method="post" action={`/elections/${e.id}/ballot/review`} class="ballot-form" data-ballot data-seats={e.seats ?? undefined}
        {...(encrypted
          // Encrypted: ballot-page.ts takes the submit and encrypts here; without it, the form posts for the server to encrypt.
          ? { 'data-encrypted': '', 'data-public-key': encrypted.publicKey, 'data-context-id': encrypted.contextId, 'data-spec': JSON.stringify(encrypted.spec), 'data-nonce': encrypted.nonce }
          : { 'data-hx-post': `/elections/${e.id}/ballot/review`, 'data-hx-target': '#ballot-area', 'data-hx-swap': 'outerHTML show:top' })}>
        {e.seats !== null && e.marking !== 'satisfaction' && (
          <p class="ballot-counter" role="status" aria-live="polite">
            {t('ballot.counterLabel')} <span data-count>{forCount}</span> / {e.seats}
            <span class="ballot-counter__over" data-over hidden>{t('ballot.tooManyLive', { seats: e.seats })}</span>
          </p>
        )}
        <ol class="ballot-list">
          {options.map((o) => {
            const isMissing = unmarked.has(o.key);
            return (
              <li class={`ballot-item${isMissing ? ' ballot-item--missing' : ''}`} id={`item-${o.key}`} data-item={o.key}>
                {e.marking === 'approval' ? (
                  <div class="ballot-item__head">
                    <label class="choice choice--tick">
                      <input type="checkbox" name={`choice.${o.key}`} value="F" checked={choices[o.key] === 'F'} />
                      <span class="ballot-num">{o.position}</span> <span class="ballot-title">{o.title}</span>
                    </label>
                  </div>
                ) : (
                  <fieldset class="ballot-item__group" aria-describedby={isMissing ? `missing-${o.key}` : undefined}>
                    <legend><span class="ballot-num">{o.position}</span> <span class="ballot-title">{o.title}</span></legend>
                    <p class="ballot-item__error" id={`missing-${o.key}`} hidden={!isMissing}>{t('ballot.missing.mark')}</p>
                    <div class={`choices choices--${letters.length}`}>
                      {letters.map((l) => (
                        <label class={`choice choice--${l}`}>
                          <input type="radio" id={`choice-${o.key}-${l}`} name={`choice.${o.key}`} value={l} checked={choices[o.key] === l}
                            aria-invalid={isMissing ? 'true' : undefined} />
                          <span>{letterLabel(v, e.marking, l)}</span>
                        </label>
                      ))}
                    </div>
                  </fieldset>
                )}
                {o.candidate && <Details v={v} c={o.candidate} />}
              </li>
            );
          })}
        </ol>
        <button type="submit" class="button button--primary button--wide button--big">{t('ballot.toReview')}</button>
      </form>
      {encrypted && <EncryptedReview v={v} election={e} options={options} data={encrypted} />}
    </div>
  );
}

/** `issued`: the tracker the server issued for this cast, with its MAC (src/ballots/tracker.ts), both sent back as hidden fields. */
export function ReviewPage({ v, election: e, options, marks, issued }: { v: ViewContext; election: BallotElection; options: BallotOption[]; marks: string; issued: { tracker: string; mac: string } }) {
  const { t } = v;
  const hidden = options.map((o, i) => (e.marking === 'approval' && marks[i] === 'N' ? null : <input type="hidden" name={`choice.${o.key}`} value={marks[i]} />));
  return (
    <div id="ballot-area" class="ballot-area" {...sharedAttributes(e, `/elections/${e.id}/ballot`)}>
      <p class="eyebrow">{e.meetingTitle}</p>
      <h1>{t('ballot.reviewTitle')}</h1>
      <p>{t('ballot.reviewIntro')}</p>
      <div class="table-wrap">
        <table class="table review-table">
          <caption class="visually-hidden">{e.title}</caption>
          <thead><tr><th scope="col">{t('ballot.number')}</th><th scope="col">{t('ballot.option')}</th><th scope="col">{t('ballot.yourMark')}</th></tr></thead>
          <tbody>
            {options.map((o, i) => (
              <tr class={`mark-${marks[i]}`}><td>{o.position}</td><th scope="row">{o.title}</th><td><strong>{letterLabel(v, e.marking, marks[i]!)}</strong></td></tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="review-actions">
        {/* A full page load on purpose: the deputy may be signed out, and the header must show it. */}
        <form method="post" action={`/elections/${e.id}/ballot`}>
          {hidden}
          <input type="hidden" name="tracker" value={issued.tracker} />
          <input type="hidden" name="trackerMac" value={issued.mac} />
          <button type="submit" class="button button--primary button--big">{t('ballot.cast')}</button>
        </form>
        <form method="post" action={`/elections/${e.id}/ballot/review?edit=1`} data-hx-post={`/elections/${e.id}/ballot/review?edit=1`} data-hx-target="#ballot-area" data-hx-swap="outerHTML show:top">
          {hidden}
          <button type="submit" class="button button--secondary button--big">{t('ballot.change')}</button>
        </form>
      </div>
    </div>
  );
}

/**
 * The receipt: the tracker and the marks. On a shared tablet (the deputy is signed out by now) it
 * also asks the deputy to note the tracker and leave: "leave" and, after SHARED_RECEIPT_SECONDS, the
 * page itself go to the sign-in page, replacing the receipt's history entry (app.js; without
 * JavaScript a refresh in `<noscript>` and a plain link do it).
 */
export function ReceiptPage({ v, election: e, options, marks, tracker, signedOut }: { v: ViewContext; election: BallotElection; options: BallotOption[]; marks: string | undefined; tracker: string; signedOut: boolean }) {
  const { t } = v;
  const shared = e.sharedTablets && signedOut;
  return (
    <div id="ballot-area" class="ballot-area"
      {...(shared ? { 'data-shared-tablet': '', 'data-return-to': SHARED_RETURN_TO, 'data-shared-receipt': '', 'data-seconds': String(SHARED_RECEIPT_SECONDS) } : {})}>
      <Notice kind="ok"><strong>{t(marks === undefined ? 'ballot.enc.receipt' : 'ballot.castDone')}</strong></Notice>
      {signedOut && <Notice kind="ok">{t('ballot.signedOut')}</Notice>}
      <h1>{t('ballot.receiptTitle')}</h1>
      <p>{t('ballot.trackerIntro')}</p>
      <p class="tracker">{tracker}</p>
      <p class="muted">{t(marks === undefined ? 'ballot.enc.receiptHelp' : 'ballot.trackerHelp')}</p>
      {shared && (
        <section class="shared-leave" aria-labelledby="shared-leave-title">
          <h2 id="shared-leave-title">{t('ballot.shared.title')}</h2>
          <p>{t('ballot.shared.note')}</p>
          <p class="shared-leave__countdown" data-countdown data-template={t('ballot.shared.countdown', { seconds: '{seconds}' })}>
            {t('ballot.shared.countdown', { seconds: SHARED_RECEIPT_SECONDS })}
          </p>
          <p><a class="button button--primary button--big" href={SHARED_RETURN_TO} data-leave>{t('ballot.shared.leave')}</a></p>
        </section>
      )}
      {/* An encrypted ballot's receipt shows no marks: the server never had them. */}
      {marks !== undefined && (
        <div class="table-wrap">
          <table class="table review-table">
            <caption>{e.title}</caption>
            <thead><tr><th scope="col">{t('ballot.number')}</th><th scope="col">{t('ballot.option')}</th><th scope="col">{t('ballot.yourMark')}</th></tr></thead>
            <tbody>
              {options.map((o, i) => <tr><td>{o.position}</td><th scope="row">{o.title}</th><td>{letterLabel(v, e.marking, marks[i]!)}</td></tr>)}
            </tbody>
          </table>
        </div>
      )}
      {/* Below the marks a second way out; an encrypted receipt has no marks, and the one above is enough. */}
      {shared
        ? marks !== undefined && <p><a class="button button--secondary button--big" href={SHARED_RETURN_TO} data-leave>{t('ballot.shared.leave')}</a></p>
        : <p><a class="button button--secondary" href="/">{t('error.backHome')}</a></p>}
    </div>
  );
}

export function BallotMessage({ v, title, message }: { v: ViewContext; title: string; message: string }) {
  return (
    <div id="ballot-area" class="ballot-area">
      <h1>{title}</h1>
      <p role="status">{message}</p>
      <p><a class="button button--secondary" href="/vote">{v.t('ballot.backToVote')}</a></p>
    </div>
  );
}
