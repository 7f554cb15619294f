import { type Acting, appendAudit } from '../audit/store.ts';
import type { Db } from '../db/index.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { User } from '../db/schema.ts';
import { ValidationError } from '../validation.ts';
import { hashPassword } from './password.ts';
import type { Role } from './roles.ts';

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  roles: readonly Role[];
  deputyId?: number | null;
  departmentId?: number | null;
  mustChangePassword?: boolean;
}

/** Creates an account with its roles; the password is stored only as an argon2id hash. */
export async function createUser(db: Db, acting: Acting, input: NewUser): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  const username = input.username.trim().toLowerCase();
  return db.transaction().execute(async (trx) => {
    const user = await trx.insertInto('users').values({
      username,
      display_name: input.displayName,
      password_hash: passwordHash,
      must_change_password: input.mustChangePassword ?? false,
      deputy_id: input.deputyId ?? null,
      department_id: input.departmentId ?? null,
      disabled_at: null,
    }).returningAll().executeTakeFirstOrThrow().catch((e: unknown) => {
      if (isUniqueViolation(e)) throw new ValidationError([{ field: 'username', key: 'validation.duplicate' }]);
      throw e;
    });
    if (input.roles.length > 0) {
      await trx.insertInto('user_roles').values(input.roles.map((role) => ({ user_id: user.id, role }))).execute();
    }
    await appendAudit(trx, acting.clock, acting.actor, {
      action: 'user.create', subject: `user:${user.id}`, details: { username, roles: [...input.roles] },
    });
    return user;
  });
}
