// npm run demo:reset: empties every table and builds the demo data again.
import { systemClock } from '../src/platform/time.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { seedDemo, truncateAll } from '../src/demo/seed.ts';
import { exitWith, openForCli, runCli } from './cli.ts';

runCli(async () => {
  const { config, database } = await openForCli('demo:reset');
  try {
    if (database.engine === 'postgres' && !config.demo) {
      exitWith('refusing to erase a PostgreSQL database without DEMO=1 (demo:reset deletes all data)');
    }
    await migrateToLatest(database.db);
    await truncateAll(database.db);
    // The 2023 result is published with the key the server will use (same configuration).
    await seedDemo(database.db, systemClock, { signing: config });
    console.log('demo data rebuilt');
  } finally {
    await database.close();
  }
});
