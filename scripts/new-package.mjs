// Scaffold packages/<dir> with the shared layout: package.json (ESM + CJS exports), tsconfig, tsup config.
// Usage: node scripts/new-package.mjs <dir> "<description>" [subpath ...]
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, description, ...subpaths] = process.argv.slice(2);
if (!dir || !description) {
  console.error('usage: node scripts/new-package.mjs <dir> "<description>" [subpath ...]');
  process.exit(2);
}
const root = join(import.meta.dirname, '..', 'packages', dir);
if (existsSync(join(root, 'package.json'))) {
  console.error(`packages/${dir} exists already`);
  process.exit(1);
}
const entries = ['index', ...subpaths];
// Same version and engines as the fixed group (packages/core), internal ranges ^<version>.
const core = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'packages', 'core', 'package.json'), 'utf8'));
const exportOf = (entry) => ({
  import: { types: `./dist/${entry}.d.ts`, default: `./dist/${entry}.js` },
  require: { types: `./dist/${entry}.d.cts`, default: `./dist/${entry}.cjs` },
});
const pkg = {
  name: `@ody/${dir}`,
  version: core.version,
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  engines: core.engines,
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.ts',
  exports: Object.fromEntries([
    ...entries.map((e) => [e === 'index' ? '.' : `./${e}`, exportOf(e)]),
    ['./package.json', './package.json'],
  ]),
  files: ['dist', 'README.md', 'LICENSE', 'docs'],
  publishConfig: { access: 'public' },
  scripts: { build: 'tsup', typecheck: 'tsc --noEmit', test: `vitest run --root ../.. --project ${dir}` },
  dependencies: { '@ody/core': `^${core.version}` },
};
mkdirSync(join(root, 'src'), { recursive: true });
copyFileSync(join(import.meta.dirname, '..', 'LICENSE'), join(root, 'LICENSE'));
writeFileSync(join(root, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(
  join(root, 'tsconfig.json'),
  `${JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true }, include: ['src', 'tsup.config.ts'] }, null, 2)}\n`,
);
const entryMap = entries.map((e) => `${e}: 'src/${e === 'index' ? 'index' : e}.ts'`).join(', ');
writeFileSync(
  join(root, 'tsup.config.ts'),
  `import { defineConfig } from 'tsup';\nimport { odyTsup } from '../../tsup.base.js';\n\nexport default defineConfig(odyTsup({ ${entryMap} }));\n`,
);
console.log(`created packages/${dir}`);
