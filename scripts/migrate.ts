// npm run migrate [-- --down]: applies pending migrations (or reverts the latest one).
import { migrateDatabase } from '../src/database-roles.ts';
import { createMigrator } from '../src/platform/db/migrate.ts';
import { exitWith, openForCli, runCli } from './cli.ts';

runCli(async () => {
  const down = process.argv.includes('--down');
  const { config, database } = await openForCli('migrate');
  try {
    if (down) {
      const { error, results } = await createMigrator(database.db).migrateDown();
      if (error) exitWith(`reverting failed: ${(error as Error).message}`);
      for (const r of results ?? []) console.log(`reverted ${r.migrationName}`);
      if (!results?.length) console.log('nothing to revert');
    } else {
      // As the owner when MIGRATION_DATABASE_URL names one (then the application's grants follow).
      const applied = await migrateDatabase(config, database);
      for (const m of applied) console.log(`applied ${m}`);
      console.log(applied.length ? `${applied.length} migration(s) applied` : 'database is up to date');
    }
  } finally {
    await database.close();
  }
});
