import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

// Packs every publishable package the way `npm publish` does and checks what a user would get:
// the manifest (versions and internal ranges), the files (dist, README, LICENSE, what the README links
// to, source maps with their sources), then publint and attw on the same tarball.
// Run alone: npx vitest run --project repo packages

/**
 * Flip to true when the first release (0.1.0) is cut. Until then every package is 0.0.0 on purpose
 * (the coordinator versions after the API renames land); afterwards a 0.0.0 manifest is an error.
 */
const FIRST_RELEASE_CUT = true;

const root = join(import.meta.dirname, '..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const INTERNAL = /^@ody\//;
const DEP_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'] as const;

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  engines?: { node?: string };
  [field: string]: unknown;
}
interface Packed {
  dir: string;
  name: string;
  tarball: string;
  files: string[];
  manifest: Manifest;
}

const dirs = readdirSync(join(root, 'packages')).filter((dir) => {
  const file = join(root, 'packages', dir, 'package.json');
  return existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).private !== true;
});
const packed = new Map<string, Packed>();
let out = '';

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'ody-pack-'));
  const { stdout: json } = await run('npm', ['pack', '--json', '--pack-destination', out, ...dirs.flatMap((d) => ['-w', `packages/${d}`])], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const results = JSON.parse(json) as { name: string; filename: string; files: { path: string }[] }[];
  for (const [i, result] of results.entries()) {
    const tarball = join(out, result.filename);
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as Manifest;
    packed.set(dirs[i]!, { dir: dirs[i]!, name: result.name, tarball, files: result.files.map((f) => f.path), manifest });
  }
}, 120_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

/** Relative link targets in a markdown file: [text](target) and <a href>, without anchors. */
function relativeLinks(markdown: string): string[] {
  const targets = [...markdown.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g), ...markdown.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#')).map((t) => t.split('#')[0]!);
}

describe('packed packages', () => {
  it('finds the publishable packages', () => {
    expect(dirs).toContain('core');
    expect(packed.size).toBe(dirs.length);
  });

  it('all versions are one fixed group, at 0.0.0 until the first cut and never 0.0.0 after it', () => {
    const versions = new Set([...packed.values()].map((p) => p.manifest.version));
    expect(versions.size, `versions: ${[...versions].join(', ')}`).toBe(1);
    const [version] = versions;
    if (FIRST_RELEASE_CUT) expect(version).not.toBe('0.0.0');
    else expect(version, 'released? flip FIRST_RELEASE_CUT in tests/packages.test.ts').toBe('0.0.0');
  });

  it('every package declares the same engines.node', () => {
    const engines = new Set([...packed.values()].map((p) => p.manifest.engines?.node));
    expect([...engines]).toHaveLength(1);
    expect([...engines][0]).toMatch(/\d/);
  });

  for (const dir of dirs) {
    describe(dir, () => {
      it('tests live beside the code they test (src/**/*.test.ts), not in a test/ folder', () => {
        expect(existsSync(join(root, 'packages', dir, 'test')), `packages/${dir}/test`).toBe(false);
      });

      it('manifest: internal ranges are ^<group version> (no "*", no workspace:, dependencies and peers alike)', () => {
        const { manifest } = packed.get(dir)!;
        for (const field of DEP_FIELDS) {
          const deps = (manifest[field] ?? {}) as Record<string, string>;
          for (const [name, range] of Object.entries(deps)) {
            expect(range, `${field}.${name}`).not.toMatch(/^(\*|workspace:|latest$|$)/);
            if (INTERNAL.test(name)) expect(range, `${field}.${name}`).toBe(`^${manifest.version}`);
          }
        }
      });

      it('tarball: dist, README.md, LICENSE (the root one) and every file the README links to', () => {
        const { files, tarball } = packed.get(dir)!;
        expect(files).toContain('README.md');
        expect(files).toContain('LICENSE');
        expect(files.some((f) => f.startsWith('dist/'))).toBe(true);
        const license = execFileSync('tar', ['-xzOf', tarball, 'package/LICENSE'], { encoding: 'utf8' });
        expect(license).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'));
        const readme = readFileSync(join(root, 'packages', dir, 'README.md'), 'utf8');
        for (const link of relativeLinks(readme)) {
          const target = posix.normalize(link).replace(/\/$/, '');
          const shipped = files.some((f) => f === target || f.startsWith(`${target}/`));
          expect(shipped, `README links to ${link}, which is not in the tarball (ship it or link a public URL)`).toBe(true);
        }
        // Test files never ship, except the ones create-ody-app's templates give a new app.
        expect(files.filter((f) => /\.test\.|\.int\.test\./.test(f) && !f.startsWith('templates/'))).toEqual([]);
      });

      it('source maps carry their sources (sourcesContent) or point only at shipped files', () => {
        const { files, tarball } = packed.get(dir)!;
        const maps = files.filter((f) => f.endsWith('.map'));
        for (const file of maps) {
          const map = JSON.parse(execFileSync('tar', ['-xzOf', tarball, `package/${file}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as {
            sources: string[];
            sourcesContent?: (string | null)[];
          };
          map.sources.forEach((source, i) => {
            const inline = typeof map.sourcesContent?.[i] === 'string';
            const shipped = files.includes(posix.join(posix.dirname(file), source));
            expect(inline || shipped, `${file}: source ${source} is neither inline nor shipped`).toBe(true);
          });
        }
      });

      it('publint --strict passes on the tarball', async () => {
        const { tarball } = packed.get(dir)!;
        const { stdout } = await run(bin('publint'), ['run', tarball, '--strict'], { cwd: root, encoding: 'utf8' });
        expect(stdout).toContain('All good');
      }, 60_000);

      it('attw passes (node16 from CJS and ESM, bundler; node10 deliberately unsupported)', async () => {
        const { tarball } = packed.get(dir)!;
        // Exits non-zero on any problem under the node16 profile; --no-definitely-typed keeps it offline.
        const { stdout } = await run(bin('attw'), [tarball, '--profile', 'node16', '--no-definitely-typed', '--format', 'json'], {
          cwd: root,
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        const report = JSON.parse(stdout) as { problems: Record<string, { resolutionKind?: string; entrypoint?: string }[]> };
        const problems = Object.values(report.problems)
          .flat()
          .filter((p) => p.resolutionKind !== 'node10');
        expect(problems).toEqual([]);
        // The JSON lists node10 failures for subpaths; they are the documented, deliberate limit.
        expect(Object.keys(report.problems).every((kind) => kind === 'NoResolution')).toBe(true);
      }, 60_000);
    });
  }
});
