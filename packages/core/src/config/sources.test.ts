import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApplication } from '../app/application.js';
import { definePlugin } from '../plugin/define.js';

const silent = { destination: { write() {} } };
const pool = (options: Record<string, unknown> = {}) =>
  definePlugin({
    name: 'pool',
    options,
    configSchema: z.object({
      size: z.number().default(4),
      idleMs: z.number().default(1_000),
      name: z.string().default('pool'),
      host: z.string().default('localhost'),
      limits: z.object({ max: z.number().default(10), min: z.number().default(1) }).default({ max: 10, min: 1 }),
      tags: z.array(z.string()).default([]),
    }),
  });

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('app.configEntries()', () => {
  it('names the layer that set each leaf: default, code (options or config), file (.env), env', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ody-sources-'));
    writeFileSync(join(dir, '.env'), 'ODY_POOL_HOST=from-file\nODY_POOL_SIZE=6\n');
    const app = await createApplication({
      plugins: [pool({ idleMs: 50 })],
      config: { pool: { name: 'jobs', tags: ['a'] } },
      env: { ODY_POOL_SIZE: '8', ODY_POOL_LIMITS: '{"max":99}' },
      envFile: join(dir, '.env'),
      logger: silent,
    });
    const at = (path: string) => app.configEntries().find((e) => e.path === path);
    expect(at('pool.size')).toEqual({ path: 'pool.size', value: 8, source: 'env', env: 'ODY_POOL_SIZE' }); // env beats the file
    expect(at('pool.host')).toMatchObject({ value: 'from-file', source: 'file' });
    expect(at('pool.idleMs')).toMatchObject({ value: 50, source: 'code', env: 'ODY_POOL_IDLE_MS' }); // plugin options
    expect(at('pool.name')).toMatchObject({ value: 'jobs', source: 'code' }); // createApplication's config
    expect(at('pool.tags')).toMatchObject({ value: ['a'], source: 'code' }); // arrays are leaves
    expect(at('pool.limits.max')).toMatchObject({ value: 99, source: 'env', env: 'ODY_POOL_LIMITS_MAX' }); // inside a whole-object variable
    expect(at('pool.limits.min')).toMatchObject({ value: 1, source: 'default' }); // not in that JSON
    expect(at('app.logLevel')).toMatchObject({ source: 'default', env: 'ODY_APP_LOG_LEVEL' });
  });

  it('a code value equal to the default is still code; nothing set is default', async () => {
    const app = await createApplication({ plugins: [pool()], config: { pool: { size: 4 } }, env: {}, envFile: false, logger: silent });
    const sources = Object.fromEntries(app.configEntries().filter((e) => e.path.startsWith('pool.')).map((e) => [e.path, e.source]));
    expect(sources).toEqual({
      'pool.size': 'code',
      'pool.idleMs': 'default',
      'pool.name': 'default',
      'pool.host': 'default',
      'pool.limits.max': 'default',
      'pool.limits.min': 'default',
      'pool.tags': 'default',
    });
  });
});
