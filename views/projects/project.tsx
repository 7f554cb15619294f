import { RATING_LABEL } from '../../src/domain/vocabulary.ts';
import { formatDate, formatDateTime } from '../../src/platform/i18n/index.ts';
import { beijingDate } from '../../src/platform/time.ts';
import type { ProjectDetail, PublicReport, TimelineEvent } from '../../src/projects/public-model.ts';
import { categoryLabel } from '../components/labels.ts';
import { formatFen, formatRate } from '../components/money.ts';
import { ProgressBar, StatusBadge } from '../components/tracking.tsx';
import type { ViewContext } from '../context.ts';

function TimelineLine({ v, e, d }: { v: ViewContext; e: TimelineEvent; d: ProjectDetail }) {
  const { t } = v;
  switch (e.kind) {
    case 'chosen': return <>{t('project.timeline.chosen', { votes: d.vote.forVotes, rank: d.vote.rank })}</>;
    case 'plan': return <>{t(e.ref === 1 ? 'project.timeline.plan' : 'project.timeline.planRevised', { revision: e.ref ?? 1 })}</>;
    case 'report': return <a href={`#report-${e.ref}`}>{t('project.timeline.report', { seq: e.ref ?? 0 })}</a>;
    case 'note': return <a href={`#note-${e.ref}`}>{t('project.timeline.note')}</a>;
    case 'reply': return <a href={`#note-${e.ref}`}>{t('project.timeline.reply')}</a>;
    case 'opinion': return <a href={`#opinion-${e.ref}`}>{t('project.timeline.opinion')}</a>;
    case 'rating': return <a href="#rating">{t('project.timeline.rating')}</a>;
    default: {
      const never: never = e.kind;
      return <>{String(never)}</>;
    }
  }
}

function Report({ v, r, d }: { v: ViewContext; r: PublicReport; d: ProjectDetail }) {
  const { t, lang } = v;
  const seqOf = (id: number | null) => d.reports.find((x) => x.id === id)?.seq ?? 0;
  const metric = (key: string) => d.targets.find((x) => x.key === key);
  const milestone = (key: string) => d.milestones.find((m) => m.key === key)?.title ?? key;
  return (
    <li class="report" id={`report-${r.seq}`}>
      <article aria-labelledby={`report-${r.seq}-title`}>
        <h3 id={`report-${r.seq}-title`}>
          {t(r.kind === 'rectification' ? 'project.report.rectificationTitle' : 'project.report.title', { seq: r.seq })}
          {r.period && <span class="muted"> · {r.period}</span>}
          {r.final && <span class="chip">{t('project.report.final')}</span>}
        </h3>
        <p class="muted">{t('project.report.approvedAt', { at: formatDateTime(lang, r.approvedAt) })}</p>
        {r.correctedById !== null && <p class="notice notice--warn">{t('project.report.corrected', { seq: seqOf(r.correctedById) })} <a href={`#report-${seqOf(r.correctedById)}`}>{t('project.report.seeCorrection')}</a></p>}
        {r.correctsId !== null && <p class="notice">{t('project.report.corrects', { seq: seqOf(r.correctsId) })}</p>}
        {r.narrative.split(/\n{2,}/).map((para) => <p>{para}</p>)}
        <dl class="facts">
          {r.percent !== null && <div><dt>{t('project.report.percent')}</dt><dd>{`${r.percent}%`}</dd></div>}
          <div><dt>{t('project.spent')}</dt><dd>{formatFen(v.lang, r.spentFen)}</dd></div>
          {r.actuals.map((a) => { const m = metric(a.target); return <div><dt>{m?.metric ?? a.target}</dt><dd>{`${a.value} ${m?.unit ?? ''}`}</dd></div>; })}
        </dl>
        {r.milestonesDone.length > 0 && <p>{t('project.report.milestonesDone', { list: r.milestonesDone.map(milestone).join(t('result.listSeparator')) })}</p>}
        {r.sections.map((s) => <section class="report-section"><h4>{t('project.report.section', { department: s.department })}</h4><p>{s.body}</p></section>)}
        {r.evidence.length > 0 && (
          <ul class="evidence">
            {r.evidence.map((e) => e.mediaType === 'application/pdf'
              ? <li><a href={`/evidence/${e.sha256}`} type="application/pdf">{t('project.report.pdf', { caption: e.caption })}</a></li>
              : <li><figure><a href={`/evidence/${e.sha256}`}><img src={`/evidence/${e.sha256}`} alt={e.caption} width={e.width ?? undefined} height={e.height ?? undefined} loading="lazy" /></a><figcaption>{e.caption}</figcaption></figure></li>)}
          </ul>
        )}
      </article>
    </li>
  );
}

