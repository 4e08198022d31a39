import { createApplication, definePlugin, OdyError, z } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { until } from '../testing/harness.js';
import { defineDriverFactory, defineQueue, memoryDriver, type QueueDriver as Driver, QueueDriver, type QueuePluginOptions, Queues, queuePlugin } from '../index.js';

const silent = { app: { logLevel: 'silent' } };

async function started(options: QueuePluginOptions, queue: Record<string, unknown>, env: Record<string, string>) {
  const app = await createApplication({ config: { ...silent, queue }, plugins: [queuePlugin(options)], envFile: false, env });
  await app.start();
  return app;
}

describe('queuePlugin', () => {
  it('binds Queues, starts workers at boot and closes them on shutdown', async () => {
    const seen: number[] = [];
    let before = -1;
    const jobs = defineQueue<number>('jobs');
    const user = definePlugin({
      name: 'user',
      dependsOn: ['queue'],
      register(ctx) {
        const queues = ctx.get(Queues);
        queues.process(jobs, (job) => {
          seen.push(job.data);
        });
        before = queues.workerCount;
      },
    });
    const app = await createApplication({ config: { ...silent, queue: { driver: 'memory' } }, plugins: [queuePlugin(), user], envFile: false, env: {} });
    await app.start();
    const queues = app.get(Queues);
    expect(before).toBe(0);
    expect(queues.workerCount).toBe(1);
    expect(app.get(QueueDriver).name).toBe('memory');
    await queues.queue(jobs).push('n', 7);
    await until('the job to run', () => seen.length > 0);
    expect(seen).toEqual([7]);
    await app.stop();
    expect(queues.workerCount).toBe(0);
    await expect(queues.queue(jobs).push('n', 8)).rejects.toMatchObject({ code: 'ODY_QUEUE_CLOSED' });
  });

  it('a driver is a value: queuePlugin({ driver }) binds that very instance', async () => {
    const driver: Driver = memoryDriver();
    const app = await started({ driver }, {}, {});
    expect(app.get(QueueDriver)).toBe(driver);
    await app.stop();
  });

  it('picks a driver given in `drivers` by name from config or ODY_QUEUE_DRIVER, passing it its own section queue.<name>', async () => {
    let given: Record<string, unknown> | undefined;
    const drivers = {
      custom: (options: Record<string, unknown>) => {
        given = options;
        return memoryDriver();
      },
    };
    const app = await started({ driver: 'memory', drivers }, { custom: { url: 'redis://127.0.0.1:1' } }, { ODY_QUEUE_DRIVER: 'custom' });
    expect(given).toEqual({ url: 'redis://127.0.0.1:1' });
    await app.stop();
  });

  it('reports an unknown driver name with the known ones, and nothing is registered globally', async () => {
    const bad = await createApplication({ config: silent, plugins: [queuePlugin()], envFile: false, env: { ODY_QUEUE_DRIVER: 'custom' } });
    const err = await bad.start().then(() => undefined, (e: unknown) => e as Error & { cause?: unknown });
    const cause = err?.cause as { code?: string; message?: string } | undefined;
    expect(cause?.code).toBe('ODY_QUEUE_DRIVER_UNKNOWN');
    expect(cause?.message).toContain("'custom'");
    expect(cause?.message).toContain('filesystem, memory');
  });
});

describe('queuePlugin options precedence: defaults < code < config < env', () => {
  /** The driver name and the concurrency a worker gets, for one combination of layers. */
  async function resolved(options: QueuePluginOptions, queue: Record<string, unknown>, env: Record<string, string>) {
    const other = () => Object.defineProperty(memoryDriver(), 'name', { value: 'other' }) as Driver;
    const app = await started({ drivers: { other }, ...options }, queue, env);
    const driver = app.get(QueueDriver).name;
    let concurrency = 0;
    const queues = app.get(Queues);
    // A worker's handler running `concurrency` jobs at once shows the value it was given.
    const running = new Set<string>();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    queues.process('p', async (job) => {
      running.add(job.id);
      concurrency = Math.max(concurrency, running.size);
      await gate;
    });
    await queues.queue('p').pushBulk(Array.from({ length: 6 }, (_, i) => ({ name: 'j', payload: i })));
    await until('workers to fill their slots', () => running.size > 0);
    await new Promise((r) => setImmediate(r));
    release();
    await app.stop();
    return { driver, concurrency };
  }

  it('driver and concurrency: default, then code, then config, then env', async () => {
    expect(await resolved({ driver: 'memory' }, {}, {})).toEqual({ driver: 'memory', concurrency: 1 });
    expect(await resolved({ driver: 'memory', concurrency: 2 }, {}, {})).toEqual({ driver: 'memory', concurrency: 2 });
    expect(await resolved({ driver: 'memory', concurrency: 2 }, { driver: 'other', concurrency: 3 }, {})).toEqual({ driver: 'other', concurrency: 3 });
    expect(await resolved({ driver: 'memory', concurrency: 2 }, { driver: 'other', concurrency: 3 }, { ODY_QUEUE_DRIVER: 'memory', ODY_QUEUE_CONCURRENCY: '4' })).toEqual({
      driver: 'memory',
      concurrency: 4,
    });
  });
});

