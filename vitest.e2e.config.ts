import { defineConfig } from 'vitest/config';

/**
 * Browser tests: each file starts the real server as a child process and drives Debian's Chromium
 * through playwright-core. Files run one at a time: every server holds a PGlite instance
 * (~250 MB) and Chromium is heavy on a 2-core machine.
 */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
