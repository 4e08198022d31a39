import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// `npm ci` refuses a lockfile that disagrees with a package.json or misses a package some platform
// needs (biome, turbo, esbuild and rollup ship one optional package per OS/CPU). These checks catch
// both before a fresh clone on another machine does. Regenerate with a plain `npm install`; when
// entries for other platforms went missing, run it once without node_modules (rm -rf node_modules).

const root = join(import.meta.dirname, '..');
const DEP_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

interface Entry {
  workspaces?: string[];
  name?: string;
  version?: string;
  link?: boolean;
  resolved?: string;
  optional?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { lockfileVersion: number; packages: Record<string, Entry> };
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Entry & { workspaces: string[] };

/** Workspace folders as npm records them: entries without node_modules in their key (besides ""). */
const workspaceKeys = Object.keys(lock.packages).filter((key) => key !== '' && !key.includes('node_modules/'));

/** Where npm would find `name` for the package at `key`: its own node_modules, then each parent's. */
function resolve(key: string, name: string): string | undefined {
  let base = key;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

describe('package-lock.json', () => {
  it('is lockfile v3 with the workspaces of package.json', () => {
    expect(lock.lockfileVersion).toBe(3);
    expect(lock.packages['']!.workspaces).toEqual(rootPkg.workspaces);
    expect(workspaceKeys).toContain('packages/core');
  });

  it('lists every workspace folder, and every listed workspace exists', () => {
    for (const key of workspaceKeys) expect(existsSync(join(root, key, 'package.json')), `${key} is in the lockfile but not on disk`).toBe(true);
    // npm leaves `name` out of a workspace entry when it equals the folder name (create-ody-app).
    for (const key of workspaceKeys) {
      const name = lock.packages[key]!.name ?? key.slice(key.lastIndexOf('/') + 1);
      expect(lock.packages[`node_modules/${name}`]?.link, `${key} is not linked`).toBe(true);
    }
  });

  for (const key of ['', ...workspaceKeys]) {
    const label = key === '' ? 'root package.json' : `${key}/package.json`;
    it(`${label} and the lockfile declare the same dependencies, ranges and version`, () => {
      const pkg = JSON.parse(readFileSync(join(root, key, 'package.json'), 'utf8')) as Entry;
      const entry = lock.packages[key]!;
      if (key !== '') expect(entry.version, 'version').toBe(pkg.version);
      for (const field of DEP_FIELDS) {
        expect(entry[field] ?? {}, `${label} ${field} (run npm install)`).toEqual(pkg[field] ?? {});
      }
    });
  }

  it('every dependency of every locked package resolves to a locked package (all platforms)', () => {
    const missing: string[] = [];
    for (const [key, entry] of Object.entries(lock.packages)) {
      if (entry.link) continue;
      const needed = { ...entry.dependencies, ...entry.optionalDependencies };
      for (const [name, field] of Object.entries(entry.peerDependencies ?? {})) {
        if (!entry.peerDependenciesMeta?.[name]?.optional && field) needed[name] = field;
      }
      for (const name of Object.keys(needed)) {
        if (!resolve(key, name)) missing.push(`${key || '(root)'} → ${name}`);
      }
    }
    expect(missing, 'missing from package-lock.json (npm ci fails on the platform that needs them)').toEqual([]);
  });

  it('keeps the optional platform packages of biome, turbo, esbuild and rollup for other systems', () => {
    const platforms = (prefix: string) =>
      Object.keys(lock.packages).filter((k) => k.startsWith(`node_modules/${prefix}`) && lock.packages[k]!.optional);
    for (const prefix of ['@biomejs/cli-', '@turbo/', '@esbuild/', '@rollup/rollup-']) {
      const found = platforms(prefix);
      expect(found.some((k) => /darwin/.test(k)), `${prefix} darwin`).toBe(true);
      expect(found.some((k) => /win32|windows/.test(k)), `${prefix} windows`).toBe(true);
    }
  });
});
