import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApplication } from '../app/application.js';
import { OdyError } from '../errors.js';
import { definePlugin } from '../plugin/define.js';
import { backoffSchema } from './backoff-schema.js';
import { resolvePluginOptions } from './plugin-options.js';

const silent = { destination: { write() {} } };
const schema = z.object({
  idleTimeoutMs: z.number().int().default(1000),
  host: z.string().default('127.0.0.1'),
  port: z.number().int().default(3000),
  tls: z.object({ enabled: z.boolean().default(false), minVersion: z.string().default('TLSv1.2') }).default({ enabled: false, minVersion: 'TLSv1.2' }),
  backoff: backoffSchema.default({ type: 'fixed', delayMs: 10 }),
});

/** A plugin factory the way packages write them: config-shaped code options go to definePlugin. */
const poolPlugin = (options: { idleTimeoutMs?: number; host?: string; port?: number; tls?: { minVersion?: string } } = {}) =>
  definePlugin({ name: 'pool', configSchema: schema, options });

async function resolved(options: Parameters<typeof poolPlugin>[0], config: unknown, env: Record<string, string>) {
  const app = await createApplication({ envFile: false, env, logger: silent, plugins: [poolPlugin(options)], config: config === undefined ? {} : { pool: config } });
  return app.configOf<z.output<typeof schema>>('pool');
}

describe('options precedence: defaults < code options < config < env', () => {
  it('each layer wins over the one below it, key by key, nested objects included', async () => {
    const cfg = await resolved(
      { idleTimeoutMs: 5, host: 'code-host', port: 1, tls: { minVersion: 'TLSv1.3' } },
      { host: 'config-host', port: 2 },
      { ODY_POOL_PORT: '3' },
    );
    expect(cfg).toEqual({
      idleTimeoutMs: 5, // code over default
      host: 'config-host', // config over code
      port: 3, // env over config
      tls: { enabled: false, minVersion: 'TLSv1.3' }, // nested: code fills one key, default keeps the other
      backoff: { type: 'fixed', delayMs: 10 },
    });
  });

  it('code options alone are applied (taskPlugin({ idleTimeoutMs }) was ignored before)', async () => {
    expect((await resolved({ idleTimeoutMs: 42 }, undefined, {})).idleTimeoutMs).toBe(42);
    expect((await resolved({}, undefined, {})).idleTimeoutMs).toBe(1000);
  });

  it('code options are validated like config', async () => {
    const err = await resolved({ port: 1.5 }, undefined, {}).catch((e: unknown) => e);
    expect(OdyError.is(err, 'ODY_CONFIG_INVALID')).toBe(true);
    expect((err as OdyError).message).toContain('pool.port');
  });

  it('resolvePluginOptions applies the same rule outside an application', () => {
    const cfg = resolvePluginOptions({
      name: 'pool',
      schema,
      options: { port: 1, host: 'code' },
      config: { port: 2 },
      env: { ODY_POOL_HOST: 'env-host', ODY_POOL_BACKOFF: '25' },
    });
    expect(cfg).toMatchObject({ port: 2, host: 'env-host', backoff: { type: 'fixed', delayMs: 25 } });
    expect(resolvePluginOptions({ name: 'pool', schema }).port).toBe(3000);
  });
});
