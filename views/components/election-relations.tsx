import type { ElectionLinks, ElectionView } from '../../src/elections/model.ts';
import type { ViewContext } from '../context.ts';
import { Notice, PostButton } from './form.tsx';
import { stateLabel } from './labels.ts';

/**
 * Where an election stands among others: the count a runoff resolves, the void vote a re-run holds
 * again, and for a void vote its reason and its re-run (or, for the secretariat, the button to hold it).
 */
export function ElectionRelations({ v, election: e, links, href, canRerun }: {
  v: ViewContext; election: ElectionView; links: ElectionLinks; href: (id: number) => string; canRerun: boolean;
}) {
  const { t } = v;
  return (
    <>
      {links.resolves && <p>{t('runoff.resolves')} <a href={href(links.resolves.id)}>{links.resolves.title}</a></p>}
      {links.rerunOf && <p>{t('rerun.of')} <a href={href(links.rerunOf.id)}>{links.rerunOf.title}</a>{links.rerunOf.reason && t('rerun.reason', { reason: links.rerunOf.reason })}</p>}
      {e.state === 'void' && (
        <Notice kind="warn">
          <p>{t('counting.voided', { reason: e.void_reason ?? '' })}</p>
          {links.rerunBy
            ? <p>{t('rerun.by')} <a href={href(links.rerunBy.id)}>{links.rerunBy.title}</a> <span class="chip">{stateLabel(v, links.rerunBy.state)}</span></p>
            : canRerun && <PostButton action={`/admin/elections/${e.id}/rerun`} label={t('rerun.button')} kind="primary" />}
        </Notice>
      )}
    </>
  );
}
