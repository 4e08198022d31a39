import type { QueueDriverFactory } from '@ody/queue';
import { redisDriver } from './driver.js';
import type { RedisDriverOptions } from './options.js';

const PASSED = ['url', 'cluster', 'prefix', 'completed', 'failed', 'recoverLockMs', 'recoverBatch', 'maxOpsPerCall', 'pushChunk', 'prefetch', 'prefetchHoldMs', 'redis'] as const;

/**
 * Builds the Redis driver from the `queue` config section, so config can pick it by name: pass it to
 * `queuePlugin({ drivers: { redis: redisDriverFactory } })`, then `queue.driver: 'redis'` (or
 * `ODY_QUEUE_DRIVER=redis`) selects it. The URL comes from the config's `url`, else `REDIS_URL`;
 * `recoverLockMs` defaults to `leaseMs / 4`. Nothing is registered globally.
 */
export const redisDriverFactory: QueueDriverFactory = (config) => {
  const options: Record<string, unknown> = {};
  for (const key of PASSED) if (config[key] !== undefined) options[key] = config[key];
  if (options.recoverLockMs === undefined && typeof config.leaseMs === 'number') options.recoverLockMs = Math.floor(config.leaseMs / 4);
  return redisDriver(options as RedisDriverOptions);
};
