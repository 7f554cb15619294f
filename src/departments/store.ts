import { sql } from 'kysely';
import { appendAudit } from '../audit/store.ts';
import type { Acting } from '../platform/acting.ts';
import type { Db, Trx } from '../platform/db/index.ts';
import { duplicateAs } from '../platform/db/errors.ts';
import { Refused } from '../platform/refusal.ts';
import { parseInput } from '../platform/validation.ts';
import type { DepartmentListing } from './model.ts';
import { departmentInput, type DepartmentInput } from './rules.ts';

/**
 * Departments as one list, kept by the secretariat: candidates' lead and co-departments are chosen
 * from it, and department officer accounts are tied to one of it. Adding and renaming are audited;
 * a department is never deleted (projects, accounts and the audit log name it).
 */

/** The list, by name. */
export async function listDepartmentNames(db: Db | Trx): Promise<{ id: number; name: string }[]> {
  return db.selectFrom('departments').select(['id', 'name']).orderBy('name').execute();
}

/** The list with how many accounts, candidates and projects each has. */
export async function listDepartments(db: Db | Trx): Promise<DepartmentListing[]> {
  const rows = await db.selectFrom('departments as d').select((eb) => [
    'd.id', 'd.name',
    eb.selectFrom('users as u').select(sql<number>`count(*)::int`.as('n')).whereRef('u.department_id', '=', 'd.id').as('accounts'),
    sql<number>`(select count(*)::int from candidates c where c.lead_department_id = d.id
      or exists (select 1 from candidate_co_departments cc where cc.candidate_id = c.id and cc.department_id = d.id))`.as('candidates'),
    eb.selectFrom('projects as p').select(sql<number>`count(*)::int`.as('n')).whereRef('p.lead_department_id', '=', 'd.id').as('projects'),
  ]).orderBy('d.name').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, accounts: Number(r.accounts ?? 0), candidates: Number(r.candidates ?? 0), projects: Number(r.projects ?? 0) }));
}

/** Adds a department to the list (a name already there: ValidationError `validation.duplicate`). */
export async function addDepartment(db: Db, acting: Acting, input: DepartmentInput): Promise<{ id: number; name: string }> {
  const { name } = parseInput(departmentInput, input);
  return db.transaction().execute(async (trx) => {
    const d = await trx.insertInto('departments').values({ name }).returning(['id', 'name']).executeTakeFirstOrThrow().catch(duplicateAs('name'));
    await appendAudit(trx, acting.clock, acting.actor, { action: 'department.create', subject: `department:${d.id}`, details: { name } });
    return d;
  });
}

/** Renames a department everywhere it is used (one row: everything refers to it by id). */
export async function renameDepartment(db: Db, acting: Acting, id: number, input: DepartmentInput): Promise<'renamed' | 'unchanged'> {
  const { name } = parseInput(departmentInput, input);
  return db.transaction().execute(async (trx) => {
    const d = await trx.selectFrom('departments').select(['id', 'name']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!d) throw new Refused('not-found');
    if (d.name === name) return 'unchanged';
    await trx.updateTable('departments').set({ name }).where('id', '=', id).execute().catch(duplicateAs('name'));
    await appendAudit(trx, acting.clock, acting.actor, { action: 'department.rename', subject: `department:${id}`, details: { from: d.name, to: name } });
    return 'renamed';
  });
}
