import { defineErrors } from '@ody/core';

const errors = defineErrors('queue-redis', {
  ODY_QUEUE_REDIS_CONNECTION: { message: 'The connection to Redis failed or dropped; the driver reconnects and workers resume.' },
  ODY_QUEUE_REDIS_SCRIPT: { message: 'Redis rejected a queue script (a bug or an incompatible server); the message has the reply.' },
  ODY_QUEUE_REDIS_REPLY: { message: 'Redis answered a queue script with a reply of an unexpected shape.' },
});

/** Codes thrown or emitted by @ody/queue-redis, with what each one means (docs/errors.md is generated from this). */
export const errorCodes = errors.errorCodes;

/** A code thrown or emitted by @ody/queue-redis. */
export type QueueRedisErrorCode = keyof typeof errorCodes;

/** The one error base of @ody/queue-redis. */
export class QueueRedisError extends errors.Error {}
