import { OdyError, type OdyErrorOptions } from '@ody/core';

/** Codes thrown or emitted by @ody/queue-nats, with what each one means (docs/errors.md is checked against this). */
export const errorCodes = {
  ODY_QUEUE_NATS_OPTIONS_INVALID: 'NATS driver options are out of range or of the wrong type.',
  ODY_QUEUE_NATS_CONNECTION: 'The connection to NATS failed or dropped; the client reconnects and workers resume.',
  ODY_QUEUE_NATS_PUSH_TIMEOUT: 'A push got no JetStream publish acknowledgement within pushTimeoutMs (server down or unreachable); the job may or may not be stored.',
  ODY_QUEUE_NATS_SERVER: 'The NATS server refused a JetStream request (no JetStream, limits, a stream with another configuration); the message has its reply.',
  ODY_QUEUE_NATS_CLOSED: 'The NATS driver was used after close().',
} as const;

/** A code thrown or emitted by @ody/queue-nats. */
export type QueueNatsErrorCode = keyof typeof errorCodes;

/** The one error base of @ody/queue-nats. */
export class QueueNatsError extends OdyError {
  declare readonly code: QueueNatsErrorCode;
  constructor(code: QueueNatsErrorCode, message: string, options?: OdyErrorOptions) {
    super(code, message, options);
  }
}
