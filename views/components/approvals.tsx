import type { ApprovalView } from '../../src/users/model.ts';
import { CREDENTIAL_STEP_LABEL } from '../../src/domain/vocabulary.ts';
import { formatDateTime, type MessageKey } from '../../src/platform/i18n/index.ts';
import type { ViewContext } from '../context.ts';
import { PostButton } from './form.tsx';

const STATUS_LABEL: Readonly<Record<ApprovalView['status'], MessageKey>> = {
  pending: 'approval.status.pending', confirmed: 'approval.status.confirmed', declined: 'approval.status.declined',
  used: 'approval.status.used', expired: 'approval.status.expired',
};

/**
 * Credential steps on protected deputies (a reset, a first account, a re-link during a vote), with
 * who asked, who decided and where each stands; a named scrutineer may confirm or decline the
 * pending ones they are entitled to. Shown prominently on the scrutiny pages.
 */
export function ApprovalTable({ v, approvals, caption }: { v: ViewContext; approvals: ApprovalView[]; caption: string }) {
  const { t } = v;
  if (approvals.length === 0) return <p class="muted">{t('approval.none')}</p>;
  return (
    <div class="table-wrap">
      <table class="table approvals">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr><th scope="col">{t('approval.deputy')}</th><th scope="col">{t('approval.step')}</th><th scope="col">{t('approval.request')}</th><th scope="col">{t('approval.state')}</th></tr>
        </thead>
        <tbody>
          {approvals.map((a) => (
            <tr class={a.status === 'pending' ? 'approvals__pending' : undefined}>
              <th scope="row">{a.deputy.name} <span class="muted">{a.deputy.code}{a.username && ` · ${a.username}`}</span></th>
              <td>{t(CREDENTIAL_STEP_LABEL[a.step])}</td>
              <td>{t('approval.requestedBy', { name: a.requestedBy, at: formatDateTime(v.lang, a.requestedAt) })}</td>
              <td>
                <strong>{t(STATUS_LABEL[a.status])}</strong>
                {a.decidedBy && a.decidedAt && <> <span class="muted">{t('approval.decidedBy', { name: a.decidedBy, at: formatDateTime(v.lang, a.decidedAt) })}</span></>}
                {a.decidable && a.status === 'pending' && (
                  <div class="review-actions">
                    <PostButton action={`/scrutiny/approvals/${a.id}/confirm`} label={t('approval.confirm')} kind="primary" />
                    <PostButton action={`/scrutiny/approvals/${a.id}/decline`} label={t('approval.decline')} kind="danger" />
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
