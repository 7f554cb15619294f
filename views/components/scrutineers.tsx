import type { NamedScrutineer } from '../../src/elections/model.ts';
import type { ViewContext } from '../context.ts';

/**
 * The scrutineers named for a vote, as everyone may see them (the public meeting page, the hall
 * display): names and delegations, in the order named. `staff` adds codes and, for each, whether
 * their account can certify.
 */
export function ScrutineerList({ v, scrutineers, staff = false }: { v: ViewContext; scrutineers: NamedScrutineer[]; staff?: boolean }) {
  const { t } = v;
  if (scrutineers.length === 0) return <p class="muted">{t('scrutineers.none')}</p>;
  return (
    <ol class="scrutineer-list">
      {scrutineers.map((s) => (
        <li>
          {s.name} <span class="muted">{s.delegation}{staff && ` · ${s.code}`}</span>
          {staff && !s.account?.scrutineer && <> <span class="chip chip--warn">{t('scrutineers.noAccount')}</span></>}
        </li>
      ))}
    </ol>
  );
}

/** One line naming a vote's scrutineers (the hall display, lists of votes). */
export function scrutineerLine(v: ViewContext, scrutineers: NamedScrutineer[]): string {
  return v.t('scrutineers.public', { names: scrutineers.map((s) => s.name).join(v.t('result.listSeparator')) });
}