export function ProjectPage({ v, d, signedInDeputy }: { v: ViewContext; d: ProjectDetail; signedInDeputy: boolean }) {
  const { t, lang } = v;
  const p = d.project;
  const plan = p.plan;
  const sep = t('result.listSeparator');
  return (
    <article aria-labelledby="project-title" class="project">
      <nav aria-label="breadcrumb" class="breadcrumb">
        <a href="/">{t('nav.home')}</a> › <a href={`/projects?year=${p.year}`}>{t('project.listTitle', { year: p.year })}</a>
      </nav>
      <p class="eyebrow">{categoryLabel(v, p.category)} · {p.meetingTitle}</p>
      <h1 id="project-title">{p.title}</h1>
      <p class="project__status"><StatusBadge v={v} status={p.status} /></p>
      <ProgressBar v={v} value={p.progress} label={t('project.progressOf', { title: p.title })} />
      <dl class="facts facts--wide">
        <div><dt>{t('project.spent')}</dt><dd>{formatFen(v.lang, p.money.spentFen)}</dd></div>
        <div><dt>{t('project.annualInvestment')}</dt><dd>{formatFen(v.lang, p.money.annualInvestmentFen)} <span class="muted">{t('project.annualRate', { rate: formatRate(p.money.annualRate) })}</span></dd></div>
        <div><dt>{t('project.totalInvestment')}</dt><dd>{formatFen(v.lang, p.money.totalInvestmentFen)}</dd></div>
        <div><dt>{t('project.department')}</dt><dd>{p.leadDepartment.name}</dd></div>
        <div><dt>{t('project.coDepartments')}</dt><dd>{p.coDepartments.length ? p.coDepartments.map((c) => c.name).join(sep) : t('candidate.none')}</dd></div>
        {plan && <div><dt>{t('project.leadOfficial')}</dt><dd>{plan.leadOfficial}</dd></div>}
        <div><dt>{t('project.location')}</dt><dd>{p.location ?? t('project.locationNone')}</dd></div>
        <div><dt>{t('project.deadline')}</dt><dd>{formatDate(lang, p.deadline)}</dd></div>
      </dl>

      <section aria-labelledby="vote-title">
        <h2 id="vote-title">{t('project.voteTitle')}</h2>
        <p>{t('project.voteLine', { title: d.vote.title, votes: d.vote.forVotes, rank: d.vote.rank })}</p>
        <p><a href={`/elections/${d.vote.electionId}/result`}>{t('project.voteResult')}</a>{' · '}
          <a href={`/elections/${d.vote.electionId}/record.json`} type="application/json">{t('project.voteRecord')}</a>{' · '}
          <a href={`/candidates/${p.candidateId}`}>{t('project.candidatePage')}</a></p>
      </section>

      {p.rating && (
        <section aria-labelledby="rating" class="rating">
          <h2 id="rating">{t('project.ratingTitle')}</h2>
          <p><strong>{t(RATING_LABEL[p.rating.rating])}</strong> · {t('project.satisfactionRate', { rate: formatRate(p.rating.satisfactionRate) })}</p>
          <table>
            <caption class="visually-hidden">{t('project.ratingTitle')}</caption>
            <thead><tr><th scope="col">{t('counting.rating.satisfied')}</th><th scope="col">{t('counting.rating.basically')}</th><th scope="col">{t('counting.rating.unsatisfied')}</th><th scope="col">{t('project.abstain')}</th></tr></thead>
            <tbody><tr><td>{p.rating.satisfied}</td><td>{p.rating.basically}</td><td>{p.rating.unsatisfied}</td><td>{p.rating.abstain}</td></tr></tbody>
          </table>
          <p><a href={`/elections/${p.rating.electionId}/result`}>{t('project.ratingResult')}</a></p>
        </section>
      )}

      <section aria-labelledby="plan-title">
        <h2 id="plan-title">{t('project.planTitle')}</h2>
        {!plan ? <p class="muted">{t('project.noPlan')}</p> : (
          <>
            <p class="muted">{t('project.planLine', { revision: plan.revision, at: formatDate(lang, beijingDate(plan.approvedAt)), start: formatDate(lang, plan.startsOn) })}</p>
            {d.targets.length > 0 && (
              <div class="table-scroll"><table>
                <caption>{t('project.targetsTitle')}</caption>
                <thead><tr><th scope="col">{t('project.target.metric')}</th><th scope="col">{t('project.target.target')}</th><th scope="col">{t('project.target.actual')}</th></tr></thead>
                <tbody>{d.targets.map((x) => <tr><th scope="row">{x.metric}</th><td>{`${x.target} ${x.unit}`}</td><td>{x.actual === null ? '—' : `${x.actual} ${x.unit}`}</td></tr>)}</tbody>
              </table></div>
            )}
            {d.subItems.length > 0 && (
              <><h3>{t('project.subItemsTitle')}</h3><ul>{d.subItems.map((s) => <li>{t('project.subItem', { title: s.title, weight: s.weight })}</li>)}</ul></>
            )}
            {d.milestones.length > 0 && (
              <><h3>{t('project.milestonesTitle')}</h3>
                <ul class="milestones">{d.milestones.map((m) => (
                  <li class={m.done ? 'milestone milestone--done' : m.overdue ? 'milestone milestone--overdue' : 'milestone'}>
                    <span class="milestone__state">{t(m.done ? 'project.milestone.done' : m.overdue ? 'project.milestone.overdue' : 'project.milestone.pending')}</span>{' '}
                    {m.title} <span class="muted">{t('project.milestone.due', { date: formatDate(lang, m.due) })}</span>
                  </li>
                ))}</ul></>
            )}
            {d.revisions.length > 1 && (
              <><h3>{t('project.revisionsTitle')}</h3>
                <ol class="revisions">{d.revisions.map((r) => (
                  <li>{t('project.revision', { revision: r.revision, at: formatDateTime(lang, r.approvedAt) })}{r.reason && <>: {r.reason}</>}</li>
                ))}</ol></>
            )}
          </>
        )}
      </section>

      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t('project.timelineTitle')}</h2>
        <ol class="timeline">{d.timeline.map((e) => <li>{e.day ? <time datetime={e.day}>{formatDate(lang, e.day)}</time> : <time datetime={e.at.toISOString()}>{formatDateTime(lang, e.at)}</time>} <TimelineLine v={v} e={e} d={d} /></li>)}</ol>
      </section>

      <section aria-labelledby="reports-title">
        <h2 id="reports-title">{t('project.reportsTitle')}</h2>
        {d.reports.length === 0 ? <p class="muted">{t('project.noReports')}</p> : <ol class="reports">{[...d.reports].reverse().map((r) => <Report v={v} r={r} d={d} />)}</ol>}
      </section>

      <section aria-labelledby="notes-title">
        <h2 id="notes-title">{t('project.notesTitle')}</h2>
        {d.notes.length === 0 ? <p class="muted">{t('project.noNotes')}</p> : (
          <ul class="notes">{d.notes.map((n) => (
            <li id={`note-${n.id}`}>
              <p class="muted">{t('project.note.by', { deputy: n.deputy, at: formatDateTime(lang, n.filedAt) })}</p>
              <p>{n.body}</p>
              {n.reply ? <blockquote class="reply"><p class="muted">{t('project.note.reply', { at: formatDateTime(lang, n.repliedAt!) })}</p><p>{n.reply}</p></blockquote>
                : <p class="muted">{t('project.note.replyDue', { date: formatDate(lang, n.replyDue) })}</p>}
            </li>
          ))}</ul>
        )}
        {signedInDeputy && <p><a class="button button--secondary" href={`/projects/${p.id}/notes/new`}>{t('project.fileNote')}</a></p>}
      </section>

      <section aria-labelledby="opinions-title">
        <h2 id="opinions-title">{t('project.opinionsTitle')}</h2>
        {d.opinions.length === 0 ? <p class="muted">{t('project.noOpinions')}</p> : (
          <ul class="opinions">{d.opinions.map((o) => (
            <li id={`opinion-${o.id}`}>
              <p class="muted"><time datetime={o.submittedOn}>{formatDate(lang, o.submittedOn)}</time></p>
              <p>{o.body}</p>
              {o.reply && <blockquote class="reply"><p class="muted">{t('project.opinion.reply')}</p><p>{o.reply}</p></blockquote>}
            </li>
          ))}</ul>
        )}
        <p><a class="button button--secondary" href={`/projects/${p.id}/opinions/new`}>{t('project.leaveOpinion')}</a></p>
      </section>

      <p class="open-data-links">{t('project.openData')}{' '}
        <a href={`/api/projects/${p.id}`} type="application/json">JSON</a>{' · '}
        <a href={`/projects/${p.id}/feed.xml`} type="application/atom+xml">{t('feed.projectLink')}</a>
      </p>
    </article>
  );
}
