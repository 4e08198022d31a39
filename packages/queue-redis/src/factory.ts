import { z } from '@ody/core';
import { defineDriverFactory, QueueError } from '@ody/queue';
import { redisDriver } from './driver.js';
import type { RedisDriverOptions } from './options.js';

const retention = z.object({ count: z.number().min(0).optional(), ageMs: z.number().int().min(0).optional() });

/** The section `queue.redis` (env `ODY_QUEUE_REDIS_<KEY>`): RedisDriverOptions that config can carry. */
const redisConfigSchema = z.object({
  /** redis:// or rediss:// URL. Default `REDIS_URL`, else redis://127.0.0.1:6379. */
  url: z.string().min(1).optional(),
  /** Open a Redis Cluster client on these startup nodes (ioredis ClusterNode values). */
  cluster: z.object({ nodes: z.array(z.unknown()).min(1).optional(), options: z.record(z.string(), z.unknown()).optional() }).optional(),
  prefix: z.string().optional(),
  completed: retention.optional(),
  failed: retention.optional(),
  recoverLockMs: z.number().int().min(0).optional(),
  recoverBatch: z.number().int().min(1).optional(),
  maxOpsPerCall: z.number().int().min(1).optional(),
  pushChunk: z.number().int().min(1).optional(),
  prefetch: z.boolean().optional(),
  prefetchHoldMs: z.number().int().min(0).optional(),
  /** Extra ioredis options. */
  redis: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Builds the Redis driver from the config section `queue.redis`, so config can pick it by name: pass it
 * to `queuePlugin({ drivers: { redis: redisDriverFactory } })`, then `queue.driver: 'redis'` (or
 * `ODY_QUEUE_DRIVER=redis`) selects it and `queue.redis.url` (`ODY_QUEUE_REDIS_URL`, else `REDIS_URL`)
 * says where. Unknown keys under `queue.redis` fail start. `recoverLockMs` defaults to `leaseMs / 4`.
 * Nothing is registered globally.
 */
export const redisDriverFactory = defineDriverFactory(redisConfigSchema, (config, settings) => {
  if (config.cluster !== undefined && config.cluster.nodes === undefined) {
    throw new QueueError('ODY_QUEUE_OPTIONS_INVALID', 'Redis driver option cluster needs nodes (the startup nodes of the cluster), e.g. queue.redis.cluster.nodes: [{ host, port }].', {
      details: { option: 'cluster.nodes' },
    });
  }
  const options = { ...config } as RedisDriverOptions;
  if (options.recoverLockMs === undefined) options.recoverLockMs = Math.floor(settings.leaseMs / 4);
  return redisDriver(options);
});
