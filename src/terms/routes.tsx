import { Hono } from 'hono';
import { ImportPage } from '../../views/terms/import.tsx';
import { PreviewErrorsPage } from '../../views/terms/preview.tsx';
import { RosterPage } from '../../views/terms/roster.tsx';
import { type TermFormValues, TermsPage } from '../../views/terms/terms.tsx';
import type { AppEnv } from '../platform/http/env.ts';
import { textField as field } from '../platform/http/forms.ts';
import { acting, type Ctx, currentUser as me, db, found, idParam, view } from '../platform/http/kit.ts';
import { formatDateTime, type MessageKey } from '../platform/i18n/index.ts';
import { ValidationError } from '../platform/validation.ts';
import { parseRosterCsv } from './csv.ts';
import { applyRosterImport, createRosterImport, createTerm, getRosterImport, getTerm, listRoster, listTerms, planRosterImport } from './store.ts';
import type { RosterImport, TermSummary } from './model.ts';


/** Upload ids are newOpaqueId()s; anything else cannot exist. */
const IMPORT_ID = /^[a-z2-7]{24}$/;

/** What the person's own computer called the file, without any folder (old browsers send paths). */
function fileNameOf(file: File): string {
  const base = file.name.split(/[\\/]/).pop()?.trim() ?? '';
  return [...base].slice(0, 200).join('') || 'roster.csv';
}

const count = (raw: string | undefined) => (raw && /^\d{1,6}$/.test(raw) ? Number(raw) : 0);

/** The secretariat's terms, rosters and roster imports (CSV upload → preview → apply). */
export function termRoutes() {
  async function termPage(c: Ctx, status: 200 | 422, form?: TermFormValues, errors?: Partial<Record<keyof TermFormValues, string>>) {
    const terms = await listTerms(db(c));
    c.status(status);
    return c.render(<TermsPage v={view(c)} terms={terms} form={form} errors={errors} />, { title: c.var.t('term.title') });
  }

  async function rosterPage(c: Ctx, term: TermSummary, status: 200 | 422, opts: { notice?: string; uploadError?: string } = {}) {
    const deputies = await listRoster(db(c), term.id);
    c.status(status);
    return c.render(<RosterPage v={view(c)} term={term} deputies={deputies} {...opts} />, { title: `${term.name} · ${c.var.t('roster.title')}` });
  }

  async function importPage(c: Ctx, pending: RosterImport, status: 200 | 409 | 410, refusal?: string) {
    const term = found(await getTerm(db(c), pending.termId));
    const plan = await planRosterImport(db(c), term.id, pending.rows);
    c.status(status);
    return c.render(
      <ImportPage v={view(c)} term={term} pending={pending} plan={plan} gb18030={c.req.query('read') === 'gb18030'} refusal={refusal} />,
      { title: c.var.t('roster.import.title') },
    );
  }

  return new Hono<AppEnv>()
    .get('/admin/terms', (c) => {
      return termPage(c, 200);
    })
    .post('/admin/terms', async (c) => {
      const body = await c.req.parseBody();
      const form: TermFormValues = {
        name: field(body, 'name'), ordinal: field(body, 'ordinal').trim(), startsOn: field(body, 'startsOn').trim(), endsOn: field(body, 'endsOn').trim(),
      };
      try {
        const term = await createTerm(db(c), acting(c), {
          name: form.name, ordinal: form.ordinal === '' ? Number.NaN : Number(form.ordinal), startsOn: form.startsOn, endsOn: form.endsOn,
        });
        return c.redirect(`/admin/terms/${term.id}/roster?done=term`, 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        const errors: Partial<Record<keyof TermFormValues, string>> = {};
        for (const issue of e.issues) {
          const name = issue.field as keyof TermFormValues;
          if (!(name in form) || errors[name]) continue;
          // An empty field breaks its type or format rule too; "required" says what to do about it.
          errors[name] = c.var.t(form[name].trim() === '' ? 'validation.required' : issue.key);
        }
        return termPage(c, 422, form, errors);
      }
    })
    .get('/admin/terms/:id/roster', async (c) => {
      const term = found(await getTerm(db(c), idParam(c)));
      const t = c.var.t;
      const done = c.req.query('done');
      const notice = done === 'term' ? t('term.created')
        : done === 'imported' ? t('roster.imported', { created: count(c.req.query('created')), updated: count(c.req.query('updated')) })
        : undefined;
      return rosterPage(c, term, 200, { notice });
    })
    .post('/admin/terms/:id/roster/preview', async (c) => {
      const term = found(await getTerm(db(c), idParam(c)));
      const body = await c.req.parseBody();
      const file = body.file;
      // A form sent without choosing a file carries an empty part with an empty name.
      if (!(file instanceof File) || (file.size === 0 && file.name === '')) {
        return rosterPage(c, term, 422, { uploadError: c.var.t('roster.chooseFile') });
      }
      const fileName = fileNameOf(file);
      const parsed = parseRosterCsv(new Uint8Array(await file.arrayBuffer()));
      if (parsed.errors.length > 0) {
        c.status(422);
        return c.render(
          <PreviewErrorsPage v={view(c)} term={term} fileName={fileName} encoding={parsed.encoding} errors={parsed.errors} />,
          { title: c.var.t('roster.errors.title') },
        );
      }
      const importId = await createRosterImport(db(c), c.var.deps.clock, { termId: term.id, userId: me(c).id, fileName, rows: parsed.rows });
      return c.redirect(`/admin/roster-imports/${importId}${parsed.encoding === 'gb18030' ? '?read=gb18030' : ''}`, 303);
    })
    .get('/admin/roster-imports/:id', async (c) => {
      const id = c.req.param('id');
      const pending = found(IMPORT_ID.test(id) ? await getRosterImport(db(c), c.var.deps.clock, id) : undefined);
      return importPage(c, pending, 200);
    })
    .post('/admin/roster-imports/:id/apply', async (c) => {
      const id = c.req.param('id');
      const result = found(IMPORT_ID.test(id) ? await applyRosterImport(db(c), acting(c), id) : undefined);
      if (result.ok) return c.redirect(`/admin/terms/${result.termId}/roster?done=imported&created=${result.created}&updated=${result.updated}`, 303);
      const pending = found(await getRosterImport(db(c), c.var.deps.clock, id));
      const t = c.var.t;
      const key: MessageKey = result.reason === 'applied' ? 'roster.import.alreadyApplied' : 'roster.import.expired';
      const at = result.reason === 'applied' ? formatDateTime(view(c).lang, result.appliedAt) : '';
      return importPage(c, pending, result.reason === 'applied' ? 409 : 410, t(key, { at }));
    });
}
