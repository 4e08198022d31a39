// Prefixed at the package edge so they never meet @ody/queue-redis's / @ody/queue-amqp's names in one import.
export type { ConnectionEvents as NatsConnectionEvents } from './connection.js';
export { type NatsCapabilities, NatsQueueDriver, natsDriver } from './driver.js';
export { errorCodes as queueNatsErrorCodes, QueueNatsError, type QueueNatsErrorCode } from './errors.js';
export { natsDriverFactory } from './factory.js';
export { encodeQueue, type QueueNames as NatsQueueNames, queueNames as natsQueueNames } from './names.js';
export type { NatsDriverOptions } from './options.js';
