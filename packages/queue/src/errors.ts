import { defineErrors, OdyError, type OdyErrorOptions } from '@ody/core';

const errors = defineErrors('queue', {
  ODY_QUEUE_PAYLOAD_TOO_LARGE: { message: 'An encoded payload is larger than the queue allows (maxPayloadBytes).' },
  ODY_QUEUE_PAYLOAD_INVALID: { message: 'A payload could not be encoded by the codec (e.g. a circular object or a BigInt).' },
  ODY_QUEUE_PAYLOAD_UNDECODABLE: { message: 'A stored payload could not be decoded; the job went to the failed store.' },
  ODY_QUEUE_OPTIONS_INVALID: { message: 'Push, worker or driver options are out of range or of the wrong type.' },
  ODY_QUEUE_UNRECOVERABLE: { message: 'A handler threw UnrecoverableError; the job failed without retrying.' },
  ODY_QUEUE_JOB_TIMEOUT: { message: 'A job ran past its timeout; its signal was aborted and the attempt counted as failed.' },
  ODY_QUEUE_JOB_STALLED: { message: 'A job lost its lease more times than maxStalls (its workers kept dying).' },
  ODY_QUEUE_LEASE_LOST: { message: 'A worker lost the lease of a running job; another worker may run it again.' },
  ODY_QUEUE_JOB_CORRUPT: { message: 'A stored job record is truncated or corrupt; it went to the failed store.' },
  ODY_QUEUE_DRIVER_UNKNOWN: { message: 'The configured queue driver name is not registered.' },
  ODY_QUEUE_DRIVER_INVALID: { message: 'A driver factory returned something that is not a queue driver.' },
  ODY_QUEUE_CLOSED: { message: 'The queue, worker or driver was used after it was closed.' },
  ODY_QUEUE_IO: { message: 'The filesystem driver could not read or write its directory.' },
  ODY_QUEUE_DISK_FULL: { message: "The filesystem driver's disk is full (ENOSPC/EDQUOT); the push or ack was refused and nothing of it is visible." },
  ODY_QUEUE_HTTP_UNAUTHORIZED: { message: 'A queue-server request had no bearer token or a wrong one.' },
  ODY_QUEUE_HTTP_BAD_REQUEST: { message: 'A queue-server request body is malformed or over the limits.' },
  ODY_QUEUE_FORWARD_FAILED: { message: 'The forwarder could not deliver a message to the queue server (it will retry).' },
});

/** Codes thrown or recorded by @ody/queue, with what each one means (docs/errors.md is generated from this). */
export const errorCodes = errors.errorCodes;

/** A code thrown or recorded by @ody/queue. */
export type QueueErrorCode = keyof typeof errorCodes;

/** The one error base of @ody/queue. */
export class QueueError extends errors.Error {}

/**
 * Throw from a handler to fail the job at once, without retries.
 * @example
 * if (!user) throw new UnrecoverableError(`user ${id} does not exist`);
 */
export class UnrecoverableError extends QueueError {
  constructor(message: string, options?: OdyErrorOptions) {
    super('ODY_QUEUE_UNRECOVERABLE', message, options);
  }
}

/** True when `err` asks for no retries (UnrecoverableError from any copy of the package). */
export function isUnrecoverable(err: unknown): boolean {
  return OdyError.is(err, 'ODY_QUEUE_UNRECOVERABLE');
}
