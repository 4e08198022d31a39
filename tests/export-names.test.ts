import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// No two packages export the same name for different things: `import { Query } from '@ody/cqrs'` and
// `import { Query } from '@ody/http'` in one file must not both be needed. Checks the built entries a
// user imports (every `exports` subpath of every package, from dist, outside vitest's source aliases):
// runtime values by object identity (a re-export of the very same object, e.g. core's, is fine) and
// types by the declaration they resolve to (type-only names such as `Middleware` exist only in .d.ts).
// Needs a build: npx turbo run build.
const root = join(import.meta.dirname, '..');
const packagesDir = join(root, 'packages');

interface Entry {
  pkg: string;
  specifier: string;
  types: string;
}

const entries: Entry[] = readdirSync(packagesDir)
  .filter((dir) => existsSync(join(packagesDir, dir, 'package.json')))
  .flatMap((dir) => {
    const manifest = JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as {
      name: string;
      exports?: Record<string, { import?: { types?: string } } | string>;
    };
    return Object.entries(manifest.exports ?? {})
      .filter((e): e is [string, { import: { types: string } }] => typeof e[1] === 'object' && typeof e[1].import?.types === 'string')
      .map(([subpath, conditions]) => ({
        pkg: manifest.name,
        specifier: manifest.name + subpath.slice(1),
        types: join(packagesDir, dir, conditions.import.types),
      }));
  });

/** Names allowed in several packages: none (each package exports its error table as `<pkg>ErrorCodes`). */
const PER_PACKAGE_CONVENTION = new Set<string>();

/** name → package → identities seen for it (several subpaths of one package may export it). */
type Seen = Map<string, Map<string, Set<string>>>;

function record(seen: Seen, name: string, pkg: string, identity: string): void {
  const byPkg = seen.get(name) ?? new Map<string, Set<string>>();
  seen.set(name, byPkg);
  const ids = byPkg.get(pkg) ?? new Set<string>();
  byPkg.set(pkg, ids);
  ids.add(identity);
}

/** Names exported by two packages with different identities, as `Name: @ody/a, @ody/b`. */
function clashes(seen: Seen): string[] {
  const out: string[] = [];
  for (const [name, byPkg] of seen) {
    if (byPkg.size < 2 || PER_PACKAGE_CONVENTION.has(name)) continue;
    const identities = new Set([...byPkg.values()].flatMap((ids) => [...ids]));
    if (identities.size > 1) out.push(`${name}: ${[...byPkg.keys()].sort().join(', ')}`);
  }
  return out.sort();
}

/** Runtime exports of every entry, imported in one Node process so shared modules are one instance. */
function runtimeExports(): Array<{ pkg: string; specifier: string; names: Record<string, string> }> {
  const code = `
    const entries = ${JSON.stringify(entries.map(({ pkg, specifier }) => ({ pkg, specifier })))};
    const ids = new Map();
    let next = 0;
    const idOf = (v) => {
      if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return 'value:' + typeof v + ':' + String(v);
      if (!ids.has(v)) ids.set(v, 'object:' + next++);
      return ids.get(v);
    };
    const out = [];
    for (const e of entries) {
      const m = await import(e.specifier);
      out.push({ ...e, names: Object.fromEntries(Object.keys(m).filter((k) => k !== 'default').map((k) => [k, idOf(m[k])])) });
    }
    console.log(JSON.stringify(out));
  `;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

/** Type-level exports of every entry's .d.ts, each resolved to the declaration it names. */
function typeExports(): Array<{ pkg: string; names: Record<string, string> }> {
  const program = ts.createProgram(
    entries.map((e) => e.types),
    { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, noEmit: true, skipLibCheck: true },
  );
  const checker = program.getTypeChecker();
  return entries.map((e) => {
    const file = program.getSourceFile(e.types);
    if (file === undefined) throw new Error(`${e.types} is missing: run npx turbo run build`);
    const moduleSymbol = checker.getSymbolAtLocation(file);
    const names: Record<string, string> = {};
    for (const symbol of moduleSymbol === undefined ? [] : checker.getExportsOfModule(moduleSymbol)) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const decl = target.declarations?.[0];
      names[symbol.name] = decl === undefined ? `symbol:${e.pkg}:${symbol.name}` : `${decl.getSourceFile().fileName}:${decl.pos}`;
    }
    return { pkg: e.pkg, names };
  });
}

describe('export names across packages', () => {
  it('finds every package entry', () => {
    expect(entries.map((e) => e.specifier)).toEqual(expect.arrayContaining(['@ody/core', '@ody/http', '@ody/cqrs', '@ody/websocket/client']));
    for (const e of entries) expect(existsSync(e.types), `${e.types} (run npx turbo run build)`).toBe(true);
  });

  it('no two packages export different values under one name (re-exports of one object are fine)', () => {
    const seen: Seen = new Map();
    for (const { pkg, names } of runtimeExports()) for (const [name, id] of Object.entries(names)) record(seen, name, pkg, id);
    expect(clashes(seen)).toEqual([]);
  }, 60_000);

  it('no two packages export different types or values under one name in their .d.ts', () => {
    const seen: Seen = new Map();
    for (const { pkg, names } of typeExports()) for (const [name, id] of Object.entries(names)) record(seen, name, pkg, id);
    expect(clashes(seen)).toEqual([]);
  }, 60_000);

  it('recognises a re-export of the same object and reports a different one', () => {
    const seen: Seen = new Map();
    record(seen, 'Shared', '@ody/a', 'object:1');
    record(seen, 'Shared', '@ody/b', 'object:1');
    record(seen, 'Query', '@ody/a', 'object:2');
    record(seen, 'Query', '@ody/b', 'object:3');
    record(seen, 'Own', '@ody/a', 'object:4');
    record(seen, 'Own', '@ody/a', 'object:5');
    expect(clashes(seen)).toEqual(['Query: @ody/a, @ody/b']);
  });
});
