import { formatDateTime } from '../../src/platform/i18n/index.ts';
import type { RecordSummary } from '../../src/counting/model.ts';
import { FinalList } from '../components/final-list.tsx';
import { KIND_LABEL } from '../../src/domain/vocabulary.ts';
import type { MeetingChosenList } from '../../src/results/model.ts';
import { chosenRows, isSelecting, overallSatisfaction, percent, tiedRows, type ResultBody } from '../../src/results/present.ts';
import type { ViewContext } from '../context.ts';
import { Notice } from '../components/form.tsx';
import { ResultChart } from './chart.tsx';
import { ResultTable } from '../components/result-table.tsx';

export interface ResultPageProps {
  v: ViewContext;
  electionId: number;
  meetingId: number;
  record: RecordSummary;
  /** SHA-256 of the signing key (what `npm run verify -- … --key` compares). */
  fingerprint: string;
  /** The record's absolute URL, for the verify command. */
  recordUrl: string;
  /** The meeting's final list this vote belongs to, when it is more than this vote's own chosen (a tie, a runoff). */
  finalList?: MeetingChosenList;
  /** Chosen options' projects, by `${electionId}/${optionId}`, so the chosen lists link them. */
  projects?: Readonly<Record<string, number>>;
  /** A runoff: the vote whose tie it resolves, when published. */
  resolves?: { id: number; title: string };
}

/** Tie and shortfall notices, shared by the result page and the meeting page. */
export function TieNotices({ v, body }: { v: ViewContext; body: ResultBody }) {
  const { t } = v;
  const tied = tiedRows(body);
  return (
    <>
      {body.result.tie && (
        <Notice kind="warn">{t('result.tieNotice', { seats: body.result.tie.seats, count: tied.length, options: tied.map((r) => r.title).join(t('result.listSeparator')) })}</Notice>
      )}
      {body.result.shortfall !== undefined && <Notice kind="warn">{t('counting.shortfall', { count: body.result.shortfall })}</Notice>}
    </>
  );
}

/**
 * The public result of a published vote: turnout and quorum, the chosen projects, chart and table,
 * and everything needed to check it independently (digest, certifications, key, record, verifier).
 */
export function ResultPage(p: ResultPageProps) {
  const { v, record } = p;
  const { t } = v;
  const body = record.body;
  const e = body.election;
  const selecting = isSelecting(e.kind);
  const chosen = chosenRows(body);
  const overall = overallSatisfaction(body);
  const base = `/elections/${p.electionId}`;
  return (
    <article class="result" aria-labelledby="result-title">
      <nav aria-label={t('result.breadcrumb')} class="breadcrumb">
        <a href="/">{t('nav.home')}</a> › <a href={`/meetings/${p.meetingId}`}>{e.meeting.title}</a>
      </nav>
      <p class="eyebrow">{t(KIND_LABEL[e.kind])}</p>
      <h1 id="result-title">{e.title}</h1>
      <p class="muted">{e.meeting.title} · {t('result.publishedAt', { at: formatDateTime(v.lang, record.publishedAt!) })}</p>
      {p.resolves && <p>{t('result.resolves')} <a href={`/elections/${p.resolves.id}/result`}>{p.resolves.title}</a></p>}

      <dl class="facts facts--inline big-facts">
        <div><dt>{t('attendance.expected')}</dt><dd>{body.roll.eligible}</dd></div>
        <div><dt>{t('attendance.present')}</dt><dd>{body.roll.present}</dd></div>
        <div><dt>{t('attendance.quorum')}</dt><dd>{body.result.quorum ? t('attendance.quorumMet') : t('attendance.quorumNotMet')}</dd></div>
        <div><dt>{t('counting.valid')}</dt><dd>{body.result.valid}</dd></div>
        <div><dt>{t('counting.invalid')}</dt><dd>{body.result.invalid}</dd></div>
        {overall !== undefined && <div><dt>{t('result.overallSatisfaction')}</dt><dd>{percent(overall)}</dd></div>}
      </dl>

      {selecting && (
        <section aria-labelledby="chosen-title">
          <h2 id="chosen-title">{t('result.chosenTitle')}</h2>
          <p>{t('result.chosenCount', { count: chosen.length, seats: e.rules.seats ?? 0 })}</p>
          {chosen.length > 0 && (
            <ol class="chosen-list">
              {chosen.map((r) => (
                <li>{p.projects?.[`${p.electionId}/${r.id}`] !== undefined
                  ? <a class="chosen-list__title" href={`/projects/${p.projects[`${p.electionId}/${r.id}`]}`}>{r.title}</a>
                  : <span class="chosen-list__title">{r.title}</span>} <span class="chosen-list__votes">{t('result.forVotes', { count: r.forVotes })}</span></li>
              ))}
            </ol>
          )}
          <TieNotices v={v} body={body} />
        </section>
      )}

      {p.finalList && <FinalList v={v} list={p.finalList} headingId="final-title" {...(p.projects ? { projects: p.projects } : {})} />}

      <section aria-labelledby="counts-title">
        <h2 id="counts-title">{t('counting.results')}</h2>
        <ResultChart v={v} body={body} />
        <ResultTable v={v} record={body} caption={t('result.tableCaption')} />
      </section>

      <section aria-labelledby="proof-title" class="proof">
        <h2 id="proof-title">{t('result.proofTitle')}</h2>
        <ul class="action-list">
          <li><a class="button button--secondary" href={`${base}/announcement`}>{t('result.announcementLink')}</a></li>
          <li><a class="button button--secondary" href={`${base}/result.csv`} download>{t('result.csvLink')}</a></li>
          <li><a class="button button--secondary" href={`${base}/record.json`}>{t('counting.recordLink')}</a></li>
          <li><a class="button button--secondary" href="/verify">{t('result.verifyBallotLink')}</a></li>
        </ul>
        <h3>{t('counting.certifications')}</h3>
        <ul class="cert-list">
          {record.certifications.map((c) => <li>{t('result.certifiedBy', { name: c.name, at: formatDateTime(v.lang, c.at) })}</li>)}
        </ul>
        <dl class="facts facts--wide proof__facts">
          <div><dt>{t('counting.digest')}</dt><dd><code class="digest">{record.digest}</code></dd></div>
          <div><dt>{t('counting.keyFingerprint')}</dt><dd><code class="digest">{p.fingerprint}</code> <a href="/.well-known/minsheng-signing-key">{t('result.keyLink')}</a></dd></div>
        </dl>
        <h3>{t('result.howToVerify')}</h3>
        <p>{t('result.howToVerifyText')}</p>
        <pre class="command"><code translate="no">{`npm run verify -- ${p.recordUrl} --key ${p.fingerprint}`}</code></pre>
      </section>
    </article>
  );
}
