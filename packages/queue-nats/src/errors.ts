import { defineErrors } from '@ody/core';

const errors = defineErrors('queue-nats', {
  ODY_QUEUE_NATS_CONNECTION: { message: 'The connection to NATS failed or dropped; the client reconnects and workers resume.' },
  ODY_QUEUE_NATS_PUSH_TIMEOUT: { message: 'A push got no JetStream publish acknowledgement within pushTimeoutMs (server down or unreachable); the job may or may not be stored.' },
  ODY_QUEUE_NATS_SERVER: { message: 'The NATS server refused a JetStream request (no JetStream, limits, a stream with another configuration); the message has its reply.' },
});

/** Codes thrown or emitted by @ody/queue-nats, with what each one means (docs/errors.md is generated from this). */
export const errorCodes = errors.errorCodes;

/** A code thrown or emitted by @ody/queue-nats. */
export type QueueNatsErrorCode = keyof typeof errorCodes;

/** The one error base of @ody/queue-nats. */
export class QueueNatsError extends errors.Error {}
