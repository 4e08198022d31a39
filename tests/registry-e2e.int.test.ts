import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findVerdaccio, type NpmRegistry, registryRequired, startNpmRegistry } from '../test-support/npm-registry.js';
import { freePort } from '../test-support/ports.js';

// The release as a user meets it: `npm run release` publishes a temp copy of this repo to a real local
// registry (verdaccio), then apps in folders outside the repo install @ody/* from it with plain npm,
// compile, start, answer HTTP, deliver a WebSocket message and complete an async command; a patch
// release follows and `npm update` moves every @ody package together.
// Needs `npm run build` first (npm test does it). Run alone: npm run test:registry

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const USED = ['@ody/core', '@ody/http', '@ody/websocket', '@ody/cqrs', '@ody/queue'];
/** The second package manager of the scaffold matrix (10.x: the newest line that runs on Node 20). */
const PNPM = '10.34.9';
const expected = { http: { hello: 'ada' }, ws: 'released', queued: 'queued', command: { text: 'hello grace' } };

/**
 * The environment of a user's shell: none of the npm_* variables `npm test` sets for this process, and no
 * publish credentials of whoever runs the tests (NPM_TOKEN, NODE_AUTH_TOKEN), so nothing can leak out.
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD' && k !== 'NODE_AUTH_TOKEN'),
  );
  return { ...env, NO_UPDATE_NOTIFIER: '1', ...extra };
}

async function sh(cmd: string, args: string[], cwd: string, env = userEnv(), timeoutMs = 180_000): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

function versionsIn(app: string): Record<string, string> {
  const dir = join(app, 'node_modules/@ody');
  return Object.fromEntries(
    readdirSync(dir).map((name) => [`@ody/${name}`, JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')).version as string]),
  );
}

/** `npm start` of a built app on `port`, resolved once its log says `ready`; `exited` is its exit code. */
async function startApp(app: string, port: number, ready: RegExp) {
  const child = spawn('node', ['dist/main.js'], { cwd: app, env: userEnv({ ODY_HTTP_PORT: String(port), ODY_HTTP_HOST: '127.0.0.1', CLOCK_MS: '200' }) });
  let log = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk;
      if (ready.test(log)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then((code) => reject(new Error(`${app} exited ${code} before it was ready:
${log}`)));
  });
  return { kill: (signal: NodeJS.Signals) => child.kill(signal), exited };
}

const available = findVerdaccio() !== undefined;
if (!available && !registryRequired()) console.warn('[npm-registry] skipped: registry e2e — verdaccio is not installed (npm ci installs it)');

