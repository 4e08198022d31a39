import { registerQueueDriver } from '@ody/queue';
import { redisDriver } from './driver.js';
import type { RedisDriverOptions } from './options.js';

export type { ConnectionEvents } from './connection.js';
export { RedisQueueDriver, redisDriver } from './driver.js';
export { errorCodes, QueueRedisError, type QueueRedisErrorCode } from './errors.js';
export { KEY_NAMES, type KeyName, keyOf, queueKeys } from './keys.js';
export type { RedisDriverOptions, RetentionRule } from './options.js';

const PASSED = ['url', 'cluster', 'prefix', 'completed', 'failed', 'recoverLockMs', 'recoverBatch', 'maxOpsPerCall', 'pushChunk', 'prefetch', 'prefetchHoldMs', 'redis'] as const;

/**
 * Make `driver: 'redis'` (or `ODY_QUEUE_DRIVER=redis`) work in queuePlugin; the URL comes from the
 * queue config's `url`, else `REDIS_URL`. Importing this package already registers it.
 */
export function registerRedisDriver(): void {
  registerQueueDriver('redis', (config) => {
    const options: Record<string, unknown> = {};
    for (const key of PASSED) if (config[key] !== undefined) options[key] = config[key];
    if (options.recoverLockMs === undefined && typeof config.leaseMs === 'number') options.recoverLockMs = Math.floor(config.leaseMs / 4);
    return redisDriver(options as RedisDriverOptions);
  });
}

registerRedisDriver();
