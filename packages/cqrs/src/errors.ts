import { OdyError, type OdyErrorOptions } from '@ody/core';

/** Codes thrown by @ody/cqrs, with what each one means (docs/errors.md is checked against this). */
export const errorCodes = {
  ODY_CQRS_NO_HANDLER: 'A command or query has no handler registered.',
  ODY_CQRS_DUPLICATE_HANDLER: 'A command or query has more than one handler; exactly one is allowed.',
  ODY_CQRS_INVALID_HANDLER: 'A handler is not a function or a class with execute()/handle().',
  ODY_CQRS_INVALID_MESSAGE: 'A value given to a bus is not a message (no class and no string `type`).',
  ODY_CQRS_VALIDATION: "A message failed its schema; the issues are listed in details.",
  ODY_CQRS_EVENT_HANDLERS_FAILED: 'One or more event handlers failed; every failure is listed in details.',
  ODY_CQRS_UNKNOWN_MESSAGE: 'No message type is registered under the given name.',
  ODY_CQRS_DUPLICATE_MESSAGE: 'Two different message types were registered under one name.',
  ODY_CQRS_NOT_ASYNC: 'dispatch() was called for a command that is not routed to a queue.',
  ODY_CQRS_NO_QUEUE: 'An async command or event handler needs a queue, but none is configured.',
  ODY_CQRS_COMMAND_NOT_FOUND: 'No status is recorded for the given command id (unknown or expired).',
  ODY_CQRS_WAIT_TIMEOUT: 'wait() gave up before the command finished.',
  ODY_CQRS_COMMAND_FAILED: 'An async command failed; the recorded error is in details and cause.',
  ODY_CQRS_STATUS_STORE: 'The command status store could not read or write a record.',
} as const;

/** A code thrown by @ody/cqrs. */
export type CqrsErrorCode = keyof typeof errorCodes;

/** Every error raised by @ody/cqrs. */
export class CqrsError extends OdyError {
  declare readonly code: CqrsErrorCode;
  constructor(code: CqrsErrorCode, message: string, options?: OdyErrorOptions) {
    super(code, message, options);
  }
}

