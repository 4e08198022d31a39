import { defineErrors } from '@ody/core';

const errors = defineErrors('process', {
  ODY_PROCESS_INVALID_DEFINITION: { message: 'A process definition is invalid (no module or command, both, bad numbers).' },
  ODY_PROCESS_DUPLICATE: { message: 'Two process definitions share a name.' },
  ODY_PROCESS_UNKNOWN: { message: 'No process with that name (or instance) is defined.' },
  ODY_PROCESS_READY_TIMEOUT: { message: 'An instance did not report ready within readyTimeoutMs.' },
  ODY_PROCESS_REQUEST_TIMEOUT: { message: 'An IPC request got no response within its timeout.' },
  ODY_PROCESS_NOT_CONNECTED: { message: 'The IPC channel is not open (the process is not running or has no IPC).' },
  ODY_PROCESS_REQUEST_FAILED: { message: 'The other side of an IPC request threw; message and code are carried over.' },
  ODY_PROCESS_EXITED: { message: 'The process exited while a request or a start was waiting on it.' },
  ODY_PROCESS_ERRORED: { message: 'The process crashed more than maxRestarts times within the window; it is not restarted.' },
  ODY_PROCESS_NO_HANDLER: { message: 'A request arrived where no onRequest handler is registered for it (manager.onRequest for a child, ctx.onRequest in a child); the sender gets ODY_PROCESS_REQUEST_FAILED with details.remoteCode.' },
  ODY_PROCESS_MANAGER_CLOSED: { message: 'The process manager was stopped; no more work is accepted.' },
});

/** Codes thrown by @ody/process, with what each one means (docs/errors.md is generated from this). */
export const errorCodes = errors.errorCodes;

/** A code thrown by @ody/process. */
export type ProcessErrorCode = keyof typeof errorCodes;

/** Base of every error raised by @ody/process. */
export class ProcessError extends errors.Error {}
