import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeRelease, expected, root, scaffoldTest, sh, templates, USED, userEnv, versionsIn } from './support/release.js';

// The release as a user meets it: `npm run release` publishes a temp copy of this repo to a real local
// registry (verdaccio), then apps in folders outside the repo install @ody/* from it with plain npm,
// compile, start, answer HTTP, deliver a WebSocket message and complete an async command; a patch
// release follows and `npm update` moves every @ody package together. The other templates and pnpm are in
// registry-e2e-scaffold.int.test.ts (its own registry, so the two files run side by side).
// Needs `npm run build` first (npm test does it). Run alone: npm run test:registry

describeRelease('release to a local registry, installed outside the repo', {}, (r) => {
  it('without credentials the publish step publishes nothing, not even to the configured registry', async () => {
    const out = await sh(process.execPath, [join(r.repo, 'scripts/publish-if-credentials.mjs')], r.repo, userEnv({ ODY_RELEASE_REGISTRY: r.registry.url }));
    expect(out).toContain('nothing published');
    expect((await fetch(new URL('@ody%2fcore', r.registry.url))).status).toBe(404);
  }, 60_000);

  it('npm run release versions the copy and publishes every @ody package to the registry', async () => {
    const version = await r.release('minor');
    expect(version).toMatch(/^0\.[1-9]\d*\.0$/);
    for (const dir of readdirSync(join(r.repo, 'packages'))) {
      const pkg = JSON.parse(readFileSync(join(r.repo, 'packages', dir, 'package.json'), 'utf8'));
      if (pkg.private) continue;
      const res = await fetch(new URL(pkg.name.replace('/', '%2f'), r.registry.url));
      expect(res.status, `${pkg.name} on the registry`).toBe(200);
      const doc = (await res.json()) as { 'dist-tags': { latest: string }; versions: Record<string, { dependencies?: Record<string, string> }> };
      expect(doc['dist-tags'].latest).toBe(version);
      for (const [name, range] of Object.entries(doc.versions[version]!.dependencies ?? {})) {
        if (name.startsWith('@ody/')) expect(range, `${pkg.name} → ${name}`).toBe(`^${version}`);
      }
    }
    // The real repo is untouched: still the version it had.
    expect(JSON.parse(readFileSync(join(root, 'packages/core/package.json'), 'utf8')).version).not.toBe(version);
  }, 240_000);

  it('an ESM TypeScript app (strict, NodeNext) installs @ody/* with plain npm, compiles and runs', async () => {
    const app = join(r.work, 'esm-app');
    cpSync(join(root, 'tests/fixtures/registry-app-esm'), app, { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'esm-app', private: true, type: 'module' }, null, 2));
    writeFileSync(join(app, '.npmrc'), r.registry.npmrc('@ody'));
    const tsVersion = JSON.parse(readFileSync(join(root, 'node_modules/typescript/package.json'), 'utf8')).version as string;
    await sh('npm', ['install', '--no-audit', '--no-fund', ...USED], app);
    await sh('npm', ['install', '--no-audit', '--no-fund', '--save-dev', `typescript@${tsVersion}`, '@types/node@20'], app);
    expect(Object.values(versionsIn(app)).every((v) => v === r.released[0]), JSON.stringify(versionsIn(app))).toBe(true);
    await sh(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', app], app);
    const out = await sh(process.execPath, [join(app, 'dist/main.js')], app, userEnv(), 60_000);
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual(expected);
  }, 240_000);

  it('a CommonJS app installs @ody/* with plain npm and runs them through require()', async () => {
    const app = join(r.work, 'cjs-app');
    mkdirSync(app);
    cpSync(join(root, 'tests/fixtures/registry-app-cjs/main.cjs'), join(app, 'main.cjs'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'cjs-app', private: true }, null, 2));
    writeFileSync(join(app, '.npmrc'), r.registry.npmrc('@ody'));
    await sh('npm', ['install', '--no-audit', '--no-fund', ...USED], app);
    const out = await sh(process.execPath, [join(app, 'main.cjs')], app, userEnv(), 60_000);
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual(expected);
  }, 240_000);

  for (const template of templates.filter((t) => t.name === 'api' || t.name === 'realtime')) scaffoldTest(r, template);

  it('a patch release moves every @ody package of the app together on npm update', async () => {
    const app = join(r.work, 'esm-app');
    const before = versionsIn(app);
    const patch = await r.release('patch');
    expect(patch).not.toBe(r.released[0]);
    await sh('npm', ['update', '--no-audit', '--no-fund'], app);
    const after = versionsIn(app);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const [name, version] of Object.entries(after)) expect(version, name).toBe(patch);
    // One copy of each: no @ody package nested under another at an older version.
    for (const name of Object.keys(after)) expect(existsSync(join(app, 'node_modules', name, 'node_modules/@ody'))).toBe(false);
    await sh('npm', ['ls', '--all'], app);
    const out = await sh(process.execPath, [join(app, 'dist/main.js')], app, userEnv(), 60_000);
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual(expected);
  }, 240_000);
});
