import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Imports every built export subpath of every package the way a user would (through the exports map,
// from outside vitest's source aliases), as ESM and as CJS, and checks the .d.ts files exist.
const root = join(import.meta.dirname, '..');
const packagesDir = join(root, 'packages');

interface Conditions {
  import: { types: string; default: string };
  require: { types: string; default: string };
}

const packages = readdirSync(packagesDir)
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => pkg.private !== true);

function load(specifier: string, how: 'import' | 'require'): string[] {
  const code =
    how === 'import'
      ? `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m)));`
      : `const m = require(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m)));`;
  const args = how === 'import' ? ['--input-type=module', '-e', code] : ['-e', code];
  const out = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 20_000 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

describe('built packages load through their exports map', () => {
  for (const { dir, pkg } of packages) {
    const subpaths = Object.entries(pkg.exports as Record<string, Conditions | string>).filter(
      (e): e is [string, Conditions] => typeof e[1] === 'object',
    );
    it(`${pkg.name} declares ESM and CJS for every subpath`, () => {
      expect(subpaths.length).toBeGreaterThan(0);
    });
    for (const [subpath, conditions] of subpaths) {
      const specifier = pkg.name + subpath.slice(1);
      it(`${specifier}: import(), require() and .d.ts`, () => {
        for (const file of [conditions.import.default, conditions.import.types, conditions.require.default, conditions.require.types]) {
          expect(existsSync(join(packagesDir, dir, file)), `${dir}/${file} (run npm run build)`).toBe(true);
        }
        const esm = load(specifier, 'import');
        const cjs = load(specifier, 'require');
        expect(esm.length, `${specifier} exports nothing`).toBeGreaterThan(0);
        expect(cjs.filter((k) => k !== '__esModule').sort()).toEqual(esm.filter((k) => k !== 'default').sort());
      });
    }
  }
});
