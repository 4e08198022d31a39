export type { ConnectionEvents } from './connection.js';
export { type NatsCapabilities, NatsQueueDriver, natsDriver } from './driver.js';
export { errorCodes, QueueNatsError, type QueueNatsErrorCode } from './errors.js';
export { natsDriverFactory } from './factory.js';
export { encodeQueue, type QueueNames, queueNames } from './names.js';
export type { NatsDriverOptions } from './options.js';
