import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'tests/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    // Each PGlite instance costs ~250 MB; two workers fit the 2-core machine.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
