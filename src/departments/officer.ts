import { HTTPException } from 'hono/http-exception';
import { type Ctx, currentUser, db } from '../platform/http/kit.ts';
import { type DepartmentRole, departmentRole } from '../projects/store.ts';

/**
 * The signed-in department officer's department, as every tracking route reads it: one place for
 * "whose department is this" and for the per-object answer (src/projects/store.ts `departmentRole`).
 */

/** The signed-in officer's department, or null for an account tied to none. */
export function officerDepartmentOrNull(c: Ctx): number | null {
  return currentUser(c).departmentId ?? null;
}

/**
 * The signed-in officer's department; 404 for an account tied to none: it has no projects, reports or
 * notes to see (the route policy has already let the role in, so this is about the object, not the role).
 */
export function officerDepartment(c: Ctx): number {
  const id = officerDepartmentOrNull(c);
  if (id === null) throw new HTTPException(404);
  return id;
}

/**
 * How the signed-in officer's department stands to a project. Undefined (the caller answers 404 or
 * 403, as the page requires) when it is neither the lead nor a co-department, or the project does not exist.
 */
export async function officerRole(c: Ctx, projectId: number): Promise<DepartmentRole | undefined> {
  return departmentRole(db(c), projectId, officerDepartmentOrNull(c));
}
