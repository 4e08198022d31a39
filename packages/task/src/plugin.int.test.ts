import { createApplication } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { fixture, until } from './fixtures/helpers.js';
import { TaskPool, type TaskPluginOptions, taskPlugin } from './index.js';

async function withPool(options: TaskPluginOptions, config: Record<string, unknown>, env: Record<string, string>, use: (pool: TaskPool) => Promise<void>): Promise<void> {
  const app = await createApplication({
    envFile: false,
    env,
    logger: { pretty: false, destination: { write: () => true } },
    config: { task: config },
    plugins: [taskPlugin({ modules: [fixture('tasks.ts')], ...options })],
  });
  await app.start();
  try {
    await use(app.get(TaskPool));
  } finally {
    await app.stop();
  }
}

describe('taskPlugin options precedence: defaults < code < config < env', () => {
  it('minThreads (threads started at once) comes from code, then config, then env', async () => {
    const threads = async (config: Record<string, unknown>, env: Record<string, string>) => {
      let n = -1;
      await withPool({ minThreads: 2, maxThreads: 4 }, config, env, async (pool) => {
        n = pool.stats().threads;
      });
      return n;
    };
    expect(await threads({}, {})).toBe(2);
    expect(await threads({ minThreads: 3 }, {})).toBe(3);
    expect(await threads({ minThreads: 3 }, { ODY_TASK_MIN_THREADS: '1' })).toBe(1);
  });

  it('taskPlugin({ idleTimeoutMs }) is applied: an idle thread above minThreads is stopped', async () => {
    await withPool({ idleTimeoutMs: 100, minThreads: 0, maxThreads: 1 }, {}, {}, async (pool) => {
      expect(await pool.run('add', { a: 1, b: 2 })).toBe(3);
      expect(pool.stats().threads).toBe(1);
      await until(() => pool.stats().threads === 0, 'the idle thread to be reaped');
    });
  });
});

describe('taskPlugin shutdown', () => {
  it('cuts running tasks short when the app shutdown budget runs out, whatever shutdownTimeoutMs says', async () => {
    const app = await createApplication({
      envFile: false,
      env: {},
      logger: { pretty: false, destination: { write: () => true } },
      config: { app: { shutdownTimeoutMs: 300 } },
      plugins: [taskPlugin({ modules: [fixture('tasks.ts')], minThreads: 1, maxThreads: 1, shutdownTimeoutMs: 120_000 })],
    });
    await app.start();
    const pool = app.get(TaskPool);
    await pool.run('add', { a: 1, b: 1 });
    const hung = pool.run('hang', null).catch((e: { code?: string }) => e.code);
    await until(() => pool.stats().running === 1, 'the task to run');
    // Without the budget signal, stop() would wait the whole 120 s shutdownTimeoutMs.
    await app.stop().catch(() => undefined);
    expect(await hung).toBe('ODY_TASK_SHUTDOWN');
    expect(pool.stats().threads).toBe(0);
  });
});
