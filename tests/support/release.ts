import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findVerdaccio, type NpmRegistry, registryRequired, startNpmRegistry } from '../../test-support/npm-registry.js';
import { freePort } from '../../test-support/ports.js';

// The release as a user meets it, shared by the registry e2e files (split in two so they run side by side):
// `npm run release` publishes a temp copy of this repo to a real local registry (verdaccio), then apps in
// folders outside the repo install @ody/* from it. Needs `npm run build` first (npm test does it).

const run = promisify(execFile);
export const root = join(import.meta.dirname, '..', '..');
export const USED = ['@ody/core', '@ody/http', '@ody/websocket', '@ody/cqrs', '@ody/queue'];
/** The second package manager of the scaffold matrix (10.x: the newest line that runs on Node 20). */
export const PNPM = '10.34.9';
export const expected = { http: { hello: 'ada' }, ws: 'released', queued: 'queued', command: { text: 'hello grace' } };

/**
 * The environment of a user's shell: none of the npm_* variables `npm test` sets for this process, and no
 * publish credentials of whoever runs the tests (NPM_TOKEN, NODE_AUTH_TOKEN), so nothing can leak out.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD' && k !== 'NODE_AUTH_TOKEN'),
  );
  return { ...env, NO_UPDATE_NOTIFIER: '1', ...extra };
}

export async function sh(cmd: string, args: string[], cwd: string, env = userEnv(), timeoutMs = 180_000): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

export function versionsIn(app: string): Record<string, string> {
  const dir = join(app, 'node_modules/@ody');
  return Object.fromEntries(
    readdirSync(dir).map((name) => [`@ody/${name}`, JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')).version as string]),
  );
}

/** `npm start` of a built app on `port`, resolved once its log says `ready`; `exited` is its exit code. */
export async function startApp(app: string, port: number, ready: RegExp) {
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


/** A registry with this repo's copy released to it; fields are valid inside tests. */
export interface Release {
  readonly registry: NpmRegistry;
  readonly work: string;
  readonly repo: string;
  /** Versions published so far, oldest first. */
  readonly released: string[];
  /** A changeset bumping the fixed group, then `npm run release`; returns the version published. */
  release(bump: 'minor' | 'patch'): Promise<string>;
}

/**
 * `describe` with a local registry and a committed copy of this repo (hooks registered inside); with
 * `releaseFirst`, a minor release is published before the first test. Without verdaccio: a visible skip
 * line, or a failure under CI=true.
 */
export function describeRelease(name: string, options: { releaseFirst?: boolean }, fn: (r: Release) => void): void {
  const available = findVerdaccio() !== undefined;
  if (!available && !registryRequired()) console.warn(`[npm-registry] skipped: ${name} — verdaccio is not installed (npm ci installs it)`);
  describe.runIf(available || registryRequired())(name, () => {
    let registry: NpmRegistry;
    let work: string;
    let repo: string;
    let releaseEnv: NodeJS.ProcessEnv;
    const released: string[] = [];
    const release = async (bump: 'minor' | 'patch'): Promise<string> => {
      writeFileSync(join(repo, '.changeset', `zz-e2e-${bump}.md`), `---\n"@ody/core": ${bump}\n---\n\nRelease e2e (${bump}).\n`);
      await sh('npm', ['run', 'release'], repo, releaseEnv);
      const version = JSON.parse(readFileSync(join(repo, 'packages/core/package.json'), 'utf8')).version as string;
      released.push(version);
      return version;
    };

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
      if (options.releaseFirst) await release('minor');
    }, 300_000);

    afterAll(async () => {
      await registry?.stop();
      if (work) await rm(work, { recursive: true, force: true });
    }, 180_000); // thousands of installed files on a busy 2-core machine

    fn({
      get registry() { return registry; },
      get work() { return work; },
      get repo() { return repo; },
      released,
      release,
    });
  });
}

/**
 * create-t3-app's CI matrix: a template scaffolded by the published create-ody-app into a folder outside
 * the repo, installed from the registry with npm, built, tested, started and asked once.
 */
export const templates: Array<{ name: string; probe: (port: number) => Promise<void> }> = [
  { name: 'api', probe: async (port) => expect((await fetch(`http://127.0.0.1:${port}/notes`)).status).toBe(200) },
  { name: 'realtime', probe: async (port) => expect(await (await fetch(`http://127.0.0.1:${port}/index.html`)).text()).toContain('Live announcements') },
  { name: 'cqrs', probe: async (port) => expect((await fetch(`http://127.0.0.1:${port}/orders/none`)).status).toBe(404) },
  { name: 'worker', probe: async () => {} },
];

/** The test of one template (see `templates`). */
export function scaffoldTest(r: Release, template: (typeof templates)[number]): void {
  it(`npm create ody-app --template ${template.name}: installs, builds, passes its tests and starts`, async () => {
    const parent = join(r.work, 'scaffold');
    mkdirSync(parent, { recursive: true });
    writeFileSync(join(parent, '.npmrc'), r.registry.npmrc());
    const env = userEnv({ npm_config_userconfig: join(parent, '.npmrc') });
    // npx keeps what `npm create` installed under the cache by package spec, and every run publishes the
    // same version: a fresh cache for the scaffolder alone, so a stale create-ody-app is never reused.
    const createEnv = { ...env, npm_config_cache: mkdtempSync(join(r.work, 'npx-cache-')) };
    await sh('npm', ['create', `ody-app@${r.released[0]}`, '--', template.name, '--template', template.name, '--no-git', '--no-install'], parent, createEnv, 300_000);
    const app = join(parent, template.name);
    writeFileSync(join(app, '.npmrc'), r.registry.npmrc());
    await sh('npm', ['install', '--no-audit', '--no-fund'], app, env, 300_000);
    expect(Object.values(versionsIn(app)).every((v) => v === r.released[0]), JSON.stringify(versionsIn(app))).toBe(true);
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
