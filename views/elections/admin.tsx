import { formatDateTime } from '../../src/platform/i18n/index.ts';
import { acceptsBallots, acceptsPaperEntry, canStart, inScrutiny, isFrozen } from '../../src/domain/lifecycle.ts';
import { ElectionRelations } from '../components/election-relations.tsx';
import { MARKING_LABEL, PASS_BASE_LABEL } from '../../src/domain/vocabulary.ts';
import type { ElectionLinks, ElectionView, NamedScrutineer, Turnout } from '../../src/elections/model.ts';
import { ScrutineerList } from '../components/scrutineers.tsx';
import type { Attendance } from '../../src/meetings/model.ts';
import { Field, Notice, PostButton } from '../components/form.tsx';
import { stateLabel } from '../components/labels.ts';
import type { ViewContext } from '../context.ts';
import type { CeremonyOverview } from '../../src/ceremonies/model.ts';
import { CeremonyPanel } from '../components/ceremony.tsx';
import { BallotModeForm, EncryptedSteps } from './ballot-mode.tsx';

/**
 * Turnout, live while voting is open: the server pushes a fresh panel over SSE whenever it changes
 * (htmx's SSE extension swaps it in); polling every 15 s covers proxies that buffer event streams.
 */
export function LiveTurnout({ v, electionId, turnout, live }: { v: ViewContext; electionId: number; turnout: Turnout; live: boolean }) {
  if (!live) return <TurnoutPanel v={v} electionId={electionId} turnout={turnout} live={false} />;
  return (
    <div id="turnout-live" data-hx-sse:connect={`/admin/elections/${electionId}/turnout/stream`}>
      <TurnoutPanel v={v} electionId={electionId} turnout={turnout} live />
    </div>
  );
}

export function TurnoutPanel({ v, electionId, turnout, live }: { v: ViewContext; electionId: number; turnout: Turnout; live: boolean }) {
  const { t } = v;
  return (
    <div id="turnout" class="turnout"
      {...(live ? { 'data-hx-get': `/admin/elections/${electionId}/turnout`, 'data-hx-trigger': 'every 15s', 'data-hx-swap': 'outerHTML' } : {})}>
      <dl class="facts facts--inline big-facts">
        <div><dt>{t('turnout.voted')}</dt><dd>{turnout.voted}</dd></div>
        <div><dt>{t('attendance.present')}</dt><dd>{turnout.present}</dd></div>
        <div><dt>{t('turnout.eligible')}</dt><dd>{turnout.eligible}</dd></div>
        <div><dt>{t('turnout.electronic')}</dt><dd>{turnout.electronic}</dd></div>
        <div><dt>{t('turnout.paperIssued')}</dt><dd>{turnout.paperIssued}</dd></div>
        <div><dt>{t('turnout.paperReturned')}</dt><dd>{turnout.paperReturned}</dd></div>
      </dl>
      <details>
        <summary>{t('turnout.waiting', { count: turnout.waiting.length })}</summary>
        <p class="waiting-list">{turnout.waiting.map((w) => w.name).join(t('result.listSeparator')) || t('candidate.none')}</p>
      </details>
    </div>
  );
}

