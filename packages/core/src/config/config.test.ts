import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApplication } from '../app/application.js';
import { OdyError } from '../errors.js';
import { definePlugin } from '../plugin/define.js';

const silent = { destination: { write() {} } };
const httpLike = definePlugin({
  name: 'http',
  configSchema: z.object({
    port: z.number().int().min(0).max(65535).default(3000),
    host: z.string().default('127.0.0.1'),
    trustProxy: z.boolean().default(false),
    limits: z.object({ maxBodySize: z.number().default(1024), allowed: z.array(z.string()).default([]) }).default({ maxBodySize: 1024, allowed: [] }),
  }),
});

async function configOf(options: Parameters<typeof createApplication>[0]) {
  const app = await createApplication({ envFile: false, env: {}, logger: silent, ...options });
  return app.configOf<z.output<NonNullable<typeof httpLike.configSchema>>>('http');
}

async function failure(options: Parameters<typeof createApplication>[0]): Promise<OdyError> {
  try {
    await createApplication({ envFile: false, env: {}, logger: silent, ...options });
  } catch (err) {
    if (OdyError.is(err)) return err;
    throw err;
  }
  throw new Error('expected createApplication to fail');
}

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('config', () => {
  it('fills defaults', async () => {
    expect(await configOf({ plugins: [httpLike] })).toEqual({
      port: 3000,
      host: '127.0.0.1',
      trustProxy: false,
      limits: { maxBodySize: 1024, allowed: [] },
    });
  });

  it('env overrides config with type coercion, nested keys included', async () => {
    const cfg = await configOf({
      plugins: [httpLike],
      config: { http: { port: 80 } },
      env: {
        ODY_HTTP_PORT: '8080',
        ODY_HTTP_TRUST_PROXY: 'true',
        ODY_HTTP_LIMITS_MAX_BODY_SIZE: '2048',
        ODY_HTTP_LIMITS_ALLOWED: '["a","b"]',
      },
    });
    expect(cfg).toMatchObject({ port: 8080, trustProxy: true, limits: { maxBodySize: 2048, allowed: ['a', 'b'] } });
  });

  it('reads a .env file, and real env wins over it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ody-env-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'ODY_HTTP_PORT=4000\nODY_HTTP_HOST=0.0.0.0\n# comment\n');
    const cfg = await configOf({ plugins: [httpLike], envFile: file, env: { ODY_HTTP_HOST: '::1' } });
    expect(cfg.port).toBe(4000);
    expect(cfg.host).toBe('::1');
  });

  it('a missing .env file is fine', async () => {
    expect((await configOf({ plugins: [httpLike], envFile: '/nonexistent/.env' })).port).toBe(3000);
  });

  it('reports every invalid key at once with its value, expectation and env name', async () => {
    const err = await failure({
      plugins: [httpLike],
      config: { http: { port: 70000, host: 5 }, app: { logLevel: 'loud' } },
      env: { ODY_HTTP_TRUST_PROXY: 'maybe' },
    });
    expect(err.code).toBe('ODY_CONFIG_INVALID');
    const issues = err.details.issues as Array<{ path: string; value: unknown; env: string }>;
    expect(issues.map((i) => i.path).sort()).toEqual(['app.logLevel', 'http.host', 'http.port', 'http.trustProxy']);
    expect(issues.find((i) => i.path === 'http.port')).toMatchObject({ value: 70000, env: 'ODY_HTTP_PORT' });
    expect(issues.find((i) => i.path === 'http.trustProxy')).toMatchObject({ value: 'maybe' });
    expect(err.message).toContain('4 problems');
    expect(err.message).toContain('http.port');
    expect(err.message).toContain('70000');
  });

  it('rejects config sections no plugin claims', async () => {
    const err = await failure({ plugins: [httpLike], config: { htpp: { port: 1 } } });
    expect(err.code).toBe('ODY_CONFIG_UNKNOWN_SECTION');
    expect(err.message).toContain("'htpp'");
  });

  it('app section: log level from env', async () => {
    const app = await createApplication({ envFile: false, env: { ODY_APP_LOG_LEVEL: 'debug' }, logger: silent });
    expect(app.appConfig.logLevel).toBe('debug');
    expect(app.logger.level).toBe('debug');
  });
});
