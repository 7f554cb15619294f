import type { ElectionView } from '../../src/elections/model.ts';
import { acceptsBallots, acceptsPaperEntry } from '../../src/domain/lifecycle.ts';
import { differingItems, type Keying, type PaperEntry, type PaperReconciliation } from '../../src/paper/rules.ts';
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
  /** The sheet the clerk's form offers (undefined: they have keyed every sheet returned). */
  myNextSeq: number | undefined;
  /** Sheets one clerk has keyed, waiting for a second; sheets nobody has keyed yet. */
  awaiting: number[];
  notYet: number[];
  /** What the reader may do here: secretariat (hand out, count back, commit), clerk (key), scrutineer and secretariat (see every entry). */
  can: { issue: boolean; count: boolean; key: boolean; seeAll: boolean };
  canCommit: boolean;
  notice?: string;
  error?: string;
  /** What was typed into a form that was asked again (422). */
  typed?: { codes?: string | undefined; returned?: string | undefined };
  /** More paper ballots were counted back than handed out: where the secretariat may void the vote. */
  voidHref?: string | undefined;
  /** Deputies holding a paper ballot while the vote is open (the secretariat may undo a mistaken hand-out). */
  holders: { code: string; name: string }[];
}

const marksText = (v: ViewContext, e: ElectionView, marks: string) => [...marks].map((l, i) => `${i + 1}:${letterLabel(v, e.marking, l)}`).join(' ');
const invalidLabel = (v: ViewContext, invalid: Keying['invalid']) => v.t(invalid === 'unreadable' ? 'paper.invalid.unreadable' : 'paper.invalid.other');

/** A keying in words, for the confirmation of a re-entry: "1:赞成 2:弃权 · 无法辨认（废票）". */
export function keyingText(v: ViewContext, e: ElectionView, k: Keying): string {
  return `${marksText(v, e, k.marks)}${k.invalid ? ` · ${invalidLabel(v, k.invalid)}` : ''}`;
}

/** What changes from one keying to another, item by item: "第 1 项：赞成 → 反对". */
export function keyingChanges(v: ViewContext, e: ElectionView, before: Keying, after: Keying): string[] {
  const d = differingItems([before, after]);
  const letter = (l: string | undefined) => (l ? letterLabel(v, e.marking, l) : '—');
  return [
    ...d.items.map((i) => v.t('paper.changeLine', { what: v.t('paper.item', { n: i + 1 }), before: letter(before.marks[i]), after: letter(after.marks[i]) })),
    ...(d.invalid ? [v.t('paper.changeLine', {
      what: v.t('paper.invalidReason'), before: before.invalid ? invalidLabel(v, before.invalid) : '—', after: after.invalid ? invalidLabel(v, after.invalid) : '—',
    })] : []),
  ];
}

/** One keying, the items that differ from the sheet's other keying marked in text, not only colour. */
function KeyingCell({ v, e, k, differs }: { v: ViewContext; e: ElectionView; k: Keying; differs: { items: number[]; invalid: boolean } }) {
  const { t } = v;
  return (
    <span class="keying">
      {[...k.marks].map((l, i) => {
        const text = `${i + 1}:${letterLabel(v, e.marking, l)}`;
        return <>{i > 0 && ' '}{differs.items.includes(i) ? <mark class="keying__differs">{text}<span class="keying__flag">{t('paper.differs')}</span></mark> : text}</>;
      })}
      {k.invalid && <>{' · '}{differs.invalid ? <mark class="keying__differs">{invalidLabel(v, k.invalid)}<span class="keying__flag">{t('paper.differs')}</span></mark> : invalidLabel(v, k.invalid)}</>}
      {!k.invalid && differs.invalid && <>{' · '}<mark class="keying__differs">{t('paper.notVoided')}<span class="keying__flag">{t('paper.differs')}</span></mark></>}
    </span>
  );
}

/** Where two keyings differ, in words: "第 2 项、作废原因". */
function differsText(v: ViewContext, d: { items: number[]; invalid: boolean }): string {
  const parts = [...d.items.map((i) => v.t('paper.item', { n: i + 1 })), ...(d.invalid ? [v.t('paper.invalidReason')] : [])];
  return parts.join(v.lang === 'en' ? ', ' : '、');
}

