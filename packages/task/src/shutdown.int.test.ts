import { createApplication, OdyError } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { TaskPool, taskPlugin } from './index.js';
import { fixture, pause, pool } from './fixtures/helpers.js';

const isShutdown = (e: unknown) => OdyError.is(e, 'ODY_TASK_SHUTDOWN');

describe('task pool shutdown', () => {
  it('rejects queued and delayed tasks, lets running ones finish, then refuses new ones', async () => {
    const tasks = pool();
    await tasks.run('add', { a: 0, b: 0 });
    const running = tasks.run('block', { value: 'finished', ms: 200 });
    await pause(30);
    const queued = tasks.run('echo', 'queued').catch((e: unknown) => e);
    const delayed = tasks.later(60_000, 'echo', 'delayed').catch((e: unknown) => e);
    const closed = tasks.close({ timeoutMs: 5_000 });
    expect(isShutdown(await queued)).toBe(true);
    expect(isShutdown(await delayed)).toBe(true);
    expect(await running).toBe('finished');
    await closed;
    expect(isShutdown(await tasks.run('add', { a: 1, b: 1 }).catch((e: unknown) => e))).toBe(true);
    expect(tasks.stats().threads).toBe(0);
  });

  it('running tasks that outlive the shutdown timeout are terminated and rejected', async () => {
    const tasks = pool();
    await tasks.run('add', { a: 0, b: 0 });
    const hung = tasks.run('hang', null).catch((e: unknown) => e);
    await pause(30);
    await tasks.close({ timeoutMs: 100 });
    const error = await hung;
    expect(isShutdown(error)).toBe(true);
    expect((error as OdyError).details).toMatchObject({ task: 'hang', running: true });
  });

  it('taskPlugin ties the pool to the application lifecycle', async () => {
    const app = await createApplication({
      envFile: false,
      env: {},
      logger: { pretty: false, destination: { write: () => true } },
      config: { task: { modules: [fixture('tasks.ts')], minThreads: 1, maxThreads: 1, shutdownTimeoutMs: 100 } },
      plugins: [taskPlugin()],
    });
    await app.start();
    const tasks = app.get(TaskPool);
    expect(await tasks.run('add', { a: 20, b: 22 })).toBe(42);
    // A task with a timeout holds its thread alone, so the next one stays queued.
    const hung = tasks.run('spinForever', null, { timeoutMs: 60_000 }).catch((e: unknown) => e);
    await pause(30);
    const queued = tasks.run('echo', 'queued').catch((e: unknown) => e);
    await pause(30);
    expect(tasks.stats()).toMatchObject({ queued: 1, running: 1 });
    await app.stop();
    expect(isShutdown(await queued)).toBe(true);
    expect(isShutdown(await hung)).toBe(true);
    expect(tasks.stats().threads).toBe(0);
  });
});
