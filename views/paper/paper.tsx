import type { ElectionView } from '../../src/elections/model.ts';
import { acceptsBallots, acceptsPaperEntry } from '../../src/domain/lifecycle.ts';
import type { PaperEntry, PaperReconciliation } from '../../src/paper/rules.ts';
import { LETTERS } from '../../src/domain/record/format.ts';
import type { ViewContext } from '../context.ts';
import { letterLabel } from '../components/labels.ts';
import { Field, Notice, PostButton } from '../components/form.tsx';

export interface PaperPageProps {
  v: ViewContext;
  election: ElectionView;
  issued: number;
  returned: number | null;
  reconciliation: PaperReconciliation;
  entries: (PaperEntry & { clerkName: string })[];
  myNextSeq: number;
  canCommit: boolean;
  notice?: string;
  error?: string;
  /** What was typed into a form that was asked again (422). */
  typed?: { codes?: string | undefined; returned?: string | undefined };
  /** More paper ballots were counted back than handed out: where the secretariat may void the vote. */
  voidHref?: string | undefined;
}

const marksText = (v: ViewContext, e: ElectionView, marks: string) => [...marks].map((l, i) => `${i + 1}:${letterLabel(v, e.marking, l)}`).join(' ');

/** Paper ballots: handing out (while open), then counting back and double keying (after the close). */
export function PaperPage(p: PaperPageProps) {
  const { v, election: e } = p;
  const { t } = v;
  const letters = LETTERS[e.marking];
  return (
    <section aria-labelledby="paper-title">
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/admin">{t('admin.title')}</a> › <a href={`/admin/elections/${e.id}`}>{e.title}</a></nav>
      <h1 id="paper-title">{t('paper.title')}</h1>
      {p.notice && <Notice kind="ok">{p.notice}</Notice>}
      {p.error && <Notice kind="error">{p.error}{p.voidHref && <>{' '}<a href={p.voidHref}>{t('paper.voidLink')}</a></>}</Notice>}
      <dl class="facts facts--inline big-facts">
        <div><dt>{t('turnout.paperIssued')}</dt><dd>{p.issued}</dd></div>
        <div><dt>{t('turnout.paperReturned')}</dt><dd>{p.returned ?? '—'}</dd></div>
        <div><dt>{t('paper.agreed')}</dt><dd>{p.reconciliation.agreed.length}</dd></div>
      </dl>
      <p><a class="button button--secondary" href={`/admin/elections/${e.id}/paper/ballot`}>{t('paper.printSample')}</a></p>

      {acceptsBallots(e.state) && (
        <form method="post" action={`/admin/elections/${e.id}/paper/issue`} class="stack narrow">
          <h2>{t('paper.issue')}</h2>
          <Field name="codes" label={t('paper.codes')} hint={t('paper.codesHint')} value={p.typed?.codes ?? ''} error={p.typed?.codes !== undefined ? p.error : undefined} required />
          <button type="submit" class="button button--primary">{t('paper.issueButton')}</button>
        </form>
      )}

      {acceptsPaperEntry(e.state) && !e.paper_committed_at && (
        <>
          <form method="post" action={`/admin/elections/${e.id}/paper/returned`} class="stack narrow">
            <h2>{t('paper.returnedTitle')}</h2>
            <Field name="returned" label={t('paper.returnedLabel')} type="number" value={p.typed?.returned ?? (p.returned === null ? '' : String(p.returned))} hint={t('paper.returnedHint')} error={p.typed?.returned !== undefined ? p.error : undefined} required />
            <button type="submit" class="button button--secondary">{t('paper.save')}</button>
          </form>
          {p.returned !== null && p.returned > 0 && (
            <form method="post" action={`/admin/elections/${e.id}/paper/entries`} class="stack">
              <h2>{t('paper.keyTitle')}</h2>
              <p class="field__hint">{t('paper.keyHint')}</p>
              <Field name="seq" label={t('paper.seq')} type="number" value={String(p.myNextSeq)} required />
              <ol class="ballot-list">
                {e.options.map((o) => (
                  <li class="ballot-item">
                    <fieldset class="ballot-item__group">
                      <legend><span class="ballot-num">{o.position}</span> {o.title}</legend>
                      <div class="choices">
                        {letters.map((l) => (
                          <label class={`choice choice--${l}`}><input type="radio" name={`choice.${o.key}`} value={l} checked={l === 'N'} /> <span>{letterLabel(v, e.marking, l)}</span></label>
                        ))}
                      </div>
                    </fieldset>
                  </li>
                ))}
              </ol>
              <fieldset>
                <legend>{t('paper.invalidLegend')}</legend>
                <label class="check"><input type="radio" name="invalid" value="" checked /> {t('paper.invalid.none')}</label>
                <label class="check"><input type="radio" name="invalid" value="unreadable" /> {t('paper.invalid.unreadable')}</label>
                <label class="check"><input type="radio" name="invalid" value="other" /> {t('paper.invalid.other')}</label>
              </fieldset>
              <button type="submit" class="button button--primary button--big">{t('paper.keyButton')}</button>
            </form>
          )}
          {p.reconciliation.mismatched.length > 0 && (
            <>
              <h2>{t('paper.mismatches')}</h2>
              <table class="table">
                <caption class="visually-hidden">{t('paper.mismatches')}</caption>
                <thead><tr><th scope="col">{t('paper.seq')}</th><th scope="col">{t('paper.clerk')}</th><th scope="col">{t('paper.keyed')}</th></tr></thead>
                <tbody>
                  {p.reconciliation.mismatched.flatMap((m) => m.entries.map((x, i) => (
                    <tr class="mismatch">{i === 0 && <th scope="row" rowspan={m.entries.length}>{m.seq}</th>}<td>{p.entries.find((y) => y.seq === x.seq && y.clerkUserId === x.clerkUserId)?.clerkName}</td><td>{marksText(v, e, x.marks)}{x.invalid && ` · ${t(x.invalid === 'unreadable' ? 'paper.invalid.unreadable' : 'paper.invalid.other')}`}</td></tr>
                  )))}
                </tbody>
              </table>
            </>
          )}
          {p.reconciliation.incomplete.length > 0 && <p class="muted">{t('paper.incomplete', { seqs: p.reconciliation.incomplete.slice(0, 50).join('、') })}</p>}
          {p.canCommit && <PostButton action={`/admin/elections/${e.id}/paper/commit`} label={t('paper.commit', { count: p.reconciliation.agreed.length })} kind="primary" />}
        </>
      )}
      {e.paper_committed_at && <Notice kind="ok">{t('paper.committed')}</Notice>}
    </section>
  );
}

