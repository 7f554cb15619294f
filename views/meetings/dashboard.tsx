import type { ViewContext } from '../context.ts';

export function AdminDashboard({ v }: { v: ViewContext }) {
  const { t } = v;
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">{t('admin.title')}</h1>
      <ul class="tile-list">
        <li><a class="tile" href="/admin/meetings"><strong>{t('admin.meetings')}</strong><span>{t('admin.meetingsHelp')}</span></a></li>
        <li><a class="tile" href="/admin/terms"><strong>{t('admin.terms')}</strong><span>{t('admin.termsHelp')}</span></a></li>
        <li><a class="tile" href="/admin/audit"><strong>{t('audit.title')}</strong><span>{t('audit.help')}</span></a></li>
        <li><a class="tile" href="/admin/users"><strong>{t('admin.users')}</strong><span>{t('admin.usersHelp')}</span></a></li>
        <li><a class="tile" href="/admin/departments"><strong>{t('department.title')}</strong><span>{t('department.tileHelp')}</span></a></li>
        <li><a class="tile" href="/admin/tracking"><strong>{t('console.title')}</strong><span>{t('console.tileHelp')}</span></a></li>
      </ul>
    </section>
  );
}
