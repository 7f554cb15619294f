import type { CredentialSlip } from '../../src/users/model.ts';
import type { ViewContext } from '../context.ts';
import { Notice } from '../components/form.tsx';

/** Slips per printed A4 sheet: two columns by four rows, cut along the dashed lines. */
export const SLIPS_PER_SHEET = 8;

export interface SlipsPageProps {
  v: ViewContext;
  title: string;
  slips: CredentialSlip[];
  /** Where people sign in: PUBLIC_URL + /login. */
  signInUrl: string;
  /** Deputies asked for who already had an account, and so got no slip. */
  skipped?: number;
  /** Protected deputies whose first account waits for a scrutineer's confirmation (codes). */
  awaiting?: string[];
  back: { href: string; label: string };
}

function Slip({ v, slip, signInUrl }: { v: ViewContext; slip: CredentialSlip; signInUrl: string }) {
  const { t } = v;
  return (
    <li class="slip">
      <p class="slip__system">{t('site.name')}</p>
      <p class="slip__context">{slip.context ?? t('slips.staffAccount')}</p>
      <p class="slip__person"><strong class="slip__name">{slip.name}</strong>{slip.affiliation && <span class="slip__affiliation">{slip.affiliation}</span>}</p>
      <dl class="slip__credentials">
        <div><dt>{t('auth.username')}</dt><dd class="slip__username" translate="no">{slip.username}</dd></div>
        <div><dt>{t('slips.password')}</dt><dd class="slip__password" translate="no">{slip.password}</dd></div>
        <div><dt>{t('slips.signInAt')}</dt><dd class="slip__url" translate="no">{signInUrl}</dd></div>
      </dl>
      <p class="slip__note">{t('slips.instruction')}</p>
    </li>
  );
}

/**
 * The printable credential slips, shown once: the passwords exist nowhere else. On screen a
 * readable list with a warning and a Print button; on paper (app.css, "slips") eight to an A4 sheet.
 */
export function SlipsPage({ v, title, slips, signInUrl, skipped = 0, awaiting = [], back }: SlipsPageProps) {
  const { t } = v;
  const sheets: CredentialSlip[][] = [];
  for (let i = 0; i < slips.length; i += SLIPS_PER_SHEET) sheets.push(slips.slice(i, i + SLIPS_PER_SHEET));
  return (
    <section class="slips" aria-labelledby="slips-title">
      <div class="slips__screen">
        <p class="breadcrumb"><a href={back.href}>{back.label}</a></p>
        <h1 id="slips-title">{title}</h1>
        {slips.length > 0
          ? (<>
            <Notice kind="warn">{t('slips.onceWarning')}</Notice>
            <p>{t('slips.count', { count: slips.length, sheets: sheets.length })}</p>
          </>)
          : <Notice kind="ok">{t('slips.none')}</Notice>}
        {skipped > 0 && <p class="muted">{t('slips.skipped', { count: skipped })}</p>}
        {awaiting.length > 0 && <Notice kind="warn">{t('slips.awaiting', { count: awaiting.length, codes: awaiting.join(t('result.listSeparator')) })}</Notice>}
        {slips.length > 0 && (
          <ul class="action-list">
            <li><button type="button" class="button button--primary print-button" data-print>{t('slips.print')}</button></li>
          </ul>
        )}
      </div>
      {sheets.map((sheet, i) => (
        <ul class="slip-sheet" aria-label={t('slips.sheet', { n: i + 1, total: sheets.length })}>
          {sheet.map((slip) => <Slip v={v} slip={slip} signInUrl={signInUrl} />)}
        </ul>
      ))}
    </section>
  );
}
