import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IFlattenedRuleSet } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The layers (docs/architecture.md): dependencies point one way, routes → views and store/rules →
 * domain → platform, with no import cycle of any length (type-only imports count too).
 */
const RULES: IFlattenedRuleSet = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'No import cycle of any length.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'platform-is-the-floor',
      comment: 'The platform (db, HTTP kit, i18n, time, log) knows nothing of the domain, the features or the pages.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^(views/|src/(?!platform/|config\\.ts$))' },
    },
    {
      name: 'domain-is-pure',
      comment: 'The domain imports only itself and the platform, and does no I/O.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^(views/|src/(?!domain/|platform/))' },
    },
    {
      name: 'domain-does-no-io',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^(src/platform/(db|http)/|node_modules/(pg|@electric-sql|hono)/)|^(fs|net|http|https|child_process)$' },
    },
    {
      name: 'below-routes',
      comment: 'Stores and rules never reach up into routes or pages.',
      severity: 'error',
      from: { path: '^src/', pathNot: '(^src/app\\.ts$|routes\\.tsx$)' },
      to: { path: '(^views/|routes\\.tsx$)' },
    },
    {
      name: 'views-never-import-stores',
      comment: 'Pages take view models and components; they never read the database themselves.',
      severity: 'error',
      from: { path: '^views/' },
      to: { path: '(^src/platform/db/|^src/[^/]+/(store|routes|scheduler|transition|signing|sessions|sign-in|throttle|middleware)\\.tsx?$)' },
    },
    {
      name: 'views-share-only-components',
      comment: 'A feature\'s pages borrow nothing from another feature\'s pages: what they share is a component.',
      severity: 'error',
      from: { path: '^views/([^/]+)/' },
      to: { path: '^views/', pathNot: '^views/($1/|components/|context\\.ts$|layout\\.tsx$)' },
    },
  ],
};

async function cruiseTree(): Promise<ICruiseResult> {
  const result = await cruise(['src', 'views', 'scripts'], {
    ruleSet: RULES,
    validate: true,
    // swc parses the TypeScript (dependency-cruiser cannot use TypeScript 7's compiler) and keeps type-only imports.
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.tsx?$|test-fixtures\\.ts$' },
    baseDir: ROOT,
  }, undefined, { tsConfig: { fileName: join(ROOT, 'tsconfig.json') } });
  return result.output as ICruiseResult;
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

describe('the architecture', () => {
  it('has no import cycle and every dependency points down the layers', { timeout: 60_000 }, async () => {
    const result = await cruiseTree();
    // The cruise really saw the tree: the app, its routes and its pages.
    expect(result.modules.map((m) => m.source)).toEqual(expect.arrayContaining(['src/app.ts', 'src/ballots/routes.tsx', 'views/layout.tsx', 'src/domain/lifecycle.ts']));
    const violations = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' → ')})` : ''}`);
    expect(violations).toEqual([]);
  });

  it('names the pages of a feature as the feature: views/<feature> beside src/<feature>', () => {
    const dirs = (root: string) => readdirSync(join(ROOT, root), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    const features = new Set(dirs('src'));
    const shared = new Set(['components', 'assets', 'errors']);
    expect(dirs('views').filter((d) => !shared.has(d) && !features.has(d))).toEqual([]);
  });

  it('keeps SQL out of route files: routes translate HTTP, stores query', () => {
    const routes = filesUnder('src').filter((f) => /routes\.tsx?$/.test(f) || f.startsWith('src/platform/http/'));
    expect(routes.length).toBeGreaterThan(10);
    const offenders = routes.filter((f) => /\b(selectFrom|insertInto|updateTable|deleteFrom|\.transaction\(\))|\bsql`/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('changes an election\'s state only in transition()', () => {
    const writers = [...filesUnder('src'), ...filesUnder('scripts')].filter((f) => {
      const text = readFileSync(join(ROOT, f), 'utf8');
      // A Kysely update of elections that sets `state`, or SQL that does.
      return /updateTable\('elections'\)[^;]*?\.set\(\{[^}]*\bstate\b/s.test(text) || /update\s+elections\s+set\s[^;`]*\bstate\s*=/i.test(text);
    });
    expect(writers).toEqual(['src/elections/transition.ts']);
  });
});
