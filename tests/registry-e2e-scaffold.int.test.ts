import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { freePort } from '../test-support/ports.js';
import { describeRelease, PNPM, scaffoldTest, sh, startApp, templates, userEnv, versionsIn } from './support/release.js';

// The second half of the registry e2e (see registry-e2e.int.test.ts): the cqrs and worker templates with
// npm, and the cqrs template with pnpm, against their own registry with one release published first.

describeRelease('create-ody-app from a local registry, with npm and pnpm', { releaseFirst: true }, (r) => {
  for (const template of templates.filter((t) => t.name === 'cqrs' || t.name === 'worker')) scaffoldTest(r, template);

  // A second package manager: pnpm (fetched from the registry like a user's `npx`; 10.x runs on Node 20),
  // as `pnpm create ody-app` runs it: create-ody-app sees pnpm in npm_config_user_agent and installs with
  // it, so the app gets pnpm's strict node_modules (only declared dependencies resolve).
  it(`pnpm create ody-app --template cqrs: installs with pnpm@${PNPM}, builds, passes its tests and starts`, async () => {
    const parent = join(r.work, 'scaffold-pnpm');
    mkdirSync(parent, { recursive: true });
    writeFileSync(join(parent, '.npmrc'), r.registry.npmrc());
    const env = userEnv({
      npm_config_userconfig: join(parent, '.npmrc'),
      npm_config_registry: r.registry.url,
      // Fresh store and cache: every run publishes the same version, so nothing cached may be reused.
      npm_config_store_dir: join(r.work, 'pnpm-store'),
      npm_config_cache_dir: join(r.work, 'pnpm-cache'),
      npm_config_cache: mkdtempSync(join(r.work, 'npx-cache-')),
    });
    const pnpm = (args: string[], cwd: string, timeoutMs?: number) => sh('npx', ['--yes', '-p', `pnpm@${PNPM}`, 'pnpm', ...args], cwd, env, timeoutMs);
    await pnpm(['create', `ody-app@${r.released[0]}`, 'shop', '--template', 'cqrs', '--no-git'], parent, 300_000);
    const app = join(parent, 'shop');
    expect(existsSync(join(app, 'pnpm-lock.yaml')), 'create-ody-app installed with pnpm').toBe(true);
    expect(existsSync(join(app, 'package-lock.json'))).toBe(false);
    expect(readFileSync(join(app, 'README.md'), 'utf8')).toContain('pnpm dev');
    expect(Object.values(versionsIn(app)).every((v) => v === r.released[0]), JSON.stringify(versionsIn(app))).toBe(true);
    await pnpm(['run', 'build'], app);
    await pnpm(['test'], app, 240_000);
    const port = await freePort();
    const started = await startApp(app, port, /ready/);
    try {
      expect((await fetch(`http://127.0.0.1:${port}/stock/none`)).status).toBe(404);
    } finally {
      started.kill('SIGTERM');
    }
    expect(await started.exited).toBe(0);
    // pnpm's store and this app are not used again: remove them now rather than in afterAll.
    await Promise.all([parent, join(r.work, 'pnpm-store'), join(r.work, 'pnpm-cache')].map((dir) => rm(dir, { recursive: true, force: true })));
  }, 600_000);

});
