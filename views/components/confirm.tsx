import { CONFIRM_FIELD, confirmationOf, type Facts, factFields } from '../../src/platform/http/confirm.ts';
import { type Ctx, view } from '../../src/platform/http/kit.ts';
import type { ViewContext } from '../context.ts';
import { Notice } from './form.tsx';

/** What an irreversible step asks before it acts. */
export interface Ask {
  /** The page's heading, e.g. "结束投票？". */
  title: string;
  /** What follows, in the reader's words, with the figures that matter. */
  consequences: string[];
  /** The confirming button's label, e.g. "确认结束投票". */
  button: string;
  /** Where "back" leads: the page the step was started from. */
  back: string;
  /** The figures stated, compared again when the confirmation comes back. */
  facts: Facts;
  /** Fields of the original form to post again (a digest, a reason, a title). */
  carry?: Record<string, string>;
}

export function ConfirmPage({ v, ask, action, changed }: { v: ViewContext; ask: Ask; action: string; changed: boolean }) {
  const { t } = v;
  return (
    <section aria-labelledby="confirm-title" class="confirm">
      <h1 id="confirm-title">{ask.title}</h1>
      {changed && <Notice kind="warn">{t('confirm.changed')}</Notice>}
      <ul class="confirm__list">{ask.consequences.map((line) => <li>{line}</li>)}</ul>
      <form method="post" action={action} class="review-actions">
        <input type="hidden" name={CONFIRM_FIELD} value="1" />
        {factFields(ask.facts).map(([name, value]) => <input type="hidden" name={name} value={value} />)}
        {Object.entries(ask.carry ?? {}).map(([name, value]) => <input type="hidden" name={name} value={value} />)}
        <button type="submit" class="button button--danger button--big">{ask.button}</button>
        <a class="button button--secondary button--big" href={ask.back}>{t('confirm.back')}</a>
      </form>
    </section>
  );
}

/**
 * Asks before an irreversible step: unless the form confirms exactly the facts as they are now, the
 * confirmation page (200), and the step does not run; undefined when it may run.
 */
export function confirmFirst(c: Ctx, form: Readonly<Record<string, unknown>>, ask: Ask): Response | Promise<Response> | undefined {
  const status = confirmationOf(form, ask.facts);
  if (status === 'confirmed') return undefined;
  return c.render(<ConfirmPage v={view(c)} ask={ask} action={c.req.path} changed={status === 'changed'} />, { title: ask.title });
}
