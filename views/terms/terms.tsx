import { chineseNumeral, formatDateRange } from '../../src/platform/i18n/index.ts';
import type { TermSummary } from '../../src/terms/model.ts';
import { Field, Notice } from '../components/form.tsx';
import type { ViewContext } from '../context.ts';

/** 第十四届 in Chinese, "Term 14" in English. */
export function termOrdinal(v: ViewContext, ordinal: number): string {
  return v.t('term.ordinalValue', { ordinal: v.lang === 'zh-CN' ? chineseNumeral(ordinal) : ordinal });
}

/** The form's fields as typed, so that a refused form comes back filled in. */
export interface TermFormValues {
  name: string;
  ordinal: string;
  startsOn: string;
  endsOn: string;
}

export interface TermsPageProps {
  v: ViewContext;
  terms: TermSummary[];
  form?: TermFormValues;
  errors?: Partial<Record<keyof TermFormValues, string>>;
}

export function TermsPage({ v, terms, form, errors = {} }: TermsPageProps) {
  const { t, lang } = v;
  const hasErrors = Object.values(errors).some(Boolean);
  return (
    <>
      <nav aria-label="breadcrumb" class="breadcrumb"><a href="/admin">{t('admin.title')}</a></nav>
      <h1>{t('term.title')}</h1>
      <p class="muted">{t('term.intro')}</p>
      <section aria-labelledby="terms-list-title">
        <h2 id="terms-list-title">{t('term.list')}</h2>
        {terms.length === 0 ? <p>{t('term.none')}</p> : (
          <div class="table-wrap">
            <table class="table">
              <caption class="visually-hidden">{t('term.list')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('term.name')}</th>
                  <th scope="col">{t('term.ordinal')}</th>
                  <th scope="col">{t('term.dates')}</th>
                  <th scope="col" class="num">{t('term.deputies')}</th>
                  <th scope="col"><span class="visually-hidden">{t('term.actions')}</span></th>
                </tr>
              </thead>
              <tbody>
                {terms.map((term) => (
                  <tr>
                    <th scope="row">{term.name}</th>
                    <td>{termOrdinal(v, term.ordinal)}</td>
                    <td>{formatDateRange(lang, term.startsOn, term.endsOn)}</td>
                    <td class="num">{term.deputyCount}</td>
                    <td>
                      <a class="button button--secondary" href={`/admin/terms/${term.id}/roster`}>
                        {t('term.roster')}<span class="visually-hidden">: {term.name}</span>
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="term-create-title" class="narrow">
        <h2 id="term-create-title">{t('term.create')}</h2>
        {hasErrors && <Notice kind="error">{t('term.fixErrors')}</Notice>}
        <form method="post" action="/admin/terms" class="stack">
          <Field name="name" label={t('term.name')} hint={t('term.nameHint')} value={form?.name} error={errors.name} required maxlength={100} autofocus={!!errors.name} />
          <Field name="ordinal" label={t('term.ordinal')} hint={t('term.ordinalHint')} type="number" value={form?.ordinal} error={errors.ordinal} required />
          <Field name="startsOn" label={t('term.startsOn')} type="date" value={form?.startsOn} error={errors.startsOn} required />
          <Field name="endsOn" label={t('term.endsOn')} type="date" value={form?.endsOn} error={errors.endsOn} required />
          <button type="submit" class="button button--primary button--wide">{t('term.createButton')}</button>
        </form>
      </section>
    </>
  );
}
