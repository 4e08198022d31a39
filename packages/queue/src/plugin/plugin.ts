import { definePlugin, z } from '@ody/core';
import type { Codec } from '../contract/codec.js';
import { isQueueDriver, type QueueDriver, type QueueDriverFactory } from '../contract/driver.js';
import { QueueError } from '../errors.js';
import { Queues, QueueDriver as QueueDriverToken } from '../tokens.js';
import { QueueManager } from './queues.js';
import { createQueueDriver, type QueueDriverFactories } from './registry.js';

const driverSchema = z.union([
  z.string().min(1),
  z.custom<QueueDriverFactory | QueueDriver>((v) => typeof v === 'function' || isQueueDriver(v), {
    message: 'expected a driver name, a driver factory or a driver instance',
  }),
]);

/**
 * Config section `queue` (env `ODY_QUEUE_<KEY>`). Strict: an unknown key fails start with a "did you
 * mean". A named driver's own keys live under `queue.<name>` (declared by its factory's `configSchema`).
 */
export const queueConfigSchema = z.object({
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

/**
 * The schema of one queuePlugin's section: the shared keys, plus `queue.<name>` for each driver in
 * `drivers` that declares a `configSchema` (so `queue.redis.url` and `ODY_QUEUE_REDIS_URL` are checked
 * keys). A driver without one gets its section as an unchecked object (env: the whole JSON in ODY_QUEUE_<NAME>).
 */
function sectionSchema(drivers: QueueDriverFactories): typeof queueConfigSchema {
  const sections: Record<string, z.ZodType> = {};
  for (const [name, factory] of Object.entries(drivers)) {
    if (Object.hasOwn(queueConfigSchema.shape, name)) {
      throw new QueueError('ODY_QUEUE_OPTIONS_INVALID', `Queue driver name '${name}' clashes with the queue setting '${name}'; list the driver under another name.`, {
        details: { driver: name },
      });
    }
    sections[name] = (factory.configSchema ?? z.record(z.string(), z.unknown())).optional();
  }
  // The driver sections are read by name in register(); the static type stays the shared settings.
  return queueConfigSchema.extend(sections) as unknown as typeof queueConfigSchema;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A driver's section without the nested objects nobody set: config resolution materializes every object
 * level of a schema (so env can fill it) as `{}`, which a driver would read as "given, with its own
 * defaults" (e.g. a retention rule). Absent is what the user wrote.
 */
function withoutEmptyObjects(section: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(section)) {
    if (!isObject(value)) {
      if (value !== undefined) out[key] = value;
      continue;
    }
    const inner = withoutEmptyObjects(value);
    if (Object.keys(inner).length > 0) out[key] = inner;
  }
  return out;
}

/** Settings of queuePlugin that config (and env) can also set. */
export type QueueSettings = z.input<typeof queueConfigSchema>;

/** Options of queuePlugin: they win over the defaults; config (then env) wins over them. */
export interface QueuePluginOptions extends Omit<QueueSettings, 'driver'> {
  /** The driver: a value (`redisDriver({ url })`, `memoryDriver()`), a factory, or a name. Default 'filesystem'. */
  driver?: string | QueueDriverFactory | QueueDriver;
  /**
   * Drivers that config may pick by name (`queue.driver: 'redis'`, `ODY_QUEUE_DRIVER=redis`), beside the
   * built-in 'memory' and 'filesystem'. Each factory gets its own section `queue.<name>` (e.g.
   * `queue.redis.url`, env `ODY_QUEUE_REDIS_URL`), checked by its `configSchema`.
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
  const { drivers = {}, codec, ...settings } = options;
  const schema = sectionSchema(drivers);
  return definePlugin({
    name: 'queue',
    configSchema: schema,
    options: settings,
    async register(ctx) {
      const { driver } = ctx.config;
      const section = typeof driver === 'string' ? (ctx.config as Record<string, unknown>)[driver] : undefined;
      const own = isObject(section) ? withoutEmptyObjects(section) : {};
      const instance = await createQueueDriver(driver, own, ctx.config, drivers);
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
