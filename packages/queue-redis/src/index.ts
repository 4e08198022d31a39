export type { ConnectionEvents } from './connection.js';
export { type RedisQueueDriver, redisDriver } from './driver.js';
export { errorCodes, QueueRedisError, type QueueRedisErrorCode } from './errors.js';
export { redisDriverFactory } from './factory.js';
export type { RedisDriverOptions, RetentionRule } from './options.js';
