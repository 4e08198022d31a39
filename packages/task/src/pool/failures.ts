import { errorCodes, type RemoteTaskError, TaskPoolError } from '../errors.js';
import type { SerializedError } from '../protocol.js';

/** Rebuild an error thrown inside a thread: same name, message, stack and code; `task` names the task. */
export function rebuildError(e: SerializedError, task: string): Error {
  if (e.name === 'TaskPoolError' && typeof e.code === 'string' && e.code in errorCodes) {
    return new TaskPoolError(e.code as keyof typeof errorCodes, e.message, {
      details: (e.details ?? { task }) as Record<string, unknown>,
    });
  }
  const error = new Error(e.message) as RemoteTaskError;
  error.name = e.name;
  error.stack = e.stack ?? `${e.name}: ${e.message}`;
  if (e.code !== undefined) error.code = e.code;
  if (e.details !== undefined) error.details = e.details;
  error.task = task;
  return error;
}

/** The pool is closing or closed. */
export function shutdownError(task: string, running: boolean): TaskPoolError {
  const message = running
    ? `Task '${task}' did not finish before the pool's shutdown timeout; its thread was terminated.`
    : `Task '${task}' was rejected: the task pool is shutting down.`;
  return new TaskPoolError('ODY_TASK_SHUTDOWN', message, { details: { task, running } });
}

/** A task ran past its timeout. */
export function timeoutError(task: string, timeoutMs: number): TaskPoolError {
  return new TaskPoolError(
    'ODY_TASK_TIMEOUT',
    `Task '${task}' did not finish within ${timeoutMs} ms; its thread was terminated and replaced.`,
    { details: { task, timeoutMs } },
  );
}

/** A task's signal fired. */
export function abortedError(task: string, reason: unknown): TaskPoolError {
  return new TaskPoolError('ODY_TASK_ABORTED', `Task '${task}' was aborted.`, { cause: reason, details: { task } });
}

/** The thread running a task died. */
export function crashError(task: string, threadId: number, exitCode: number, cause: Error | undefined): TaskPoolError {
  const why = cause === undefined ? '' : `: ${(cause as Error & { code?: string }).code ?? cause.name}: ${cause.message}`;
  return new TaskPoolError(
    'ODY_TASK_WORKER_CRASHED',
    `The thread running task '${task}' (thread ${threadId}) exited with code ${exitCode}${why}. The thread was replaced.`,
    { cause, details: { task, threadId, exitCode, reason: (cause as Error & { code?: string } | undefined)?.code } },
  );
}

/** Task modules failed to load in a new thread. */
export function startError(modules: readonly string[], cause: Error | undefined): TaskPoolError {
  return new TaskPoolError(
    'ODY_TASK_WORKER_START_FAILED',
    `A task thread failed to load its modules (${modules.join(', ')}): ${cause?.message ?? 'it exited before it was ready'}.`,
    { cause, details: { modules } },
  );
}