export function ElectionAdminPage({ v, election: e, attendance, turnout, links, scrutineers, scrutineersForm, notice, error, ceremony }: {
  v: ViewContext; election: ElectionView; attendance: Attendance; turnout: Turnout | undefined; links: ElectionLinks;
  scrutineers: NamedScrutineer[]; scrutineersForm?: { scrutineers: string; errors: Record<string, string> }; notice?: string; error?: string;
  /** The key ceremony, for a vote in encrypted mode. */
  ceremony?: CeremonyOverview;
}) {
  const { t } = v;
  // A running or complete key ceremony fixes the scrutineers (its trustees), and a vote that held one is kept.
  const ceremonyHeld = ceremony !== undefined && (ceremony.state === 'running' || ceremony.state === 'complete');
  return (
    <section aria-labelledby="election-title">
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/admin">{t('admin.title')}</a> › <a href={`/admin/meetings/${e.meeting_id}`}>{e.meetingTitle}</a></nav>
      <h1 id="election-title">{e.title} <span class="chip">{stateLabel(v, e.state)}</span></h1>
      <ElectionRelations v={v} election={e} links={links} href={(id) => `/admin/elections/${id}`} canRerun />
      {links.runoffs.length > 0 && (
        <p>{t('runoff.title')}:{' '}
          {links.runoffs.map((r, i) => <>{i > 0 && '、'}<a href={`/admin/elections/${r.id}`}>{r.title}</a> <span class="chip">{stateLabel(v, r.state)}</span></>)}
        </p>
      )}
      {notice && <Notice kind="ok">{notice}</Notice>}
      {error && <Notice kind="error">{error}</Notice>}
      {e.note && <p><strong>{t('election.noteLabel')}</strong>：{e.note}</p>}
      <dl class="facts facts--wide">
        <div><dt>{t('election.marking')}</dt><dd>{t(MARKING_LABEL[e.marking])}</dd></div>
        {e.seats !== null && <div><dt>{t('election.seats')}</dt><dd>{t('election.seatsOf', { seats: e.seats, options: e.options.length })}</dd></div>}
        <div><dt>{t('election.passBase')}</dt><dd>{t(PASS_BASE_LABEL[e.pass_base])}</dd></div>
        <div><dt>{t('attendance.expected')}</dt><dd>{e.deputies_total ?? attendance.expected}</dd></div>
        <div><dt>{t('attendance.present')}</dt><dd>{attendance.present} · {attendance.quorum ? t('attendance.quorumMet') : t('attendance.quorumNotMet')}</dd></div>
        <div><dt>{t('ballotMode.legend')}</dt><dd>{e.ballot_mode === 'encrypted'
          ? t('ballotMode.factEncrypted', { k: e.trustee_threshold ?? '—' }) : t('ballotMode.plaintext')}</dd></div>
        {e.close_scheduled_at && <div><dt>{t('election.scheduledClose')}</dt><dd>{formatDateTime(v.lang, e.close_scheduled_at)}</dd></div>}
      </dl>
      <h2 id="scrutineers-title">{t('scrutineers.title')}</h2>
      <p class="field__hint">{isFrozen(e.state) ? t('scrutineers.fixed') : t('scrutineers.intro')}</p>
      <ScrutineerList v={v} scrutineers={scrutineers} staff />
      {ceremonyHeld && e.state === 'draft' && <p class="field__hint">{t('election.ceremonyStarted')}</p>}
      {!isFrozen(e.state) && !ceremonyHeld && (
        <form method="post" action={`/admin/elections/${e.id}/scrutineers`} class="filter-form" aria-labelledby="scrutineers-title">
          <Field name="scrutineers" label={t('scrutineers.label')} hint={t('scrutineers.hint')} required maxlength={600}
            value={scrutineersForm?.scrutineers ?? scrutineers.map((s) => s.code).join(' ')} error={scrutineersForm?.errors['scrutineers']} />
          <button type="submit" class="button button--secondary">{t('scrutineers.save')}</button>
        </form>
      )}
      {e.state === 'draft' && e.ballot_mode === 'plaintext' && <Notice kind="warn">{t('ballotMode.plaintextWarning')}</Notice>}
      {e.state === 'draft' && (ceremony === undefined || ceremony.state === 'none' || ceremony.state === 'failed') && (
        <details class="admin-form">
          <summary>{t('ballotMode.change')}</summary>
          <BallotModeForm v={v} electionId={e.id} mode={e.ballot_mode} threshold={e.trustee_threshold} />
        </details>
      )}
      {ceremony && e.state === 'draft' && <EncryptedSteps v={v} named={scrutineers.length} ceremony={ceremony} />}
      {ceremony && <CeremonyPanel v={v} electionId={e.id} ceremony={ceremony} />}
      <div class="review-actions">
        {canStart('open', e.state) && <PostButton action={`/admin/elections/${e.id}/open`} label={t('election.open')} kind="danger" />}
        {e.state === 'draft' && (ceremony === undefined || ceremony.state === 'none') && <PostButton action={`/admin/elections/${e.id}/delete`} label={t('election.deleteDraft')} kind="danger" />}
        {canStart('close', e.state) && <PostButton action={`/admin/elections/${e.id}/close`} label={t('election.close')} kind="danger" />}
        {(acceptsBallots(e.state) || acceptsPaperEntry(e.state)) && <a class="button button--secondary" href={`/elections/${e.id}/display`}>{t('display.open')}</a>}
        {isFrozen(e.state) && <a class="button button--secondary" href={`/admin/elections/${e.id}/paper`}>{t('paper.title')}</a>}
        {inScrutiny(e.state) && <a class="button button--primary" href={`/admin/elections/${e.id}/scrutiny`}>{t('counting.title')}</a>}
      </div>
      {acceptsBallots(e.state) && (
        <form method="post" action={`/admin/elections/${e.id}/schedule`} class="filter-form">
          <Field name="closeAt" label={t('election.scheduleLabel')} type="text" hint={t('election.scheduleHint')} />
          <button type="submit" class="button button--secondary">{t('election.schedule')}</button>
        </form>
      )}
      {turnout && (
        <>
          <h2>{t('turnout.title')}</h2>
          <LiveTurnout v={v} electionId={e.id} turnout={turnout} live={acceptsBallots(e.state)} />
        </>
      )}
      <h2>{t('election.options')}</h2>
      <ol class="meeting-list">{e.options.map((o) => <li>{o.title} <span class="muted">({o.key})</span></li>)}</ol>
    </section>
  );
}
