import { defineErrors } from '@ody/core';

const errors = defineErrors('task', {
  ODY_TASK_QUEUE_FULL: { message: 'The pool queue holds maxQueue tasks already; the task was not accepted.' },
  ODY_TASK_TIMEOUT: { message: 'A task ran longer than its timeoutMs; its thread was terminated and replaced.' },
  ODY_TASK_ABORTED: { message: "A task's AbortSignal fired; it was removed from the queue or its thread was replaced." },
  ODY_TASK_WORKER_CRASHED: { message: 'The thread running a task exited (process.exit, out of memory, uncaught error).' },
  ODY_TASK_WORKER_START_FAILED: { message: 'A worker thread failed to load the task modules.' },
  ODY_TASK_NOT_FOUND: { message: 'No loaded task module exports a task with that name.' },
  ODY_TASK_SHUTDOWN: { message: 'The pool is closing or closed; the task was rejected or did not finish in time.' },
  ODY_TASK_RESULT_NOT_CLONEABLE: { message: 'A task returned a value that cannot be sent between threads.' },
  ODY_TASK_INVALID_OPTIONS: { message: 'Pool or run options are invalid (bad thread counts, negative timeout).' },
  ODY_TASK_INVALID_MODULE: { message: 'A task module does not export tasks, or two modules export the same task name.' },
});

/** Codes thrown by @ody/task, with what each one means (docs/errors.md is generated from this). */
export const errorCodes = errors.errorCodes;

/** A code thrown by @ody/task. */
export type TaskErrorCode = keyof typeof errorCodes;

/** Base of every error raised by the task pool itself (errors thrown by your tasks keep their own class). */
export class TaskPoolError extends errors.Error {}

/** The bounded queue is full: `details.queueSize` and `details.maxQueue` say how full. */
export class TaskQueueFullError extends TaskPoolError {
  constructor(name: string, queueSize: number, maxQueue: number) {
    super(
      'ODY_TASK_QUEUE_FULL',
      `Task '${name}' was rejected: the queue already holds ${queueSize} tasks (maxQueue ${maxQueue}). Slow down producers or raise maxQueue/maxThreads.`,
      { details: { task: name, queueSize, maxQueue } },
    );
  }
}

/** Error thrown by a task inside a worker, rebuilt on the main thread with its name, message, stack and code. */
export interface RemoteTaskError extends Error {
  code?: unknown;
  details?: unknown;
  /** Name of the task that threw. */
  task: string;
}
