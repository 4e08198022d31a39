import { defineErrors } from '@ody/core';

const errors = defineErrors('cqrs', {
  ODY_CQRS_NO_HANDLER: { message: 'A command or query has no handler registered.' },
  ODY_CQRS_DUPLICATE_HANDLER: { message: 'A command or query has more than one handler; exactly one is allowed.' },
  ODY_CQRS_INVALID_HANDLER: { message: 'A handler is not a function or a class with execute()/handle().' },
  ODY_CQRS_INVALID_MESSAGE: { message: 'A value given to a bus is not a message (no class and no string `type`).' },
  ODY_CQRS_VALIDATION: { message: "A message failed its schema; the issues are listed in details." },
  ODY_CQRS_EVENT_HANDLERS_FAILED: { message: 'One or more event handlers failed; every failure is listed in details.' },
  ODY_CQRS_UNKNOWN_MESSAGE: { message: 'No message type is registered under the given name.' },
  ODY_CQRS_DUPLICATE_MESSAGE: { message: 'Two different message types were registered under one name.' },
  ODY_CQRS_NOT_ASYNC: { message: 'dispatch() was called for a command that is not routed to a queue.' },
  ODY_CQRS_NO_QUEUE: { message: 'An async command or event handler needs a queue, but none is configured.' },
  ODY_CQRS_COMMAND_NOT_FOUND: { message: 'No status is recorded for the given command id (unknown or expired).' },
  ODY_CQRS_WAIT_TIMEOUT: { message: 'wait() gave up before the command finished.' },
  ODY_CQRS_COMMAND_FAILED: { message: 'An async command failed; the recorded error is in details and cause.' },
  ODY_CQRS_STATUS_STORE: { message: 'The command status store could not read or write a record.' },
});

/** Codes thrown by @ody/cqrs, with what each one means (docs/errors.md is generated from this). */
export const errorCodes = errors.errorCodes;

/** A code thrown by @ody/cqrs. */
export type CqrsErrorCode = keyof typeof errorCodes;

/** Every error raised by @ody/cqrs. */
export class CqrsError extends errors.Error {}

