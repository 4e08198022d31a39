import { OdyError, type OdyErrorOptions } from '@ody/core';

/** Codes thrown by @ody/process, with what each one means (docs/errors.md is checked against this). */
export const errorCodes = {
  ODY_PROCESS_INVALID_DEFINITION: 'A process definition is invalid (no module or command, both, bad numbers).',
  ODY_PROCESS_DUPLICATE: 'Two process definitions share a name.',
  ODY_PROCESS_UNKNOWN: 'No process with that name (or instance) is defined.',
  ODY_PROCESS_READY_TIMEOUT: 'An instance did not report ready within readyTimeoutMs.',
  ODY_PROCESS_REQUEST_TIMEOUT: 'An IPC request got no response within its timeout.',
  ODY_PROCESS_NOT_CONNECTED: 'The IPC channel is not open (the process is not running or has no IPC).',
  ODY_PROCESS_REQUEST_FAILED: 'The other side of an IPC request threw; message and code are carried over.',
  ODY_PROCESS_EXITED: 'The process exited while a request or a start was waiting on it.',
  ODY_PROCESS_ERRORED: 'The process crashed more than maxRestarts times within the window; it is not restarted.',
  ODY_PROCESS_NO_HANDLER: 'A child sent ctx.request() but the manager has no onRequest handler for its process.',
  ODY_PROCESS_MANAGER_CLOSED: 'The process manager was stopped; no more work is accepted.',
} as const;

/** A code thrown by @ody/process. */
export type ProcessErrorCode = keyof typeof errorCodes;

/** Base of every error raised by @ody/process. */
export class ProcessError extends OdyError {
  declare readonly code: ProcessErrorCode;
  constructor(code: ProcessErrorCode, message: string, options?: OdyErrorOptions) {
    super(code, message, options);
  }
}
