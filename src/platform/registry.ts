/**
 * The two types the platform carries without defining them: the database's tables and the signed-in
 * person. The layers above fill them in by declaration merging, the way Hono's ContextVariableMap
 * is filled in, so that platform code is fully typed without importing upward:
 * `src/domain/tables.ts` adds `database` and `src/auth/sessions.ts` adds `user`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Registry {}

/** The tables, as registered by src/domain/tables.ts. */
export type RegisteredDatabase = Registry extends { database: infer D } ? D : never;

/** The signed-in person, as registered by src/auth/sessions.ts. */
export type RegisteredUser = Registry extends { user: infer U } ? U : never;
