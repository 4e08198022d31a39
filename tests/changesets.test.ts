import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const publishable = readdirSync(join(root, 'packages'))
  .map((dir) => JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as { name: string; private?: boolean })
  .filter((pkg) => pkg.private !== true)
  .map((pkg) => pkg.name);

describe('release setup', () => {
  it('changesets accepts its config and every pending changeset (npx changeset status)', () => {
    const raw = execFileSync(process.execPath, [join(root, 'node_modules/@changesets/cli/bin.js'), 'status'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    // Colour codes can still appear (CI=true turns them on in some versions): match on plain text.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes on purpose
    const out = raw.replace(/\u001b\[[0-9;]*m/g, '');
    expect(out).toContain('@ody/core');
    // A first 0.x release: optional peers between @ody packages must not force a major bump.
    expect(out).toContain('NO packages to be bumped at major');
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
