import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ody, scaffoldApp } from '../testing/scaffolded.js';

// `ody routes` and `ody config` on a scaffolded cqrs app, loaded from src/app.ts through the app's tsx.
describe('ody routes / ody config', () => {
  let app: string;
  beforeAll(() => {
    app = scaffoldApp('cqrs', 'inspect', 'shop');
    // A second app module (plain JS, picked with --app) whose config carries secrets, and one without http.
    writeFileSync(
      join(app, 'secret-app.mjs'),
      `import { createApplication } from '@ody/core';
import { memoryDriver, queuePlugin } from '@ody/queue';
export function createApp() {
  return createApplication({
    config: { app: { name: 'secretive' }, queue: { driver: 'filesystem', vault: { password: 'hunter2', apiKey: 'k-123', mirror: 'redis://bob:pa55@cache.local:6379/0' } } },
    plugins: [queuePlugin({ drivers: { vault: () => memoryDriver() } })],
  });
}
`,
    );
    writeFileSync(join(app, 'not-an-app.mjs'), 'export const createApp = 42;\n');
    // Plain JS routes: a named function and a bound method.
    writeFileSync(
      join(app, 'named-app.mjs'),
      `import { createApplication, definePlugin } from '@ody/core';
import { httpPlugin, Router } from '@ody/http';

function listThings() {
  return [];
}
const things = { count() { return 0; } };

export function createApp() {
  const routes = definePlugin({
    name: 'things',
    dependsOn: ['http'],
    boot(ctx) {
      ctx.get(Router).get('/things', listThings).get('/things/count', things.count.bind(things));
    },
  });
  return createApplication({ plugins: [httpPlugin(), routes] });
}
`,
    );
    writeFileSync(join(app, '.env'), 'ODY_QUEUE_DIR=var/from-file\n');
  });
  afterAll(() => rmSync(join(app, '..'), { recursive: true, force: true }));

  it('routes lists method, path, handler and middleware of every route, as a table and as JSON', async () => {
    const table = await ody(app, ['routes']);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^METHOD\s+PATH\s+HANDLER\s+MIDDLEWARE$/);
    // An anonymous handler is named by where it is written (source line through tsx's source map).
    const line = readFileSync(join(app, 'src', 'orders', 'routes.ts'), 'utf8').split('\n').findIndex((l) => l.includes("router.post('/orders'")) + 1;
    expect(line).toBeGreaterThan(0);
    expect(table.stdout).toMatch(new RegExp(`POST\\s+/orders\\s+<anonymous> at src/orders/routes\\.ts:${line}\\s+0`));
    const json = await ody(app, ['--json', 'routes']);
    expect(json.status, json.stderr).toBe(0);
    const { routes } = JSON.parse(json.stdout) as { routes: Array<{ method: string; path: string; handler: string }> };
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /orders',
      'GET /orders/commands/:id',
      'GET /orders/:id',
      'POST /stock/:sku/receive',
      'POST /stock/:sku/ship',
      'GET /stock/commands/:id',
      'GET /stock/:sku',
    ]);
    expect(routes.every((r) => /^<anonymous> at src\/(orders|stock)\/routes\.ts:\d+$/.test(r.handler)), JSON.stringify(routes)).toBe(true);
    const named = await ody(app, ['--json', 'routes', '--app', 'named-app.mjs']);
    expect(named.status, named.stderr).toBe(0);
    expect((JSON.parse(named.stdout) as { routes: Array<{ handler: string }> }).routes.map((r) => r.handler)).toEqual(['listThings at named-app.mjs:4', 'count at named-app.mjs:7']);
  }, 120_000);

  it('routes names controller handlers (a generated controller shows up as Class.method)', async () => {
    const made = await ody(app, ['make:controller', 'audit']);
    expect(made.status, made.stderr).toBe(0);
    const json = await ody(app, ['--json', 'routes']);
    expect(json.status, json.stderr).toBe(0);
    const { routes } = JSON.parse(json.stdout) as { routes: Array<{ handler: string; path: string }> };
    expect(routes.some((r) => r.handler.startsWith('AuditController.'))).toBe(true);
  }, 120_000);

  it('config gives every value with its source: default, code, file (.env) and env', async () => {
    const out = await ody(app, ['--json', 'config'], { ODY_CQRS_ATTEMPTS: '7', ODY_CQRS_WORKER: '{"concurrency":3}' });
    expect(out.status, out.stderr).toBe(0);
    const { config } = JSON.parse(out.stdout) as { config: Array<{ path: string; value: unknown; source: string; env: string }> };
    const at = (path: string) => config.find((c) => c.path === path);
    expect(at('app.name')).toMatchObject({ value: 'shop', source: 'code', env: 'ODY_APP_NAME' });
    expect(at('app.bootTimeoutMs')).toMatchObject({ value: 30_000, source: 'default' });
    expect(at('queue.dir')).toMatchObject({ value: 'var/from-file', source: 'file' });
    expect(at('cqrs.attempts')).toMatchObject({ value: 7, source: 'env', env: 'ODY_CQRS_ATTEMPTS' });
    // @ody/core records the layer: a value set in code is code even when it equals the default, and a
    // leaf inside a whole-object env variable is env.
    expect(at('cqrs.worker.enabled')).toMatchObject({ value: true, source: 'code' });
    expect(at('cqrs.worker.concurrency')).toMatchObject({ value: 3, source: 'env', env: 'ODY_CQRS_WORKER_CONCURRENCY' });
    const table = await ody(app, ['config']);
    expect(table.stdout).toMatch(/queue\.dir\s+"var\/from-file"\s+file/);
  }, 120_000);

  it('config redacts secret keys and URL credentials (--app picks another module)', async () => {
    const out = await ody(app, ['--json', 'config', '--app', 'secret-app.mjs']);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).not.toContain('hunter2');
    expect(out.stdout).not.toContain('k-123');
    expect(out.stdout).not.toContain('pa55');
    const { config } = JSON.parse(out.stdout) as { config: Array<{ path: string; value: unknown }> };
    const at = (path: string) => config.find((c) => c.path === path)?.value;
    expect(at('queue.vault.password')).toBe('[redacted]');
    expect(at('queue.vault.apiKey')).toBe('[redacted]');
    expect(at('queue.vault.mirror')).toBe('redis://[redacted]@cache.local:6379/0');
    expect(at('app.name')).toBe('secretive');
  }, 120_000);

  it('answers bad arguments with one line and exit 2, an app without routes with exit 1', async () => {
    const missing = await ody(app, ['routes', '--app', 'nope.ts']);
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual([`ody: --app nope.ts: no such file in ${app}.`]);
    const unknown = await ody(app, ['config', '--bogus']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.trim().split('\n')[0]).toContain("unknown option '--bogus'");
    const invalid = await ody(app, ['config', '--app', 'not-an-app.mjs']);
    expect(invalid.status).toBe(1);
    expect(invalid.stderr.trim()).toBe('ody: not-an-app.mjs does not export a createApp() function (export function createApp(options?) returning createApplication(...)).');
    const noHttp = await ody(app, ['routes', '--app', 'secret-app.mjs']);
    expect(noHttp.status).toBe(1);
    expect(noHttp.stderr.trim()).toBe('ody: The app has no http plugin (plugins: queue), so it has no routes.');
  }, 120_000);

  it('without src/app.ts it loads dist/app.js; with neither it says what it looked for (exit 2)', async () => {
    const built = join(app, '..', 'built');
    mkdirSync(join(built, 'dist'), { recursive: true });
    writeFileSync(join(built, 'package.json'), JSON.stringify({ name: 'built', type: 'module' }));
    const empty = await ody(built, ['config']);
    expect(empty.status).toBe(2);
    expect(empty.stderr.trim()).toBe(`ody: No src/app.ts or dist/app.js in ${built}; export createApp() from one of them or pass --app <file>.`);
    writeFileSync(
      join(built, 'dist', 'app.js'),
      "import { createApplication } from '@ody/core';\nexport const createApp = () => createApplication({ config: { app: { name: 'from-dist' } } });\n",
    );
    const out = await ody(built, ['--json', 'config']);
    expect(out.status, out.stderr).toBe(0);
    expect((JSON.parse(out.stdout) as { config: Array<{ path: string; value: unknown }> }).config).toContainEqual(expect.objectContaining({ path: 'app.name', value: 'from-dist' }));
  }, 120_000);

  it('--help describes each command and exits 0', async () => {
    for (const command of ['routes', 'config']) {
      const help = await ody(app, [command, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toContain(`Usage: ody ${command} [options]`);
      expect(help.stdout).toContain('--app <file>');
    }
  }, 120_000);
});
