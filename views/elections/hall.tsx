import type { RecordSummary } from '../../src/counting/model.ts';
import { RATING_LABEL } from '../../src/domain/vocabulary.ts';
import type { ElectionView, Turnout, NamedScrutineer } from '../../src/elections/model.ts';
import { scrutineerLine } from '../components/scrutineers.tsx';
import { chosenRows, isSelecting, notChosenRows, resultRows, tiedRows, type ResultRow } from '../../src/results/present.ts';
import type { ViewContext } from '../context.ts';
import { stateLabel } from '../components/labels.ts';

/**
 * The hall display (大屏), for the projector: turnout while the vote runs, the result once it is
 * published. Its live part is replaced over SSE, so the screen switches to the result by itself.
 */
/** What the display shows below the title: the published result, or else the live turnout. */
export type HallShown = { record: RecordSummary } | { turnout: Turnout };

export function HallDisplay({ v, election: e, shown, scrutineers }: { v: ViewContext; election: ElectionView; shown: HallShown; scrutineers: NamedScrutineer[] }) {
  return (
    <section class="hall" aria-labelledby="hall-title">
      <p class="hall__meeting">{e.meetingTitle}</p>
      <h1 id="hall-title" class="hall__title">{e.title}</h1>
      {scrutineers.length > 0 && <p class="hall-scrutineers">{scrutineerLine(v, scrutineers)}</p>}
      <div id="hall-live" data-hx-sse:connect={`/elections/${e.id}/display/stream`}>
        <HallLive v={v} state={e.state} shown={shown} />
      </div>
    </section>
  );
}

/** What the SSE stream replaces: the state, and the numbers or the result. */
export function HallLive({ v, state, shown }: { v: ViewContext; state: ElectionView['state']; shown: HallShown }) {
  return (
    <>
      <p class="hall__state">{stateLabel(v, state)}</p>
      {'record' in shown ? <HallResult v={v} record={shown.record} /> : <HallNumbers v={v} turnout={shown.turnout} />}
    </>
  );
}

function HallNumbers({ v, turnout }: { v: ViewContext; turnout: Turnout }) {
  const { t } = v;
  return (
    <dl class="hall__numbers">
      <div><dt>{t('turnout.eligible')}</dt><dd>{turnout.eligible}</dd></div>
      <div><dt>{t('attendance.present')}</dt><dd>{turnout.present}</dd></div>
      <div><dt>{t('turnout.voted')}</dt><dd>{turnout.voted}</dd></div>
    </dl>
  );
}

/** The published result as the hall reads it from afar: the chosen projects with their votes. */
function HallResult({ v, record }: { v: ViewContext; record: RecordSummary }) {
  const { t } = v;
  const body = record.body;
  const selecting = isSelecting(body.election.kind);
  const withVotes = (rows: ResultRow[]) => rows.map((r) => t('display.withVotes', { title: r.title, votes: r.forVotes })).join(t('result.listSeparator'));
  return (
    <>
      <dl class="hall__numbers hall__numbers--small">
        <div><dt>{t('turnout.eligible')}</dt><dd>{body.roll.eligible}</dd></div>
        <div><dt>{t('counting.presentAtClose')}</dt><dd>{body.roll.present}</dd></div>
        <div><dt>{t('counting.valid')}</dt><dd>{body.result.valid}</dd></div>
      </dl>
      {selecting ? (
        <>
          <h2 class="hall__heading">{t('result.chosenTitle')}</h2>
          {chosenRows(body).length === 0 ? <p class="hall__note">{t('display.noneChosen')}</p> : (
            <ol class="hall__chosen">
              {chosenRows(body).map((r) => <li><span>{r.title}</span> <span class="hall__votes">{t('result.forVotes', { count: r.forVotes })}</span></li>)}
            </ol>
          )}
          {body.result.tie && (
            <p class="hall__note">{t('display.tie', { seats: body.result.tie.seats, options: withVotes(tiedRows(body)) })}</p>
          )}
          {notChosenRows(body).length > 0 && (
            <p class="hall__note">{t('display.notChosen', { options: withVotes(notChosenRows(body)) })}</p>
          )}
        </>
      ) : (
        <ol class="hall__chosen">
          {resultRows(body).map((r) => <li><span>{r.title}</span> <span class="hall__votes">{r.rating ? t(RATING_LABEL[r.rating]) : ''}</span></li>)}
        </ol>
      )}
    </>
  );
}
