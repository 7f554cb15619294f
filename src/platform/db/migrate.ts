import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FileMigrationProvider, type MigrationResultSet, Migrator } from 'kysely/migration';
import type { Kysely } from 'kysely';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations', import.meta.url));

export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: new FileMigrationProvider({
      fs,
      path,
      migrationFolder: MIGRATIONS_DIR,
      // Imported from here so that the loader running the app (tsx) also loads the migrations.
      import: (file) => import(pathToFileURL(file).href),
    }),
  });
}

/** Thrown when a migration fails; carries Kysely's per-migration results. */
export class MigrationError extends Error {
  override name = 'MigrationError';
  constructor(message: string, readonly results: MigrationResultSet['results'], options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * Applies every pending migration. Kysely's Migrator takes a PostgreSQL advisory lock for the whole
 * run, so two instances starting at once against one server apply each migration exactly once.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await createMigrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new MigrationError(`migration ${failed ?? '(unknown)'} failed: ${(error as Error).message ?? error}`, results, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
