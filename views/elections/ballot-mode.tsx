import type { CeremonyOverview } from '../../src/ceremonies/model.ts';
import type { BallotMode } from '../../src/domain/vocabulary.ts';
import { DEFAULT_THRESHOLD } from '../../src/elections/rules.ts';
import type { ViewContext } from '../context.ts';
import { BallotModeFields } from '../components/ballot-mode.tsx';

/** A draft's form that changes its ballot mode (refused by setBallotMode once a ceremony runs). */
export function BallotModeForm({ v, electionId, mode, threshold }: { v: ViewContext; electionId: number; mode: BallotMode; threshold: number | null }) {
  return (
    <form method="post" action={`/admin/elections/${electionId}/ballot-mode`} class="stack narrow" id="ballot-mode">
      <BallotModeFields v={v} mode={mode} threshold={threshold === null ? undefined : String(threshold)} />
      <button type="submit" class="button button--secondary">{v.t('ballotMode.save')}</button>
    </form>
  );
}

type Step = { done: boolean; text: string };

/**
 * The steps before an encrypted vote opens, each marked done or not, with the next one to take:
 * scrutineers named (at least k; k + 1 or more advised), the ceremony started, completed by the
 * trustees, every trustee's proof of possession in. Opening is refused until all are done.
 */
export function EncryptedSteps({ v, named, ceremony: c }: { v: ViewContext; named: number; ceremony: CeremonyOverview }) {
  const { t } = v;
  const k = c.k ?? DEFAULT_THRESHOLD;
  const enough = c.k !== null && named >= k && named >= 2;
  const started = c.state === 'running' || c.state === 'complete';
  const complete = c.state === 'complete';
  const allProved = complete && c.proved.length === c.n;
  const steps: Step[] = [
    { done: true, text: t('ballotMode.step.mode', { k }) },
    { done: enough || started, text: t('ballotMode.step.scrutineers', { k, advised: k + 1, named }) },
    { done: started, text: t(c.state === 'failed' ? 'ballotMode.step.restart' : 'ballotMode.step.start') },
    { done: complete, text: t('ballotMode.step.trustees') },
    { done: allProved, text: t('ballotMode.step.possession', { proved: c.proved.length, n: c.n }) },
  ];
  const next = steps.findIndex((s) => !s.done);
  return (
    <section aria-labelledby="encrypted-steps-title" class="encrypted-steps">
      <h2 id="encrypted-steps-title">{t('ballotMode.stepsTitle')}</h2>
      <ol class="steps">
        {steps.map((s, i) => (
          <li class={s.done ? 'steps__done' : i === next ? 'steps__next' : undefined} aria-current={i === next ? 'step' : undefined}>
            <span class="chip">{t(s.done ? 'ballotMode.done' : i === next ? 'ballotMode.next' : 'ballotMode.todo')}</span> {s.text}
          </li>
        ))}
      </ol>
      <p class={next === -1 ? 'notice notice--ok' : 'field__hint'}>{t(next === -1 ? 'ballotMode.readyToOpen' : 'ballotMode.notYet')}</p>
    </section>
  );
}
