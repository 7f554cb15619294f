import type { MessageKey } from '../../src/platform/i18n/index.ts';
import { acceptsBallots } from '../../src/domain/lifecycle.ts';
import type { VoteEntry } from '../../src/ballots/model.ts';
import type { ViewContext } from '../context.ts';
import { Notice } from '../components/form.tsx';


/** A deputy's elections: open ones to vote in, and which are done. */
export function VotePage({ v, elections, checkIns = [], notice }: { v: ViewContext; elections: VoteEntry[]; checkIns?: { id: number; title: string }[]; notice?: string }) {
  const { t } = v;
  return (
    <section aria-labelledby="vote-title">
      <h1 id="vote-title">{t('vote.title')}</h1>
      {notice && <Notice kind="ok">{notice}</Notice>}
      {checkIns.map((m) => (
        <form method="post" action={`/meetings/${m.id}/check-in`} class="check-in">
          <p>{t('vote.checkInIntro', { meeting: m.title })}</p>
          <button type="submit" class="button button--primary button--big">{t('vote.checkIn')}</button>
        </form>
      ))}
      {elections.length === 0 ? <p class="muted">{t('vote.none')}</p> : (
        <ul class="tile-list">
          {elections.map((e) => {
            const status: MessageKey = e.channel ? 'vote.done' : acceptsBallots(e.state) ? 'vote.open' : 'vote.closed';
            return (
              <li>
                {acceptsBallots(e.state) && !e.channel ? (
                  <a class="tile" href={`/elections/${e.id}/ballot`}><strong>{e.title}</strong><span>{e.meetingTitle}</span><span class="chip chip--warn">{t(status)}</span></a>
                ) : (
                  <div class="tile"><strong>{e.title}</strong><span>{e.meetingTitle}</span><span class="chip chip--ok">{t(status)}</span></div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
