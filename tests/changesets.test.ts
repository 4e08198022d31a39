import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { relaxInternalPeers } from '../scripts/release-lib.mjs';

const root = join(import.meta.dirname, '..');
interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  peerDependencies?: Record<string, string>;
}
const publishableManifests = () =>
  readdirSync(join(root, 'packages'))
    .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
    .map((dir) => JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as Manifest)
    .filter((pkg) => pkg.private !== true);
const publishable = publishableManifests().map((pkg) => pkg.name);

describe('release setup', () => {
  it('changesets accepts its config and every pending changeset (npx changeset status)', () => {
    // Status is read the way scripts/version-packages.mjs versions: on a copy of the manifests with
    // internal peer ranges relaxed (see there why), so the real repo is never touched.
    const copy = mkdtempSync(join(tmpdir(), 'ody-changesets-'));
    try {
      const manifests = execFileSync('git', ['ls-files', '--', 'package.json', '*/package.json', '.changeset'], { cwd: root, encoding: 'utf8' })
        .split('\n')
        .filter((f) => f && existsSync(join(root, f)));
      for (const file of manifests) {
        mkdirSync(dirname(join(copy, file)), { recursive: true });
        cpSync(join(root, file), join(copy, file));
      }
      relaxInternalPeers(copy);
      const git = (...args: string[]) => execFileSync('git', args, { cwd: copy, stdio: 'ignore' });
      git('init', '-q', '-b', 'main');
      git('-c', 'user.email=t@example.invalid', '-c', 'user.name=t', 'commit', '-qm', 'copy', '--allow-empty');
      git('add', '-A');
      git('-c', 'user.email=t@example.invalid', '-c', 'user.name=t', 'commit', '-qm', 'manifests');
      const raw = execFileSync(process.execPath, [join(root, 'node_modules/@changesets/cli/bin.js'), 'status'], {
        cwd: copy,
        encoding: 'utf8',
        env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      });
      // Colour codes can still appear (CI=true turns them on in some versions): match on plain text.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes on purpose
      const out = raw.replace(/\u001b\[[0-9;]*m/g, '');
      // Right after a release no changeset is pending and status lists no package.
      const pending = readdirSync(join(root, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
      if (pending.length > 0) expect(out).toContain('@ody/core');
      // A 0.x release: internal peers between @ody packages must not force a major bump.
      expect(out).toContain('NO packages to be bumped at major');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('internal peer ranges are ^<version>, like dependencies (version-packages keeps them so)', () => {
    const withPeers = publishableManifests().filter((pkg) => Object.keys(pkg.peerDependencies ?? {}).some((n) => n.startsWith('@ody/')));
    for (const pkg of withPeers) {
      for (const [name, range] of Object.entries(pkg.peerDependencies ?? {})) {
        if (name.startsWith('@ody/')) expect(range).toBe(`^${pkg.version}`);
      }
    }
  });

  it('every publishable package is in the one fixed version group', () => {
    const config = JSON.parse(readFileSync(join(root, '.changeset/config.json'), 'utf8')) as { fixed: string[][] };
    expect(config.fixed).toHaveLength(1);
    const group = config.fixed[0]!;
    for (const name of publishable) {
      expect(group.some((pattern) => pattern === name || (pattern.endsWith('/*') && name.startsWith(pattern.slice(0, -1))))).toBe(true);
    }
  });
});
