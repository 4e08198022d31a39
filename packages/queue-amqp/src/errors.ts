import { OdyError, type OdyErrorOptions } from '@ody/core';

/** Codes thrown or emitted by @ody/queue-amqp, with what each one means (docs/errors.md is checked against this). */
export const errorCodes = {
  ODY_QUEUE_AMQP_OPTIONS_INVALID: 'AMQP driver options are out of range or of the wrong type.',
  ODY_QUEUE_AMQP_PUSH_FAILED: 'RabbitMQ did not confirm a push within pushTimeoutMs (connection down, or the broker nacked it); the job may or may not be stored.',
  ODY_QUEUE_AMQP_UNREACHABLE: 'RabbitMQ stayed unreachable for longer than pushTimeoutMs while the driver declared queues or reserved a jobId.',
  ODY_QUEUE_AMQP_UNROUTABLE: 'A push through the configured exchange matched no queue binding; nothing was stored.',
  ODY_QUEUE_AMQP_TOPOLOGY: 'RabbitMQ refused to declare a queue or exchange (usually an existing one with other arguments).',
  ODY_QUEUE_AMQP_CLOSED: 'The AMQP driver was used after close().',
} as const;

/** A code thrown or emitted by @ody/queue-amqp. */
export type QueueAmqpErrorCode = keyof typeof errorCodes;

/** The one error base of @ody/queue-amqp. */
export class QueueAmqpError extends OdyError {
  declare readonly code: QueueAmqpErrorCode;
  constructor(code: QueueAmqpErrorCode, message: string, options?: OdyErrorOptions) {
    super(code, message, options);
  }
}
