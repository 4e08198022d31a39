export { AmqpQueueDriver, amqpDriver } from './driver.js';
export { errorCodes, QueueAmqpError, type QueueAmqpErrorCode } from './errors.js';
export { delayBucket, failedExchange, type QueueNames, queueNames } from './names.js';
export type { AmqpDriverOptions } from './options.js';
export { amqpDriverFactory } from './factory.js';
