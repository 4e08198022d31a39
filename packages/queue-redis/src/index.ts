// Prefixed at the package edge so it never meets @ody/queue-nats's ConnectionEvents in one import.
export type { ConnectionEvents as RedisConnectionEvents } from './connection.js';
export { type RedisQueueDriver, redisDriver } from './driver.js';
export { errorCodes as queueRedisErrorCodes, QueueRedisError, type QueueRedisErrorCode } from './errors.js';
export { redisDriverFactory } from './factory.js';
export type { RedisDriverOptions, RetentionRule } from './options.js';
