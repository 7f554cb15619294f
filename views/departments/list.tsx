import type { DepartmentListing } from '../../src/departments/model.ts';
import { Field, Notice } from '../components/form.tsx';
import type { ViewContext } from '../context.ts';

type Errors = Record<string, string | undefined>;
type Values = Record<string, string>;

export interface DepartmentsPageProps {
  v: ViewContext;
  departments: DepartmentListing[];
  notice?: string;
  /** The add form's errors and values. */
  errors?: Errors;
  values?: Values;
  /** The rename form that came back with an error: its department and what was typed. */
  renaming?: { id: number; name: string; error: string };
}

/**
 * The one list of departments: what uses each (accounts, candidates, projects), a rename form per
 * row and an add form. Candidates' departments and officer accounts are chosen from this list.
 */
export function DepartmentsPage(p: DepartmentsPageProps) {
  const { v } = p;
  const { t } = v;
  const errors = p.errors ?? {};
  return (
    <section aria-labelledby="departments-title">
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/admin">{t('admin.title')}</a></nav>
      <h1 id="departments-title">{t('department.title')}</h1>
      <p class="muted">{t('department.help')}</p>
      {p.notice && <Notice kind="ok">{p.notice}</Notice>}
      {p.renaming && <Notice kind="error">{p.renaming.error}</Notice>}
      {p.departments.length === 0 ? <p class="muted">{t('department.none')}</p> : (
        <div class="table-wrap">
          <table class="table">
            <caption>{t('department.caption', { count: p.departments.length })}</caption>
            <thead><tr>
              <th scope="col">{t('department.name')}</th><th scope="col">{t('department.accounts')}</th>
              <th scope="col">{t('department.candidates')}</th><th scope="col">{t('department.projects')}</th>
              <th scope="col">{t('department.rename')}</th>
            </tr></thead>
            <tbody>
              {p.departments.map((d) => {
                const again = p.renaming?.id === d.id ? p.renaming : undefined;
                return (
                  <tr>
                    <th scope="row">{d.name}</th><td>{d.accounts}</td><td>{d.candidates}</td><td>{d.projects}</td>
                    <td>
                      <form method="post" action={`/admin/departments/${d.id}`} class="inline-form">
                        <label for={`rename-${d.id}`} class="visually-hidden">{t('department.newName', { name: d.name })}</label>
                        <input id={`rename-${d.id}`} name="name" value={again?.name ?? d.name} maxlength={100} required
                          aria-invalid={again ? 'true' : undefined} />
                        <button type="submit" class="button button--secondary">{t('department.renameButton')}<span class="visually-hidden"> {d.name}</span></button>
                      </form>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <h2>{t('department.add')}</h2>
      <form method="post" action="/admin/departments" class="stack narrow">
        <Field name="name" label={t('department.name')} value={p.values?.name} error={errors.name} hint={t('department.nameHint')} required maxlength={100} />
        <button type="submit" class="button button--primary">{t('department.addButton')}</button>
      </form>
      <p><a href="/admin/users">{t('department.accountsLink')}</a></p>
    </section>
  );
}
