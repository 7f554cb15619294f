import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Test files that start child processes: the server and the CLIs through tsx
 * (tests/support/server-process.ts), or anything else from node:child_process. Each such file runs
 * for ~10–20 s, most of it waiting for its children, so they should start first, alongside the
 * rest, never last. Found by what they import, so that a new one joins them by itself.
 */
const TESTS = fileURLToPath(new URL('tests/', import.meta.url));
const PROCESSES = readdirSync(TESTS)
  .filter((f) => f.endsWith('.test.ts') && /from '(\.\/support\/server-process\.ts|node:child_process)'/.test(readFileSync(TESTS + f, 'utf8')))
  .map((f) => `tests/${f}`);

/**
 * The default order (longest first by the last run's durations, else largest file first), except
 * that the files starting processes come first even without a cache of durations (a fresh CI
 * checkout), where they, being small files, would otherwise run last and stretch the run.
 */
class ProcessesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const first = (f: TestSpecification) => (f.project.name === 'processes' ? 0 : 1);
    return sorted.map((f, i) => [f, i] as const).sort((a, b) => first(a[0]) - first(b[0]) || a[1] - b[1]).map(([f]) => f);
  }
}

export default defineConfig({
  test: {
    // Migrates once (and seeds the demo once) per run, for every project.
    globalSetup: ['tests/support/global-setup.ts'],
    // Each PGlite instance costs ~250 MB; two workers fit the 2-core machine. All projects share them.
    maxWorkers: 2,
    // One worker runs file after file: no fresh process, module graph and PGlite (WebAssembly) warm-up per file.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    sequence: { sequencer: ProcessesFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'database',
          include: ['tests/*.test.{ts,tsx}'],
          exclude: [...configDefaults.exclude, ...PROCESSES],
        },
      },
      {
        extends: true,
        test: {
          name: 'processes',
          include: PROCESSES,
        },
      },
    ],
  },
});
