import { formatMoney } from '../../src/platform/i18n/index.ts';
import { letterLabel } from '../components/labels.ts';
import type { CandidateView } from '../../src/meetings/model.ts';
import { LETTERS, type Marking } from '../../src/domain/record/format.ts';
import type { ViewContext } from '../context.ts';
import { Notice } from '../components/form.tsx';

export interface BallotOption {
  key: string;
  position: number;
  title: string;
  candidate?: CandidateView;
}

export interface BallotElection {
  id: number;
  title: string;
  meetingTitle: string;
  marking: Marking;
  seats: number | null;
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
        <div><dt>{v.t('candidate.targets')}</dt><dd>{c.targets.join(';')}</dd></div>
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
  errors?: string[];
}

/**
 * The ballot: one group of marks per option, a counter of 赞成 against the seats (app.js keeps it
 * live; the server checks again), then a review step. A plain form; htmx swaps the steps in place.
 */
export function BallotPage({ v, election: e, options, choices = {}, errors }: BallotPageProps) {
  const { t } = v;
  const letters = LETTERS[e.marking];
  const forCount = Object.values(choices).filter((x) => x === 'F').length;
  return (
    <div id="ballot-area" class="ballot-area">
      <p class="eyebrow">{e.meetingTitle}</p>
      <h1>{e.title}</h1>
      <Instructions v={v} e={e} />
      {errors && errors.length > 0 && <Notice kind="error"><ul>{errors.map((x) => <li>{x}</li>)}</ul></Notice>}
      <form method="post" action={`/elections/${e.id}/ballot/review`} class="ballot-form" data-ballot data-seats={e.seats ?? undefined}
        data-hx-post={`/elections/${e.id}/ballot/review`} data-hx-target="#ballot-area" data-hx-swap="outerHTML show:top">
        {e.seats !== null && e.marking !== 'satisfaction' && (
          <p class="ballot-counter" role="status" aria-live="polite">
            {t('ballot.counterLabel')} <span data-count>{forCount}</span> / {e.seats}
            <span class="ballot-counter__over" data-over hidden>{t('ballot.tooManyLive', { seats: e.seats })}</span>
          </p>
        )}
        <ol class="ballot-list">
          {options.map((o) => (
            <li class="ballot-item">
              {e.marking === 'approval' ? (
                <div class="ballot-item__head">
                  <label class="choice choice--tick">
                    <input type="checkbox" name={`choice.${o.key}`} value="F" checked={choices[o.key] === 'F'} />
                    <span class="ballot-num">{o.position}</span> <span class="ballot-title">{o.title}</span>
                  </label>
                </div>
              ) : (
                <fieldset class="ballot-item__group">
                  <legend><span class="ballot-num">{o.position}</span> <span class="ballot-title">{o.title}</span></legend>
                  <div class={`choices choices--${letters.length}`}>
                    {letters.map((l) => (
                      <label class={`choice choice--${l}`}>
                        <input type="radio" name={`choice.${o.key}`} value={l} required checked={choices[o.key] === l} />
                        <span>{letterLabel(v, e.marking, l)}</span>
                      </label>
                    ))}
                  </div>
                </fieldset>
              )}
              {o.candidate && <Details v={v} c={o.candidate} />}
            </li>
          ))}
        </ol>
        <button type="submit" class="button button--primary button--wide button--big">{t('ballot.toReview')}</button>
      </form>
    </div>
  );
}

export function ReviewPage({ v, election: e, options, marks, tracker }: { v: ViewContext; election: BallotElection; options: BallotOption[]; marks: string; tracker: string }) {
  const { t } = v;
  const hidden = options.map((o, i) => (e.marking === 'approval' && marks[i] === 'N' ? null : <input type="hidden" name={`choice.${o.key}`} value={marks[i]} />));
  return (
    <div id="ballot-area" class="ballot-area">
      <p class="eyebrow">{e.meetingTitle}</p>
      <h1>{t('ballot.reviewTitle')}</h1>
      <p>{t('ballot.reviewIntro')}</p>
      <table class="table review-table">
        <caption class="visually-hidden">{e.title}</caption>
        <thead><tr><th scope="col">{t('ballot.number')}</th><th scope="col">{t('ballot.option')}</th><th scope="col">{t('ballot.yourMark')}</th></tr></thead>
        <tbody>
          {options.map((o, i) => (
            <tr class={`mark-${marks[i]}`}><td>{o.position}</td><th scope="row">{o.title}</th><td><strong>{letterLabel(v, e.marking, marks[i]!)}</strong></td></tr>
          ))}
        </tbody>
      </table>
      <div class="review-actions">
        {/* A full page load on purpose: the deputy may be signed out, and the header must show it. */}
        <form method="post" action={`/elections/${e.id}/ballot`}>
          {hidden}
          <input type="hidden" name="tracker" value={tracker} />
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

export function ReceiptPage({ v, election: e, options, marks, tracker, signedOut }: { v: ViewContext; election: BallotElection; options: BallotOption[]; marks: string; tracker: string; signedOut: boolean }) {
  const { t } = v;
  return (
    <div id="ballot-area" class="ballot-area">
      <Notice kind="ok"><strong>{t('ballot.castDone')}</strong></Notice>
      {signedOut && <Notice kind="ok">{t('ballot.signedOut')}</Notice>}
      <h1>{t('ballot.receiptTitle')}</h1>
      <p>{t('ballot.trackerIntro')}</p>
      <p class="tracker">{tracker}</p>
      <p class="muted">{t('ballot.trackerHelp')}</p>
      <table class="table review-table">
        <caption>{e.title}</caption>
        <thead><tr><th scope="col">{t('ballot.number')}</th><th scope="col">{t('ballot.option')}</th><th scope="col">{t('ballot.yourMark')}</th></tr></thead>
        <tbody>
          {options.map((o, i) => <tr><td>{o.position}</td><th scope="row">{o.title}</th><td>{letterLabel(v, e.marking, marks[i]!)}</td></tr>)}
        </tbody>
      </table>
      <p><a class="button button--secondary" href="/">{t('error.backHome')}</a></p>
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
