import { definePlugin, z } from '@ody/core';
import type { Codec } from '../contract/codec.js';
import { isQueueDriver, type QueueDriver, type QueueDriverFactory } from '../contract/driver.js';
import { QueueManager } from './queues.js';
import { createQueueDriver } from './registry.js';
import { QueueDriverToken, Queues } from './tokens.js';

const driverSchema = z.union([
  z.string().min(1),
  z.custom<QueueDriverFactory | QueueDriver>((v) => typeof v === 'function' || isQueueDriver(v), {
    message: 'expected a driver name, a driver factory or a driver instance',
  }),
]);

/** Config section `queue` (env `ODY_QUEUE_<KEY>`); unknown keys are passed to the driver factory. */
export const queueConfigSchema = z.looseObject({
  /** 'memory' | 'filesystem' | a registered name (e.g. 'redis') | a factory | an instance. Env ODY_QUEUE_DRIVER. */
  driver: driverSchema.optional(),
  /** Filesystem driver root directory. */
  dir: z.string().min(1).default('var/queue'),
  /** Filesystem driver: fsync writes (group commit). */
  durable: z.boolean().default(true),
  maxPayloadBytes: z.number().int().positive().default(1024 * 1024),
  concurrency: z.number().int().positive().default(1),
  leaseMs: z.number().int().min(50).default(30_000),
  maxStalls: z.number().int().min(0).default(1),
  /** How long workers may finish in-flight jobs at shutdown. */
  closeTimeoutMs: z.number().int().min(0).default(10_000),
});

/** Options of queuePlugin (config wins over `driver` here, so ODY_QUEUE_DRIVER can switch drivers). */
export interface QueuePluginOptions {
  /** Default driver when config names none. Default 'filesystem'. */
  driver?: string | QueueDriverFactory | QueueDriver;
  codec?: Codec;
}

/**
 * Registers `Queues` (queues + workers) and `QueueDriverToken`. Workers start at boot and stop on shutdown.
 * @example
 * createApplication({ plugins: [queuePlugin()], config: { queue: { driver: 'filesystem', dir: 'var/queue' } } });
 * app.get(Queues).process('emails', async (job) => send(job.data));
 */
export const queuePlugin = (options: QueuePluginOptions = {}) =>
  definePlugin({
    name: 'queue',
    configSchema: queueConfigSchema,
    async register(ctx) {
      const { driver, ...rest } = ctx.config;
      const chosen = driver ?? options.driver ?? 'filesystem';
      const instance = await createQueueDriver(chosen, rest);
      const manager = new QueueManager(instance, {
        ...(options.codec ? { codec: options.codec } : {}),
        maxPayloadBytes: ctx.config.maxPayloadBytes,
        worker: { concurrency: ctx.config.concurrency, leaseMs: ctx.config.leaseMs, maxStalls: ctx.config.maxStalls },
        closeTimeoutMs: ctx.config.closeTimeoutMs,
      });
      ctx.bind(QueueDriverToken).toValue(instance);
      ctx.bind(Queues).toValue(manager);
      ctx.logger.debug({ driver: instance.name }, 'queue driver ready');
    },
    boot(ctx) {
      ctx.get(Queues).start();
    },
    async shutdown(ctx) {
      await ctx.get(Queues).stop();
    },
  });
