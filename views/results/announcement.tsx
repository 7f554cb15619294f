import { formatDate, type MessageKey } from '../../src/platform/i18n/index.ts';
import { RATING_LABEL } from '../../src/domain/vocabulary.ts';
import { beijingDate } from '../../src/platform/time.ts';
import { chosenRows, notChosenRows, overallSatisfaction, percent, resultRows, tiedRows, type ResultBody, type ResultRow } from '../../src/results/present.ts';
import type { ViewContext } from '../context.ts';

export interface AnnouncementPageProps {
  v: ViewContext;
  electionId: number;
  body: ResultBody;
  publishedAt: Date;
}

function Votes({ v, row }: { v: ViewContext; row: ResultRow }) {
  return <li>{row.title}{v.t(row.passed === false ? 'announcement.votesNotPassed' : 'announcement.votes', { count: row.forVotes })}</li>;
}

/** The result paragraphs of a selection or runoff: chosen in rank order, tied, then the rest. */
function SelectionResult({ v, body }: { v: ViewContext; body: ResultBody }) {
  const { t } = v;
  const chosen = chosenRows(body);
  const tied = tiedRows(body);
  const rest = notChosenRows(body);
  return (
    <>
      {chosen.length > 0
        ? <><p>{t('announcement.chosen', { count: chosen.length })}</p><ol class="announcement__list">{chosen.map((r) => <Votes v={v} row={r} />)}</ol></>
        : <p>{t('announcement.noneChosen')}</p>}
      {body.result.tie && (
        <><p>{t('announcement.tie', { count: tied.length, seats: body.result.tie.seats })}</p><ol class="announcement__list">{tied.map((r) => <Votes v={v} row={r} />)}</ol></>
      )}
      {body.result.shortfall !== undefined && <p>{t('announcement.shortfall', { count: body.result.shortfall })}</p>}
      {rest.length > 0 && <><p>{t('announcement.notChosen', { count: rest.length })}</p><ol class="announcement__list">{rest.map((r) => <Votes v={v} row={r} />)}</ol></>}
    </>
  );
}

function SatisfactionResult({ v, body }: { v: ViewContext; body: ResultBody }) {
  const { t } = v;
  const overall = overallSatisfaction(body);
  return (
    <>
      <ol class="announcement__list">
        {resultRows(body).map((r) => (
          <li>{t('announcement.rating', {
            title: r.title, rating: r.rating ? t(RATING_LABEL[r.rating]) : '',
            s: r.counts.S ?? 0, b: r.counts.B ?? 0, u: r.counts.U ?? 0, n: r.counts.N ?? 0, rate: percent(r.satisfaction),
          })}</li>
        ))}
      </ol>
      {overall !== undefined && <p>{t('announcement.overall', { rate: percent(overall) })}</p>}
    </>
  );
}

/**
 * The printable 公告 of a published vote, in the form a congress presidium issues it: the meeting's
 * title, the facts of the vote (date, 应到, 实到, quorum), the result in rank order, 特此公告, the
 * issuer and the date of publication. No number (第 N 号) is shown: the system has none to give.
 * On screen a back link and a Print button (shown by app.js) sit above it; on paper only the notice.
 */
export function AnnouncementPage({ v, electionId, body, publishedAt }: AnnouncementPageProps) {
  const { t, lang } = v;
  const e = body.election;
  const facts = {
    meeting: e.meeting.title, title: e.title, year: e.meeting.year, date: formatDate(lang, beijingDate(e.closedAt)),
    eligible: body.roll.eligible, present: body.roll.present, count: e.options.length,
    quorum: t(body.result.quorum ? 'announcement.quorumMet' : 'announcement.quorumNotMet'),
  };
  const intro: MessageKey = e.kind === 'selection' ? 'announcement.introSelection' : e.kind === 'runoff' ? 'announcement.introRunoff' : 'announcement.introSatisfaction';
  return (
    <>
      <div class="announcement-tools">
        <p class="breadcrumb"><a href={`/elections/${electionId}/result`}>{t('announcement.back')}</a></p>
        <p>
          <button type="button" class="button button--primary print-button" data-print>{t('announcement.print')}</button>{' '}
          <span class="muted">{t('announcement.printHint')}</span>
        </p>
      </div>
      <article class="announcement" aria-labelledby="announcement-title">
        <h1 id="announcement-title" class="announcement__title">
          <span class="announcement__issuer">{e.meeting.title}</span>{' '}
          <span class="announcement__word">{t('announcement.word')}</span>
        </h1>
        <p class="announcement__text">{t(intro, facts)}</p>
        {e.kind === 'satisfaction' ? <SatisfactionResult v={v} body={body} /> : <SelectionResult v={v} body={body} />}
        <p class="announcement__text">{t('announcement.closing')}</p>
        <p class="announcement__signature">
          <span>{t('announcement.issuer', { meeting: e.meeting.title })}</span>
          <span>{formatDate(lang, beijingDate(publishedAt))}</span>
        </p>
      </article>
    </>
  );
}