/** Paper ballots: handing out (while open), then counting back and double keying (after the close). */
export function PaperPage(p: PaperPageProps) {
  const { v, election: e } = p;
  const { t } = v;
  const letters = LETTERS[e.marking];
  return (
    <section aria-labelledby="paper-title">
      <nav aria-label="breadcrumb" class="breadcrumb">
        {p.can.issue ? <><a href="/admin">{t('admin.title')}</a> › <a href={`/admin/elections/${e.id}`}>{e.title}</a></>
          : p.can.key ? <><a href="/paper">{t('paper.listTitle')}</a> › {e.title}</>
          : <><a href="/scrutiny">{t('counting.listTitle')}</a> › <a href={`/admin/elections/${e.id}/scrutiny`}>{e.title}</a></>}
      </nav>
      <h1 id="paper-title">{t('paper.title')}</h1>
      {p.notice && <Notice kind="ok">{p.notice}</Notice>}
      {p.error && <Notice kind="error">{p.error}{p.voidHref && <>{' '}<a href={p.voidHref}>{t('paper.voidLink')}</a></>}</Notice>}
      <dl class="facts facts--inline big-facts">
        <div><dt>{t('turnout.paperIssued')}</dt><dd>{p.issued}</dd></div>
        <div><dt>{t('turnout.paperReturned')}</dt><dd>{p.returned ?? '—'}</dd></div>
        <div><dt>{t('paper.agreed')}</dt><dd>{p.reconciliation.agreed.length}</dd></div>
      </dl>
      {p.can.issue && <p><a class="button button--secondary" href={`/admin/elections/${e.id}/paper/ballot`}>{t('paper.printSample')}</a></p>}

      {acceptsBallots(e.state) && p.can.issue && (
        <form method="post" action={`/admin/elections/${e.id}/paper/issue`} class="stack narrow">
          <h2>{t('paper.issue')}</h2>
          <Field name="codes" label={t('paper.codes')} hint={t('paper.codesHint')} value={p.typed?.codes ?? ''} error={p.typed?.codes !== undefined ? p.error : undefined} required />
          <button type="submit" class="button button--primary">{t('paper.issueButton')}</button>
        </form>
      )}
      {acceptsBallots(e.state) && p.can.issue && p.holders.length > 0 && (
        <section aria-labelledby="paper-holders-title">
          <h2 id="paper-holders-title">{t('paper.holdersTitle')}</h2>
          <p class="field__hint">{t('paper.holdersHint')}</p>
          <ul class="action-list paper-holders">
            {p.holders.map((h) => (
              <li>
                <span>{h.code} {h.name}</span>{' '}
                <PostButton action={`/admin/elections/${e.id}/paper/unissue`} hidden={{ code: h.code }} label={t('paper.unissueButton', { code: h.code })} kind="danger" />
              </li>
            ))}
          </ul>
        </section>
      )}

      {acceptsPaperEntry(e.state) && !e.paper_committed_at && (
        <>
          {p.can.count && (
            <form method="post" action={`/admin/elections/${e.id}/paper/returned`} class="stack narrow">
              <h2>{t('paper.returnedTitle')}</h2>
              <Field name="returned" label={t('paper.returnedLabel')} type="number" value={p.typed?.returned ?? (p.returned === null ? '' : String(p.returned))} hint={t('paper.returnedHint')} error={p.typed?.returned !== undefined ? p.error : undefined} required />
              <button type="submit" class="button button--secondary">{t('paper.save')}</button>
            </form>
          )}
          {p.can.key && p.returned === null && <p class="muted">{t('paper.waitReturned')}</p>}
          {p.can.key && p.returned !== null && p.returned > 0 && (
            <form method="post" action={`/admin/elections/${e.id}/paper/entries`} class="stack">
              <h2>{t('paper.keyTitle')}</h2>
              <p class="field__hint">{t('paper.keyHint')}</p>
              {p.myNextSeq === undefined && <p class="muted">{t('paper.allKeyedByMe', { returned: p.returned })}</p>}
              <Field name="seq" label={t('paper.seqOf', { returned: p.returned })} type="number" value={p.myNextSeq === undefined ? '' : String(p.myNextSeq)} required />
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
              <div class="table-wrap" tabindex={0} role="region" aria-label={t('paper.mismatches')}>
                <table class="table">
                  <caption class="visually-hidden">{t('paper.mismatches')}</caption>
                  <thead><tr><th scope="col">{t('paper.seq')}</th><th scope="col">{t('paper.clerk')}</th><th scope="col">{t('paper.keyed')}</th><th scope="col">{t('paper.differsAt')}</th></tr></thead>
                  <tbody>
                    {p.reconciliation.mismatched.flatMap((m) => {
                      const d = differingItems(m.entries);
                      return m.entries.map((x, i) => (
                        <tr class="mismatch">{i === 0 && <th scope="row" rowspan={m.entries.length}>{m.seq}</th>}<td>{p.entries.find((y) => y.seq === x.seq && y.clerkUserId === x.clerkUserId)?.clerkName}</td><td><KeyingCell v={v} e={e} k={x} differs={d} /></td>{i === 0 && <td rowspan={m.entries.length}>{differsText(v, d)}</td>}</tr>
                      ));
                    })}
                  </tbody>
                </table>
              </div>
            </>
          )}
          {p.awaiting.length > 0 && <p class="muted">{t('paper.incomplete', { seqs: p.awaiting.slice(0, 50).join('、') })}</p>}
          {p.notYet.length > 0 && p.returned !== null && <p class="muted">{t('paper.notYetKeyed', { seqs: p.notYet.slice(0, 50).join('、') })}</p>}
          {p.canCommit && <PostButton action={`/admin/elections/${e.id}/paper/commit`} label={t('paper.commit', { count: p.reconciliation.agreed.length })} kind="primary" />}
        </>
      )}
      {p.can.seeAll && p.entries.length > 0 && <AllEntries v={v} e={e} entries={p.entries} returned={p.returned} />}
      {e.paper_committed_at && <Notice kind="ok">{t('paper.committed')}</Notice>}
    </section>
  );
}