/** The printable ballot paper (票样): no names, no numbers, boxes to mark. */
export function PaperBallot({ v, election: e }: { v: ViewContext; election: ElectionView }) {
  const { t } = v;
  const letters = LETTERS[e.marking];
  return (
    <article class="paper-ballot">
      <p class="paper-ballot__meeting">{e.meetingTitle}</p>
      <h1>{e.title}</h1>
      <p class="paper-ballot__help">{e.marking === 'approval' ? t('ballot.help.approval', { seats: e.seats ?? 0 }) : t('ballot.help.faa', { seats: e.seats ?? 0 })} {t('paper.blankIsAbstain')}</p>
      <table class="table paper-ballot__table">
        <caption class="visually-hidden">{e.title}</caption>
        <thead><tr><th scope="col">{t('ballot.number')}</th><th scope="col">{t('ballot.option')}</th>{letters.map((l) => <th scope="col">{letterLabel(v, e.marking, l)}</th>)}</tr></thead>
        <tbody>
          {e.options.map((o) => <tr><td>{o.position}</td><th scope="row">{o.title}</th>{letters.map(() => <td class="paper-box" aria-label={t('paper.box')}>□</td>)}</tr>)}
        </tbody>
      </table>
      <p class="muted no-print"><button type="button" class="button button--secondary" data-print hidden>{t('paper.print')}</button></p>
    </article>
  );
}
