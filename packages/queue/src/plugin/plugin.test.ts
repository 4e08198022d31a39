import { createApplication, definePlugin } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { memoryDriver, type QueueDriver, QueueDriverToken, Queues, queuePlugin, registerQueueDriver } from '../index.js';


describe('queuePlugin', () => {
  it('binds Queues, starts workers at boot and closes them on shutdown', async () => {
    const seen: unknown[] = [];
    let before = -1;
    const user = definePlugin({
      name: 'user',
      dependsOn: ['queue'],
      register(ctx) {
        const queues = ctx.get(Queues);
        queues.process<number>('jobs', (job) => {
          seen.push(job.data);
        });
        before = queues.workerCount;
      },
    });
    const app = await createApplication({ config: { app: { logLevel: 'silent' }, queue: { driver: 'memory' } }, plugins: [queuePlugin(), user], envFile: false, env: {} });
    await app.start();
    const queues = app.get(Queues);
    expect(before).toBe(0);
    expect(queues.workerCount).toBe(1);
    expect(app.get(QueueDriverToken).name).toBe('memory');
    await queues.get('jobs').push('n', 7);
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (seen.length === 0) return;
        clearInterval(t);
        resolve();
      }, 5);
    });
    expect(seen).toEqual([7]);
    await app.stop();
    expect(queues.workerCount).toBe(0);
    await expect(queues.get('jobs').push('n', 8)).rejects.toMatchObject({ code: 'ODY_QUEUE_CLOSED' });
  });

  it('picks a registered driver by name from ODY_QUEUE_DRIVER and passes unknown config keys to its factory', async () => {
    let given: Record<string, unknown> | undefined;
    registerQueueDriver('conf-test', (options) => {
      given = options;
      return memoryDriver();
    });
    const app = await createApplication({
      config: { app: { logLevel: 'silent' }, queue: { url: 'redis://127.0.0.1:1' } },
      plugins: [queuePlugin({ driver: 'memory' })],
      envFile: false,
      env: { ODY_QUEUE_DRIVER: 'conf-test' },
    });
    await app.start();
    expect(given).toMatchObject({ url: 'redis://127.0.0.1:1' });
    await app.stop();
  });

  it('accepts a driver instance and reports an unknown driver name with the known ones', async () => {
    const driver: QueueDriver = memoryDriver();
    const app = await createApplication({ config: { app: { logLevel: 'silent' } }, plugins: [queuePlugin({ driver })], envFile: false, env: {} });
    await app.start();
    expect(app.get(QueueDriverToken)).toBe(driver);
    await app.stop();
    const bad = await createApplication({ config: { app: { logLevel: 'silent' } }, plugins: [queuePlugin()], envFile: false, env: { ODY_QUEUE_DRIVER: 'nope' } });
    const err = await bad.start().then(() => undefined, (e: unknown) => e as Error & { cause?: unknown });
    const cause = err?.cause as { code?: string; message?: string } | undefined;
    expect(cause?.code).toBe('ODY_QUEUE_DRIVER_UNKNOWN');
    expect(cause?.message).toContain("'nope'");
    expect(cause?.message).toContain('memory');
  });
});
