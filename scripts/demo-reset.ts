// npm run demo:reset: empties the database (re-creating its schema) and builds the demo data again.
import { systemClock } from '../src/platform/time.ts';
import { grantApplicationRole } from '../src/database-roles.ts';
import { resetDatabase, seedDemo } from '../src/demo/seed.ts';
import { createPostgresDb } from '../src/platform/db/index.ts';
import { exitWith, openForCli, runCli } from './cli.ts';

runCli(async () => {
  const { config, database } = await openForCli('demo:reset');
  try {
    if (database.engine === 'postgres' && !config.demo) {
      exitWith('refusing to erase a PostgreSQL database without DEMO=1 (demo:reset deletes all data)');
    }
    if (config.migrationDatabaseUrl) {
      // Two roles: only the owner can re-create the schema; then the application's role gets its grants again.
      const owner = createPostgresDb(config.migrationDatabaseUrl);
      try {
        await resetDatabase(owner.db);
        await grantApplicationRole(owner.db, decodeURIComponent(new URL(config.databaseUrl!).username));
      } finally {
        await owner.close();
      }
    } else {
      await resetDatabase(database.db);
    }
    // The 2023 result is published with the key the server will use (same configuration).
    await seedDemo(database.db, systemClock, { signing: config });
    console.log('demo data rebuilt');
  } finally {
    await database.close();
  }
});
