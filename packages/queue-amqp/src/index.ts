export { type AmqpCapabilities, AmqpQueueDriver, amqpDriver } from './driver.js';
export { errorCodes as queueAmqpErrorCodes, QueueAmqpError, type QueueAmqpErrorCode } from './errors.js';
// Prefixed at the package edge so they never meet @ody/queue-nats's names in one import.
export { type QueueNames as AmqpQueueNames, delayBucket, delayedExchange, failedExchange, queueNames as amqpQueueNames } from './names.js';
export type { AmqpDriverOptions, DelayMode as AmqpDelayMode } from './options.js';
export { amqpDriverFactory } from './factory.js';
