import { definePlugin, z } from '@ody/core';
import type { Codec } from '../contract/codec.js';
import { isQueueDriver, type QueueDriver, type QueueDriverFactory } from '../contract/driver.js';
import { Queues, QueueDriver as QueueDriverToken } from '../tokens.js';
import { QueueManager } from './queues.js';
import { createQueueDriver, type QueueDriverFactories } from './registry.js';

const driverSchema = z.union([
  z.string().min(1),
  z.custom<QueueDriverFactory | QueueDriver>((v) => typeof v === 'function' || isQueueDriver(v), {
    message: 'expected a driver name, a driver factory or a driver instance',
  }),
]);

/** Config section `queue` (env `ODY_QUEUE_<KEY>`); other keys go to a named driver's factory. */
export const queueConfigSchema = z.looseObject({
  /** A driver value, a factory, or a name: 'memory', 'filesystem' or one given in queuePlugin({ drivers }). Env ODY_QUEUE_DRIVER. */
  driver: driverSchema.default('filesystem'),
  /** Filesystem driver root directory. */
  dir: z.string().min(1).default('var/queue'),
  /** Filesystem driver: fsync writes (group commit). */
  durable: z.boolean().default(true),
  /** Largest encoded payload. */
  maxPayloadBytes: z.number().int().positive().default(1024 * 1024),
  /** Worker concurrency. */
  concurrency: z.number().int().positive().default(1),
  /** Worker lease. */
  leaseMs: z.number().int().min(50).default(30_000),
  /** Redeliveries after lost leases before a job fails. */
  maxStalls: z.number().int().min(0).default(1),
  /** How long workers may finish in-flight jobs at shutdown (within the app's shutdown budget). */
  closeTimeoutMs: z.number().int().min(0).default(10_000),
});

/** Settings of queuePlugin that config (and env) can also set. */
export type QueueSettings = z.input<typeof queueConfigSchema>;

/** Options of queuePlugin: they win over the defaults; config (then env) wins over them. */
export interface QueuePluginOptions extends Omit<QueueSettings, 'driver'> {
  /** The driver: a value (`redisDriver({ url })`, `memoryDriver()`), a factory, or a name. Default 'filesystem'. */
  driver?: string | QueueDriverFactory | QueueDriver;
  /**
   * Drivers that config may pick by name (`queue.driver: 'redis'`, `ODY_QUEUE_DRIVER=redis`), beside the
   * built-in 'memory' and 'filesystem'. Each factory gets the `queue` config section.
   */
  drivers?: QueueDriverFactories;
  codec?: Codec;
}

/**
 * Registers `Queues` (queues + workers) and the `QueueDriver` token. Workers start at boot and stop on
 * shutdown, within the app's shutdown budget. Precedence: defaults < queuePlugin options < config < env.
 * @example
 * createApplication({ plugins: [queuePlugin({ driver: redisDriver({ url: process.env.REDIS_URL }) })] });
 * app.get(Queues).process<Email>('emails', async (job) => send(job.data));
 */
export const queuePlugin = (options: QueuePluginOptions = {}) => {
  let manager: QueueManager | undefined;
  const { drivers, codec, ...settings } = options;
  return definePlugin({
    name: 'queue',
    configSchema: queueConfigSchema,
    options: settings,
    // Keys the schema does not declare (url, prefix, …) are options of a named driver's factory.
    passthroughKeys: true,
    async register(ctx) {
      const { driver, ...rest } = ctx.config;
      const instance = await createQueueDriver(driver, rest, drivers);
      manager = new QueueManager(instance, {
        ...(codec ? { codec } : {}),
        maxPayloadBytes: ctx.config.maxPayloadBytes,
        worker: { concurrency: ctx.config.concurrency, leaseMs: ctx.config.leaseMs, maxStalls: ctx.config.maxStalls },
        closeTimeoutMs: ctx.config.closeTimeoutMs,
        logger: ctx.logger,
      });
      ctx.bind(QueueDriverToken).toValue(instance);
      ctx.bind(Queues).toValue(manager);
      ctx.logger.debug({ driver: instance.name }, 'queue driver ready');
    },
    boot() {
      manager?.start();
    },
    async shutdown(_ctx, budget) {
      await manager?.stop(budget.signal);
    },
  });
};
