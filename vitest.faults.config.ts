import { defineConfig } from 'vitest/config';

// Crash and restart tests: they start their own server processes (and clusters), so one at a time.
export default defineConfig({
  test: {
    include: ['tests/faults/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