/** Every keying, both entries of each sheet side by side, for scrutineers and the secretariat to watch (read-only). */
function AllEntries({ v, e, entries, returned }: { v: ViewContext; e: ElectionView; entries: PaperPageProps['entries']; returned: number | null }) {
  const { t } = v;
  const last = Math.max(returned ?? 0, ...entries.map((x) => x.seq));
  const sheets = Array.from({ length: last }, (_, i) => i + 1);
  return (
    <section aria-labelledby="paper-entries-title">
      <h2 id="paper-entries-title">{t('paper.entriesTitle')}</h2>
      <p class="field__hint">{t('paper.entriesHint')}</p>
      <div class="table-wrap" tabindex={0} role="region" aria-label={t('paper.entriesTitle')}>
        <table class="table">
          <caption class="visually-hidden">{t('paper.entriesTitle')}</caption>
          <thead><tr><th scope="col">{t('paper.seq')}</th><th scope="col">{t('paper.entry.first')}</th><th scope="col">{t('paper.entry.second')}</th><th scope="col">{t('paper.status')}</th></tr></thead>
          <tbody>
            {sheets.map((seq) => {
              const list = entries.filter((x) => x.seq === seq);
              const d = differingItems(list);
              const differs = d.items.length > 0 || d.invalid;
              const status = list.length === 0 ? t('paper.status.none') : list.length === 1 ? t('paper.status.awaiting')
                : differs ? t('paper.status.differs', { items: differsText(v, d) }) : t('paper.status.agreed');
              const cell = (x: (typeof list)[number] | undefined) => (x ? <td><span class="keying__clerk">{x.clerkName}</span>: <KeyingCell v={v} e={e} k={x} differs={d} /></td> : <td>—</td>);
              return (
                <tr class={differs ? 'mismatch' : undefined}>
                  <th scope="row">{seq}</th>{cell(list[0])}{cell(list[1])}<td>{status}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The clerk's list: the votes whose paper ballots wait to be keyed. */
export function PaperListPage({ v, elections }: { v: ViewContext; elections: { id: number; title: string; meetingTitle: string; returned: number | null }[] }) {
  const { t } = v;
  return (
    <section aria-labelledby="paper-list-title">
      <h1 id="paper-list-title">{t('paper.listTitle')}</h1>
      {elections.length === 0 ? <p class="muted">{t('paper.listEmpty')}</p> : (
        <ul class="stack">
          {elections.map((x) => <li><a href={`/admin/elections/${x.id}/paper`}>{x.title}</a> <span class="muted">{x.meetingTitle}{x.returned === null ? ` · ${t('paper.waitReturned')}` : ''}</span></li>)}
        </ul>
      )}
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
