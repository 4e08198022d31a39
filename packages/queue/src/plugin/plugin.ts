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

/** Config section `queue` (env `ODY_QUEUE_<KEY>`); unknown keys are passed to a named driver's factory. */
export const queueConfigSchema = z.looseObject({
  /** 'memory' | 'filesystem' | a name given in queuePlugin({ drivers }) | a factory | an instance. Env ODY_QUEUE_DRIVER. */
  driver: driverSchema.optional(),
  /** Filesystem driver root directory (default var/queue). */
  dir: z.string().min(1).optional(),
  /** Filesystem driver: fsync writes (group commit); default true. */
  durable: z.boolean().optional(),
  maxPayloadBytes: z.number().int().positive().optional(),
  concurrency: z.number().int().positive().optional(),
  leaseMs: z.number().int().min(50).optional(),
  maxStalls: z.number().int().min(0).optional(),
  /** How long workers may finish in-flight jobs at shutdown. */
  closeTimeoutMs: z.number().int().min(0).optional(),
});

/** Settings of queuePlugin that config (and env) can also set. */
export interface QueueSettings {
  /** The driver: a value (`redisDriver({ url })`, `memoryDriver()`), a factory, or a name. Default 'filesystem'. */
  driver: string | QueueDriverFactory | QueueDriver;
  /** Filesystem driver root directory; default 'var/queue'. */
  dir: string;
  /** Filesystem driver: fsync writes (group commit); default true. */
  durable: boolean;
  /** Largest encoded payload; default 1 MiB. */
  maxPayloadBytes: number;
  /** Worker concurrency; default 1. */
  concurrency: number;
  /** Worker lease; default 30000. */
  leaseMs: number;
  /** Redeliveries after lost leases before a job fails; default 1. */
  maxStalls: number;
  /** How long workers may finish in-flight jobs at shutdown; default 10000. */
  closeTimeoutMs: number;
}

/** Options of queuePlugin: they win over the defaults; config (then env) wins over them. */
export interface QueuePluginOptions extends Partial<QueueSettings> {
  /**
   * Drivers that config may pick by name (`queue.driver: 'redis'`, `ODY_QUEUE_DRIVER=redis`), beside the
   * built-in 'memory' and 'filesystem'. Each factory gets the `queue` config section.
   */
  drivers?: QueueDriverFactories;
  codec?: Codec;
}

const DEFAULTS: QueueSettings = {
  driver: 'filesystem',
  dir: 'var/queue',
  durable: true,
  maxPayloadBytes: 1024 * 1024,
  concurrency: 1,
  leaseMs: 30_000,
  maxStalls: 1,
  closeTimeoutMs: 10_000,
};

/**
 * Registers `Queues` (queues + workers) and the `QueueDriver` token. Workers start at boot and stop on
 * shutdown. Precedence: defaults < queuePlugin options < config < env.
 * @example
 * createApplication({ plugins: [queuePlugin({ driver: redisDriver({ url: process.env.REDIS_URL }) })] });
 * app.get(Queues).process<Email>('emails', async (job) => send(job.data));
 */
export const queuePlugin = (options: QueuePluginOptions = {}) => {
  let manager: QueueManager | undefined;
  return definePlugin({
    name: 'queue',
    configSchema: queueConfigSchema,
    async register(ctx) {
      const { drivers, codec, ...code } = options;
      const settings: Record<string, unknown> = { ...DEFAULTS };
      for (const layer of [code, ctx.config as Record<string, unknown>]) {
        for (const [key, value] of Object.entries(layer)) if (value !== undefined) settings[key] = value;
      }
      const { driver, ...rest } = settings as QueueSettings & Record<string, unknown>;
      const instance = await createQueueDriver(driver, rest, drivers);
      manager = new QueueManager(instance, {
        ...(codec ? { codec } : {}),
        maxPayloadBytes: settings.maxPayloadBytes as number,
        worker: { concurrency: settings.concurrency as number, leaseMs: settings.leaseMs as number, maxStalls: settings.maxStalls as number },
        closeTimeoutMs: settings.closeTimeoutMs as number,
        logger: ctx.logger,
      });
      ctx.bind(QueueDriverToken).toValue(instance);
      ctx.bind(Queues).toValue(manager);
      ctx.logger.debug({ driver: instance.name }, 'queue driver ready');
    },
    boot() {
      manager?.start();
    },
    async shutdown() {
      await manager?.stop();
    },
  });
};