describe.runIf(available || registryRequired())('release to a local registry, installed outside the repo', () => {
  let registry: NpmRegistry;
  let work: string;
  let repo: string;
  let releaseEnv: NodeJS.ProcessEnv;
  const released: string[] = [];

  beforeAll(async () => {
    // create-ody-app is unscoped: served from here too, never from the public registry.
    registry = await startNpmRegistry({ localScopes: ['@ody', 'create-ody-app'] });
    work = mkdtempSync(join(tmpdir(), 'ody-release-e2e-'));
    repo = join(work, 'repo');
    const listed = (await sh('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root)).split('\0').filter(Boolean);
    for (const file of listed) {
      if (!existsSync(join(root, file))) continue; // deleted in the working tree
      mkdirSync(dirname(join(repo, file)), { recursive: true });
      cpSync(join(root, file), join(repo, file));
    }
    for (const dir of readdirSync(join(root, 'packages'))) {
      if (existsSync(join(root, 'packages', dir, 'dist'))) cpSync(join(root, 'packages', dir, 'dist'), join(repo, 'packages', dir, 'dist'), { recursive: true });
    }
    symlinkSync(join(root, 'node_modules'), join(repo, 'node_modules'), 'dir');
    const git = (...args: string[]) => sh('git', ['-c', 'user.email=e2e@example.invalid', '-c', 'user.name=e2e', ...args], repo);
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('commit', '-qm', 'copy for the release e2e');
    releaseEnv = userEnv({ ODY_RELEASE_REGISTRY: registry.url, NPM_TOKEN: registry.token, ODY_RELEASE_SKIP_BUILD: '1' });
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  }, 180_000); // thousands of installed files on a busy 2-core machine

  /** A changeset bumping the fixed group, then `npm run release`; returns the version published. */
  async function release(bump: 'minor' | 'patch'): Promise<string> {
    writeFileSync(join(repo, '.changeset', `zz-e2e-${bump}.md`), `---\n"@ody/core": ${bump}\n---\n\nRelease e2e (${bump}).\n`);
    await sh('npm', ['run', 'release'], repo, releaseEnv);
    const version = JSON.parse(readFileSync(join(repo, 'packages/core/package.json'), 'utf8')).version as string;
    released.push(version);
    return version;
  }

  it('without credentials the publish step publishes nothing, not even to the configured registry', async () => {
    const out = await sh(process.execPath, [join(repo, 'scripts/publish-if-credentials.mjs')], repo, userEnv({ ODY_RELEASE_REGISTRY: registry.url }));
    expect(out).toContain('nothing published');
    expect((await fetch(new URL('@ody%2fcore', registry.url))).status).toBe(404);
  }, 60_000);

  it('npm run release versions the copy and publishes every @ody package to the registry', async () => {
    const version = await release('minor');
    expect(version).toMatch(/^0\.[1-9]\d*\.0$/);
    for (const dir of readdirSync(join(repo, 'packages'))) {
      const pkg = JSON.parse(readFileSync(join(repo, 'packages', dir, 'package.json'), 'utf8'));
      if (pkg.private) continue;
      const res = await fetch(new URL(pkg.name.replace('/', '%2f'), registry.url));
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
    const app = join(work, 'esm-app');
    cpSync(join(root, 'tests/fixtures/registry-app-esm'), app, { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'esm-app', private: true, type: 'module' }, null, 2));
    writeFileSync(join(app, '.npmrc'), registry.npmrc('@ody'));
    const tsVersion = JSON.parse(readFileSync(join(root, 'node_modules/typescript/package.json'), 'utf8')).version as string;
    await sh('npm', ['install', '--no-audit', '--no-fund', ...USED], app);
    await sh('npm', ['install', '--no-audit', '--no-fund', '--save-dev', `typescript@${tsVersion}`, '@types/node@20'], app);
    expect(Object.values(versionsIn(app)).every((v) => v === released[0]), JSON.stringify(versionsIn(app))).toBe(true);
    await sh(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', app], app);
    const out = await sh(process.execPath, [join(app, 'dist/main.js')], app, userEnv(), 60_000);
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual(expected);
  }, 240_000);

  it('a CommonJS app installs @ody/* with plain npm and runs them through require()', async () => {
    const app = join(work, 'cjs-app');
    mkdirSync(app);
    cpSync(join(root, 'tests/fixtures/registry-app-cjs/main.cjs'), join(app, 'main.cjs'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'cjs-app', private: true }, null, 2));
    writeFileSync(join(app, '.npmrc'), registry.npmrc('@ody'));
    await sh('npm', ['install', '--no-audit', '--no-fund', ...USED], app);
    const out = await sh(process.execPath, [join(app, 'main.cjs')], app, userEnv(), 60_000);
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual(expected);
  }, 240_000);

  // create-t3-app's CI matrix: every template scaffolded by the published create-ody-app into a folder
  // outside the repo, installed from the registry with npm, built, tested, started and asked once.
  const templates: Array<{ name: string; probe: (port: number) => Promise<void> }> = [
    { name: 'api', probe: async (port) => expect((await fetch(`http://127.0.0.1:${port}/notes`)).status).toBe(200) },
    { name: 'realtime', probe: async (port) => expect(await (await fetch(`http://127.0.0.1:${port}/index.html`)).text()).toContain('Live announcements') },
    { name: 'cqrs', probe: async (port) => expect((await fetch(`http://127.0.0.1:${port}/orders/none`)).status).toBe(404) },
    { name: 'worker', probe: async () => {} },
  ];
  for (const template of templates) {
    it(`npm create ody-app --template ${template.name}: installs, builds, passes its tests and starts`, async () => {
      const parent = join(work, 'scaffold');
      mkdirSync(parent, { recursive: true });
      writeFileSync(join(parent, '.npmrc'), registry.npmrc());
      const env = userEnv({ npm_config_userconfig: join(parent, '.npmrc') });
      // npx keeps what `npm create` installed under the cache by package spec, and every run publishes the
      // same version: a fresh cache for the scaffolder alone, so a stale create-ody-app is never reused.
      const createEnv = { ...env, npm_config_cache: mkdtempSync(join(work, 'npx-cache-')) };
      await sh('npm', ['create', `ody-app@${released[0]}`, '--', template.name, '--template', template.name, '--no-git', '--no-install'], parent, createEnv, 300_000);
      const app = join(parent, template.name);
      writeFileSync(join(app, '.npmrc'), registry.npmrc());
      await sh('npm', ['install', '--no-audit', '--no-fund'], app, env, 300_000);
      expect(Object.values(versionsIn(app)).every((v) => v === released[0]), JSON.stringify(versionsIn(app))).toBe(true);
      await sh('npm', ['run', 'build'], app, env);
      await sh('npm', ['test'], app, env, 240_000);
      const port = await freePort();
      const started = await startApp(app, port, template.name === 'worker' ? /worker ready/ : /ready/);
      try {
        await template.probe(port);
      } finally {
        started.kill('SIGTERM');
      }
      expect(await started.exited).toBe(0);
    }, 600_000);
  }

  // A second package manager: pnpm (fetched from the registry like a user's `npx`; 10.x runs on Node 20),
  // as `pnpm create ody-app` runs it: create-ody-app sees pnpm in npm_config_user_agent and installs with
  // it, so the app gets pnpm's strict node_modules (only declared dependencies resolve).
  it(`pnpm create ody-app --template cqrs: installs with pnpm@${PNPM}, builds, passes its tests and starts`, async () => {
    const parent = join(work, 'scaffold-pnpm');
    mkdirSync(parent, { recursive: true });
    writeFileSync(join(parent, '.npmrc'), registry.npmrc());
    const env = userEnv({
      npm_config_userconfig: join(parent, '.npmrc'),
      npm_config_registry: registry.url,
      // Fresh store and cache: every run publishes the same version, so nothing cached may be reused.
      npm_config_store_dir: join(work, 'pnpm-store'),
      npm_config_cache_dir: join(work, 'pnpm-cache'),
      npm_config_cache: mkdtempSync(join(work, 'npx-cache-')),
    });
    const pnpm = (args: string[], cwd: string, timeoutMs?: number) => sh('npx', ['--yes', '-p', `pnpm@${PNPM}`, 'pnpm', ...args], cwd, env, timeoutMs);
    await pnpm(['create', `ody-app@${released[0]}`, 'shop', '--template', 'cqrs', '--no-git'], parent, 300_000);
    const app = join(parent, 'shop');
    expect(existsSync(join(app, 'pnpm-lock.yaml')), 'create-ody-app installed with pnpm').toBe(true);
    expect(existsSync(join(app, 'package-lock.json'))).toBe(false);
    expect(readFileSync(join(app, 'README.md'), 'utf8')).toContain('pnpm dev');
    expect(Object.values(versionsIn(app)).every((v) => v === released[0]), JSON.stringify(versionsIn(app))).toBe(true);
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
    await Promise.all([parent, join(work, 'pnpm-store'), join(work, 'pnpm-cache')].map((dir) => rm(dir, { recursive: true, force: true })));
  }, 600_000);

  it('a patch release moves every @ody package of the app together on npm update', async () => {
    const app = join(work, 'esm-app');
    const before = versionsIn(app);
    const patch = await release('patch');
    expect(patch).not.toBe(released[0]);
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
