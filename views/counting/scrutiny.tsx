import type { CeremonyState } from '../../src/domain/vocabulary.ts';
import { formatDateTime } from '../../src/platform/i18n/index.ts';
import type { RecordSummary } from '../../src/counting/model.ts';
import { digestWords } from '../../src/decryption/as-sealed.ts';
import { canStart, inScrutiny, isPublished } from '../../src/domain/lifecycle.ts';
import { type ElectionState, INVALID_REASON_LABEL } from '../../src/domain/vocabulary.ts';
import type { ElectionView, ElectionLinks, NamedScrutineer, Turnout } from '../../src/elections/model.ts';
import type { ApprovalView } from '../../src/users/model.ts';
import { AggregateDigest } from '../components/aggregate-digest.tsx';
import { ApprovalTable } from '../components/approvals.tsx';
import { ScrutineerList } from '../components/scrutineers.tsx';
import type { InvalidReason } from '../../src/domain/record/format.ts';
import type { ViewContext } from '../context.ts';
import { letterLabel } from '../components/labels.ts';
import { Field, Notice, PostButton } from '../components/form.tsx';
import { ElectionRelations } from '../components/election-relations.tsx';
import { stateLabel } from '../components/labels.ts';
import { ResultTable } from '../components/result-table.tsx';

export interface ScrutinyPageProps {
  v: ViewContext;
  election: ElectionView;
  /** Before the seal: the roll and the box, from the live turnout. */
  turnout: Turnout | undefined;
  record: RecordSummary | undefined;
  invalidBallots: { tracker: string; marks: string; invalid: InvalidReason }[];
  roles: { secretariat: boolean; scrutineer: boolean };
  /** The signed-in scrutineer already confirmed this record. */
  certifiedByMe: boolean;
  /** The deputies named as this vote's scrutineers before it opened; only they certify. */
  scrutineers: NamedScrutineer[];
  /** The signed-in person is one of them. */
  namedMe: boolean;
  /** Credential steps on deputies this vote protects (resets, first accounts, re-links). */
  approvals: ApprovalView[];
  required: number;
  voidReasonMax: number;
  fingerprint?: string;
  notice?: string;
  error?: string;
  /** The void form was refused: show it open. */
  voidOpen?: boolean;
  /** The reason the void form offers (more paper ballots returned than issued), already translated. */
  voidReason?: string | undefined;
  links: ElectionLinks;
  titleMax: number;
  /** In `decrypting`: k, the trustees and who has decrypted; whether the signed-in person is one of them. */
  decryption?: {
    k: number; n: number; decrypted: number; trustees: { index: number; name: string; decrypted: boolean }[]; trusteeMe: boolean;
    /** The aggregate's digest and ballot count as the seal recorded them. */
    digest: string; ballots: number;
  } | undefined;
}

/** The trustees' decryption in progress (encrypted mode): who has decrypted of the k needed, the trustee's link, the secretariat's retry. */
function DecryptionSection(p: ScrutinyPageProps) {
  const { v, election: e } = p;
  const { t } = v;
  const d = p.decryption!;
  return (
    <>
      <h2>{t('decryption.scrutiny.title')}</h2>
      <p>{t('decryption.scrutiny.intro', { k: d.k })}</p>
      <AggregateDigest label={t('decryption.scrutiny.digest', { ballots: d.ballots })} words={digestWords(d.digest) ?? d.digest} say={t('decryption.scrutiny.digestSay')} />
      <p class="field__hint">{t('decryption.scrutiny.verifyHint')}</p>
      <p class="big-facts" id="decryption-progress">{t('decryption.progress', { done: d.decrypted, k: d.k, n: d.n })}</p>
      <ul class="meeting-list" aria-labelledby="decryption-progress">
        {d.trustees.map((x) => (
          <li>{t('decryption.trusteeLine', { index: x.index, name: x.name })}{' '}
            <span class={`chip${x.decrypted ? ' chip--ok' : ''}`}>{t(x.decrypted ? 'decryption.decrypted' : 'decryption.waiting')}</span></li>
        ))}
      </ul>
      {d.trusteeMe && <p><a class="button button--primary button--big" href={`/scrutiny/elections/${e.id}/decryption`}>{t('decryption.scrutiny.link')}</a></p>}
      {(p.roles.secretariat || d.trusteeMe) && d.decrypted >= d.k && (
        <>
          <h3>{t('decryption.scrutiny.retryTitle')}</h3>
          <p>{t('decryption.scrutiny.retryIntro')}</p>
          <PostButton action={`/admin/elections/${e.id}/decrypt`} label={t('decryption.scrutiny.retryButton')} kind="primary" />
        </>
      )}
      {p.roles.secretariat && <p class="field__hint">{t('decryption.scrutiny.voidIntro', { k: d.k })}</p>}
    </>
  );
}

