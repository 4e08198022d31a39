import { OdyError, type OdyErrorOptions } from '@ody/core';

/** Codes thrown or emitted by @ody/queue-redis, with what each one means (docs/errors.md is checked against this). */
export const errorCodes = {
  ODY_QUEUE_REDIS_OPTIONS_INVALID: 'Redis driver options are out of range or of the wrong type.',
  ODY_QUEUE_REDIS_CONNECTION: 'The connection to Redis failed or dropped; the driver reconnects and workers resume.',
  ODY_QUEUE_REDIS_SCRIPT: 'Redis rejected a queue script (a bug or an incompatible server); the message has the reply.',
  ODY_QUEUE_REDIS_REPLY: 'Redis answered a queue script with a reply of an unexpected shape.',
  ODY_QUEUE_REDIS_CLOSED: 'The Redis driver was used after close().',
} as const;

/** A code thrown or emitted by @ody/queue-redis. */
export type QueueRedisErrorCode = keyof typeof errorCodes;

/** The one error base of @ody/queue-redis. */
export class QueueRedisError extends OdyError {
  declare readonly code: QueueRedisErrorCode;
  constructor(code: QueueRedisErrorCode, message: string, options?: OdyErrorOptions) {
    super(code, message, options);
  }
}