describe('queuePlugin shutdown', () => {
  it('stops waiting for in-flight jobs when the app shutdown budget runs out, whatever closeTimeoutMs says', async () => {
    const app = await createApplication({
      config: { app: { logLevel: 'silent', shutdownTimeoutMs: 300 } },
      plugins: [queuePlugin({ driver: 'memory', closeTimeoutMs: 120_000 })],
      envFile: false,
      env: {},
    });
    await app.start();
    const queues = app.get(Queues);
    let aborted: unknown;
    let started = false;
    queues.process('slow', (_job, { signal }) => {
      started = true;
      return new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          aborted = signal.reason;
          resolve();
        });
      });
    });
    await queues.queue('slow').push('j', 1);
    await until('the job to start', () => started);
    // Without the budget signal, stop() would wait the whole 120 s closeTimeoutMs.
    await app.stop().catch(() => undefined);
    expect(aborted).toMatchObject({ code: 'ODY_QUEUE_CLOSED' });
  });
});

describe('queuePlugin strict config', () => {
  /** A named driver whose factory declares its section queue.custom; records what it was given. */
  function customDriver() {
    const given: Array<{ own: Record<string, unknown>; leaseMs: number }> = [];
    const factory = defineDriverFactory(z.object({ url: z.string().optional(), poolSize: z.number().int().default(2), tls: z.object({ ca: z.string().optional() }).optional() }), (own, settings) => {
      given.push({ own, leaseMs: settings.leaseMs });
      return memoryDriver();
    });
    return { given, drivers: { custom: factory } };
  }

  /** The config issues start fails with (ODY_CONFIG_INVALID lists them all). */
  async function issues(options: QueuePluginOptions, queue: Record<string, unknown>, env: Record<string, string> = {}) {
    const app = await createApplication({ config: { ...silent, queue }, plugins: [queuePlugin(options)], envFile: false, env }).then((a) => a.start().then(() => a));
    await app.stop();
    throw new Error('start did not fail');
  }
  async function failure(options: QueuePluginOptions, queue: Record<string, unknown>, env: Record<string, string> = {}) {
    const err = await issues(options, queue, env).catch((e: unknown) => e);
    expect(OdyError.is(err, 'ODY_CONFIG_INVALID')).toBe(true);
    return ((err as OdyError).details.issues as Array<{ path: string; message: string }>).map((i) => `${i.path}: ${i.message}`);
  }

  it('an unknown key under queue fails start with a did-you-mean (it was silently accepted)', async () => {
    const got = await failure({ driver: 'memory' }, { concurency: 4 });
    expect(got).toEqual([expect.stringMatching(/^queue\.concurency: unknown key \(did you mean 'concurrency'\?\)/)]);
  });

  it('an unknown ODY_QUEUE_* env name fails start with a did-you-mean', async () => {
    const got = await failure({ driver: 'memory' }, {}, { ODY_QUEUE_LEASE_MX: '100' });
    expect(got).toEqual([expect.stringMatching(/^env ODY_QUEUE_LEASE_MX: .*did you mean ODY_QUEUE_LEASE_MS\?/)]);
  });

  it("a named driver's keys live in its own section, checked by its factory's configSchema, from config or env", async () => {
    const { given, drivers } = customDriver();
    const app = await started({ driver: 'custom', drivers, leaseMs: 400 }, { custom: { url: 'x://from-config' } }, { ODY_QUEUE_CUSTOM_POOL_SIZE: '7' });
    // tls was not set: it arrives absent, not as the empty object config resolution builds for env.
    expect(given).toEqual([{ own: { url: 'x://from-config', poolSize: 7 }, leaseMs: 400 }]);
    await app.stop();
    const got = await failure({ driver: 'custom', drivers }, { custom: { urll: 'x' }, custm: {} }, { ODY_QUEUE_CUSTOM_URLL: 'y' });
    expect(got.sort()).toEqual([
      expect.stringMatching(/^env ODY_QUEUE_CUSTOM_URLL: .*did you mean ODY_QUEUE_CUSTOM_URL\?/),
      expect.stringMatching(/^queue\.custm: unknown key \(did you mean 'custom'\?\)/),
      expect.stringMatching(/^queue\.custom\.urll: unknown key \(did you mean 'url'\?\)/),
    ]);
  });

  it('a driver section is only known when that driver is listed: queue.redis without it fails start', async () => {
    const got = await failure({ driver: 'memory' }, { redis: { url: 'redis://x' } });
    expect(got).toEqual([expect.stringMatching(/^queue\.redis: unknown key/)]);
  });

  it('a driver name that clashes with a queue setting is refused when the plugin is built', () => {
    expect(() => queuePlugin({ drivers: { dir: () => memoryDriver() } })).toThrow(expect.objectContaining({ code: 'ODY_QUEUE_OPTIONS_INVALID' }));
  });
});