function Roll({ v, roll, quorum }: { v: ViewContext; roll: { eligible: number; present: number; electronic: number; paperIssued: number; paperReturned: number }; quorum: boolean }) {
  const { t } = v;
  return (
    <dl class="facts facts--inline big-facts">
      <div><dt>{t('attendance.expected')}</dt><dd>{roll.eligible}</dd></div>
      <div><dt>{t('counting.presentAtClose')}</dt><dd>{roll.present}</dd></div>
      <div><dt>{t('attendance.quorum')}</dt><dd>{quorum ? t('attendance.quorumMet') : t('attendance.quorumNotMet')}</dd></div>
      <div><dt>{t('turnout.electronic')}</dt><dd>{roll.electronic}</dd></div>
      <div><dt>{t('turnout.paperIssued')}</dt><dd>{roll.paperIssued}</dd></div>
      <div><dt>{t('turnout.paperReturned')}</dt><dd>{roll.paperReturned}</dd></div>
    </dl>
  );
}

/**
 * The scrutiny page of one vote: before the seal the secretariat seals it; after, everyone here
 * sees the count, the invalid ballots with their reasons and the digest; scrutineers confirm the
 * digest; the secretariat publishes or declares the vote void.
 */
export function ScrutinyPage(p: ScrutinyPageProps) {
  const { v, election: e, record } = p;
  const { t } = v;
  const body = record?.body;
  const marking = e.marking;
  const canVoid = p.roles.secretariat && canStart('void', e.state);
  return (
    <section aria-labelledby="scrutiny-title">
      <nav aria-label="breadcrumb" class="breadcrumb">
        {p.roles.secretariat
          ? <><a href="/admin">{t('admin.title')}</a> › <a href={`/admin/elections/${e.id}`}>{e.title}</a></>
          : <a href="/scrutiny">{t('counting.listTitle')}</a>}
      </nav>
      <h1 id="scrutiny-title">{t('counting.title')} · {e.title} <span class="chip">{stateLabel(v, e.state)}</span></h1>
      <p class="muted">{e.meetingTitle}</p>
      {p.notice && <Notice kind="ok">{p.notice}</Notice>}
      {p.error && <Notice kind="error">{p.error}</Notice>}
      <ElectionRelations v={v} election={e} links={p.links} href={(id) => `/admin/elections/${id}/scrutiny`} canRerun={p.roles.secretariat} />

      {!inScrutiny(e.state) && <p>{t('counting.notClosed')}</p>}

      {canStart('seal', e.state) && p.turnout && (
        <>
          <h2>{t('counting.roll')}</h2>
          <dl class="facts facts--inline big-facts">
            <div><dt>{t('attendance.expected')}</dt><dd>{p.turnout.eligible}</dd></div>
            <div><dt>{t('turnout.voted')}</dt><dd>{p.turnout.voted}</dd></div>
            <div><dt>{t('turnout.electronic')}</dt><dd>{p.turnout.electronic}</dd></div>
            <div><dt>{t('turnout.paperIssued')}</dt><dd>{p.turnout.paperIssued}</dd></div>
            <div><dt>{t('turnout.paperReturned')}</dt><dd>{p.turnout.paperReturned}</dd></div>
          </dl>
          {e.paper_issued > 0 && !e.paper_committed_at && (
            <Notice kind="warn">
              {t('counting.error.paper-uncommitted')}{' '}
              {p.roles.secretariat && <a href={`/admin/elections/${e.id}/paper`}>{t('paper.title')}</a>}
            </Notice>
          )}
          {e.paper_issued > 0 && p.roles.scrutineer && <p><a href={`/admin/elections/${e.id}/paper`}>{t('paper.watchLink')}</a></p>}
          {p.roles.secretariat && (
            <>
              <h2>{t('counting.sealTitle')}</h2>
              <p>{t('counting.sealIntro')}</p>
              {e.ballot_mode === 'encrypted' && <p>{t('decryption.sealEncrypted', { k: e.trustee_threshold ?? 0 })}</p>}
              <PostButton action={`/admin/elections/${e.id}/seal`} label={t('counting.sealButton')} kind="primary" />
            </>
          )}
        </>
      )}

      {e.state === 'decrypting' && p.decryption && <DecryptionSection {...p} />}

      {body && record && (
        <>
          <h2>{t('counting.roll')}</h2>
          <Roll v={v} roll={body.roll} quorum={body.result.quorum} />
          <h2>{t('counting.results')}</h2>
          <dl class="facts facts--inline big-facts">
            <div><dt>{t('counting.ballots')}</dt><dd>{record.ballotCount}</dd></div>
            <div><dt>{t('counting.valid')}</dt><dd>{body.result.valid}</dd></div>
            <div><dt>{t('counting.invalid')}</dt><dd>{body.result.invalid}</dd></div>
          </dl>
          <ResultTable v={v} record={body} />
          {body.result.tie && (
            <Notice kind="warn">{t('counting.tie', {
              seats: body.result.tie.seats,
              options: body.result.tie.options.map((id) => body.election.options.find((o) => o.id === id)?.title ?? id).join(t('result.listSeparator')),
            })}</Notice>
          )}
          {body.result.shortfall !== undefined && <Notice kind="warn">{t('counting.shortfall', { count: body.result.shortfall })}</Notice>}
          {body.result.tie && <RunoffSection {...p} />}

          {e.ballot_mode !== 'encrypted' && <h2>{t('counting.invalidBallots')}</h2>}
          {e.ballot_mode === 'encrypted' ? null : p.invalidBallots.length === 0 ? <p class="muted">{t('counting.noInvalid')}</p> : (
            <div class="table-wrap">
              <table class="table">
                <caption class="visually-hidden">{t('counting.invalidBallots')}</caption>
                <thead><tr><th scope="col">{t('ballot.tracker')}</th><th scope="col">{t('counting.marks')}</th><th scope="col">{t('counting.reason')}</th></tr></thead>
                <tbody>
                  {p.invalidBallots.map((b) => (
                    <tr>
                      <td class="code">{b.tracker}</td>
                      <td>{[...b.marks].map((l, i) => `${i + 1}:${letterLabel(v, marking, l)}`).join(' ')}</td>
                      <td>{t(INVALID_REASON_LABEL[b.invalid])}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          <h2>{t('counting.digest')}</h2>
          <p class="field__hint">{t('counting.digestHelp')}</p>
          <p><code class="digest">{record.digest}</code></p>

          <h2>{t('counting.certifications')}</h2>
          <p>{record.certifications.length === 0 ? t('counting.noCertifications') : t('counting.certCount', { count: record.certifications.length, required: p.required })}</p>
          {record.certifications.length > 0 && (
            <ul class="meeting-list">
              {record.certifications.map((c) => <li>{c.name} <span class="muted">{formatDateTime(v.lang, c.at)}</span></li>)}
            </ul>
          )}
          {p.roles.scrutineer && canStart('certify', e.state) && !p.namedMe && <Notice kind="warn">{t('counting.notNamed')}</Notice>}
          {p.namedMe && canStart('certify', e.state) && (
            p.certifiedByMe ? <p class="notice notice--ok">{t('counting.youCertified')}</p> : (
              <form method="post" action={`/admin/elections/${e.id}/certify`} class="stack narrow">
                <fieldset>
                  <legend>{t('counting.certifyLegend')}</legend>
                  <p>{t('counting.certifyText')}</p>
                  <p><code class="digest">{record.digest}</code></p>
                  <input type="hidden" name="digest" value={record.digest} />
                  <button type="submit" class="button button--primary">{t('counting.certifyButton')}</button>
                </fieldset>
              </form>
            )
          )}

          {p.roles.secretariat && canStart('publish', e.state) && (
            <>
              <h2>{t('counting.publishTitle')}</h2>
              <p>{t('counting.publishIntro')}</p>
              <PostButton action={`/admin/elections/${e.id}/publish`} label={t('counting.publishButton')} kind="primary" />
            </>
          )}
          {record.publishedAt && (
            <>
              <p>{t('counting.publishedAt', { at: formatDateTime(v.lang, record.publishedAt) })} <a href={`/elections/${e.id}/record.json`}>{t('counting.recordLink')}</a></p>
              {p.fingerprint && <p>{t('counting.keyFingerprint')}: <code class="digest">{p.fingerprint}</code></p>}
            </>
          )}
        </>
      )}

      <h2>{t('scrutineers.title')}</h2>
      <ScrutineerList v={v} scrutineers={p.scrutineers} staff />
      <h2>{t('approval.title')}</h2>
      <p class="field__hint">{t('approval.intro')}</p>
      <ApprovalTable v={v} approvals={p.approvals} caption={t('approval.title')} />

      {canVoid && (
        <details class="admin-form" id="void" open={p.voidOpen}>
          <summary>{t('counting.voidLegend')}</summary>
          <form method="post" action={`/admin/elections/${e.id}/void`} class="stack narrow">
            <div class="field">
              <label for="f-reason">{t('counting.voidReason')}</label>
              <p id="f-reason-hint" class="field__hint">{t('counting.voidHint')}</p>
              <textarea id="f-reason" name="reason" rows={3} required maxlength={p.voidReasonMax} aria-describedby="f-reason-hint">{p.voidReason ?? ''}</textarea>
            </div>
            <button type="submit" class="button button--danger">{t('counting.voidButton')}</button>
          </form>
        </details>
      )}
    </section>
  );
}

/**
 * A tie across the cut-off is never broken by the software: once the count (and so the tie) is
 * published the secretariat creates the runoff (再次投票) among the tied options; everyone here sees
 * where it stands.
 */
function RunoffSection(p: ScrutinyPageProps) {
  const { v, election: e } = p;
  const { t } = v;
  const live = p.links.runoffs.find((r) => r.state !== 'void');
  const published = isPublished(e.state);
  return (
    <section aria-labelledby="runoff-title">
      <h2 id="runoff-title">{t('runoff.title')}</h2>
      {p.links.runoffs.length > 0 && (
        <ul class="meeting-list">
          {p.links.runoffs.map((r) => (
            <li>
              <a href={p.roles.secretariat ? `/admin/elections/${r.id}` : `/admin/elections/${r.id}/scrutiny`}>{r.title}</a>{' '}
              <span class="chip">{stateLabel(v, r.state)}</span>
            </li>
          ))}
        </ul>
      )}
      {!live && !published && <p>{t('runoff.afterPublication')}</p>}
      {!live && published && p.roles.secretariat && (
        <form method="post" action={`/admin/elections/${e.id}/runoff`} class="stack narrow">
          <p>{t('runoff.intro', { seats: p.record?.body.result.tie?.seats ?? 0 })}</p>
          <Field name="title" label={t('runoff.titleLabel')} value={t('runoff.defaultTitle', { title: e.title })} required maxlength={p.titleMax} />
          <button type="submit" class="button button--primary">{t('runoff.create')}</button>
        </form>
      )}
      {!live && published && !p.roles.secretariat && <p>{t('runoff.pending')}</p>}
    </section>
  );
}

export interface ScrutinyListItem {
  id: number;
  title: string;
  meetingTitle: string;
  state: ElectionState;
  awaitingMe: boolean;
}

/** Votes past their close, for scrutineers (who reach it from their account page) and the secretariat. */
export function ScrutinyListPage({ v, elections, approvals, ceremonies = [], notice, error }: {
  v: ViewContext; elections: ScrutinyListItem[]; approvals: ApprovalView[]; notice?: string; error?: string;
  /** Key ceremonies (of votes not yet open) this person is a trustee of. */
  ceremonies?: { electionId: number; title: string; state: CeremonyState }[];
}) {
  const { t } = v;
  return (
    <section aria-labelledby="scrutiny-list-title">
      <h1 id="scrutiny-list-title">{t('counting.listTitle')}</h1>
      {notice && <Notice kind="ok">{notice}</Notice>}
      {error && <Notice kind="error">{error}</Notice>}
      {approvals.length > 0 && (
        <>
          <h2>{t('approval.title')}</h2>
          <p class="field__hint">{t('approval.intro')}</p>
          <ApprovalTable v={v} approvals={approvals} caption={t('approval.title')} />
        </>
      )}
      {ceremonies.length > 0 && (
        <>
          <h2>{t('ceremony.title')}</h2>
          <ul class="meeting-list">
            {ceremonies.map((x) => (
              <li><a href={`/scrutiny/elections/${x.electionId}/ceremony`}>{t('ceremony.trustee.heading', { title: x.title })}</a>{' '}
                <span class="chip">{t(x.state === 'complete' ? 'ceremony.state.complete' : 'ceremony.state.running')}</span></li>
            ))}
          </ul>
        </>
      )}
      <p>{t('counting.listIntro')}</p>
      {elections.length === 0 ? <p class="muted">{t('counting.listEmpty')}</p> : (
        <ul class="meeting-list">
          {elections.map((e) => (
            <li>
              <a href={`/admin/elections/${e.id}/scrutiny`}>{e.title}</a> <span class="muted">{e.meetingTitle}</span>{' '}
              <span class="chip">{stateLabel(v, e.state)}</span>
              {e.awaitingMe && <> <span class="chip chip--warn">{t('counting.awaiting')}</span></>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
