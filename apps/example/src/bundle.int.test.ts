import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type Message } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithRedis, freePort } from '../../../test-support/redis-harness.js';

const root = resolve(import.meta.dirname, '../../..');
const example = resolve(import.meta.dirname, '..');

/** tsconfig `paths` mapping every @ody export subpath to its source, so esbuild bundles @ody/* from src
 *  and still reads each package's own package.json (its `sideEffects` field included). */
function odyPaths(): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const dir of readdirSync(join(root, 'packages'))) {
    const pkgFile = join(root, 'packages', dir, 'package.json');
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { name: string; exports?: Record<string, unknown> };
    for (const subpath of Object.keys(pkg.exports ?? {})) {
      if (subpath.endsWith('package.json')) continue;
      const rel = subpath === '.' ? 'index' : subpath.slice(2);
      const file = [`src/${rel}.ts`, `src/${rel}/index.ts`].map((f) => join('packages', dir, f)).find((f) => existsSync(join(root, f)));
      if (file !== undefined) paths[pkg.name + subpath.slice(1)] = [file];
    }
  }
  return paths;
}

// The example app bundled the way a user's bundler would: every @ody package inlined (third-party
// packages stay external), then run with ODY_QUEUE_DRIVER=redis. A driver registered by an import's side
// effect in a package marked `"sideEffects": false` is dropped here, and the app cannot start.
describeWithRedis('the example app bundled with esbuild, on Redis', (redis) => {
  const out = join(example, 'var', `bundle-${process.pid}`);
  let warnings: Message[] = [];
  let app: ChildProcess | undefined;
  let base = '';
  let output = '';

  beforeAll(async () => {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const tsconfig = join(out, 'tsconfig.json');
    writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { baseUrl: root, paths: odyPaths(), experimentalDecorators: true, target: 'ES2022' } }));
    const result = await build({
      entryPoints: {
        main: join(example, 'src/main.ts'),
        'process/heartbeat': join(example, 'src/process/heartbeat.ts'),
        'task/tasks': join(example, 'src/task/tasks.ts'),
        // Internal entries that @ody/task and @ody/process load by path next to the bundle.
        'worker-main': join(root, 'packages/task/src/runtime/worker-main.ts'),
        'command-shim': join(root, 'packages/process/src/runtime/command-shim.ts'),
      },
      outdir: out,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      tsconfig,
      logLevel: 'silent',
      plugins: [
        {
          name: 'third-party-external',
          setup(b) {
            b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@ody/') ? undefined : { path: args.path, external: true }));
          },
        },
      ],
    });
    warnings = result.warnings;
    const port = await freePort();
    app = spawn(process.execPath, [join(out, 'main.js')], {
      cwd: out,
      env: {
        ...process.env,
        ODY_HTTP_HOST: '127.0.0.1',
        ODY_HTTP_PORT: String(port),
        ODY_QUEUE_DRIVER: 'redis',
        REDIS_URL: redis.url,
        ODY_QUEUE_REDIS_PREFIX: `${redis.prefix}bundle`,
        ODY_APP_LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (c: Buffer) => {
      output += c.toString();
    };
    app.stdout!.on('data', collect);
    app.stderr!.on('data', collect);
    base = `http://127.0.0.1:${port}`;
  }, 120_000);

  afterAll(async () => {
    if (app !== undefined && app.exitCode === null && app.signalCode === null) {
      const exited = new Promise((r) => app!.once('exit', r));
      app.kill('SIGTERM');
      await exited;
    }
    rmSync(out, { recursive: true, force: true });
  }, 30_000);

  /** Poll `fn` until it returns a value, bounded; fails with the app's output. */
  async function until<T>(what: string, fn: () => Promise<T | undefined>, limitMs = 30_000): Promise<T> {
    const end = Date.now() + limitMs;
    for (;;) {
      const value = await fn().catch(() => undefined);
      if (value !== undefined) return value;
      if (app?.exitCode !== null || Date.now() > end) throw new Error(`${what}: not reached (app exit ${app?.exitCode}). Output:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('keeps every @ody import (no import dropped as side-effect free)', () => {
    expect(warnings.filter((w) => w.id === 'ignored-bare-import').map((w) => w.text)).toEqual([]);
  });

  it('starts on the Redis driver, takes a job over HTTP and its worker processes it', async () => {
    await until('the app to answer', async () => ((await fetch(`${base}/greetings/bundle`)).ok ? true : undefined));
    const res = await fetch(`${base}/welcome`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'b@u.nd', name: 'Bundle' }) });
    expect(res.status).toBe(202);
    const sent = await until('the job to be processed', async () => {
      const list = (await (await fetch(`${base}/welcome/sent`)).json()) as unknown[];
      return list.length > 0 ? list : undefined;
    });
    expect(sent).toEqual([{ email: 'b@u.nd', name: 'Bundle', jobId: 'welcome:b@u.nd', attempt: 1 }]);
    // The queue plugin's debug line names the driver it built.
    expect(output).toMatch(/"driver":"redis".*queue driver ready|queue driver ready.*redis/);
  });
});
