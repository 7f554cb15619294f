import { Hono } from 'hono';
import { DepartmentsPage, type DepartmentsPageProps } from '../../views/departments/list.tsx';
import type { AppEnv } from '../platform/http/env.ts';
import { fieldErrors, textField } from '../platform/http/forms.ts';
import { acting, type Ctx, db, flash, idParam, view } from '../platform/http/kit.ts';
import type { MessageKey } from '../platform/i18n/index.ts';
import { Refused } from '../platform/refusal.ts';
import { ValidationError } from '../platform/validation.ts';
import { addDepartment, listDepartments, renameDepartment } from './store.ts';

const NOTICES: Record<string, MessageKey> = { added: 'department.added', renamed: 'department.renamed', unchanged: 'department.unchanged' };

async function departmentsPage(c: Ctx, extra: Partial<DepartmentsPageProps> = {}) {
  const departments = await listDepartments(db(c));
  return c.render(<DepartmentsPage v={view(c)} departments={departments} notice={flash(c, NOTICES)} {...extra} />, { title: c.var.t('department.title') });
}

/** The secretariat's one list of departments: add and rename (audited). */
export function departmentRoutes() {
  return new Hono<AppEnv>()
    .get('/admin/departments', (c) => departmentsPage(c))
    .post('/admin/departments', async (c) => {
      const form = await c.req.parseBody();
      const name = textField(form, 'name');
      try {
        await addDepartment(db(c), acting(c), { name });
        return c.redirect('/admin/departments?done=added', 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return departmentsPage(c, { errors: fieldErrors(c.var.t, e), values: { name } });
      }
    })
    .post('/admin/departments/:id', async (c) => {
      const id = idParam(c);
      const form = await c.req.parseBody();
      const name = textField(form, 'name');
      try {
        const result = await renameDepartment(db(c), acting(c), id, { name });
        return c.redirect(`/admin/departments?done=${result}`, 303);
      } catch (e) {
        if (e instanceof Refused && e.reason === 'not-found') return c.notFound();
        if (!(e instanceof ValidationError)) throw e;
        c.status(422);
        return departmentsPage(c, { renaming: { id, name, error: fieldErrors(c.var.t, e).name ?? c.var.t('validation.invalid') } });
      }
    });
}
