import { defineErrors } from '@ody/core';

const errors = defineErrors('queue-amqp', {
  ODY_QUEUE_AMQP_PUSH_FAILED: { message: 'RabbitMQ did not confirm a push within pushTimeoutMs (connection down, or the broker nacked it); the job may or may not be stored.' },
  ODY_QUEUE_AMQP_UNREACHABLE: { message: 'RabbitMQ stayed unreachable for longer than pushTimeoutMs while the driver declared queues or reserved a jobId.' },
  ODY_QUEUE_AMQP_UNROUTABLE: { message: 'A push through the configured exchange matched no queue binding; nothing was stored.' },
  ODY_QUEUE_AMQP_TOPOLOGY: { message: 'RabbitMQ refused to declare a queue or exchange (usually an existing one with other arguments).' },
});

/** Codes thrown or emitted by @ody/queue-amqp, with what each one means (docs/errors.md is generated from this). */
export const errorCodes = errors.errorCodes;

/** A code thrown or emitted by @ody/queue-amqp. */
export type QueueAmqpErrorCode = keyof typeof errorCodes;

/** The one error base of @ody/queue-amqp. */
export class QueueAmqpError extends errors.Error {}
