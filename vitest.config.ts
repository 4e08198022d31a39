import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

const root = import.meta.dirname;

interface WorkspacePackage {
  dir: string;
  name: string;
  exports: Record<string, unknown>;
}

function workspacePackages(folder: string): WorkspacePackage[] {
  const base = join(root, folder);
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((dir) => existsSync(join(base, dir, 'package.json')))
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(join(base, dir, 'package.json'), 'utf8'));
      return { dir: join(base, dir), name: pkg.name as string, exports: pkg.exports ?? {} };
    });
}

/** Source file behind an export subpath: "." → src/index.ts, "./testing" → src/testing(.ts|/index.ts). */
function sourceOf(pkgDir: string, subpath: string): string | undefined {
  const rel = subpath === '.' ? 'index' : subpath.slice(2);
  for (const candidate of [`src/${rel}.ts`, `src/${rel}/index.ts`]) {
    const file = resolve(pkgDir, candidate);
    if (existsSync(file)) return file;
  }
  return undefined;
}

const packages = workspacePackages('packages');
// Tests import every @ody package from its src (no build needed); exact matches only, so
// `@ody/queue` never swallows `@ody/queue-redis`.
const alias = packages.flatMap((pkg) =>
  Object.keys(pkg.exports)
    .filter((subpath) => !subpath.endsWith('package.json'))
    .map((subpath) => ({ subpath, file: sourceOf(pkg.dir, subpath) }))
    .filter((e): e is { subpath: string; file: string } => e.file !== undefined)
    .map(({ subpath, file }) => ({
      find: new RegExp(`^${(pkg.name + subpath.slice(1)).replace(/[/.-]/g, '\\$&')}$`),
      replacement: file,
    })),
);

const projectOf = (name: string, dir: string) => ({
  extends: true as const,
  test: {
    name,
    root: dir,
    include: ['src/**/*.test.ts'],
  },
});

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default is one fork per core minus one: a single fork on a 2-core machine. Most of this
    // suite waits on servers, child processes and the disk, so three forks on two cores finish in about
    // 60% of the time (measured: 864 s against 1435 s for the whole suite). VITEST_MAX_WORKERS overrides.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS) || Math.max(3, availableParallelism()),
    minWorkers: 1,
    projects: [
      ...packages.map((pkg) => projectOf(pkg.name.replace(/^@ody\//, ''), pkg.dir)),
      ...workspacePackages('apps').map((pkg) => projectOf(pkg.name.replace(/^@ody\//, 'app-'), pkg.dir)),
      { extends: true, test: { name: 'repo', root: join(root, 'tests'), include: ['**/*.test.ts'] } },
    ],
  },
});
